package org.virtreplay.ingest.importer.kvm;

import java.util.Arrays;

/** Counts per long key in an open-addressing table: counting allocates nothing once a key is known. */
final class LongCounts {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys = new long[64];
    private long[] counts = new long[64];
    private int size;

    LongCounts() {
        Arrays.fill(keys, EMPTY);
    }

    void add(long key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != EMPTY) {
            if (keys[i] == key) {
                counts[i]++;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        counts[i] = 1;
        if (++size * 2 > keys.length) {
            rehash();
        }
    }

    private void rehash() {
        long[] ok = keys;
        long[] oc = counts;
        keys = new long[ok.length * 2];
        counts = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = mix(ok[j]) & mask;
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = ok[j];
                counts[i] = oc[j];
            }
        }
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Number of slots to iterate with {@link #key} and {@link #count} (empty slots count 0). */
    int size() {
        return keys.length;
    }

    long key(int slot) {
        return keys[slot];
    }

    long count(int slot) {
        return keys[slot] == EMPTY ? 0 : counts[slot];
    }
}
