package org.virtreplay.ingest.importer.lackey;

import java.util.Arrays;

/** A set of non-negative longs (page or region numbers) in one open-addressing array: no boxing. */
final class PageSet {
    private long[] keys = new long[1 << 10];
    private int size;

    PageSet() {
        Arrays.fill(keys, -1L);
    }

    /** Adds {@code k} (at least 0); true if it was not in the set. */
    boolean add(long k) {
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

    int size() {
        return size;
    }
}
