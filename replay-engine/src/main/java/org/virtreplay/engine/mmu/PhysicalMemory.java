package org.virtreplay.engine.mmu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Sparse modelled physical memory holding 64-bit doublewords, as the table walker sees it.
 *
 * <p>Storage is an open-addressing hash map from 4 KiB frame number to a {@code long[512]} page,
 * so a read is a hash probe and an array load: no allocation. Memory that was never written reads
 * as zero, which is an invalid descriptor, as on a freshly zeroed page-table pool. Descriptor
 * updates by hardware Access-flag and dirty-state management use {@link #compareAndSwap}, which is
 * atomic (a {@link VarHandle} CAS) because the architecture requires the update to be a single
 * atomic read-modify-write that restarts the descriptor evaluation if the value changed.
 *
 * <p>One instance belongs to one replay thread (the frame map itself is not synchronised); the
 * compare-and-swap is nevertheless a real atomic operation so that the update semantics are the
 * architected ones. Addresses are byte addresses; only 8-byte-aligned doublewords are modelled (the low three
 * address bits are ignored).
 */
public final class PhysicalMemory {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long EMPTY = -1L; // frame numbers are < 2^52, so -1 is never a key

    private long[] keys;
    private long[][] pages;
    private int size;
    private int mask;

    public PhysicalMemory() {
        keys = new long[1024];
        Arrays.fill(keys, EMPTY);
        pages = new long[1024][];
        mask = keys.length - 1;
    }

    private static int hash(long frame) {
        long h = frame * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    // A small direct-mapped cache of recently used frames in front of the hash map: a nested walk
    // touches a handful of table pages over and over. Frames are never removed, so it needs no
    // invalidation.
    private static final int CACHE = 64;
    private final long[] cacheFrame = filled(CACHE);
    private final long[][] cachePage = new long[CACHE][];

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, EMPTY);
        return a;
    }

    private long[] page(long frame) {
        int c = (int) (frame ^ (frame >>> 6)) & (CACHE - 1);
        if (cacheFrame[c] == frame) {
            return cachePage[c];
        }
        long[] p = lookup(frame);
        if (p != null) {
            cacheFrame[c] = frame;
            cachePage[c] = p;
        }
        return p;
    }

    private long[] lookup(long frame) {
        int i = hash(frame) & mask;
        while (true) {
            long k = keys[i];
            if (k == frame) {
                return pages[i];
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    private long[] pageForWrite(long frame) {
        long[] p = page(frame);
        if (p != null) {
            return p;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        p = new long[512];
        insert(frame, p);
        size++;
        return p;
    }

    private void insert(long frame, long[] p) {
        int i = hash(frame) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = frame;
        pages[i] = p;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[][] oldPages = pages;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        pages = new long[oldKeys.length * 2][];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldPages[i]);
            }
        }
    }

    /** Reads the doubleword at {@code pa}; unwritten memory reads as zero. */
    public long read(long pa) {
        long[] p = page(pa >>> 12);
        return p == null ? 0L : p[(int) ((pa >>> 3) & 511)];
    }

    /** Writes the doubleword at {@code pa}. */
    public void write(long pa, long value) {
        long[] p = pageForWrite(pa >>> 12);
        p[(int) ((pa >>> 3) & 511)] = value;
    }

    /**
     * Atomically replaces the doubleword at {@code pa} with {@code update} if it equals
     * {@code expected}; returns whether it did.
     */
    public boolean compareAndSwap(long pa, long expected, long update) {
        long[] p = expected == 0L ? pageForWrite(pa >>> 12) : page(pa >>> 12);
        if (p == null) {
            return false;
        }
        return LONGS.compareAndSet(p, (int) ((pa >>> 3) & 511), expected, update);
    }

    /** Number of 4 KiB frames that hold written data. */
    public int frameCount() {
        return size;
    }
}
