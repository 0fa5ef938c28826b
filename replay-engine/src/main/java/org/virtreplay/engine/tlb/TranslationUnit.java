package org.virtreplay.engine.tlb;

import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.Regime;
import org.virtreplay.engine.mmu.StageParams;
import org.virtreplay.engine.mmu.Ttbr;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.engine.mmu.WalkTrace;

/**
 * The translation front end of one PE: L1 instruction and data TLBs, a unified L2 TLB, optional
 * stage-1 and stage-2 walk caches and an IPA cache, in front of the real nested table walk of
 * {@link Mmu}.
 *
 * <p>An access looks up the L1 of its kind; an L1 miss looks up the L2 (which therefore sees the
 * L1 misses of both kinds in trace order); an L2 hit fills the L1; an L2 miss walks the tables and
 * fills both levels (non-inclusive: L1 evictions do not touch the L2). Entries hold the combined
 * stage-1+2 translation at {@code min(stage-1 leaf, stage-2 leaf)} size, tagged by regime, security
 * state, VMID (EL1&amp;0) and ASID (nG=1 only). A faulting walk fills nothing.
 *
 * <p>Walk caches are modelled for their effect on the number of descriptor reads: the walk itself
 * is the architectural one (so a cached table pointer can never produce a translation the tables do
 * not hold), and the walk caches decide which of its reads a real walker would have skipped:
 * a stage-1 walk-cache hit at level L skips the stage-1 reads of levels up to L and the stage-2
 * walks of their table addresses; an IPA-cache hit skips a whole stage-2 walk; a stage-2 walk-cache
 * hit at level M skips the stage-2 reads of levels up to M. See docs/fidelity.md, section TLB.
 *
 * <p>Register writes go through {@link #setRegister}, which re-derives the lookup tags (VMID, ASID)
 * once, so that a VMID or ASID change takes effect on the next access. Not thread-safe. The
 * per-access path allocates nothing.
 */
public final class TranslationUnit {
    public final int peIndex;
    public final CorePreset config;
    /** The registers translations use; {@link #useRegisters} swaps them (a vCPU load). */
    private MmuRegisters regs;
    public final Mmu mmu;

    public final TlbArray l1i;
    public final TlbArray l1d;
    /** Null when there is no L2. */
    public final TlbArray l2;
    /** Null when absent. */
    public final TlbArray s1wc;
    public final TlbArray s2wc;
    public final TlbArray ipac;

    /** Told about every walk before it starts (e.g. to map a page on first touch); may be null. */
    public interface WalkListener {
        void beforeWalk(long va, int el);
    }

    private WalkListener walkListener;

    private final TranslationResult res = new TranslationResult();
    private final TranslationResult check = new TranslationResult();
    private final WalkTrace trace = new WalkTrace();
    private final boolean walkCaches;

    // Lookup tags, derived from the registers on every write (not per access).
    /**
     * Bit {@code e} set: the tags below are those of an access at EL{@code e}. The tags depend on
     * the EL only through its translation regime, so one derivation serves every EL of that regime
     * (EL0 and EL1 share EL1&amp;0 unless HCR_EL2.{E2H,TGE} are both set): a vCPU whose accesses
     * alternate between EL0 and EL1, as a guest's do at every system call, does not re-derive them
     * at each switch. 0 after a register write, a register swap or a security-state change.
     */
    private int tagEls;
    private int ctxTag;
    private int asidTag;
    private int s2CtxTag;
    private boolean secure;

    /** The PA of the last successful access (from the TLB entry on a hit, from the walk on a miss). */
    public long lastPa;
    /** Whether the last access hit in a TLB (L1 or L2). */
    public boolean lastHit;

    // Statistics.
    public long instructions;
    /** Walks caused by instruction-side and data-side misses. */
    public long walksI, walksD;
    /** Descriptor reads (after walk caches) caused by instruction-side and data-side misses. */
    public long readsI, readsD;
    /** Descriptor reads the same walks would have made without any walk cache. */
    public long readsUncached;
    public long faults;
    public long permissionFaultsOnHit;
    /** Cycles: L1 hits, L2 hits and descriptor reads weighted by the preset's latencies. */
    public long cycles;

    /**
     * Stale-translation detector: check every n-th TLB hit against the tables (0 = off), or
     * {@link #STALE_EXACT}: check the hits on entries filled before a change to their mapping
     * (see {@link MappingChangeLog}).
     */
    private int staleEvery;
    private int staleCountdown;
    /** The changes to the mappings, shared by the host's PEs; null until a check mode is set. */
    private MappingChangeLog changes;
    public static final int STALE_EXACT = -1;
    /** First stale hits kept per PE (the table keeps the first ones of the whole replay). */
    public static final int STALE_KEPT = 1000;
    public final StaleLog stale = new StaleLog(STALE_KEPT);
    /** Time of the current access (set by the driver: trace ns, or the access index; reported with stale hits). */
    public long now;
    /** Trace id and dense index of the loaded VM, and the loaded vCPU (set by the driver). */
    public int vmIndex;
    public int vmDense;
    public int vcpuIndex;

    public TranslationUnit(int peIndex, CorePreset config, MmuRegisters regs, Mmu mmu, Replacement policy, long seed) {
        this.peIndex = peIndex;
        this.config = config;
        this.regs = regs;
        this.mmu = mmu;
        this.l1i = config.l1i().build("l1i", policy, seed);
        this.l1d = config.l1d().build("l1d", policy, seed + 1);
        this.l2 = config.l2().build("l2", policy, seed + 2);
        this.s1wc = config.s1WalkCache().build("s1wc", policy, seed + 3);
        this.s2wc = config.s2WalkCache().build("s2wc", policy, seed + 4);
        this.ipac = config.ipaCache().build("ipac", policy, seed + 5);
        if (l1i == null || l1d == null) {
            throw new IllegalArgumentException("the L1 instruction and data TLBs must have at least one entry");
        }
        this.walkCaches = s1wc != null || s2wc != null || ipac != null;
        if (s1wc != null) {
            s1wc.setMruFirst(false);
        }
        if (s2wc != null) {
            s2wc.setMruFirst(false);
        }
        res.trace = walkCaches ? trace : null;
    }

    /**
     * Checks every {@code n}-th TLB hit against the current tables (0 = never, 1 = every hit,
     * {@link #STALE_EXACT} = the hits on entries filled before a change {@code log} recorded).
     * A unit checking without a shared log keeps its own (the one-PE study).
     */
    public void setStaleCheck(int n, MappingChangeLog log) {
        staleEvery = n;
        staleCountdown = n;
        changes = n == 0 ? null : log != null ? log : new MappingChangeLog(1, 1 << 12);
    }

    /** Checks every {@code n}-th TLB hit against the current tables (0 = never, 1 = every hit). */
    public void setStaleCheckEvery(int n) {
        setStaleCheck(n, changes);
    }

    /** The change log this unit's detector reads (null when the detector is off). */
    public MappingChangeLog changeLog() {
        return changes;
    }

    /** Writes a register (name as in the Arm ARM) and re-derives the lookup tags. */
    public void setRegister(String name, long value) {
        if (!regs.set(name, value)) {
            throw new IllegalArgumentException("unknown register " + name);
        }
        tagEls = 0;
    }

    /** The registers translations use now. */
    public MmuRegisters regs() {
        return regs;
    }

    /**
     * Makes {@code r} this PE's registers from now on (a context switch that hands over a vCPU's
     * already decoded registers), and re-derives the lookup tags on the next access.
     */
    public void useRegisters(MmuRegisters r) {
        regs = r;
        tagEls = 0;
    }

    /** Marks the tags stale after the registers were changed directly. */
    public void registersChanged() {
        tagEls = 0;
    }

    public void setSecure(boolean s) {
        secure = s;
        tagEls = 0;
    }

    static int regimeOrdinal(Regime r) {
        return switch (r) {
            case EL10 -> 0;
            case EL2 -> 1;
            case EL20 -> 2;
            case EL3 -> 3;
        };
    }

    /** The current VMID as a stage-2 TLB tag: VTTBR_EL2.VMID, 8 bits unless VTCR_EL2.VS. */
    public int currentVmid() {
        int v = regs.vttbr().asidOrVmid16();
        return regs.vtcr().vs() ? v : v & 0xFF;
    }

    /** The current EL1&amp;0 ASID: from TTBR0_EL1 or TTBR1_EL1 per TCR_EL1.A1, 8 bits unless TCR_EL1.AS. */
    public int currentAsid() {
        Ttbr src = regs.tcrEl1().a1() ? regs.ttbr1El1() : regs.ttbr0El1();
        int a = src.asidOrVmid16();
        return regs.tcrEl1().as16() ? a : a & 0xFF;
    }

    private void deriveTags(int el) {
        Regime regime = Mmu.regimeFor(el, regs.hcrEffective());
        boolean s2on = regime == Regime.EL10 && (regs.hcrEffective().vm() || regs.hcrEffective().dc());
        // Mmu tags stage-1-only EL1&0 translations with VMID 0; follow it so that hits match fills.
        int vmid = regime == Regime.EL10 && s2on ? currentVmid() : 0;
        ctxTag = TlbArray.ctx(regimeOrdinal(regime), secure, vmid);
        s2CtxTag = TlbArray.ctx(0, secure, currentVmid());
        if (regime == Regime.EL10) {
            asidTag = currentAsid();
        } else if (regime == Regime.EL20) {
            long tcr2 = regs.get("TCR_EL2");
            boolean a1 = ((tcr2 >>> 22) & 1) != 0;
            boolean as16 = ((tcr2 >>> 36) & 1) != 0;
            int a = (int) (regs.get(a1 ? "TTBR1_EL2" : "TTBR0_EL2") >>> 48);
            asidTag = as16 ? a : a & 0xFF;
        } else {
            asidTag = 0;
        }
        int els = 0;
        for (int e = 0; e <= 3; e++) {
            if (Mmu.regimeFor(e, regs.hcrEffective()) == regime) {
                els |= 1 << e;
            }
        }
        tagEls = els;
    }

    /** Whether the lookup tags are those of an access at {@code el} (see {@link #tagEls}). */
    private boolean tagsFor(int el) {
        return (tagEls & (1 << el)) != 0;
    }

    /** The context tag lookups use at {@code el} under the current registers. */
    public int contextTag(int el) {
        if (!tagsFor(el)) {
            deriveTags(el);
        }
        return ctxTag;
    }

    public int asidTag(int el) {
        if (!tagsFor(el)) {
            deriveTags(el);
        }
        return asidTag;
    }

    /**
     * Translates one access of up to one page: looks up the TLBs, walks on a miss.
     *
     * @param va   virtual address
     * @param kind {@code 0} read, {@code 1} write, {@code 2} read-modify-write (needs both), {@code 3} fetch
     * @param el   exception level of the access
     * @return true if translated, false on a fault (counted in {@link #faults})
     */
    public boolean access(long va, int kind, int el) {
        final int r = accessL1(va, kind, el);
        return r == L1_MISSED ? accessAfterL1Miss(va, kind, el) : r == L1_SERVED;
    }

    /** {@link #accessL1}: the L1 hit an entry that permits the access. */
    public static final int L1_SERVED = 1;
    /** {@link #accessL1}: the L1 hit an entry that denies the access (a permission fault, counted). */
    public static final int L1_DENIED = 0;
    /** {@link #accessL1}: the L1 missed (counted); {@link #accessAfterL1Miss} does the rest. */
    public static final int L1_MISSED = -1;

    /**
     * The first half of {@link #access}: the lookup in the L1 of the access's kind, with all that
     * {@code access} records for an L1 hit. Small, so that the JIT inlines it into the per-access
     * loop; the L2 and the walk are {@link #accessAfterL1Miss}, which the caller must call (with
     * the same arguments, nothing in between) when this returns {@link #L1_MISSED}. The two halves
     * are exactly {@code access}, which is made of them.
     */
    public int accessL1(long va, int kind, int el) {
        if (!tagsFor(el)) {
            deriveTags(el);
        }
        final TlbArray l1 = kind == 3 ? l1i : l1d;
        final int i = l1.lookup(va, ctxTag, asidTag);
        if (i < 0) {
            return L1_MISSED;
        }
        onL1Hit(l1, i, va, kind, el);
        return permitted(l1.info[i], kind) ? L1_SERVED : L1_DENIED;
    }

    /** The second half of {@link #access}, after {@link #accessL1} returned {@link #L1_MISSED}: the L2, then the walk. */
    public boolean accessAfterL1Miss(long va, int kind, int el) {
        final int r = accessL2(va, kind, el);
        return r == L1_MISSED ? walkAfterMisses(va, kind, el) : r == L1_SERVED;
    }

    /**
     * The L2 step of {@link #accessAfterL1Miss}: the lookup in the L2, and on a hit all that
     * {@code access} records for it (the L1 fill included). Returns {@link #L1_SERVED} or
     * {@link #L1_DENIED} (a permission fault, counted) for a hit, {@link #L1_MISSED} when there is
     * no L2 or it missed (counted): then the caller must call {@link #walkAfterMisses} with the same
     * arguments, nothing in between. For a per-access loop that handles the common L2 hit itself.
     */
    public int accessL2(long va, int kind, int el) {
        if (l2 == null) {
            return L1_MISSED;
        }
        final int j = l2.lookup(va, ctxTag, asidTag);
        if (j < 0) {
            return L1_MISSED;
        }
        final TlbArray l1 = kind == 3 ? l1i : l1d;
        lastHit = true;
        int s = l2.sizeLog[j];
        lastLevel = 2;
        lastSizeLog = s;
        lastPa = l2.out[j] + (va & ((1L << s) - 1));
        cycles += config.l2HitCycles();
        int k = l1.fill(va, s, l2.ctx[j], l2.asid[j], l2.out[j], l2.ipa[j], l2.info[j]);
        if (staleEvery != 0) {
            checkStaleOnHit(l2, j, va, kind, el);
            if (k >= 0) { // the L1 copy is the same translation: it keeps the L2 entry's history
                l1.stampFill(k, l2.fillNs[j], l2.checkedSeq[j], l2.staleReported[j]);
            }
        }
        return permitted(l2.info[j], kind) ? L1_SERVED : L1_DENIED;
    }

    /** The walk of {@link #accessAfterL1Miss}, after {@link #accessL2} returned {@link #L1_MISSED}. */
    public boolean walkAfterMisses(long va, int kind, int el) {
        final boolean fetch = kind == 3;
        return walk(va, kind, el, fetch ? l1i : l1d, fetch);
    }

    /**
     * Whether a lookup of {@code va} at {@code el} would hit this PE's TLBs (its L1 of the kind, or
     * the L2) under the current registers, without a walk: a probe that changes no entry, no
     * replacement state and no counter, so the replay goes on exactly as without it. For comparing
     * with a hardware sample's TLB events (an SPE "TLB walk" is a miss in every level).
     */
    public boolean probeHit(long va, boolean fetch, int el) {
        if (!tagsFor(el)) {
            deriveTags(el);
        }
        if ((fetch ? l1i : l1d).findQuietly(va, ctxTag, asidTag) >= 0) {
            return true;
        }
        return l2 != null && l2.findQuietly(va, ctxTag, asidTag) >= 0;
    }

    /**
     * The same-entry fast path: when the L1 TLB of the access's kind would serve it from the entry
     * that hit last (see {@link TlbArray#mruMatch}) with a permitted access kind, does everything
     * {@link #access} does for that hit (the stale detector's {@link #checkStaleOnHit} included)
     * and returns true; otherwise changes nothing and returns false (the caller then calls {@link #access}).
     * A register write or a change to an exception level of another translation regime since the
     * last access also declines (the tags are re-derived by the full path), and any TLBI or
     * eviction of that entry clears the L1's last-hit register, so none of them needs a hook here.
     */
    public boolean accessIfL1MruHit(long va, int kind, int el) {
        if (!tagsFor(el)) {
            return false;
        }
        final TlbArray l1 = kind == 3 ? l1i : l1d;
        final int i = l1.mruMatch(va, ctxTag, asidTag);
        if (i < 0 || !allows(l1.info[i], kind)) {
            return false;
        }
        l1.countMruHit(i);
        onL1Hit(l1, i, va, kind, el);
        return true;
    }

    /**
     * What an L1 hit on entry {@code i} records, whichever path found it ({@link #access} or the
     * same-entry fast path): the last-access registers, the hit's cycles and the stale check.
     */
    private void onL1Hit(TlbArray l1, int i, long va, int kind, int el) {
        lastLevel = 1;
        final int s = l1.sizeLog[i];
        lastSizeLog = s;
        lastHit = true;
        lastPa = l1.out[i] + (va & ((1L << s) - 1));
        cycles += config.l1HitCycles();
        if (staleEvery != 0) {
            checkStaleOnHit(l1, i, va, kind, el);
        }
    }

    /**
     * The permission bits access kind {@code k} needs, in nibble {@code k}: read R, write W,
     * read-modify-write R and W, fetch X. A shift instead of a switch: the kinds of consecutive
     * accesses are mixed, and a branch per kind was mispredicted on many hits.
     */
    private static final int NEEDS = TlbArray.INFO_R | TlbArray.INFO_W << 4
            | (TlbArray.INFO_R | TlbArray.INFO_W) << 8 | TlbArray.INFO_X << 12;

    private static boolean allows(int info, int kind) {
        final int need = (NEEDS >>> ((kind & 3) << 2)) & 0xF;
        return (info & need) == need;
    }

    private boolean permitted(int info, int kind) {
        boolean ok = allows(info, kind);
        if (!ok) {
            // A cached entry with restrictive permissions faults without a walk (Arm ARM D8 TLB rules).
            permissionFaultsOnHit++;
            faults++;
        }
        return ok;
    }

    private static AccessType accessType(int kind) {
        return switch (kind) {
            case 0 -> AccessType.READ;
            case 3 -> AccessType.FETCH;
            default -> AccessType.WRITE; // a read-modify-write needs write permission (which implies read at stage 1)
        };
    }

    /**
     * The result of the last walk this unit made (valid until the next access): the fault details
     * after {@link #access} returned false because of a walk.
     */
    public TranslationResult lastResult() {
        return res;
    }

    /**
     * Where the last {@link #access} was served: 1 = L1 hit, 2 = L2 hit, 3 = a walk that
     * translated, 0 = a walk that faulted; and the log2 size of the entry involved (0 after a fault).
     * For per-page-size statistics; two plain stores per access.
     */
    public int lastLevel, lastSizeLog;

    public void setWalkListener(WalkListener l) {
        walkListener = l;
    }

    private boolean walk(long va, int kind, int el, TlbArray l1, boolean fetch) {
        if (walkListener != null) {
            walkListener.beforeWalk(va, el);
        }
        final TranslationResult r = res;
        lastHit = false;
        final boolean ok = mmu.translate(regs, va, el, accessType(kind), false, secure, r);
        lastPa = ok ? r.pa : -1;
        int reads = r.reads;
        readsUncached += reads;
        if (ok && walkCaches) {
            reads = walkCacheReads(va, el, r);
        }
        if (fetch) {
            walksI++;
            readsI += reads;
        } else {
            walksD++;
            readsD += reads;
        }
        cycles += (long) reads * config.descReadCycles();
        if (!ok) {
            faults++;
            lastLevel = 0;
            lastSizeLog = 0;
            return false; // faulting walks are never cached
        }
        if (kind == 2 && !r.permRead) {
            faults++;
            lastLevel = 0;
            lastSizeLog = 0;
            return false;
        }
        long size = r.size;
        int s = 63 - Long.numberOfLeadingZeros(size);
        lastLevel = 3;
        lastSizeLog = s;
        long off = va & (size - 1);
        int asid = r.notGlobal ? asidTag : -1;
        int inf = TlbArray.info(r.permRead, r.permWrite, r.permExec, r.s1Level, s1GranLog(va, el),
                r.s2Level, r.stage2Enabled ? regs.stage2Params().gran.g : 0);
        if (l2 != null) {
            int k = l2.fill(va, s, ctxTag, asid, r.pa - off, r.ipa - off, inf);
            if (staleEvery != 0 && k >= 0) {
                l2.stampFill(k, now, changes.clock, false);
            }
        }
        int k = l1.fill(va, s, ctxTag, asid, r.pa - off, r.ipa - off, inf);
        if (staleEvery != 0 && k >= 0) {
            l1.stampFill(k, now, changes.clock, false);
        }
        return true;
    }

    private int s1GranLog(long va, int el) {
        StageParams p = regs.el1Params((int) ((va >>> 55) & 1));
        return p.gran.g;
    }

    /**
     * Descriptor reads of the walk just done, after the walk caches and the IPA cache, which are
     * looked up and filled on the way. Only for EL1&amp;0 walks; other regimes count every read.
     */
    private int walkCacheReads(long va, int el, TranslationResult r) {
        if (r.regime != Regime.EL10) {
            return r.reads;
        }
        final WalkTrace t = trace;
        final int n = t.reads();
        int pos = 0;
        int count = 0;
        final boolean s2on = r.stage2Enabled;
        if (r.stage1Enabled) {
            StageParams p = regs.el1Params((int) ((va >>> 55) & 1));
            Granule g = p.gran;
            long ia = va & ((1L << p.iaBits) - 1);
            int skipTo = p.startLevel - 1; // levels <= skipTo are served by the stage-1 walk cache
            if (s1wc != null) {
                int w = s1wc.lookup(va, ctxTag, asidTag);
                if (w >= 0) {
                    skipTo = TlbArray.infoS1Level(s1wc.info[w]);
                }
            }
            long tableIpa = p.base;
            for (int level = p.startLevel; level <= r.s1Level && pos < n; level++) {
                int runStart = pos;
                while (pos < n && t.stage(pos) == 2) {
                    pos++;
                }
                int shift = g.levelShift(level);
                long idxMask = level == p.startLevel ? (1L << p.rootBits) - 1 : (1L << g.stride) - 1;
                long descIpa = tableIpa | (((ia >>> shift) & idxMask) << 3);
                if (level > skipTo) {
                    if (s2on) {
                        count += s2RunReads(descIpa, runStart, pos);
                    }
                    count++;
                    if (level < r.s1Level && s1wc != null) {
                        s1wc.fill(va, shift, ctxTag, asidTag, 0, 0,
                                TlbArray.info(false, false, false, level, g.g, -1, 0));
                    }
                }
                if (pos >= n) {
                    break;
                }
                long desc = t.desc(pos);
                pos++;
                tableIpa = desc & 0x0000_FFFF_FFFF_F000L & -g.bytes;
            }
        }
        if (s2on) {
            count += s2RunReads(r.ipa, pos, n);
        }
        return count;
    }

    /** Reads of the stage-2 walk recorded in trace positions [from, to) for {@code ipa}, after caches. */
    private int s2RunReads(long ipa, int from, int to) {
        if (from == to) {
            return 0;
        }
        final WalkTrace t = trace;
        if (ipac != null && ipac.lookup(ipa, s2CtxTag, -1) >= 0) {
            return 0;
        }
        StageParams q = regs.stage2Params();
        Granule g = q.gran;
        int skipTo = -2;
        if (s2wc != null) {
            int w = s2wc.lookup(ipa, s2CtxTag, -1);
            if (w >= 0) {
                skipTo = TlbArray.infoS2Level(s2wc.info[w]);
            }
        }
        int count = 0;
        int leafLevel = t.level(to - 1);
        for (int k = from; k < to; k++) {
            int level = t.level(k);
            if (level > skipTo) {
                count++;
                if (level < leafLevel && s2wc != null) {
                    s2wc.fill(ipa, g.levelShift(level), s2CtxTag, -1, 0, 0,
                            TlbArray.info(false, false, false, -1, 0, level, g.g));
                }
            }
        }
        if (ipac != null) {
            long leaf = t.desc(to - 1);
            int shift = g.levelShift(leafLevel);
            long outBase = leaf & 0x0000_FFFF_FFFF_F000L & -(1L << shift);
            ipac.fill(ipa, shift, s2CtxTag, -1, outBase, ipa & -(1L << shift),
                    TlbArray.info(true, true, true, -1, 0, leafLevel, g.g));
        }
        return count;
    }

    /**
     * The stale-translation detector on a TLB hit on entry {@code i} of {@code a}: the one place
     * where a hit is checked against the tables (a fast path that skips {@link #access} must call
     * it, or treat the detector being on as a reason not to skip). Sampled mode re-walks every
     * n-th hit; exact mode re-walks only a hit on an entry filled (or last found consistent)
     * before a change the {@link MappingChangeLog} holds for a page it covers, and otherwise costs
     * one comparison. Changes no modelled state: the re-walk uses its own result, and only the
     * detector's own fields of the entry are written.
     */
    public void checkStaleOnHit(TlbArray a, int i, long va, int kind, int el) {
        // Kept this small so that the JIT inlines it into every hit: almost every hit returns here.
        if (staleEvery > 0) {
            if (--staleCountdown != 0) {
                return;
            }
            staleCountdown = staleEvery;
        } else if (changes.vmClock[vmDense] <= a.checkedSeq[i]) {
            return; // nothing of this VM changed since the entry was filled or last found consistent
        }
        checkStale(a, i, va, kind, el);
    }

    /** The rest of {@link #checkStaleOnHit}, for a hit that is due a check: out of the hit's way. */
    private void checkStale(TlbArray a, int i, long va, int kind, int el) {
        final MappingChangeLog log = changes;
        final int sizeLog = a.sizeLog[i];
        final long size = 1L << sizeLog;
        final int inf = a.info[i];
        final long since = a.checkedSeq[i];
        final long ipa = a.ipa[i] + (va & (size - 1));
        final boolean hasS2 = TlbArray.infoS2Level(inf) >= 0;
        long s1Seq = TlbArray.infoS1Level(inf) >= 0 ? log.changedSince(vmDense, 1, va, sizeLog, since) : 0;
        long s1Ns = log.foundNs, s1Src = log.foundSrc;
        long s2Seq = hasS2 ? log.changedSince(vmDense, 2, ipa, sizeLog, since) : 0;
        long s2Ns = log.foundNs, s2Src = log.foundSrc;
        if (staleEvery < 0 && s1Seq == 0 && s2Seq == 0) {
            a.checkedSeq[i] = log.clock; // the changes were elsewhere
            return;
        }
        // Re-walk with a separate result so that statistics are untouched. (With hardware AF/dirty
        // management enabled the re-walk may set AF, as any speculative walk may.)
        boolean ok = mmu.translate(regs, va, el, accessType(kind), false, secure, check);
        long pa = a.out[i] + (va & (size - 1));
        boolean same = ok && check.pa == pa
                && check.permRead == ((inf & TlbArray.INFO_R) != 0)
                && check.permWrite == ((inf & TlbArray.INFO_W) != 0)
                && check.permExec == ((inf & TlbArray.INFO_X) != 0);
        if (same) {
            if (staleEvery < 0) {
                a.checkedSeq[i] = log.clock;
            }
            return;
        }
        if (a.staleReported[i]) {
            stale.recordHit();
            return;
        }
        a.staleReported[i] = true;
        // Which stage's mapping changed: the IPA moved (or stage 1 faults) = stage 1; the same IPA
        // with another PA or permissions = stage 2 when a stage-2 change was seen.
        int stage;
        if (!hasS2) {
            stage = 1;
        } else if (!ok) {
            stage = check.faultStage == 2 ? 2 : 1;
        } else if (check.ipa != ipa) {
            stage = 1;
        } else {
            stage = s2Seq != 0 || s1Seq == 0 ? 2 : 1;
        }
        long cSeq = stage == 1 ? s1Seq : s2Seq;
        long cNs = stage == 1 ? s1Ns : s2Ns;
        long cSrc = stage == 1 ? s1Src : s2Src;
        if (cSeq == 0) { // attribute to the other stage's change if only that one was seen
            cSeq = stage == 1 ? s2Seq : s1Seq;
            cNs = stage == 1 ? s2Ns : s1Ns;
            cSrc = stage == 1 ? s2Src : s1Src;
        }
        boolean tlbiSeen = cSeq != 0 && log.tlbiAfter(vmDense, stage, stage == 2 ? ipa : va, cSeq);
        int ctx = a.ctx[i];
        int newPerm = !ok ? -1 : (check.permRead ? TlbArray.INFO_R : 0) | (check.permWrite ? TlbArray.INFO_W : 0)
                | (check.permExec ? TlbArray.INFO_X : 0);
        stale.recordFirst(vmIndex, vcpuIndex, peIndex, va, ipa, a.asid[i], (ctx & TlbArray.CTX_VMID_MASK) >>> 3,
                ctx & TlbArray.CTX_REGIME_MASK, stage, a.fillNs[i], cSeq == 0 ? -1 : cNs, cSeq == 0 ? -1 : cSrc, now,
                pa, inf & 7, ok ? check.pa : -1, newPerm, TlbArray.infoS1Level(inf), TlbArray.infoS2Level(inf), log,
                tlbiSeen);
    }

    /** Total descriptor reads after walk caches. */
    public long reads() {
        return readsI + readsD;
    }

    public long walks() {
        return walksI + walksD;
    }

    /** All structures present, for TLBI and statistics. */
    TlbArray[] combined() {
        return l2 == null ? new TlbArray[] {l1i, l1d} : new TlbArray[] {l1i, l1d, l2};
    }
}
