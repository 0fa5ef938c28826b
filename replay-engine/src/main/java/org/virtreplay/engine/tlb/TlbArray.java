package org.virtreplay.engine.tlb;

import java.util.Arrays;

/**
 * One set-associative translation structure (an L1 or L2 TLB, a walk cache or an IPA cache),
 * held as parallel primitive arrays: no object per entry and nothing allocated per lookup.
 *
 * <p>Geometry: {@code entries} entries in {@code entries/ways} sets; any counts where the ways
 * divide the entries (48 fully associative, 1280 entries 5-way...). An entry covers
 * {@code 2^sizeLog} bytes of input address; its set is {@code (address >>> sizeLog) mod sets}, so a
 * lookup probes one set per page size currently held (smallest first), as a real multi-size TLB
 * probes per size. A structure may hold only some sizes ({@link #sizeMask}); a larger translation is
 * stored at the largest held size not above it (the way the Cortex-A53 splits 1 GB blocks), and a
 * translation smaller than every held size is not stored at all.
 *
 * <p>Tags per entry: a context word ({@link #ctx}: translation regime, security state, VMID) and an
 * ASID ({@code -1} = global, matches any ASID). Payload: output base ({@link #out}), the IPA base
 * of a combined entry ({@link #ipa}), and an {@link #info} word (permissions, attributes, leaf
 * levels, granule) used by TLBI TTL hints and by the stale-translation detector.
 *
 * <p>Not thread-safe; one instance per PE and structure.
 */
public final class TlbArray {
    /** Context packing: regime ordinal in bits [1:0], Secure in bit 2, VMID in bits [18:3]. */
    public static int ctx(int regimeOrdinal, boolean secure, int vmid) {
        return regimeOrdinal | (secure ? 4 : 0) | (vmid << 3);
    }

    public static final int CTX_REGIME_MASK = 3;
    public static final int CTX_SECURE = 4;
    public static final int CTX_VMID_MASK = 0xFFFF << 3;

    // info word layout
    public static final int INFO_R = 1, INFO_W = 2, INFO_X = 4;
    /** Stage-1 leaf level + 1 in bits [10:8] (0 = no stage 1). */
    public static int infoS1Level(int info) { return ((info >>> 8) & 7) - 1; }
    /** Stage-2 leaf level + 1 in bits [14:12] (0 = no stage 2). */
    public static int infoS2Level(int info) { return ((info >>> 12) & 7) - 1; }
    /** Stage-1 granule log2 in bits [20:16], stage-2 granule log2 in bits [25:21]. */
    public static int infoS1Gran(int info) { return (info >>> 16) & 31; }
    public static int infoS2Gran(int info) { return (info >>> 21) & 31; }
    public static int info(boolean r, boolean w, boolean x, int s1Level, int s1GranLog, int s2Level, int s2GranLog) {
        return (r ? INFO_R : 0) | (w ? INFO_W : 0) | (x ? INFO_X : 0) | ((s1Level + 1) << 8) | ((s2Level + 1) << 12)
                | (s1GranLog << 16) | (s2GranLog << 21);
    }

    public final String name;
    public final int entries;
    public final int ways;
    public final int sets;
    public final Replacement policy;
    /** Bit {@code s} set: this structure can hold entries of {@code 2^s} bytes. */
    public final long sizeMask;

    private final boolean pow2Sets;
    private final int setMask;

    final long[] tag;     // address >>> sizeLog
    final byte[] sizeLog; // 0 = invalid
    final int[] ctx;
    final int[] asid;     // -1 = global
    final long[] out;
    final long[] ipa;
    final int[] info;
    /**
     * Stale-translation detector state, set by the owner after a fill ({@link #stampFill}): the
     * trace time of the fill, the {@link MappingChangeLog#clock} up to which the entry is known
     * to match the tables, and whether a stale hit on it was already reported.
     */
    final long[] fillNs;
    final long[] checkedSeq;
    final boolean[] staleReported;
    private final long[] stamp;
    private final long[] plru;
    private long clock;
    private long rng;
    private final int[] heldCount = new int[64];
    private long heldMask;
    private int lastHit = -1;
    private boolean mruFirst = true;
    /**
     * Search hints: for a 4 KB-page hash of the address, the entry that last matched. Like
     * {@link #lastHit} this only orders the search (a hint is used only after a full tag match), so
     * it never changes which entries exist or which one a lookup finds when one entry matches.
     */
    private final int[] hint = new int[HINTS];
    private static final int HINTS = 256;
    private final int policyCode;
    private int valid;
    /**
     * A fully associative structure with many ways (an L1 TLB of 48 entries) also keeps a hash
     * index of its entries by (tag, size, context): a lookup that misses its hints then reads one
     * short chain per held size instead of comparing every entry per size, which had been the
     * largest cost of a replay. The index only finds entries; which entry a lookup returns is what
     * the scan returned (the lowest-numbered match of the smallest size).
     */
    private final boolean indexed;
    private final int[] head;
    private final int[] chain;
    private final int indexShift;
    /**
     * An indexed LRU or FIFO structure also keeps its valid entries in stamp order (a list from
     * the oldest to the newest), so that the victim, the valid entry with the smallest stamp, is
     * the list's oldest instead of the result of a scan over every stamp. Every stamp assignment
     * would move its entry to the newest end, so the list order is the stamp order, and such a
     * structure keeps the list instead of the stamps (a hit then writes no stamp).
     */
    private final boolean ordered;
    private final int[] older;
    private final int[] newer;
    private int oldest = -1;
    private int newest = -1;

    // Statistics, read by the owner.
    public long lookups;
    public long hits;
    public long misses;
    public long fills;
    public long evictions;
    public long invalidated;

    /**
     * @param sizeMask bit {@code s} = sizes of {@code 2^s} bytes may be held; {@code -1L} = any
     * @param seed     seed of the RANDOM policy (ignored otherwise)
     */
    public TlbArray(String name, int entries, int ways, Replacement policy, long sizeMask, long seed) {
        this(name, entries, ways, policy, sizeMask, seed, true);
    }

    /** {@code index} false: never keep the hash index (tests compare the two paths). */
    TlbArray(String name, int entries, int ways, Replacement policy, long sizeMask, long seed, boolean index) {
        if (entries <= 0 || ways <= 0 || entries % ways != 0) {
            throw new IllegalArgumentException(name + ": associativity " + ways + " must divide the entry count "
                    + entries);
        }
        if (ways > 64 && policy == Replacement.PLRU) {
            throw new IllegalArgumentException(name + ": tree-PLRU supports at most 64 ways, got " + ways);
        }
        this.name = name;
        this.entries = entries;
        this.ways = ways;
        this.sets = entries / ways;
        this.policy = policy;
        this.sizeMask = sizeMask;
        this.pow2Sets = Integer.bitCount(sets) == 1;
        this.setMask = sets - 1;
        tag = new long[entries];
        sizeLog = new byte[entries];
        ctx = new int[entries];
        asid = new int[entries];
        out = new long[entries];
        ipa = new long[entries];
        info = new int[entries];
        fillNs = new long[entries];
        checkedSeq = new long[entries];
        staleReported = new boolean[entries];
        plru = new long[sets];
        rng = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        policyCode = policy.ordinal();
        Arrays.fill(hint, -1);
        indexed = index && sets == 1 && ways > INDEX_MIN_WAYS;
        int buckets = indexed ? Integer.highestOneBit(entries * 4 - 1) << 1 : 0;
        head = indexed ? new int[buckets] : null;
        chain = indexed ? new int[entries] : null;
        indexShift = indexed ? 64 - Integer.numberOfTrailingZeros(buckets) : 0;
        if (indexed) {
            Arrays.fill(head, -1);
        }
        ordered = indexed && (policy == Replacement.LRU || policy == Replacement.FIFO);
        older = ordered ? new int[entries] : null;
        newer = ordered ? new int[entries] : null;
        stamp = ordered ? null : new long[entries]; // an ordered structure keeps the list instead
    }

    /** Takes valid entry {@code i} out of the stamp-order list. */
    private void unlinkOrder(int i) {
        int o = older[i];
        int n = newer[i];
        if (o >= 0) {
            newer[o] = n;
        } else {
            oldest = n;
        }
        if (n >= 0) {
            older[n] = o;
        } else {
            newest = o;
        }
    }

    /** Puts entry {@code i} (not in the list) at its newest end. */
    private void linkNewest(int i) {
        older[i] = newest;
        newer[i] = -1;
        if (newest >= 0) {
            newer[newest] = i;
        } else {
            oldest = i;
        }
        newest = i;
    }

    /** Fully associative structures with more ways than this are indexed (see {@link #indexed}). */
    static final int INDEX_MIN_WAYS = 8;

    private int bucket(long t, int s, int c) {
        long x = (t ^ ((long) c << 40) ^ ((long) s << 58)) * 0x9E3779B97F4A7C15L;
        return (int) (x >>> indexShift);
    }

    private int setOf(long t) {
        return pow2Sets ? ((int) t & setMask) : (int) (t % sets);
    }

    /**
     * Finds the entry translating {@code addr} under context {@code c} and ASID {@code a}, counts a
     * lookup and a hit or miss, and updates the replacement state on a hit.
     *
     * @return the entry index, or -1 on a miss
     */
    public int lookup(long addr, int c, int a) {
        lookups++;
        int i = find(addr, c, a);
        if (i >= 0) {
            hits++;
            touch(i);
        } else {
            misses++;
        }
        return i;
    }

    /**
     * Whether {@link #find} first tries the entry that hit last (a search-order shortcut that does
     * not change which entries exist). Walk caches turn it off: their entries of different levels
     * nest, and a lookup must return the deepest (smallest) one.
     */
    public void setMruFirst(boolean on) {
        mruFirst = on;
    }

    /**
     * Like {@link #lookup} without statistics or replacement update (for probes and tests). Sizes
     * are probed smallest first, so with nested entries the smallest matching one is returned.
     */
    /**
     * {@link #find} without its side effects on the lookup caches (the last-hit register and the
     * hint table), for probes that must not change which of two matching entries a later lookup
     * returns (SPE validation).
     */
    public int findQuietly(long addr, int c, int a) {
        int last = lastHit;
        int slot = mruFirst ? (int) (addr >>> 12) & (HINTS - 1) : 0; // the slot find writes
        int h = hint[slot];
        int r = find(addr, c, a);
        lastHit = last;
        hint[slot] = h;
        return r;
    }

    public int find(long addr, int c, int a) {
        // Kept small so that the JIT inlines it into the per-access loop: most lookups are served
        // by the last-hit entry or the hint; the search of the held sizes is a call of its own.
        int slot = 0;
        if (mruFirst) {
            int h = lastHit;
            if (h >= 0 && matches(h, addr, c, a)) {
                return h;
            }
            slot = (int) (addr >>> 12) & (HINTS - 1);
            h = hint[slot];
            if (h >= 0 && matches(h, addr, c, a)) {
                lastHit = h;
                return h;
            }
        }
        return search(addr, c, a, slot);
    }

    /** {@link #find} past its hints: one chain (indexed) or one set per held size, smallest first. */
    private int search(long addr, int c, int a, int slot) {
        long m = heldMask;
        if (indexed) {
            while (m != 0) {
                int s = Long.numberOfTrailingZeros(m);
                m &= m - 1;
                long t = addr >>> s;
                int best = -1;
                for (int i = head[bucket(t, s, c)]; i >= 0; i = chain[i]) {
                    if (tag[i] == t && sizeLog[i] == s && ctx[i] == c && (asid[i] < 0 || asid[i] == a)
                            && (best < 0 || i < best)) {
                        best = i;
                    }
                }
                if (best >= 0) {
                    lastHit = best;
                    hint[slot] = best;
                    return best;
                }
            }
            return -1;
        }
        while (m != 0) {
            int s = Long.numberOfTrailingZeros(m);
            m &= m - 1;
            long t = addr >>> s;
            int base = setOf(t) * ways;
            for (int i = base, end = base + ways; i < end; i++) {
                if (tag[i] == t && sizeLog[i] == s && ctx[i] == c && (asid[i] < 0 || asid[i] == a)) {
                    lastHit = i;
                    hint[slot] = i;
                    return i;
                }
            }
        }
        return -1;
    }

    private boolean matches(int i, long addr, int c, int a) {
        int s = sizeLog[i];
        return s != 0 && tag[i] == (addr >>> s) && ctx[i] == c && (asid[i] < 0 || asid[i] == a);
    }

    private void touch(int i) {
        int p = policyCode;
        if (p == 0) { // LRU
            if (ordered) {
                // The list is the order; no stamp is read (chooseVictim takes the list's oldest).
                if (newest != i) {
                    unlinkOrder(i);
                    linkNewest(i);
                }
            } else {
                stamp[i] = ++clock;
            }
        } else if (p == 1) { // PLRU
            plruTouch(i / ways, i % ways);
        }
    }

    /** The size (log2 bytes) a translation of {@code 2^s} bytes is stored at here, or -1 if it cannot be. */
    public int storeSizeLog(int s) {
        long allowed = sizeMask & ((s >= 63) ? -1L : ((1L << (s + 1)) - 1));
        return allowed == 0 ? -1 : 63 - Long.numberOfLeadingZeros(allowed);
    }

    /**
     * Inserts a translation of {@code addr} (any address inside it) covering {@code 2^s} bytes,
     * replacing an existing entry with the same tags if present.
     *
     * @return the entry index, or -1 when this structure holds no size at or below {@code 2^s}
     */
    public int fill(long addr, int s, int c, int a, long outBase, long ipaBase, int inf) {
        int st = storeSizeLog(s);
        if (st < 0) {
            return -1;
        }
        long t = addr >>> st;
        // When the stored size is smaller than the translation, keep the output of the piece holding addr.
        long delta = (addr & ((1L << s) - 1)) & -(1L << st);
        int base = setOf(t) * ways;
        int victim = -1;
        if (indexed) {
            for (int i = head[bucket(t, st, c)]; i >= 0; i = chain[i]) {
                if (sizeLog[i] == st && tag[i] == t && ctx[i] == c && asid[i] == a) {
                    victim = i; // refresh in place (tags are unique, so the chain has at most one)
                    break;
                }
            }
        } else {
            for (int i = base, end = base + ways; i < end; i++) {
                if (sizeLog[i] == st && tag[i] == t && ctx[i] == c && asid[i] == a) {
                    victim = i; // refresh in place
                    break;
                }
            }
        }
        if (victim < 0 && !(indexed && valid == entries)) { // a full single set has no invalid entry
            for (int i = base, end = base + ways; i < end; i++) {
                if (sizeLog[i] == 0) {
                    victim = i;
                    break;
                }
            }
        }
        if (victim < 0) {
            victim = base + chooseVictim(base);
            evictions++;
            drop(victim);
        } else if (sizeLog[victim] != 0) {
            drop(victim);
        }
        tag[victim] = t;
        sizeLog[victim] = (byte) st;
        ctx[victim] = c;
        asid[victim] = a;
        out[victim] = outBase + delta;
        ipa[victim] = ipaBase + delta;
        info[victim] = inf;
        if (indexed) {
            int b = bucket(t, st, c);
            chain[victim] = head[b];
            head[b] = victim;
        }
        heldCount[st]++;
        heldMask |= 1L << st;
        valid++;
        fills++;
        switch (policy) {
            case LRU, FIFO -> {
                if (ordered) {
                    linkNewest(victim); // dropped above if it was valid, so not in the list
                } else {
                    stamp[victim] = ++clock;
                }
            }
            case PLRU -> plruTouch(victim / ways, victim % ways);
            default -> { }
        }
        return victim;
    }

    private int chooseVictim(int base) {
        if (ordered) {
            return oldest; // the set is full (no invalid entry): the list holds all of it
        }
        switch (policy) {
            case LRU, FIFO -> {
                int best = 0;
                long bs = stamp[base];
                for (int w = 1; w < ways; w++) {
                    if (stamp[base + w] < bs) {
                        bs = stamp[base + w];
                        best = w;
                    }
                }
                return best;
            }
            case PLRU -> {
                return plruVictim(base / ways);
            }
            default -> {
                long x = rng;
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                rng = x;
                return (int) Long.remainderUnsigned(x, ways);
            }
        }
    }

    // Tree-PLRU by recursive halving (see Replacement.PLRU). Node numbering is preorder: the left
    // child of node n covering [lo,hi) split at mid is n+1; the right child is n+1+(mid-lo-1).
    // Bit = 0: evict from the left half next; 1: from the right half.
    private void plruTouch(int set, int way) {
        long bits = plru[set];
        int lo = 0;
        int hi = ways;
        int node = 0;
        while (hi - lo > 1) {
            int mid = lo + (hi - lo + 1) / 2;
            if (way < mid) {
                bits |= 1L << node; // accessed left: point right
                node = node + 1;
                hi = mid;
            } else {
                bits &= ~(1L << node); // accessed right: point left
                node = node + 1 + (mid - lo - 1);
                lo = mid;
            }
        }
        plru[set] = bits;
    }

    private int plruVictim(int set) {
        long bits = plru[set];
        int lo = 0;
        int hi = ways;
        int node = 0;
        while (hi - lo > 1) {
            int mid = lo + (hi - lo + 1) / 2;
            if ((bits & (1L << node)) == 0) {
                node = node + 1;
                hi = mid;
            } else {
                node = node + 1 + (mid - lo - 1);
                lo = mid;
            }
        }
        return lo;
    }

    /** Invalidates entry {@code i}. */
    public void invalidate(int i) {
        if (sizeLog[i] != 0) {
            drop(i);
            invalidated++;
        }
    }

    private void drop(int i) {
        int s = sizeLog[i];
        if (ordered) {
            unlinkOrder(i);
        }
        if (indexed) {
            int b = bucket(tag[i], s, ctx[i]);
            if (head[b] == i) {
                head[b] = chain[i];
            } else {
                int p = head[b];
                while (chain[p] != i) {
                    p = chain[p];
                }
                chain[p] = chain[i];
            }
        }
        if (--heldCount[s] == 0) {
            heldMask &= ~(1L << s);
        }
        sizeLog[i] = 0;
        valid--;
        if (lastHit == i) {
            lastHit = -1;
        }
    }

    /** Invalidates every entry. */
    public void invalidateAll() {
        for (int i = 0; i < entries; i++) {
            invalidate(i);
        }
    }

    /** ASID rule of a selective invalidation. */
    public static final int ASID_ANY = 0;
    /** Entries of the given ASID and global entries ({@code TLBI VAE1}). */
    public static final int ASID_MATCH_OR_GLOBAL = 1;
    /** Non-global entries of the given ASID only ({@code TLBI ASIDE1}). */
    public static final int ASID_NON_GLOBAL = 2;

    /**
     * Invalidates every entry whose context matches ({@code (ctx & ctxMask) == ctxValue}), whose
     * ASID satisfies {@code asidRule}, and whose covered range intersects {@code [lo, hi]}
     * (input addresses, or the IPA bases of combined entries when {@code byIpa}); with
     * {@code ttlLevel >= 0}, only entries whose leaf level and granule (stage 2 when
     * {@code ttlStage2}, else stage 1) equal the hint. Not on the per-access path.
     *
     * @return the number of entries invalidated
     */
    public int invalidate(int ctxMask, int ctxValue, int asidRule, int a, long lo, long hi, boolean ttlStage2,
            int ttlLevel, int ttlGranLog, boolean byIpa) {
        int n = 0;
        for (int i = 0; i < entries; i++) {
            int s = sizeLog[i];
            if (s == 0 || (ctx[i] & ctxMask) != ctxValue) {
                continue;
            }
            if (asidRule == ASID_MATCH_OR_GLOBAL && asid[i] >= 0 && asid[i] != a) {
                continue;
            }
            if (asidRule == ASID_NON_GLOBAL && asid[i] != a) {
                continue;
            }
            long base = byIpa ? ipa[i] & -(1L << s) : tag[i] << s;
            long last = base + ((1L << s) - 1);
            if (Long.compareUnsigned(last, lo) < 0 || Long.compareUnsigned(base, hi) > 0) {
                continue;
            }
            if (ttlLevel >= 0) {
                int inf = info[i];
                int lvl = ttlStage2 ? infoS2Level(inf) : infoS1Level(inf);
                int gl = ttlStage2 ? infoS2Gran(inf) : infoS1Gran(inf);
                if (lvl != ttlLevel || gl != ttlGranLog) {
                    continue;
                }
            }
            drop(i);
            invalidated++;
            n++;
        }
        return n;
    }

    /** Records the fill of entry {@code i} for the stale-translation detector. */
    public void stampFill(int i, long ns, long seq, boolean reported) {
        fillNs[i] = ns;
        checkedSeq[i] = seq;
        staleReported[i] = reported;
    }

    public long fillNsOf(int i) { return fillNs[i]; }
    public long checkedSeqOf(int i) { return checkedSeq[i]; }

    // ---- Same-entry fast path (issue 18): read-only probe plus the hit's side effects ----

    /**
     * The entry {@link #find} would return from its first step (the entry that hit last, when it
     * still translates {@code addr} under {@code c} and {@code a}), or -1; changes nothing. When
     * this returns {@code i >= 0}, {@code lookup(addr, c, a)} would return {@code i} and do exactly
     * what {@link #countMruHit} does: the fast path relies on that (docs/fidelity.md, "Same-entry
     * fast path").
     */
    public int mruMatch(long addr, int c, int a) {
        int h = lastHit;
        return mruFirst && h >= 0 && matches(h, addr, c, a) ? h : -1;
    }

    /** The statistics and replacement update of a {@link #lookup} that hit entry {@code i}. */
    public void countMruHit(int i) {
        lookups++;
        hits++;
        touch(i);
    }

    /** Number of valid entries. */
    public int validCount() {
        return valid;
    }

    public boolean isValid(int i) { return sizeLog[i] != 0; }
    public int sizeLogOf(int i) { return sizeLog[i]; }
    public long outOf(int i) { return out[i]; }
    public long ipaOf(int i) { return ipa[i]; }
    public int infoOf(int i) { return info[i]; }
    public int ctxOf(int i) { return ctx[i]; }
    public int asidOf(int i) { return asid[i]; }
    /** The input-address base of entry {@code i}. */
    public long baseOf(int i) { return tag[i] << sizeLog[i]; }

    public void resetStats() {
        lookups = hits = misses = fills = evictions = invalidated = 0;
    }

    @Override
    public String toString() {
        return name + "[" + entries + " entries, " + ways + "-way, " + policy + ", " + valid + " valid, sizes "
                + Arrays.toString(sizesHeld()) + "]";
    }

    private int[] sizesHeld() {
        int[] r = new int[Long.bitCount(heldMask)];
        long m = heldMask;
        for (int k = 0; m != 0; k++) {
            r[k] = Long.numberOfTrailingZeros(m);
            m &= m - 1;
        }
        return r;
    }
}
