package org.virtreplay.analysis.replay;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;
import org.virtreplay.ingest.trace.Trace;

/**
 * The CPU time one decoding of a trace's {@code mem} table takes, kept apart from the model's, so
 * that a sweep that decodes once can be compared with a single replay (issue 18: a sweep of N
 * points costs one decode plus N models). It wraps the table's batch source and times the opening,
 * every {@code fill} and the closing by the CPU clock of the thread that runs them (user + system,
 * {@link ThreadMXBean}), whichever thread that is: the replay's own (decoding in line), a single
 * replay's read-ahead thread, or a sweep's shared decoder. Two clock reads per batch of thousands
 * of rows: nothing per row.
 *
 * <p>Where the decoding had a thread of its own (it is closed on a thread other than the one that
 * made this clock), that thread's whole CPU time is kept too: the decoding plus the hand-over of
 * batches and the waiting, which is what the thread costs the machine.
 *
 * <p>Timings only: nothing measured here reaches a table (they go to {@code timing.json}).
 */
public final class DecodeCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** Whether this JVM measures a thread's CPU time; without it every figure is -1 (unknown). */
    public static final boolean SUPPORTED = supported();

    private static boolean supported() {
        try {
            return MX.isCurrentThreadCpuTimeSupported() && MX.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** The calling thread's CPU time so far (ns), or 0 where it cannot be measured. */
    public static long threadCpuNs() {
        return SUPPORTED ? MX.getCurrentThreadCpuTime() : 0;
    }

    private final Thread owner;
    // Each field has one writer: the owner's thread, or the one thread that decodes for it.
    private volatile long ownerNs;
    private volatile long otherNs;
    private volatile long decoderThreadNs = -1;
    private volatile long rows;

    /** A clock owned by the calling thread (the replay's, or the sweep's that starts a shared decoder). */
    public DecodeCpu() {
        owner = Thread.currentThread();
    }

    /** {@code trace}'s {@code mem} table as a batch source whose decoding this clock times. */
    public MemBatchSource open(Trace trace) {
        long c0 = threadCpuNs();
        MemBatchSource s = trace.memBatches();
        add(threadCpuNs() - c0);
        return new Timed(s);
    }

    private void add(long ns) {
        if (Thread.currentThread() == owner) {
            ownerNs += ns;
        } else {
            otherNs += ns;
        }
    }

    /** CPU time of the decoding on every thread (ns), or -1 where the JVM cannot measure it. */
    public long totalNs() {
        return SUPPORTED ? ownerNs + otherNs : -1;
    }

    /** Of {@link #totalNs()}, what ran on the owner's thread (to take out of that thread's own figure). */
    public long onOwnerNs() {
        return SUPPORTED ? ownerNs : -1;
    }

    /**
     * The whole CPU time of the thread that decoded, when the decoding had a thread of its own
     * (read ahead, or shared by a sweep's points); -1 when it ran on the owner's thread or was not
     * measured.
     */
    public long decoderThreadNs() {
        return SUPPORTED ? decoderThreadNs : -1;
    }

    /** Rows decoded so far (the rows of the batches filled). */
    public long rows() {
        return rows;
    }

    private final class Timed implements MemBatchSource {
        private final MemBatchSource in;

        Timed(MemBatchSource in) {
            this.in = in;
        }

        @Override
        public boolean fill(MemBatch b) {
            long c0 = threadCpuNs();
            try {
                return in.fill(b);
            } finally {
                add(threadCpuNs() - c0);
                rows += b.n;
            }
        }

        @Override
        public void close() {
            long c0 = threadCpuNs();
            try {
                in.close();
            } finally {
                long now = threadCpuNs();
                add(now - c0);
                if (Thread.currentThread() != owner) {
                    // The decoder's thread closes the source as its last act: its whole life so far.
                    decoderThreadNs = now;
                }
            }
        }
    }
}
