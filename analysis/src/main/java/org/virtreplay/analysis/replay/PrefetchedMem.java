package org.virtreplay.analysis.replay;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.virtreplay.ingest.trace.MemCursor;

/**
 * The {@code mem} table read ahead by a second thread: the reader decodes and validates rows into
 * primitive batches while the replay consumes the previous batch, so that decoding (Parquet or CSV)
 * and the model run on two cores. The same small set of batches is recycled between the two threads,
 * so nothing is allocated per row, and memory stays bounded whatever the trace's length.
 *
 * <p>Problems the reader meets (a bad row, an unreadable file) are rethrown by {@link #next()} in the
 * consuming thread, after the rows before them.
 */
final class PrefetchedMem implements AutoCloseable {
    static final int BATCH = 1 << 14;
    private static final int BATCHES = 4;

    private static final class Batch {
        final long[] ts = new long[BATCH];
        final long[] va = new long[BATCH];
        final int[] vm = new int[BATCH];
        final int[] vcpu = new int[BATCH];
        final int[] el = new int[BATCH];
        final int[] access = new int[BATCH];
        final int[] size = new int[BATCH];
        int n;
        /** Set on the last batch: the end of the table, or the failure that ended it. */
        boolean last;
        RuntimeException failure;
    }

    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(BATCHES);
    private final Thread reader;
    private volatile boolean closed;

    private Batch cur;
    private int i = -1;

    PrefetchedMem(MemCursor mem) {
        for (int k = 0; k < BATCHES; k++) {
            empty.add(new Batch());
        }
        reader = new Thread(() -> read(mem), "virtreplay-mem-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(MemCursor mem) {
        try {
            boolean more = true;
            while (more && !closed) {
                Batch b = empty.take();
                int n = 0;
                try {
                    while (n < BATCH && (more = mem.next())) {
                        b.ts[n] = mem.ts();
                        b.va[n] = mem.va();
                        b.vm[n] = mem.vm();
                        b.vcpu[n] = mem.vcpu();
                        b.el[n] = mem.el();
                        b.access[n] = mem.access();
                        b.size[n] = mem.size();
                        n++;
                    }
                } catch (RuntimeException e) {
                    b.failure = e;
                    more = false;
                }
                b.n = n;
                b.last = !more;
                full.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            mem.close();
        }
    }

    /** Moves to the next row; false at the end. */
    boolean next() {
        while (true) {
            if (cur != null && i + 1 < cur.n) {
                i++;
                return true;
            }
            if (cur != null) {
                if (cur.last) {
                    if (cur.failure != null) {
                        throw cur.failure;
                    }
                    return false;
                }
                cur.n = 0;
                empty.add(cur);
            }
            try {
                cur = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the mem table", e);
            }
            i = -1;
        }
    }

    long ts() {
        return cur.ts[i];
    }

    long va() {
        return cur.va[i];
    }

    int vm() {
        return cur.vm[i];
    }

    int vcpu() {
        return cur.vcpu[i];
    }

    int el() {
        return cur.el[i];
    }

    int access() {
        return cur.access[i];
    }

    int size() {
        return cur.size[i];
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
