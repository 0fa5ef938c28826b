package org.virtreplay.engine.stats;

import java.util.Arrays;

/**
 * A set of non-negative longs (page, unit or region numbers) in one open-addressing array, so that
 * the per-access path can ask "seen before?" without boxing. -1 marks a free slot, which is why
 * keys must be at least 0.
 */
public final class LongSet {
    private long[] keys;
    private int size;

    /** An empty set with room for {@code capacity} slots (a power of two) before it first grows. */
    public LongSet(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, at least 2: " + capacity);
        }
        keys = new long[capacity];
        Arrays.fill(keys, -1L);
    }

    /** Adds {@code k} (at least 0); true if it was not in the set. */
    public boolean add(long k) {
        int mask = keys.length - 1;
        int i = (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (keys[i] != -1L) {
            if (keys[i] == k) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        if (++size * 2 > keys.length) {
            long[] old = keys;
            keys = new long[old.length * 2];
            Arrays.fill(keys, -1L);
            size = 0;
            for (long o : old) {
                if (o != -1L) {
                    add(o);
                }
            }
        }
        return true;
    }

    /** How many distinct keys were added. */
    public int size() {
        return size;
    }
}
