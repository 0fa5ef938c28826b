package org.virtreplay.engine.tlb;

import java.util.Arrays;

/**
 * When each page's mapping last changed, per VM and stage: the cheap filter of the exact
 * stale-translation check. A TLB hit needs a re-walk only when its entry was filled (or last found
 * consistent) before a change to a page it covers; every other hit costs one comparison with
 * {@link #clock}.
 *
 * <p>A change gets the next sequence number ({@link #clock}); entries remember the clock at their
 * fill ({@link TlbArray#checkedSeq}). Changes are kept in a primitive open-addressing map keyed by
 * (VM, stage, level, page) at three granularities: 4 KB, 2 MB and 1 GB units of the input address
 * (VA bits [47:0] at stage 1, IPA at stage 2). A change is recorded at the finest level at which
 * it spans at most {@link #MAX_UNITS} units ("own" mark), and as a "sub" mark on the enclosing
 * units of the coarser levels. A hit on an entry of 2^s bytes reads the own and sub marks of its
 * unit at the finest level whose unit holds the entry, and the own marks of the coarser levels: so
 * any change overlapping the entry is found, and a change elsewhere in the same unit only costs a
 * re-walk that finds the entry consistent. A change too wide for that (or a raw descriptor write,
 * whose pages are unknown) marks the whole VM and stage ("wide"). The map is bounded: when it is
 * half full every recorded change becomes a wide one and the map is cleared, which again costs
 * only re-walks. Keys ignore the ASID, and VA bits above 47: both only widen the filter.
 *
 * <p>Also remembers the last TLB maintenance that named each page (and the last per VM of any
 * kind), so that a stale translation can say why a TLBI after the change did not remove it.
 *
 * <p>Sources ({@code src}) are opaque longs to the engine: the driver encodes the trace row (table
 * and position) or a hypervisor action, see {@link #source}.
 */
public final class MappingChangeLog {
    /** Levels: 4 KB, 2 MB, 1 GB units. */
    private static final int[] SHIFT = {12, 21, 30};
    /** A change spanning more units than this at a level is recorded at the next coarser level. */
    static final int MAX_UNITS = 64;
    private static final long VA_MASK = 0x0000_FFFF_FFFF_FFFFL;

    /** Source kinds, bits [63:56] of a source; bits [55:0] are the row position, or 0. */
    public static final int SRC_MAP_ROW = 1, SRC_PTE_ROW = 2, SRC_TLBI_ROW = 3, SRC_HYP_UNMAP = 16,
            SRC_HYP_DIRTY_LOG_PROTECT = 17, SRC_HYP_PERMISSION = 18, SRC_HYP_DIRTY_LOG_SPLIT = 19,
            SRC_LOG_FULL = 20;

    public static long source(int kind, long position) {
        return ((long) kind << 56) | (position & 0x00FF_FFFF_FFFF_FFFFL);
    }

    public static int sourceKind(long src) {
        return (int) (src >>> 56);
    }

    public static long sourcePosition(long src) {
        return src & 0x00FF_FFFF_FFFF_FFFFL;
    }

    /** The name of a hypervisor action source, e.g. {@code dirty_log_protect}; null for a trace row. */
    public static String actionName(long src) {
        return switch (sourceKind(src)) {
            case SRC_HYP_UNMAP -> "hypervisor_unmap";
            case SRC_HYP_DIRTY_LOG_PROTECT -> "dirty_log_protect";
            case SRC_HYP_PERMISSION -> "permission_fault_relax";
            case SRC_HYP_DIRTY_LOG_SPLIT -> "dirty_log_block_split";
            case SRC_LOG_FULL -> "change_log_full";
            default -> null;
        };
    }

    /** Sequence number of the latest change (0 = none yet). */
    public long clock;
    /**
     * Per dense VM: the sequence number of the latest change to that VM's mappings. A hit compares
     * its entry with its own VM's clock, so that remaps in one VM cost the others nothing.
     */
    public final long[] vmClock;

    private final int vms;
    private final int capacity;
    private final int mask;
    private final long[] keys;
    private final long[] ownSeq, ownNs, ownSrc, subSeq, subNs, subSrc;
    private int used;
    /** Per (vm, stage): the latest wide change. */
    private final long[] wideSeq, wideNs, wideSrc;

    // The last TLBI naming a page: key (vm, VA or IPA page) -> its facts.
    private final long[] tKeys, tSeq, tNs, tSrc, tAddr;
    private final int[] tOp, tAsid, tTtl, tPe;
    private int tUsed;
    /** Per VM: the last TLBI of any kind. */
    private final long[] vSeq, vNs, vSrc, vAddr;
    private final int[] vOp, vAsid, vTtl, vPe;

    /** {@code vms}: dense VM count; {@code capacity}: slots of each map (a power of two). */
    public MappingChangeLog(int vms, int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.vms = vms;
        this.vmClock = new long[Math.max(vms, 1)];
        this.capacity = capacity;
        this.mask = capacity - 1;
        keys = new long[capacity];
        ownSeq = new long[capacity];
        ownNs = new long[capacity];
        ownSrc = new long[capacity];
        subSeq = new long[capacity];
        subNs = new long[capacity];
        subSrc = new long[capacity];
        wideSeq = new long[vms * 2];
        wideNs = new long[vms * 2];
        wideSrc = new long[vms * 2];
        tKeys = new long[capacity];
        tSeq = new long[capacity];
        tNs = new long[capacity];
        tSrc = new long[capacity];
        tAddr = new long[capacity];
        tOp = new int[capacity];
        tAsid = new int[capacity];
        tTtl = new int[capacity];
        tPe = new int[capacity];
        vSeq = new long[vms];
        vNs = new long[vms];
        vSrc = new long[vms];
        vAddr = new long[vms];
        vOp = new int[vms];
        vAsid = new int[vms];
        vTtl = new int[vms];
        vPe = new int[vms];
    }

    private static long key(int vm, int stage, int level, long addr) {
        long page = (stage == 1 ? addr & VA_MASK : addr) >>> SHIFT[level];
        return ((page & ((1L << 40) - 1)) | ((long) level << 40) | ((long) (stage - 1) << 42) | ((long) vm << 43)) + 1;
    }

    private int slot(long[] ks, long k, boolean insert) {
        int i = (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (true) {
            long x = ks[i];
            if (x == k) {
                return i;
            }
            if (x == 0) {
                return insert ? i : -1;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The mapping of {@code [ia, ia + size)} of dense VM {@code vm} at {@code stage} (1 or 2)
     * changed at trace time {@code ns} because of {@code src}. {@code vm} -1: every VM.
     */
    public void changed(int vm, int stage, long ia, long size, long ns, long src) {
        long seq = ++clock;
        if (vm < 0) {
            for (int d = 0; d < vms; d++) {
                wide(d, stage, seq, ns, src);
            }
            java.util.Arrays.fill(vmClock, seq);
            return;
        }
        vmClock[vm] = seq;
        long last = ia + Math.max(size, 1) - 1;
        int level = 0;
        while (level < SHIFT.length
                && ((last >>> SHIFT[level]) - (ia >>> SHIFT[level])) + 1 > MAX_UNITS) {
            level++;
        }
        if (level == SHIFT.length || used + 2 * MAX_UNITS + 4 > capacity / 2) {
            if (level < SHIFT.length) {
                overflow(ns);
            }
            wide(vm, stage, seq, ns, src);
            return;
        }
        for (long u = ia >>> SHIFT[level]; u <= last >>> SHIFT[level]; u++) {
            int i = put(key(vm, stage, level, u << SHIFT[level]));
            ownSeq[i] = seq;
            ownNs[i] = ns;
            ownSrc[i] = src;
        }
        for (int l = level + 1; l < SHIFT.length; l++) {
            for (long u = ia >>> SHIFT[l]; u <= last >>> SHIFT[l]; u++) {
                int i = put(key(vm, stage, l, u << SHIFT[l]));
                subSeq[i] = seq;
                subNs[i] = ns;
                subSrc[i] = src;
            }
        }
    }

    private int put(long k) {
        int i = slot(keys, k, true);
        if (keys[i] == 0) {
            keys[i] = k;
            ownSeq[i] = subSeq[i] = 0;
            used++;
        }
        return i;
    }

    private void wide(int vm, int stage, long seq, long ns, long src) {
        int w = vm * 2 + stage - 1;
        wideSeq[w] = seq;
        wideNs[w] = ns;
        wideSrc[w] = src;
    }

    /**
     * The map is half full: every recorded change becomes a change of its whole VM and stage (with
     * the latest sequence number), so entries filled before any of them are still re-walked.
     */
    private void overflow(long ns) {
        long seq = clock;
        java.util.Arrays.fill(vmClock, seq);
        long src = source(SRC_LOG_FULL, 0);
        for (int d = 0; d < vms; d++) {
            for (int s = 1; s <= 2; s++) {
                wide(d, s, seq, ns, src);
            }
        }
        Arrays.fill(keys, 0);
        used = 0;
    }

    // The change a lookup found: sequence, time, source (valid after a lookup that returned > 0).
    public long foundSeq, foundNs, foundSrc;

    /**
     * The latest change after sequence {@code since} to the mapping of the entry of
     * {@code 2^sizeLog} bytes holding {@code addr} (VM {@code vm}, {@code stage}); its sequence
     * number, or 0 when there is none (then {@link #foundSeq} etc. are unchanged).
     */
    public long changedSince(int vm, int stage, long addr, int sizeLog, long since) {
        long best = 0;
        int w = vm * 2 + stage - 1;
        if (wideSeq[w] > since) {
            best = take(wideSeq[w], wideNs[w], wideSrc[w], best);
        }
        int level = 0;
        while (level < SHIFT.length - 1 && SHIFT[level] < sizeLog) {
            level++;
        }
        for (int l = level; l < SHIFT.length; l++) {
            int i = slot(keys, key(vm, stage, l, addr), false);
            if (i < 0) {
                continue;
            }
            if (ownSeq[i] > since) {
                best = take(ownSeq[i], ownNs[i], ownSrc[i], best);
            }
            if (l == level && subSeq[i] > since) {
                best = take(subSeq[i], subNs[i], subSrc[i], best);
            }
        }
        return best;
    }

    private long take(long seq, long ns, long src, long best) {
        if (seq > best) {
            foundSeq = seq;
            foundNs = ns;
            foundSrc = src;
            return seq;
        }
        return best;
    }

    // ------------------------------------------------------------------ TLB maintenance seen

    /** Stage of a TLBI's address: 1 = VA, 2 = IPA. */
    public void tlbiSeen(int vm, int addrStage, boolean hasAddr, long addr, int op, int asid, int ttl, int pe,
            long ns, long src) {
        long seq = clock; // orders after the changes before it (a TLBI after change c has seq >= c)
        vSeq[vm] = seq + 1;
        vNs[vm] = ns;
        vSrc[vm] = src;
        vAddr[vm] = hasAddr ? addr : -1;
        vOp[vm] = op;
        vAsid[vm] = asid;
        vTtl[vm] = ttl;
        vPe[vm] = pe;
        if (!hasAddr) {
            return;
        }
        if (tUsed + 1 > capacity / 2) {
            Arrays.fill(tKeys, 0);
            tUsed = 0;
        }
        long k = key(vm, addrStage, 0, addr);
        int i = slot(tKeys, k, true);
        if (tKeys[i] == 0) {
            tKeys[i] = k;
            tUsed++;
        }
        tSeq[i] = seq + 1;
        tNs[i] = ns;
        tSrc[i] = src;
        tAddr[i] = addr;
        tOp[i] = op;
        tAsid[i] = asid;
        tTtl[i] = ttl;
        tPe[i] = pe;
    }

    // The TLBI a lookup found (valid after tlbiAfter returned true).
    public long tlbiNs, tlbiSrc, tlbiAddr;
    public int tlbiOp, tlbiAsid, tlbiTtl, tlbiPe;

    /**
     * Whether a TLBI came after change {@code changeSeq}: one naming the page of {@code addr}
     * (VA or IPA per {@code addrStage}) in preference, else the VM's last TLBI of any kind.
     */
    public boolean tlbiAfter(int vm, int addrStage, long addr, long changeSeq) {
        int i = slot(tKeys, key(vm, addrStage, 0, addr), false);
        if (i >= 0 && tSeq[i] > changeSeq) {
            tlbiNs = tNs[i];
            tlbiSrc = tSrc[i];
            tlbiAddr = tAddr[i];
            tlbiOp = tOp[i];
            tlbiAsid = tAsid[i];
            tlbiTtl = tTtl[i];
            tlbiPe = tPe[i];
            return true;
        }
        if (vSeq[vm] > changeSeq) {
            tlbiNs = vNs[vm];
            tlbiSrc = vSrc[vm];
            tlbiAddr = vAddr[vm];
            tlbiOp = vOp[vm];
            tlbiAsid = vAsid[vm];
            tlbiTtl = vTtl[vm];
            tlbiPe = vPe[vm];
            return true;
        }
        return false;
    }
}
