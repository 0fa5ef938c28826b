package org.virtreplay.ingest.trace;

/**
 * A block of {@code mem} rows as primitive arrays (struct of arrays), filled by a
 * {@link MemBatchSource} and reused: the replay reads rows {@code 0..n-1}, then hands the batch back.
 * Access codes are {@link MemCursor}'s ({@code READ}, {@code WRITE}, {@code FETCH}, {@code READ_WRITE}).
 */
public final class MemBatch {
    public final long[] ts;
    public final long[] va;
    public final int[] vm;
    public final int[] vcpu;
    public final int[] el;
    public final int[] access;
    public final int[] size;
    /**
     * The line (CSV) or 1-based row (Parquet) of each row in the table's file, so that a problem the
     * model finds with a row names it ({@link Trace#where}).
     */
    public final long[] pos;
    /** Rows filled. */
    public int n;
    /**
     * A word per row for the consumer's own use, which no decoder writes: the replay packs into it,
     * on its reader thread, what its per-access loop needs of each row (the engine's
     * {@code MemRowPacker}).
     */
    public final int[] meta;
    /** What packed {@link #meta} for the rows now in the batch, or null; whoever refills the batch resets it. */
    public Object packedBy;

    public MemBatch(int capacity) {
        ts = new long[capacity];
        va = new long[capacity];
        vm = new int[capacity];
        vcpu = new int[capacity];
        el = new int[capacity];
        access = new int[capacity];
        size = new int[capacity];
        pos = new long[capacity];
        meta = new int[capacity];
    }

    public int capacity() {
        return ts.length;
    }
}
