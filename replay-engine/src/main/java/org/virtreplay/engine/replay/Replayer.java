package org.virtreplay.engine.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.Stage2Manager;
import org.virtreplay.engine.hyp.IrqEventSink;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.tlb.MappingChangeLog;
import org.virtreplay.engine.tlb.TlbiOp;
import org.virtreplay.engine.tlb.TranslationUnit;

/**
 * The replay of one trace on one modelled host: PEs with their TLBs in front of the two-stage MMU,
 * the hypervisor's stage-2 memory management, and the GIC/scheduler model. The caller (the
 * analysis layer's replay job) declares the VMs and memslots, calls {@link #start}, then feeds the
 * trace's events in timestamp order through the {@code on*} methods, and finally {@link #finish}.
 *
 * <p>How an access is replayed: the vCPU's PE is where the scheduler model says it runs at that
 * time (or, if it is not running, the PE it last ran on); the vCPU's translation registers are
 * loaded into that PE if another context is loaded (as KVM's vcpu_load does), so TLB tags follow
 * VMID and ASID; the access is split at the stage-1 granule, each page looked up (lowest first); a
 * stage-2 fault goes to the hypervisor, which maps lazily (then the access is retried), or emulates
 * MMIO; a stage-1 fault is the guest's business and only counted.
 *
 * <p>Statistics are attributed per PE × vCPU by taking the difference of the PE's counters at
 * each context switch, so the per-access path does no extra bookkeeping. Not thread-safe; the
 * per-access path allocates nothing.
 *
 * <p>This class is the public face that the analysis layer, Spark, the benchmarks and the tests
 * program against; the work is done by package-private final units so that each can change alone:
 * {@link MemoryAccessPath} (the per-access hot loop and its per-size / walk counters),
 * {@link GuestStateReplay} (system-register writes, map and raw descriptor records),
 * {@link Stage2FaultLog} (what a handled stage-2 fault is recorded as), {@link TlbiDispatch} (TLB
 * maintenance) and {@link ReplayHost} (PEs, loaded contexts, counter attribution). Stale-translation
 * detection itself lives in the PE's {@link TranslationUnit} ({@code tu.stale}); its count reaches
 * the per-vCPU totals in {@link ReplayHost#flushCounters}.
 */
public final class Replayer {

    /** Access codes of {@link #onMem}, as in the canonical trace's {@code access} column. */
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;
    public static final int READ_WRITE = 3;

    /**
     * System property that turns the same-entry fast path of the per-row path off ({@code false};
     * the flat loop uses it for page-crossing accesses only); on by default, read when a replay starts. For the equivalence tests and for
     * benchmarks: the metric tables are the same either way (docs/fidelity.md).
     */
    public static final String FAST_PATH_PROPERTY = "virtreplay.replay.fastPath";
    /**
     * System property that turns the flat per-access loop ({@link #onMemBatch}) off ({@code false}):
     * the replay job then calls {@link #onMem} per row, as before issue 18 item 2. On by default;
     * the metric tables are the same either way (docs/performance.md).
     */
    public static final String FLAT_LOOP_PROPERTY = "virtreplay.replay.flatLoop";
    public static final String[] FAULT_KIND_NAMES = {"address_size", "translation", "access_flag", "permission"};

    /** Counters kept per PE × vCPU; see {@link #counter}. */
    public static final int C_L1I_LOOKUPS = 0, C_L1I_HITS = 1, C_L1I_MISSES = 2, C_L1D_LOOKUPS = 3, C_L1D_HITS = 4,
            C_L1D_MISSES = 5, C_L2_LOOKUPS = 6, C_L2_HITS = 7, C_L2_MISSES = 8, C_WALKS_I = 9, C_WALKS_D = 10,
            C_READS_I = 11, C_READS_D = 12, C_FAULTS = 13, C_STALE = 14, C_ACCESSES = 15, C_PAGE_LOOKUPS = 16,
            C_NOT_RUNNING = 17, C_S1_FAULTS = 18;
    public static final int NC = 19;

    /** Per-size counters: see {@link #sizeCounter}. */
    public static final int S_L1I_LOOKUPS = 0, S_L1I_HITS = 1, S_L1D_LOOKUPS = 2, S_L1D_HITS = 3, S_L2I_LOOKUPS = 4,
            S_L2I_HITS = 5, S_L2D_LOOKUPS = 6, S_L2D_HITS = 7, S_WALKS_I = 8, S_WALKS_D = 9, NS = 10;
    /** log2 page sizes 0 (unknown: a faulting lookup) .. 39. */
    public static final int SIZES = 40;
    public static final int WALK_LEN_MAX = 32;

    // The facade's parts (see the package comment for which event goes where): what every path
    // shares, then one unit per kind of work. The per-access path calls only final classes.
    private final ReplayConfig cfg;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final ReplayHost host;
    private final GuestStateReplay guestState;
    private final Stage2FaultLog s2Faults = new Stage2FaultLog();
    private MemoryAccessPath memPath;           // from start(): sized by the declared VMs
    private MemRowPacker packer;                // from start(): the rows' packed words for memPath
    private int[] packScratch = new int[0];     // packed words of a batch given unpacked
    private TlbiDispatch tlbi;
    private Hypervisor hyp;
    /** The stale-translation detector's record of mapping changes; null when it is off. */
    private MappingChangeLog changes;
    /** The trace row of the event being applied ({@link #setEventSource}), -1 when unknown. */
    private long source = -1;

    private final List<int[]> vmDecl = new ArrayList<>(); // {vm, vcpus, ipaBits, vmid}
    private final List<String> vmNames = new ArrayList<>();
    private boolean started;

    private long lastTs;
    private long events;

    public Replayer(ReplayConfig cfg, Stage2Port.Factory s2Factory) {
        this.cfg = cfg;
        Stage2Port s2 = s2Factory.create(mem, cfg.s2PoolBase(), cfg.s2PoolSize());
        TranslationUnit[] pes = new TranslationUnit[cfg.peCount()];
        for (int p = 0; p < pes.length; p++) {
            pes[p] = new TranslationUnit(p, cfg.core(), new MmuRegisters(), new Mmu(mem), cfg.replacement(),
                    cfg.seed() * 31 + p);
        }
        this.host = new ReplayHost(mem, pes, s2);
        this.guestState = new GuestStateReplay(cfg, host);
    }

    /** The modelled physical memory (page tables live here). */
    public PhysicalMemory memory() {
        return mem;
    }

    public ReplayConfig config() {
        return cfg;
    }

    // ---------------------------------------------------------------- set-up

    /** Declares a VM; before {@link #start}. */
    public void addVm(int vm, String name, int vcpus, int ipaBits, int vmidHint) {
        checkNotStarted();
        if (vm < 0 || vm > 0xFFFF) {
            throw new IllegalArgumentException("vm id out of range: " + vm);
        }
        vmDecl.add(new int[] {vm, vcpus, ipaBits, vmidHint});
        vmNames.add(name);
        host.s2.addVm(vm, ipaBits, vmidHint);
    }

    /** Declares a memslot ({@link Stage2Port#MEMSLOT_RAM}, MMIO or DEVICE); before {@link #start}. */
    public void addMemslot(int vm, int slot, long ipa, long size, int kind, long pa, long backing) {
        checkNotStarted();
        long b = kind == Stage2Port.MEMSLOT_RAM && cfg.s2BackingBytes() > 0 ? cfg.s2BackingBytes() : backing;
        host.s2.addMemslot(vm, slot, ipa, size, kind, pa, b);
        if (kind == Stage2Port.MEMSLOT_RAM) {
            guestState.addRamSlot(vm, ipa, size);
        }
    }

    /**
     * Marks {@code vm} as a replica of a recorded VM (capacity studies): it has its own VMID, stage-2
     * root and host RAM, so the recorded hypervisor's VTTBR_EL2/VTCR_EL2 writes and its stage-2
     * {@code map} rows for RAM (whose output addresses are the original VM's memory) are not applied
     * to it; its RAM is mapped lazily at the memslots' backing size instead. After {@link #start}.
     */
    public void setReplica(int vm) {
        host.replica[host.denseOrFail(vm)] = true;
    }

    /** Recorded stage-2 RAM map rows a replica did not apply (its RAM faults in lazily). */
    public long stage2MapsDropped() {
        return guestState.stage2MapsDropped();
    }

    /** Recorded stage-2 RAM map and unmap rows applied at the scenario's backing ({@code s2.backing}). */
    public long stage2MapsRebacked() {
        return guestState.stage2MapsRebacked();
    }

    /**
     * The guest IPA range from which stage-1 tables of {@code map} records are allocated (the
     * manifest's {@code vm.N.s1_table_pool}); after {@link #start}.
     */
    public void setS1TablePool(int vm, long ipa, long size) {
        guestState.setS1TablePool(host.denseOrFail(vm), ipa, size);
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("VMs and memslots must be declared before start()");
        }
    }

    /** Ends set-up: sizes the per-vCPU state and creates the hypervisor model. */
    public void start() {
        checkNotStarted();
        int[] perVm = host.layout(vmDecl);
        hyp = new Hypervisor(perVm, cfg.hyp(), cfg.cost());
        guestState.start(hyp);
        s2Faults.size(host.totalVcpus, vmDecl.size(), host.vcpuBase, hyp);
        memPath = new MemoryAccessPath(host, hyp, s2Faults);
        packer = new MemRowPacker(host);
        tlbi = new TlbiDispatch(host, hyp);
        if (cfg.staleCheckEvery() != 0) {
            changes = new MappingChangeLog(vmDecl.size(), CHANGE_LOG_SLOTS);
        }
        for (TranslationUnit tu : host.pes) {
            tu.setStaleCheck(cfg.staleCheckEvery(), changes);
        }
        host.s2.setTlbSink(new Stage2Port.TlbSink() {
            @Override
            public void tlbi(TlbiOp op, int vm, long ipa) {
                tlbi.hypervisorTlbi(op, vm, ipa);
            }

            @Override
            public void stage2Changed(int vm, long ipa, long size, int action) {
                if (changes != null && vm >= 0 && vm < host.vmIndexOf.length && host.vmIndexOf[vm] >= 0) {
                    int kind = switch (action) {
                        case Stage2Manager.CHANGE_UNMAP -> MappingChangeLog.SRC_HYP_UNMAP;
                        case Stage2Manager.CHANGE_DIRTY_LOG_PROTECT -> MappingChangeLog.SRC_HYP_DIRTY_LOG_PROTECT;
                        case Stage2Manager.CHANGE_DIRTY_LOG_SPLIT -> MappingChangeLog.SRC_HYP_DIRTY_LOG_SPLIT;
                        default -> MappingChangeLog.SRC_HYP_PERMISSION;
                    };
                    // An unmap on behalf of a trace row is that row's change.
                    long src = kind == MappingChangeLog.SRC_HYP_UNMAP && source >= 0 ? source
                            : MappingChangeLog.source(kind, 0);
                    changes.changed(host.vmIndexOf[vm], 2, ipa, size, lastTs, src);
                }
            }
        });
        started = true;
    }

    /** Slots of the change log's maps (bounded; see {@link MappingChangeLog}). */
    static final int CHANGE_LOG_SLOTS = 1 << 16;

    /**
     * Names the trace row of the next non-memory event ({@link MappingChangeLog#source}: table and
     * row position), which the stale-translation detector reports as the cause of a change.
     */
    public void setEventSource(long src) {
        source = src;
    }

    /** The mapping changes the stale-translation detector reads; null when it is off. */
    public MappingChangeLog changeLog() {
        return changes;
    }

    public void setFaultSink(FaultSink sink) {
        s2Faults.setFaultSink(sink);
    }

    public void setIrqEventSink(IrqEventSink sink) {
        hyp.setEventSink(sink);
    }

    // ---------------------------------------------------------------- events

    /**
     * A system-register write. {@code vcpu} ≥ 0: the vCPU's own (EL1) registers; -1: the hypervisor
     * programming the VM's EL2 registers. Registers the translation model does not use (GIC, timer)
     * are accepted and ignored here; the GIC model is driven by the interrupt events.
     */
    public void onSysreg(long ts, int pe, int vm, int vcpu, int el, String reg, long value) {
        tick(ts);
        guestState.onSysreg(ts, vm, vcpu, el, reg, value);
    }

    /**
     * UNDEFINED and trapped system-register writes, keyed {@code vm.vcpu.undefined|trapped.ESR}, in
     * key order.
     */
    public SortedMap<String, Long> sysregExceptions() {
        return guestState.sysregExceptions();
    }

    /** A raw descriptor write to physical memory. */
    public void onPte(long ts, long pa, long value) {
        tick(ts);
        if (changes != null && mem.read(pa) != value) {
            // Which VM and page the descriptor maps is unknown: every VM's every page may have changed.
            changes.changed(-1, 1, 0, 0, ts, source);
            changes.changed(-1, 2, 0, 0, ts, source);
        }
        guestState.onPte(pa, value);
    }

    /**
     * A mapping change from the trace, realised as descriptors. Stage 1: in the tree rooted at IPA
     * {@code root}, with tables from the VM's stage-1 pool, attributes indexed in the VM's MAIR_EL1;
     * stage 2: in the VM's stage-2 tables.
     */
    public void onMap(long ts, int vm, int stage, long root, long ia, long oa, long size, String perm,
            String memtype, boolean notGlobal, boolean unmap) {
        tick(ts);
        guestState.onMap(vm, stage, root, ia, oa, size, perm, memtype, notGlobal, unmap);
        if (changes != null) {
            changes.changed(host.denseOrFail(vm), stage, ia, size, ts, source);
        }
    }

    /**
     * One memory access of {@code size} bytes; {@code access} is {@link #READ}, {@link #WRITE},
     * {@link #FETCH} or {@link #READ_WRITE}.
     */
    public void onMem(long ts, int vm, int vcpu, int el, int access, long va, int size) {
        tick(ts);
        memPath.onMem(ts, vm, vcpu, el, access, va, size);
    }

    /**
     * Row {@code from} of a decoded {@code mem} batch (one array per column, access codes as for
     * {@link #onMem}) and the following ones up to {@code to - 1} while their time is below
     * {@code limit}, replayed in order: the same as calling {@link #onMem} for each of them, in
     * one flat loop (docs/architecture.md, "One replay, step by step"). The first row is replayed
     * whatever its time (the caller has found it due; a last window ends at 2^63 - 1 and holds
     * rows at that time). Returns the index of the first row not replayed ({@code to}, or the
     * first row after {@code from} at or after {@code limit}). When the model throws, {@link #memBatchFailedRow} is
     * the row it was replaying, and the rows before it have been replayed.
     */
    public int onMemBatch(long[] ts, int[] vm, int[] vcpu, int[] el, int[] access, long[] va, int[] size, int from,
            int to, long limit) {
        if (packScratch.length < to) {
            packScratch = new int[Math.max(to, 2 * packScratch.length)]; // per larger batch, not per row
        }
        packer.pack(vm, vcpu, el, access, va, size, packScratch, from, to);
        return onMemBatch(ts, packScratch, vm, vcpu, el, access, va, size, from, to, limit);
    }

    /**
     * {@link #onMemBatch(long[], int[], int[], int[], int[], long[], int[], int, int, long)} of rows
     * whose {@link #memRowPacker()} words are already in {@code meta} (packed where they were decoded,
     * on the replay's reader thread).
     */
    public int onMemBatch(long[] ts, int[] meta, int[] vm, int[] vcpu, int[] el, int[] access, long[] va, int[] size,
            int from, int to, long limit) {
        final MemoryAccessPath path = memPath;
        final int stop;
        try {
            stop = path.onMemBatch(ts, meta, vm, vcpu, el, access, va, size, from, to, limit);
        } catch (RuntimeException e) {
            ticked(path.failedRow + 1 - from, path.batchMaxTs); // onMem ticks the row it fails on too
            throw e;
        }
        ticked(stop - from, path.batchMaxTs);
        return stop;
    }

    /** What {@link #tick} does, for {@code n} rows up to time {@code maxTs}. */
    private void ticked(int n, long maxTs) {
        events += n;
        if (maxTs > lastTs) {
            lastTs = maxTs;
        }
    }

    /**
     * After {@link #start()}: the packer of the words {@link #onMemBatch(long[], int[], int[], int[],
     * int[], int[], long[], int[], int, int, long)} reads, which a reader thread may use.
     */
    public MemRowPacker memRowPacker() {
        if (packer == null) {
            throw new IllegalStateException("memRowPacker() before start()");
        }
        return packer;
    }

    /** Whether {@link #onMemBatch} should be used: false when {@link #FLAT_LOOP_PROPERTY} is {@code false}. */
    public static boolean flatLoop() {
        return !"false".equals(System.getProperty(FLAT_LOOP_PROPERTY));
    }

    /** The row of the batch {@link #onMemBatch} was replaying when it threw. */
    public int memBatchFailedRow() {
        return memPath.failedRow;
    }

    /**
     * Whether a lookup of {@code va} by the vCPU at {@code ts} would hit the TLBs of the PE that
     * {@link #onMem} would translate it on, without changing any TLB, counter or replacement state
     * (a probe for comparing with sampled hardware TLB events; docs/metrics.md, validation). A vCPU
     * not loaded on that PE is probed with its own registers (VMID and ASID tags), and the PE gets
     * its registers back after.
     */
    public boolean probeTlbHit(long ts, int vm, int vcpu, int el, boolean fetch, long va) {
        final int f = host.vcpuBase[host.vmIndexOf[vm]] + vcpu;
        int p = hyp.loadedPe(ts, vm, vcpu);
        if (p < 0) {
            p = host.lastPe[f] >= 0 ? host.lastPe[f] : f % host.pes.length;
        }
        final TranslationUnit tu = host.pes[p];
        if (host.loaded[p] == f) {
            return tu.probeHit(va, fetch, el);
        }
        MmuRegisters own = tu.regs();
        tu.useRegisters(host.ctxRegs[f]);
        boolean hit = tu.probeHit(va, fetch, el);
        tu.useRegisters(own);
        return hit;
    }

    /** Walks of vCPU (dense VM index, vcpu) on PE p that read exactly {@code reads} descriptors (the last bucket: that many or more). */
    public long walkLengthCount(int p, int dense, int vcpu, int reads) {
        return memPath.walkLengthCount(p, dense, vcpu, reads);
    }

    /**
     * Descriptor reads at {@code stage} (1, 2) and {@code level} (0..3) of the walks caused by
     * instruction-side ({@code fetch}) or data-side misses of a vCPU on PE p, whose translation had
     * size 2^{@code sizeLog} (0: the walk faulted).
     */
    public long levelReads(int p, int dense, int vcpu, int sizeLog, boolean fetch, int stage, int level) {
        return memPath.levelReads(p, dense, vcpu, sizeLog, fetch, stage, level);
    }

    /** A per-size counter ({@code S_*}) of a vCPU on PE p for entries of size 2^sizeLog (0: faulting lookups). */
    public long sizeCounter(int p, int dense, int vcpu, int sizeLog, int c) {
        return memPath.sizeCounter(p, dense, vcpu, sizeLog, c);
    }

    /**
     * A TLB maintenance operation (or a DSB, which completes at once in this model). {@code vcpu}
     * -1: issued by the hypervisor at EL2 in the VM's context (KVM switches to the guest's VMID
     * before invalidating). {@code addr} is the VA or IPA (byte address), {@code ttl} the level
     * hint or -1, {@code pages} the page count of a range form or -1.
     */
    public void onTlbi(long ts, int pe, int vm, int vcpu, TlbiOp op, int asid, long addr, boolean hasAddr, int ttl,
            int pages) {
        tick(ts);
        tlbi.onTlbi(ts, pe, vm, vcpu, op, asid, addr, hasAddr, ttl, pages);
        if (changes != null && op.target() != TlbiOp.Target.BARRIER) {
            changes.tlbiSeen(host.denseOrFail(vm), op.target() == TlbiOp.Target.IPAS2 ? 2 : 1, hasAddr, addr,
                    op.ordinal(), asid, ttl, pe, ts, source);
        }
    }

    /** Builds the TLBI register operand (Xt) from the trace's fields (Arm ARM C5.5 operand formats). */
    static long operand(TlbiOp op, int asid, long addr, boolean hasAddr, int ttl, int pages, int granShift) {
        return TlbiDispatch.operand(op, asid, addr, hasAddr, ttl, pages, granShift);
    }

    public void onIrq(long ts, int intid, int vm, int vcpu, int source, int sourceVcpu, boolean level, boolean assertion,
            int priority, long ackTs, long eoiTs) {
        tick(ts);
        hyp.onIrq(ts, intid, vm, vcpu, source, sourceVcpu, level, assertion, priority, ackTs, eoiTs);
    }

    public void onSched(long ts, int pe, int vm, int vcpu, int event) {
        tick(ts);
        hyp.onSched(ts, pe, vm, vcpu, event);
    }

    public void onDaif(long ts, int vm, int vcpu, boolean mask) {
        tick(ts);
        hyp.onMask(ts, vm, vcpu, mask);
    }

    private void tick(long ts) {
        events++;
        if (ts > lastTs) {
            lastTs = ts;
        }
    }

    /**
     * Ends the replay: lets in-flight interrupts complete (up to {@code drainNs} after the last
     * event) and attributes every PE's remaining counts.
     */
    public void finish(long drainNs) {
        hyp.advanceTo(lastTs + drainNs);
        hyp.finishExits();
        for (int p = 0; p < host.pes.length; p++) {
            host.flushCounters(p);
        }
    }

    // ---------------------------------------------------------------- results

    public long events() {
        return events;
    }

    public long lastTs() {
        return lastTs;
    }

    public int peCount() {
        return host.pes.length;
    }

    public TranslationUnit pe(int p) {
        return host.pes[p];
    }

    public int vmCount() {
        return host.vmIds.length;
    }

    public int vmId(int dense) {
        return host.vmIds[dense];
    }

    public String vmName(int dense) {
        return vmNames.get(dense);
    }

    public int vcpuCount(int dense) {
        return host.vcpuCount[dense];
    }

    /** Counter {@code c} (a {@code C_*} constant) of vCPU {@code vcpu} of VM (dense index) on PE {@code p}. */
    public long counter(int p, int dense, int vcpu, int c) {
        return host.counter(p, dense, vcpu, c);
    }

    /** Stage-2 fault count for (VM dense index, vCPU, kind, level -1..3, s1ptw, cause). */
    public long s2FaultCount(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Faults.count(dense, vcpu, kind, level, s1ptw, cause);
    }

    public long s2FaultFirst(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Faults.first(dense, vcpu, kind, level, s1ptw, cause);
    }

    public long s2FaultLast(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Faults.last(dense, vcpu, kind, level, s1ptw, cause);
    }

    /** Running totals of VM (dense index), for timeline windows. */
    public long vmLookups(int dense) {
        return memPath.vmLookups(dense);
    }

    public long vmMisses(int dense) {
        return memPath.vmMisses(dense);
    }

    public long vmStage2Faults(int dense) {
        return s2Faults.vmTotal(dense);
    }

    public IrqLatencyStats irqStats() {
        return hyp.stats();
    }

    public Hypervisor hypervisor() {
        return hyp;
    }
}
