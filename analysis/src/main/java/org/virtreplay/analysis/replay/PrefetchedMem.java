package org.virtreplay.analysis.replay;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.virtreplay.engine.replay.MemRowPacker;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;

/**
 * The {@code mem} table read ahead by a second thread: the reader decodes and validates rows into
 * primitive batches while the replay consumes the previous batch, so that decoding (Parquet or CSV)
 * and the model run on two cores. The same small set of batches is recycled between the two threads,
 * so nothing is allocated per row, and memory stays bounded whatever the trace's length.
 *
 * <p>Problems the reader meets (a bad row, an unreadable file) are rethrown by {@link #next()} in the
 * consuming thread, after the rows before them.
 *
 * <p>Without read-ahead the same batches are filled by the consuming thread itself, when it has used
 * up the previous one: one replay then keeps exactly one core busy, which is what a sweep running one
 * replay per core wants (a second thread per replay would only compete with the other points).
 */
final class PrefetchedMem implements AutoCloseable {
    static final int BATCH = 1 << 14;
    private static final int BATCHES = 4;

    /**
     * Rows of the one batch a replay without read-ahead refills in place: small enough that the
     * batch and the decoder's per-column values (some 90 bytes a row in all) stay in a core's
     * private cache while the model reads them.
     */
    static final int INLINE_BATCH = 1 << 12;

    private static final class Batch {
        final MemBatch rows;

        Batch(int rows) {
            this.rows = new MemBatch(rows);
        }

        Batch(MemBatch rows) {
            this.rows = rows;
        }
        /** Set on the last batch: the end of the table, or the failure that ended it. */
        boolean last;
        RuntimeException failure;
    }

    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(BATCHES);
    /** The reader thread, or null when the consumer reads for itself. */
    private final Thread reader;
    /** The source, when the consumer reads for itself. */
    private final MemBatchSource source;
    private boolean sourceDone;
    private volatile boolean closed;
    /** Packs each batch after its decoding, or null. */
    private final MemRowPacker packer;

    private Batch cur;
    private int i = -1;
    /** {@link #next()} has thrown the reader's problem (bad rows), as opposed to the model's. */
    private boolean readerFailed;
    /** The sweep's shared stream this replay reads, or null. */
    private final SharedMem.Cursor shared;
    private boolean sharedDone;

    /** With {@code readAhead} false, no thread is started and {@link #next()} decodes batches itself. */
    PrefetchedMem(MemBatchSource mem, boolean readAhead) {
        this(mem, readAhead, null);
    }

    /**
     * As above; with a {@code packer}, each batch's rows are also packed for the model's flat loop
     * right after they are decoded (on the reader thread when there is one), and the batch says so
     * ({@link MemBatch#packedBy}).
     */
    PrefetchedMem(MemBatchSource mem, boolean readAhead, MemRowPacker packer) {
        shared = null;
        this.packer = packer;
        if (!readAhead) {
            reader = null;
            source = mem;
            cur = new Batch(INLINE_BATCH); // empty: the first next() fills it
            return;
        }
        source = null;
        for (int k = 0; k < BATCHES; k++) {
            empty.add(new Batch(BATCH));
        }
        reader = new Thread(() -> read(mem), "virtreplay-mem-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Reads the batches of a stream decoded once for several replays ({@link SharedMem}); no
     * thread of its own, and the batches are the stream's, not copies.
     */
    PrefetchedMem(SharedMem.Cursor shared) {
        this.shared = shared;
        packer = null;
        reader = null;
        source = null;
        sourceDone = true;
    }

    /** {@link #next()} over the shared stream. */
    private boolean nextShared() {
        while (true) {
            if (cur != null && i + 1 < cur.rows.n) {
                i++;
                return true;
            }
            if (sharedDone) {
                return false;
            }
            // Per batch, not per row: the holder allocated here is 2 fields.
            cur = new Batch(shared.take());
            i = -1;
            if (shared.isLast()) {
                sharedDone = true;
                RuntimeException f = shared.failure();
                if (f != null) {
                    readerFailed = true;
                    throw f;
                }
            }
        }
    }

    /** {@link #next()} without a reader thread: refills the one batch in place. */
    private boolean nextInline() {
        while (true) {
            if (i + 1 < cur.rows.n) {
                i++;
                return true;
            }
            if (sourceDone) {
                return false;
            }
            cur.rows.n = 0;
            i = -1;
            boolean more;
            try {
                more = MemRun.refill(source, packer, cur.rows);
            } catch (RuntimeException e) {
                sourceDone = true;
                readerFailed = true;
                source.close();
                throw e;
            }
            if (!more) {
                sourceDone = true;
                source.close();
            }
        }
    }

    private void read(MemBatchSource mem) {
        try {
            boolean more = true;
            while (more && !closed) {
                Batch b = empty.take();
                try {
                    more = MemRun.refill(mem, packer, b.rows);
                } catch (RuntimeException e) {
                    b.failure = e;
                    b.rows.n = 0;
                    more = false;
                }
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
        if (shared != null) {
            return nextShared();
        }
        if (reader == null) {
            return nextInline();
        }
        while (true) {
            if (cur != null && i + 1 < cur.rows.n) {
                i++;
                return true;
            }
            if (cur != null) {
                if (cur.last) {
                    if (cur.failure != null) {
                        readerFailed = true;
                        throw cur.failure;
                    }
                    return false;
                }
                cur.rows.n = 0;
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
        return cur.rows.ts[i];
    }

    /** The batch holding the current row (rows {@code 0 .. n - 1}); valid until {@link #next()} leaves it. */
    MemBatch batch() {
        return cur.rows;
    }

    /** The current row's index in {@link #batch()}. */
    int row() {
        return i;
    }

    /**
     * Makes row {@code row} of the current batch the current row (a consumer that read rows in bulk
     * from {@link #batch()} says how far it got); {@code 0 <= row < batch().n}.
     */
    void seek(int row) {
        i = row;
    }

    long va() {
        return cur.rows.va[i];
    }

    int vm() {
        return cur.rows.vm[i];
    }

    int vcpu() {
        return cur.rows.vcpu[i];
    }

    int el() {
        return cur.rows.el[i];
    }

    int access() {
        return cur.rows.access[i];
    }

    int size() {
        return cur.rows.size[i];
    }

    /** Whether {@link #next()} threw the table's own problems (then they name their rows themselves). */
    boolean readerFailed() {
        return readerFailed;
    }

    /** The current row's line (CSV) or row (Parquet) in its file. */
    long pos() {
        return cur.rows.pos[i];
    }

    @Override
    public void close() {
        closed = true;
        if (shared != null) {
            shared.close();
            return;
        }
        if (reader == null) {
            if (!sourceDone) {
                sourceDone = true;
                source.close();
            }
            return;
        }
        reader.interrupt();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
