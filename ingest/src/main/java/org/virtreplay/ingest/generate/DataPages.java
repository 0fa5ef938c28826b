package org.virtreplay.ingest.generate;

import java.util.Arrays;

/**
 * Where each guest data page sits in guest RAM (its IPA) while remaps move pages around, in memory
 * that does not grow with the footprint. A page's home IPA is arithmetic ({@link Scenario#homeDataIpa});
 * only pages a remap has moved are stored, in one open-addressing table for all VMs, plus the
 * {@value Scenario#SPARE_PAGES} spare slots of each VM.
 *
 * <p>The table holds at most {@link #MOVED_MAX} pages. A remap of a page not yet moved once the table
 * is full is dropped ({@link #canMove} is false): that needs over half a million remaps (two million
 * rows of remap events) in one trace, and keeps a longer trace from needing a bigger heap.
 */
final class DataPages {
    /** At most this many distinct moved pages are remembered (16 MiB of table at most). */
    static final int MOVED_MAX = 1 << 19;
    private static final long EMPTY = -1L;

    private final Scenario sc;
    private final long[][] spare;
    private long[] keys = new long[16];
    private long[] vals = new long[16];
    private int size;

    DataPages(Scenario sc) {
        this.sc = sc;
        Arrays.fill(keys, EMPTY);
        spare = new long[sc.nVm][Scenario.SPARE_PAGES];
        for (int vm = 0; vm < sc.nVm; vm++) {
            for (int s = 0; s < Scenario.SPARE_PAGES; s++) {
                spare[vm][s] = sc.spareIpa0[vm] + s * Scenario.PAGE;
            }
        }
    }

    /** Pages moved so far (bounded by {@link #MOVED_MAX}). */
    int moved() {
        return size;
    }

    /** Current IPA of data page {@code i} of process {@code p} of VM {@code vm}. */
    long ipa(int vm, int p, int i) {
        if (size > 0) {
            int at = find(key(vm, p, i));
            if (keys[at] != EMPTY) {
                return vals[at];
            }
        }
        return sc.homeDataIpa(vm, p, i);
    }

    /** Whether a remap may move this page without the table growing past {@link #MOVED_MAX}. */
    boolean canMove(int vm, int p, int i) {
        return size < MOVED_MAX || keys[find(key(vm, p, i))] != EMPTY;
    }

    /**
     * The page moves to the IPA held by spare slot {@code s}, and the slot takes the page's old IPA.
     * Returns the page's new IPA. Call only when {@link #canMove} is true.
     */
    long swapWithSpare(int vm, int p, int i, int s) {
        long old = ipa(vm, p, i);
        long fresh = spare[vm][s];
        spare[vm][s] = old;
        long k = key(vm, p, i);
        int at = find(k);
        if (keys[at] == EMPTY) {
            keys[at] = k;
            size++;
        }
        vals[at] = fresh;
        if (size * 2 > keys.length) {
            grow();
        }
        return fresh;
    }

    // vm < 256, p < 512, i < 2^30: 47 bits, never EMPTY.
    private static long key(int vm, int p, int i) {
        return ((long) vm << 39) | ((long) p << 30) | i;
    }

    private int find(long k) {
        int mask = keys.length - 1;
        int at = (int) Rng.mix(k) & mask;
        while (keys[at] != EMPTY && keys[at] != k) {
            at = (at + 1) & mask;
        }
        return at;
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int at = find(ok[j]);
                keys[at] = ok[j];
                vals[at] = ov[j];
            }
        }
    }
}
