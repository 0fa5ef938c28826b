package org.virtreplay.analysis.replay;

import org.virtreplay.engine.replay.MemRowPacker;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;

/**
 * One trace's {@code mem} table decoded once for several replays that run at the same time (the
 * points of a sweep): a decoder thread fills a small ring of batches, and every replay reads every
 * batch in order through its own {@link Cursor}. A slot is refilled only when all the replays still
 * attached are done with it, so memory is bounded ({@link #SLOTS} batches) whatever the trace's
 * length, and the slowest replay sets the pace.
 *
 * <p>A batch is never written while a replay can read it, and the monitor that publishes and
 * releases it orders the decoder's writes before the readers' reads. A replay that stops early
 * (its own failure) detaches, so that the others do not wait for it. A problem the decoder meets
 * (a bad row) ends the stream: every replay gets it after the rows before it, as it would reading
 * the table itself.
 */
public final class SharedMem implements AutoCloseable {
    /** Batches in flight: enough that replays a few batches apart do not stall one another. */
    static final int SLOTS = 8;

    private final MemBatch[] rows = new MemBatch[SLOTS];
    private final boolean[] last = new boolean[SLOTS];
    private final RuntimeException[] failure = new RuntimeException[SLOTS];
    /** Attached replays that have not yet released the batch in each slot. */
    private final int[] holders = new int[SLOTS];
    /** Batches published so far (sequence numbers 0 … published-1). */
    private long published;
    private int attached;
    private final Thread decoder;
    /** Packs each batch after its decoding, or null. */
    private final MemRowPacker packer;

    /**
     * Starts decoding {@code source} for {@code consumers} replays; each must take one
     * {@link #cursor()} and close it when done (or never started).
     */
    public SharedMem(MemBatchSource source, int consumers) {
        this(source, consumers, null);
    }

    /**
     * As above; with a {@code packer}, the decoder thread also packs each batch's rows for the
     * models' flat loop, once for all of them ({@link MemBatch#packedBy}); a model whose layout
     * differs packs them again itself.
     */
    public SharedMem(MemBatchSource source, int consumers, MemRowPacker packer) {
        this.packer = packer;
        if (consumers <= 0) {
            throw new IllegalArgumentException("no consumers");
        }
        for (int k = 0; k < SLOTS; k++) {
            rows[k] = new MemBatch(PrefetchedMem.BATCH);
        }
        attached = consumers;
        decoder = new Thread(() -> decode(source), "virtreplay-shared-mem-reader");
        decoder.setDaemon(true);
        decoder.start();
    }

    private void decode(MemBatchSource source) {
        try {
            boolean more = true;
            for (long seq = 0; more; seq++) {
                int slot = (int) (seq % SLOTS);
                synchronized (this) {
                    // the batch seq - SLOTS must be released by every replay still attached
                    while (attached > 0 && seq >= SLOTS && holders[slot] > 0) {
                        wait();
                    }
                    if (attached == 0) {
                        return;
                    }
                }
                MemBatch b = rows[slot];
                RuntimeException fail = null;
                try {
                    b.n = 0;
                    more = MemRun.refill(source, packer, b);
                } catch (RuntimeException e) {
                    fail = e;
                    b.n = 0;
                    more = false;
                }
                synchronized (this) {
                    last[slot] = !more;
                    failure[slot] = fail;
                    holders[slot] = attached;
                    published = seq + 1;
                    notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            source.close();
        }
    }

    /** A reader of the whole stream, from its first batch. */
    public Cursor cursor() {
        return new Cursor();
    }

    /** One replay's position in the stream. */
    public final class Cursor implements AutoCloseable {
        /** The next batch to take; batches before it are released. */
        private long seq;
        private boolean holding;
        private boolean closed;

        private Cursor() {
        }

        /** Releases the batch taken last (if any) and waits for the next one. */
        MemBatch take() {
            synchronized (SharedMem.this) {
                releaseHeld();
                while (published <= seq) {
                    try {
                        SharedMem.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while reading the mem table", e);
                    }
                }
                holding = true;
                return rows[(int) (seq % SLOTS)];
            }
        }

        /** Whether the batch taken last ends the stream. */
        boolean isLast() {
            synchronized (SharedMem.this) {
                return last[(int) (seq % SLOTS)];
            }
        }

        /** The problem that ended the stream at the batch taken last, or null. */
        RuntimeException failure() {
            synchronized (SharedMem.this) {
                return failure[(int) (seq % SLOTS)];
            }
        }

        private void releaseHeld() {
            if (holding) {
                holders[(int) (seq % SLOTS)]--;
                seq++;
                holding = false;
                SharedMem.this.notifyAll();
            }
        }

        /** Detaches: releases every batch this replay holds or has not read yet. */
        @Override
        public void close() {
            synchronized (SharedMem.this) {
                if (closed) {
                    return;
                }
                closed = true;
                releaseHeld();
                for (long s = seq; s < published; s++) {
                    holders[(int) (s % SLOTS)]--;
                }
                seq = Long.MAX_VALUE;
                attached--;
                SharedMem.this.notifyAll();
            }
        }
    }

    /** Waits for the decoder to stop (it stops once every cursor is closed or the stream ended). */
    @Override
    public void close() {
        try {
            decoder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
