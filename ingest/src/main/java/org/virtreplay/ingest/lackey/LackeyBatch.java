package org.virtreplay.ingest.lackey;

/**
 * A reusable batch of parsed lackey records in primitive arrays: {@code kind[i]} is one of
 * {@link LackeyParser#LOAD}, {@link LackeyParser#STORE}, {@link LackeyParser#MODIFY},
 * {@link LackeyParser#FETCH}; {@code addr[i]} the address; {@code size[i]} the size in bytes.
 */
public final class LackeyBatch {
    public final byte[] kind;
    public final long[] addr;
    public final int[] size;
    public int count;
    /** True for the marker batch that ends a stream. */
    boolean last;

    public LackeyBatch(int capacity) {
        kind = new byte[capacity];
        addr = new long[capacity];
        size = new int[capacity];
    }

    public int capacity() {
        return kind.length;
    }
}
