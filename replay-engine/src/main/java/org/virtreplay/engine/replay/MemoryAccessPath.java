package org.virtreplay.engine.replay;

import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.engine.tlb.TranslationUnit;

/**
 * The per-access path: places a guest memory access on the PE its vCPU is loaded on, splits it at
 * the stage-1 granule, looks each page up in that PE's TLBs (walking on a miss), hands stage-2
 * faults to the hypervisor model and retries, and records the per-size and per-walk counters. It
 * is a unit of its own because it is the hot loop of every replay (the place to change how an
 * access is looked up, e.g. a same-page fast path), and must stay allocation-free and monomorphic:
 * it is created once the replay's sizes are known, keeps final references to the shared arrays,
 * and calls only final classes besides the {@link Stage2Port} it was given.
 */
final class MemoryAccessPath {

    private static final int NC = Replayer.NC;
    private static final int SIZES = Replayer.SIZES;
    private static final int NS = Replayer.NS;
    private static final int WALK_LEN_MAX = Replayer.WALK_LEN_MAX;

    private final ReplayHost host;
    private final TranslationUnit[] pes;
    private final Stage2Port s2;
    private final Hypervisor hyp;
    private final Stage2FaultLog s2Faults;
    private final TranslationResult scratch = new TranslationResult();
    private final int[] vmIndexOf, vcpuBase, lastPe, pageShift, loaded;
    private final long[][] acc;

    private final long[][] levelReads;
    private final long[][] bySize;
    private final long[][] walkLen;
    // Per-VM running totals, read by the job at window boundaries (timeline).
    private final long[] vmLookups, vmMisses;

    /** The same-entry fast path, unless {@link Replayer#FAST_PATH_PROPERTY} is {@code false}. */
    private final boolean fastPath = !"false".equals(System.getProperty(Replayer.FAST_PATH_PROPERTY));

    /** After {@link ReplayHost#layout}: takes the host's per-vCPU arrays as they are from now on. */
    MemoryAccessPath(ReplayHost host, Hypervisor hyp, Stage2FaultLog s2Faults) {
        this.host = host;
        this.pes = host.pes;
        this.s2 = host.s2;
        this.hyp = hyp;
        this.s2Faults = s2Faults;
        this.vmIndexOf = host.vmIndexOf;
        this.vcpuBase = host.vcpuBase;
        this.lastPe = host.lastPe;
        this.pageShift = host.pageShift;
        this.loaded = host.loaded;
        this.acc = host.acc;
        int flat = host.totalVcpus;
        levelReads = new long[pes.length][flat * SIZES * 16];
        bySize = new long[pes.length][flat * SIZES * NS];
        walkLen = new long[pes.length][flat * (WALK_LEN_MAX + 1)];
        vmLookups = new long[host.vmIds.length];
        vmMisses = new long[host.vmIds.length];
        placed = new int[flat];
    }

    /** See {@link Replayer#onMem}; the caller has counted the event. */
    void onMem(long ts, int vm, int vcpu, int el, int access, long va, int size) {
        final int d = vmIndexOf[vm];
        final int f = vcpuBase[d] + vcpu;
        final int p = placeOnPe(ts, vm, vcpu, d, f);
        final TranslationUnit tu = pes[p];
        tu.now = ts; // the stale-translation detector's clock for fills and hits
        final int kind = access == Replayer.FETCH ? 3 : access == Replayer.READ_WRITE ? 2 : access; // TranslationUnit's codes
        acc[p][f * NC + Replayer.C_ACCESSES]++;
        // An access that crosses a stage-1 granule boundary is one lookup per page, in the order of
        // its bytes. Byte i is at va + i modulo 2^64, so an access crossing 2^64 continues at VA 0
        // (docs/fidelity.md, "Access split"): page numbers are counted modulo 2^(64 - shift).
        final int shift = pageShift[f];
        long more = (((va + Math.max(size, 1) - 1) >>> shift) - (va >>> shift)) & (-1L >>> shift);
        translatePages(ts, p, tu, vm, vcpu, d, f, el, kind, va, more, shift);
    }

    /** The page of {@code va} and the {@code more} pages (of {@code 2^shift} bytes) after it, in order. */
    private void translatePages(long ts, int p, TranslationUnit tu, int vm, int vcpu, int d, int f, int el,
            int kind, long va, long more, int shift) {
        translateOne(ts, p, tu, vm, vcpu, d, f, el, kind, va);
        // An int loop: more < 2^20 (an access is under 2 GB). C2 compiled the long countdown this
        // was with a loop-limit check that trapped at the first page-crossing access of a replay
        // and threw the flat loop's compiled code away (-XX:+LogCompilation: loop_limit_check).
        long a = va;
        for (int i = 0, n = (int) more; i < n; i++) {
            a = ((a >>> shift) + 1) << shift;
            translateOne(ts, p, tu, vm, vcpu, d, f, el, kind, a);
        }
    }

    /**
     * The PE whose TLBs translate an access of flat vCPU {@code f} (VM index {@code d}) at {@code ts}:
     * the one the vCPU is loaded on (in the guest, or in EL2 handling an exit the model placed at
     * this time), else its last PE (counted as not running); loads the vCPU's context there when
     * another one holds it. Shared by {@link #onMem} and the flat loop, which calls it only for a
     * vCPU its placement cache ({@link #placed}) does not hold.
     */
    private int placeOnPe(long ts, int vm, int vcpu, int d, int f) {
        int p = hyp.loadedPe(ts, vm, vcpu);
        final boolean running = p >= 0;
        if (!running) {
            p = lastPe[f] >= 0 ? lastPe[f] : f % pes.length;
            acc[p][f * NC + Replayer.C_NOT_RUNNING]++;
        }
        if (loaded[p] != f) {
            host.load(p, f, d);
            java.util.Arrays.fill(placed, -1);
        }
        lastPe[f] = p;
        placed[f] = running ? p : -1;
        return p;
    }

    /**
     * The flat per-access loop (issue 18 item 2): replays row {@code from} of a decoded batch
     * (struct of arrays, the trace's access codes, and each row's {@link MemRowPacker} word in
     * {@code metaA}) and the following ones up to {@code to - 1}
     * while their time is below {@code limit}, and returns the index of the first row it did not
     * replay. Each row does what {@link #onMem}
     * does, in the same order; the difference is the shape the JIT sees: one loop over primitive
     * arrays whose common case, a one-page access that the L1 serves, runs without a call
     * ({@link TranslationUnit#accessL1} and {@code TlbArray.find}'s last-hit and hint checks are
     * small enough to be inlined), with the vCPU's PE from a per-batch placement cache instead of a
     * call into the hypervisor model, and the row's vCPU, EL, access kind and "one page" from its
     * packed word instead of five columns and two table lookups (a {@link MemRowPacker#GENERAL}
     * row takes them from the columns). The L1's own last-hit check serves the same-entry case; the
     * separate same-entry attempt of {@link #onMem} ({@link TranslationUnit#accessIfL1MruHit}) is
     * left out here, where it cost more than it saved. A page the L1 misses is looked up in the L2
     * in the loop too ({@link TranslationUnit#accessL2}, whose hit fills the L1 as
     * {@code access} does); a page the L2 misses as well, an access that crosses a page and every
     * fault leave the loop for {@link #afterL1} and {@link #translateOne}, the path {@code onMem}
     * takes.
     *
     * <p>If the model throws, {@link #failedRow} names the row.
     */
    int onMemBatch(long[] tsA, int[] metaA, int[] vmA, int[] vcpuA, int[] elA, int[] accessA, long[] vaA, int[] sizeA,
            int from, int to, long limit) {
        final TranslationUnit[] units = pes;
        final long[][] counts = acc;
        final long[] lookups = vmLookups;
        final int[] placedOn = placed;
        long maxTs = batchMaxTs;
        // Until the hypervisor model's next event, or until this loop calls something that may
        // change its state (a stage-2 fault, a context load), each vCPU stays where the last
        // placeOnPe put it: placedOn caches that PE so that a row asks the hypervisor nothing.
        // The hypervisor's clock then lags the rows; syncClock brings it up before a fault's
        // handling and at the end, where advanceTo would have left it (nothing being due).
        long hypNext = hyp.nextEventTime();
        java.util.Arrays.fill(placedOn, -1);
        int k = from;
        try {
            for (; k < to; k++) {
                final long ts = tsA[k];
                if (ts >= limit && k > from) {
                    break; // the first row is due whatever its time (the caller checked; limit may be 2^63 - 1)
                }
                if (ts > maxTs) {
                    maxTs = ts;
                }
                final int m = metaA[k];
                final int d;
                final int f;
                final int el;
                final int kind;
                if (m >= 0) {
                    // Packed on the reader thread: one 4 KB page at most, so one page of any granule.
                    f = m & MemRowPacker.F_MASK;
                    d = (m >>> MemRowPacker.D_SHIFT) & MemRowPacker.D_MASK;
                    el = (m >>> MemRowPacker.EL_SHIFT) & 3;
                    kind = (m >>> MemRowPacker.KIND_SHIFT) & 3;
                } else {
                    // Without a branch on whether the vCPU changed: consecutive rows of a multi-vCPU
                    // trace come from different vCPUs at random, and the two loads hit the cache.
                    d = vmIndexOf[vmA[k]];
                    f = vcpuBase[d] + vcpuA[k];
                    el = elA[k];
                    kind = MemRowPacker.kind(accessA[k]);
                }
                int p = placedOn[f];
                if (ts >= hypNext) {
                    // The hypervisor model has events due: dispatching them may move any vCPU.
                    java.util.Arrays.fill(placedOn, -1);
                    p = -1;
                }
                if (p < 0) {
                    p = placeOnPe(ts, vmA[k], vcpuA[k], d, f);
                    hypNext = hyp.nextEventTime();
                }
                final TranslationUnit tu = units[p];
                tu.now = ts;
                final long[] c = counts[p];
                c[f * NC + Replayer.C_ACCESSES]++;
                final long va = vaA[k];
                int shift = 0;
                long more = 0;
                if (m < 0) {
                    shift = pageShift[f];
                    more = (((va + Math.max(sizeA[k], 1) - 1) >>> shift) - (va >>> shift)) & (-1L >>> shift);
                }
                if (more == 0) {
                    // One page: translateOne in line, its L1 hit without a call.
                    c[f * NC + Replayer.C_PAGE_LOOKUPS]++;
                    // No same-entry attempt before the lookup: the L1's lookup tries its last-hit
                    // entry first anyway, and on the 200 M trace, where two lookups in five repeat
                    // the entry, a separate attempt was a branch the predictor missed, and slower
                    // (docs/performance.md, "Session 8").
                    final int r = tu.accessL1(va, kind, el);
                    if (r == TranslationUnit.L1_SERVED) {
                        lookups[d]++;
                        recordL1Hit(p, f, kind, tu.lastSizeLog);
                        continue;
                    }
                    if (r == TranslationUnit.L1_MISSED) {
                        // A fifth of the rows: the L2 in line too, and only its miss or a
                        // permission fault goes on to afterL1.
                        final int r2 = tu.accessL2(va, kind, el);
                        if (r2 == TranslationUnit.L1_SERVED) {
                            lookups[d]++;
                            recordL2Hit(p, f, kind, tu.lastSizeLog);
                            continue;
                        }
                        afterL1(ts, p, tu, vmA[k], vcpuA[k], d, f, el, kind, va,
                                r2 == TranslationUnit.L1_DENIED ? TranslationUnit.L1_DENIED : L2_MISSED);
                    } else {
                        afterL1(ts, p, tu, vmA[k], vcpuA[k], d, f, el, kind, va, r);
                    }
                } else {
                    translatePages(ts, p, tu, vmA[k], vcpuA[k], d, f, el, kind, va, more, shift);
                }
                if (hypTouched) {
                    // The hypervisor model ran (a stage-2 fault) and may have queued events or
                    // moved vCPUs: the next row places afresh, as when events are due.
                    hypTouched = false;
                    hypNext = Long.MIN_VALUE;
                }
            }
        } catch (RuntimeException e) {
            failedRow = k;
            batchMaxTs = maxTs;
            throw e;
        }
        batchMaxTs = maxTs;
        hyp.syncClock(maxTs); // the hypervisor's clock, as placeOnPe would have left it
        return k;
    }

    /**
     * The flat loop's placement cache: the PE flat vCPU f is loaded on, or -1. {@link #placeOnPe}
     * keeps it: a vCPU it places on the PE it is loaded on is cached (it stays there until the
     * hypervisor model runs again); one not running is not (each of its rows counts as not
     * running); a context load may move any vCPU, so it clears the whole cache.
     */
    private final int[] placed;
    /** Set when the hypervisor model may have changed state inside the flat loop: its placement cache is void. */
    private boolean hypTouched;

    /** The row of the batch {@link #onMemBatch} was replaying when the model threw. */
    int failedRow;
    /** The largest time {@link #onMemBatch} has replayed (the replayer's clock reads it). */
    long batchMaxTs = Long.MIN_VALUE;

    private void translateOne(long ts, int p, TranslationUnit tu, int vm, int vcpu, int d, int f, int el, int kind,
            long va) {
        if (fastPath && tu.accessIfL1MruHit(va, kind, el)) {
            // Exactly the counters the full path below records for a permitted L1 hit.
            acc[p][f * NC + Replayer.C_PAGE_LOOKUPS]++;
            vmLookups[d]++;
            recordBySize(p, f, kind == 3, tu.l2 != null, 1, tu.lastSizeLog);
            return;
        }
        acc[p][f * NC + Replayer.C_PAGE_LOOKUPS]++;
        final int r = tu.accessL1(va, kind, el);
        if (r == TranslationUnit.L1_SERVED) {
            // What the attempt loop of afterL1 records for a permitted L1 hit.
            vmLookups[d]++;
            recordBySize(p, f, kind == 3, tu.l2 != null, 1, tu.lastSizeLog);
            return;
        }
        afterL1(ts, p, tu, vm, vcpu, d, f, el, kind, va, r);
    }

    /**
     * {@link #afterL1}'s code for a lookup whose L1 and L2 both missed ({@link TranslationUnit#accessL2}
     * returned {@link TranslationUnit#L1_MISSED}): only the walk is left.
     */
    private static final int L2_MISSED = 2;

    /**
     * The rest of a page's translation after its L1 lookup {@code l1} ({@link TranslationUnit#accessL1}
     * returned {@link TranslationUnit#L1_MISSED} or {@link TranslationUnit#L1_DENIED}), or after its
     * L2 lookup too ({@link #L2_MISSED}, or {@code L1_DENIED} for a hit in the L2 that denied the
     * access): the L2 and the walk, the counters, and the stage-2 fault handling with its retries
     * (each retry a whole {@link TranslationUnit#access}).
     */
    private void afterL1(long ts, int p, TranslationUnit tu, int vm, int vcpu, int d, int f, int el, int kind,
            long va, int l1) {
        for (int attempt = 0; attempt < 8; attempt++) {
            long walksBefore = tu.walksI + tu.walksD;
            long hitFaultsBefore = tu.permissionFaultsOnHit;
            // The re-executed access after a handled stage-2 fault looks the TLBs up again (and
            // walks again), and the PE's counters in tlb_stats count that: the timeline must too
            // (docs/metrics.md consistency rule 5), so count every attempt.
            vmLookups[d]++;
            boolean ok;
            if (attempt > 0) {
                ok = tu.access(va, kind, el);
            } else if (l1 == TranslationUnit.L1_DENIED) {
                hitFaultsBefore--; // the caller's L1 (or L2) lookup counted this attempt's permission fault
                ok = false;
            } else if (l1 == L2_MISSED) {
                ok = tu.walkAfterMisses(va, kind, el);
            } else {
                ok = tu.accessAfterL1Miss(va, kind, el);
            }
            final boolean walked = tu.walksI + tu.walksD != walksBefore;
            final int sizeLog = walked && !ok ? 0 : tu.lastSizeLog;
            recordBySize(p, f, kind == 3, tu.l2 != null, walked ? (ok ? 3 : 0) : tu.lastLevel, sizeLog);
            if (walked) {
                vmMisses[d]++;
                recordWalk(p, f, kind == 3, tu.lastResult(), sizeLog);
            }
            if (ok) {
                return;
            }
            TranslationResult r;
            if (tu.permissionFaultsOnHit != hitFaultsBefore) {
                // Denied by a cached entry: classify with a walk that fills nothing.
                r = scratch;
                tu.mmu.translate(tu.regs(), va, el, kind == 0 ? AccessType.READ : kind == 3 ? AccessType.FETCH
                        : AccessType.WRITE, false, r);
            } else {
                r = tu.lastResult();
            }
            if (r.ok || r.faultStage != 2) {
                acc[p][f * NC + Replayer.C_S1_FAULTS]++;
                return; // the guest's own fault: counted, nothing to replay
            }
            hypTouched = true;
            hyp.syncClock(ts); // the hypervisor's clock at this access (the flat loop does not advance it per row)
            int cause = s2.handleFault(ts, vm, vcpu, r);
            if (cause < 0) {
                return;
            }
            s2Faults.record(ts, p, vm, vcpu, d, f, r, cause, va);
            if (!Stage2Port.retry(cause)) {
                return; // MMIO emulated by the host, or a fault the host cannot fix
            }
        }
    }

    /**
     * The offset of a side's counter from the instruction side's in {@link #bySize}: 0 for a fetch
     * ({@code kind} 3), {@code S_L1D_LOOKUPS - S_L1I_LOOKUPS} (and the same for the L2's) for data.
     * Arithmetic, not a branch: a branch the profile never saw taken when C2 compiled the loop (an
     * instruction fetch that hits the L2 is rare: 0.1 % of the 200 M trace's rows) becomes a trap
     * that throws the loop's compiled code away at its first occurrence.
     */
    private static int side(int kind) {
        return ((kind - 3) >>> 31) * (Replayer.S_L1D_LOOKUPS - Replayer.S_L1I_LOOKUPS);
    }

    /** {@link #recordBySize} of an L1 hit: the per-size lookup and hit of the L1 of the kind. */
    private void recordL1Hit(int p, int f, int kind, int sizeLog) {
        final long[] a = bySize[p];
        final int base = (f * SIZES + sizeLog) * NS + Replayer.S_L1I_LOOKUPS + side(kind);
        a[base]++;
        a[base + 1]++; // S_L1x_HITS follows S_L1x_LOOKUPS
    }

    /**
     * {@link #recordBySize} of an L2 hit: the per-size lookup of the L1 of the kind, and the
     * lookup and hit of the L2 on that side.
     */
    private void recordL2Hit(int p, int f, int kind, int sizeLog) {
        final long[] a = bySize[p];
        final int base = (f * SIZES + sizeLog) * NS + side(kind);
        a[base + Replayer.S_L1I_LOOKUPS]++;
        a[base + Replayer.S_L2I_LOOKUPS]++;
        a[base + Replayer.S_L2I_HITS]++;
    }

    /**
     * Per-level descriptor reads and the walk-length distribution. The reads are those of the
     * architectural walk (what a walker reads with no walk cache); docs/metrics.md says so.
     */
    private void recordWalk(int p, int f, boolean fetch, TranslationResult r, int sizeLog) {
        long[] lv = levelReads[p];
        int base = (f * SIZES + sizeLog) * 16 + (fetch ? 8 : 0);
        int[] by = r.readsBy;
        for (int l = 0; l < 4; l++) {
            lv[base + l] += by[l + 1];          // stage 1, levels 0..3
            lv[base + 4 + l] += by[5 + l + 1];  // stage 2, levels 0..3
        }
        int n = Math.min(r.reads, WALK_LEN_MAX);
        walkLen[p][f * (WALK_LEN_MAX + 1) + n]++;
    }

    /**
     * Lookups by the size of the entry involved: the entry that hit, or for a miss the translation
     * the walk found (size index 0 when it faulted). {@code outcome}: 1 L1 hit, 2 L2 hit, 3 walk, 0
     * faulting walk.
     */
    private void recordBySize(int p, int f, boolean fetch, boolean hasL2, int outcome, int sizeLog) {
        long[] a = bySize[p];
        int base = (f * SIZES + sizeLog) * NS;
        a[base + (fetch ? Replayer.S_L1I_LOOKUPS : Replayer.S_L1D_LOOKUPS)]++;
        if (outcome == 1) {
            a[base + (fetch ? Replayer.S_L1I_HITS : Replayer.S_L1D_HITS)]++;
            return;
        }
        if (hasL2) {
            a[base + (fetch ? Replayer.S_L2I_LOOKUPS : Replayer.S_L2D_LOOKUPS)]++;
            if (outcome == 2) {
                a[base + (fetch ? Replayer.S_L2I_HITS : Replayer.S_L2D_HITS)]++;
                return;
            }
        }
        a[base + (fetch ? Replayer.S_WALKS_I : Replayer.S_WALKS_D)]++;
    }

    long walkLengthCount(int p, int dense, int vcpu, int reads) {
        return walkLen[p][(vcpuBase[dense] + vcpu) * (WALK_LEN_MAX + 1) + reads];
    }

    long levelReads(int p, int dense, int vcpu, int sizeLog, boolean fetch, int stage, int level) {
        return levelReads[p][((vcpuBase[dense] + vcpu) * SIZES + sizeLog) * 16 + (fetch ? 8 : 0) + (stage - 1) * 4 + level];
    }

    long sizeCounter(int p, int dense, int vcpu, int sizeLog, int c) {
        return bySize[p][((vcpuBase[dense] + vcpu) * SIZES + sizeLog) * NS + c];
    }

    long vmLookups(int dense) {
        return vmLookups[dense];
    }

    long vmMisses(int dense) {
        return vmMisses[dense];
    }
}
