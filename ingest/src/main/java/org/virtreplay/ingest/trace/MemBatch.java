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
    /** Rows filled. */
    public int n;

    public MemBatch(int capacity) {
        ts = new long[capacity];
        va = new long[capacity];
        vm = new int[capacity];
        vcpu = new int[capacity];
        el = new int[capacity];
        access = new int[capacity];
        size = new int[capacity];
    }

    public int capacity() {
        return ts.length;
    }
}
