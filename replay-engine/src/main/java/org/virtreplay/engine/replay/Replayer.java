package org.virtreplay.engine.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.IrqEventSink;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Hcr;
import org.virtreplay.engine.mmu.Mair;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TableBuilder;
import org.virtreplay.engine.mmu.TablePoolExhaustedException;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.engine.pe.SecurityState;
import org.virtreplay.engine.pe.SysRegAccess;
import org.virtreplay.engine.pe.SysRegName;
import org.virtreplay.engine.pe.SysRegOutcome;
import org.virtreplay.engine.tlb.TlbHost;
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
 */
public final class Replayer {

    /** Access codes of {@link #onMem}, as in the canonical trace's {@code access} column. */
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;
    public static final int READ_WRITE = 3;

    public static final String[] FAULT_KIND_NAMES = {"address_size", "translation", "access_flag", "permission"};

    /** Counters kept per PE × vCPU; see {@link #counter}. */
    public static final int C_L1I_LOOKUPS = 0, C_L1I_HITS = 1, C_L1I_MISSES = 2, C_L1D_LOOKUPS = 3, C_L1D_HITS = 4,
            C_L1D_MISSES = 5, C_L2_LOOKUPS = 6, C_L2_HITS = 7, C_L2_MISSES = 8, C_WALKS_I = 9, C_WALKS_D = 10,
            C_READS_I = 11, C_READS_D = 12, C_FAULTS = 13, C_STALE = 14, C_ACCESSES = 15, C_PAGE_LOOKUPS = 16,
            C_NOT_RUNNING = 17, C_S1_FAULTS = 18;
    public static final int NC = 19;

    private static final long DEFAULT_HCR = (1L << 31) | (1L << 4) | (1L << 3) | 1L; // RW, IMO, FMO, VM
    private static final String[] VCPU_REGS = {"TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "SCTLR_EL1"};
    private static final String[] VM_REGS = {"HCR_EL2", "VTTBR_EL2", "VTCR_EL2"};

    private final ReplayConfig cfg;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final TranslationUnit[] pes;
    private final TlbHost tlbHost;
    private final Stage2Port s2;
    private final TranslationResult scratch = new TranslationResult();
    private Hypervisor hyp;

    // VMs, by id (ids are small integers but need not be dense).
    private final List<int[]> vmDecl = new ArrayList<>(); // {vm, vcpus, ipaBits, vmid}
    private final List<String> vmNames = new ArrayList<>();
    private int[] vmIndexOf = new int[0];      // vm id -> dense index, -1 if unknown
    private int[] vmIds;                        // dense index -> vm id
    private int[] vcpuBase;                     // dense index -> first flat vCPU index
    private int[] vcpuCount;
    private long[][] vmReg;                     // [dense][VM_REGS]
    private long[] vmMair, vmTcr;
    private boolean[] vttbrWritten;               // latest guest MAIR_EL1 / TCR_EL1 of the VM (for map records)
    private long[] s1PoolNext, s1PoolEnd;
    private boolean started;

    // vCPUs, flat.
    private int totalVcpus;
    /**
     * Each vCPU's registers as the PE sees them when it is loaded (its EL1 registers and its VM's
     * EL2 ones), kept decoded: loading a vCPU onto a PE hands the PE this object instead of
     * writing eight registers and decoding them again. That matters when a PE alternates between
     * vCPUs at every access, as it does for accesses the schedule places outside their vCPU's
     * slot (an overcommitted host replayed from a trace recorded without overcommit).
     */
    private MmuRegisters[] ctxRegs;             // [flat]
    private int[] lastPe;
    private int[] pageShift;                    // stage-1 granule of the vCPU's TTBR0 range (split accesses)

    // PEs.
    private int[] loaded;                       // flat vCPU loaded on each PE, -1 none
    private long[][] snap;                      // counters of each PE at its last context switch
    private long[][] acc;                       // [pe][flat * NC + c]
    private long[] peScratch = new long[NC];

    // Stage-2 faults, per flat vCPU × kind(4) × level(5: -1..3) × s1ptw(2) × cause.
    private static final int FK = 4, FL = 5, FP = 2;
    private static final int FSLOTS = FK * FL * FP * Stage2Port.CAUSES;
    private long[] s2Count, s2First, s2Last;
    private FaultSink faultSink;

    // Per-VM running totals, read by the job at window boundaries (timeline).
    private long[] vmLookups, vmMisses, vmS2Faults;

    private long lastTs;
    private long events;

    public Replayer(ReplayConfig cfg, Stage2Port.Factory s2Factory) {
        this.cfg = cfg;
        this.s2 = s2Factory.create(mem, cfg.s2PoolBase(), cfg.s2PoolSize());
        this.pes = new TranslationUnit[cfg.peCount()];
        for (int p = 0; p < pes.length; p++) {
            pes[p] = new TranslationUnit(p, cfg.core(), new MmuRegisters(), new Mmu(mem), cfg.replacement(),
                    cfg.seed() * 31 + p);
            pes[p].setStaleCheckEvery(cfg.staleCheckEvery());
        }
        this.tlbHost = new TlbHost(pes);
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
        s2.addVm(vm, ipaBits, vmidHint);
    }

    /** Declares a memslot ({@link Stage2Port#MEMSLOT_RAM}, MMIO or DEVICE); before {@link #start}. */
    public void addMemslot(int vm, int slot, long ipa, long size, int kind, long pa, long backing) {
        checkNotStarted();
        long b = kind == Stage2Port.MEMSLOT_RAM && cfg.s2BackingBytes() > 0 ? cfg.s2BackingBytes() : backing;
        s2.addMemslot(vm, slot, ipa, size, kind, pa, b);
        if (kind == Stage2Port.MEMSLOT_RAM) {
            ramSlots.add(new long[] {vm, ipa, size});
        }
        if (kind == Stage2Port.MEMSLOT_RAM && !defaultPool.containsKey(vm)) {
            // Default stage-1 table pool: the last 4 MiB of the VM's first RAM memslot (docs/trace-format.md).
            long poolSize = Math.min(size, DEFAULT_POOL_BYTES);
            defaultPool.put(vm, new long[] {ipa + size - poolSize, poolSize});
        }
    }

    private final List<long[]> ramSlots = new ArrayList<>();
    private boolean[] replica;

    /**
     * Marks {@code vm} as a replica of a recorded VM (capacity studies): it has its own VMID, stage-2
     * root and host RAM, so the recorded hypervisor's VTTBR_EL2/VTCR_EL2 writes and its stage-2
     * {@code map} rows for RAM (whose output addresses are the original VM's memory) are not applied
     * to it; its RAM is mapped lazily at the memslots' backing size instead. After {@link #start}.
     */
    public void setReplica(int vm) {
        replica[denseOrFail(vm)] = true;
    }

    private boolean inRam(int vm, long ipa) {
        for (long[] r : ramSlots) {
            if (r[0] == vm && ipa - r[1] >= 0 && ipa - r[1] < r[2]) {
                return true;
            }
        }
        return false;
    }

    /** Recorded stage-2 map rows of RAM dropped (replicas, or a scenario's stage-2 backing override). */
    private long s2MapsDropped;

    public long stage2MapsDropped() {
        return s2MapsDropped;
    }

    private static final long DEFAULT_POOL_BYTES = 4L << 20;
    /** Attr0 Normal WB (0xFF), Attr1 Device-nGnRE (0x04), Attr2 Normal NC (0x44). */
    static final long DEFAULT_MAIR = 0x0000_0000_0044_04FFL;
    private final java.util.Map<Integer, long[]> defaultPool = new java.util.HashMap<>();

    /**
     * The guest IPA range from which stage-1 tables of {@code map} records are allocated (the
     * manifest's {@code vm.N.s1_table_pool}); after {@link #start}.
     */
    public void setS1TablePool(int vm, long ipa, long size) {
        int d = denseOrFail(vm);
        s1PoolNext[d] = ipa;
        s1PoolEnd[d] = ipa + size;
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("VMs and memslots must be declared before start()");
        }
    }

    /** Ends set-up: sizes the per-vCPU state and creates the hypervisor model. */
    public void start() {
        checkNotStarted();
        int n = vmDecl.size();
        int maxId = -1;
        for (int[] d : vmDecl) {
            maxId = Math.max(maxId, d[0]);
        }
        vmIndexOf = new int[maxId + 1];
        java.util.Arrays.fill(vmIndexOf, -1);
        vmIds = new int[n];
        vcpuBase = new int[n];
        vcpuCount = new int[n];
        vmReg = new long[n][VM_REGS.length];
        vmMair = new long[n];
        vttbrWritten = new boolean[n];
        replica = new boolean[n];
        vmTcr = new long[n];
        s1PoolNext = new long[n];
        s1PoolEnd = new long[n];
        int[] perVm = new int[maxId + 1];
        int flat = 0;
        for (int i = 0; i < n; i++) {
            int[] d = vmDecl.get(i);
            vmIndexOf[d[0]] = i;
            vmIds[i] = d[0];
            vcpuBase[i] = flat;
            vcpuCount[i] = d[1];
            perVm[d[0]] = d[1];
            flat += d[1];
            vmReg[i][0] = DEFAULT_HCR;
            vmReg[i][1] = s2.vttbr(d[0]);
            vmReg[i][2] = s2.vtcr(d[0]);
            long[] pool = defaultPool.get(d[0]);
            if (pool != null) {
                s1PoolNext[i] = pool[0];
                s1PoolEnd[i] = pool[0] + pool[1];
            }
        }
        totalVcpus = flat;
        ctxRegs = new MmuRegisters[flat];
        for (int i = 0; i < n; i++) {
            for (int f = vcpuBase[i]; f < vcpuBase[i] + vcpuCount[i]; f++) {
                ctxRegs[f] = new MmuRegisters();
                for (int r = 0; r < VM_REGS.length; r++) {
                    ctxRegs[f].set(VM_REGS[r], vmReg[i][r]);
                }
            }
        }
        lastPe = new int[flat];
        java.util.Arrays.fill(lastPe, -1);
        pageShift = new int[flat];
        java.util.Arrays.fill(pageShift, 12);
        loaded = new int[pes.length];
        java.util.Arrays.fill(loaded, -1);
        snap = new long[pes.length][NC];
        acc = new long[pes.length][flat * NC];
        levelReads = new long[pes.length][flat * SIZES * 16];
        bySize = new long[pes.length][flat * SIZES * NS];
        walkLen = new long[pes.length][flat * (WALK_LEN_MAX + 1)];
        s2Count = new long[flat * FSLOTS];
        s2First = new long[flat * FSLOTS];
        s2Last = new long[flat * FSLOTS];
        vmLookups = new long[n];
        vmMisses = new long[n];
        vmS2Faults = new long[n];
        hyp = new Hypervisor(perVm, cfg.hyp(), cfg.cost());
        s2.setTlbSink(this::hypervisorTlbi);
        started = true;
    }

    public void setFaultSink(FaultSink sink) {
        this.faultSink = sink;
    }

    public void setIrqEventSink(IrqEventSink sink) {
        hyp.setEventSink(sink);
    }

    private int denseOrFail(int vm) {
        int d = vm >= 0 && vm < vmIndexOf.length ? vmIndexOf[vm] : -1;
        if (d < 0) {
            throw new IllegalArgumentException("unknown vm " + vm);
        }
        return d;
    }

    private int flat(int vm, int vcpu) {
        int d = vmIndexOf[vm];
        return vcpuBase[d] + vcpu;
    }

    // ---------------------------------------------------------------- events

    /**
     * A system-register write. {@code vcpu} ≥ 0: the vCPU's own (EL1) registers; -1: the hypervisor
     * programming the VM's EL2 registers. Registers the translation model does not use (GIC, timer)
     * are accepted and ignored here; the GIC model is driven by the interrupt events.
     */
    public void onSysreg(long ts, int pe, int vm, int vcpu, int el, String reg, long value) {
        tick(ts);
        int d = denseOrFail(vm);
        if (vcpu >= 0) {
            int f = vcpuBase[d] + vcpu;
            // The architecture's access rules for a write from the vCPU's EL (Arm ARM D1/D19):
            // UNDEFINED below the register's EL (the write is lost), HCR_EL2.TVM traps EL1 writes of
            // the virtual-memory controls to EL2 (KVM emulates them: the write takes effect).
            SysRegName name = SysRegName.lookup(reg);
            if (name != null) {
                Hcr hcr = Hcr.decode(vmReg[d][0]);
                SysRegAccess.check(name, true, el, SecurityState.NON_SECURE, hcr, hcr.effective(), false, sysregOutcome);
                if (sysregOutcome.kind == SysRegOutcome.Kind.UNDEFINED) {
                    countSysregException(vm, vcpu, sysregOutcome.esr, true);
                    return;
                }
                if (sysregOutcome.kind == SysRegOutcome.Kind.TRAPPED) {
                    countSysregException(vm, vcpu, sysregOutcome.esr, false);
                    hyp.onGuestExit(ts, vm, vcpu, ExitReason.SYS64, hyp.trapNs(), -1);
                }
                reg = sysregOutcome.target.armName();
            }
            int r = indexOf(VCPU_REGS, reg);
            if (r < 0) {
                return;
            }
            if (r == 2) {
                vmTcr[d] = value;
                pageShift[f] = Granule.fromTg0((int) ((value >>> 14) & 3)).g;
            } else if (r == 3) {
                vmMair[d] = value;
            }
            setContext(f, reg, value);
        } else {
            int r = indexOf(VM_REGS, reg);
            if (r < 0 || (replica[d] && r != 0)) {
                return; // a replica keeps the stage-2 root and VMID the hypervisor model gave it
            }
            if (r == 0 && ((value >>> 31) & 1) == 0) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "vm %d: HCR_EL2 = 0x%x has RW = 0, which makes the guest's EL1 AArch32; virtreplay models "
                                + "AArch64 EL1 and EL2 only (an AArch32 EL0 under an AArch64 EL1 is fine)", vm, value));
            }
            vmReg[d][r] = value;
            if (r == 1) {
                vttbrWritten[d] = true;
            }
            if ((r == 1 || r == 2) && vttbrWritten[d]) {
                // The recorded hypervisor chose this root and VMID: build the stage-2 tables there.
                s2.adoptVttbr(vm, vmReg[d][1], vmReg[d][2]);
            }
            for (int f = vcpuBase[d]; f < vcpuBase[d] + vcpuCount[d]; f++) {
                setContext(f, reg, value);
            }
        }
    }

    /** Writes a register of vCPU {@code f}'s context, and tells the PEs it is loaded on. */
    private void setContext(int f, String reg, long value) {
        ctxRegs[f].set(reg, value);
        for (int p = 0; p < pes.length; p++) {
            if (loaded[p] == f) {
                pes[p].registersChanged();
            }
        }
    }

    private final SysRegOutcome sysregOutcome = new SysRegOutcome();
    /** (vm, vcpu, ESR) -> count of UNDEFINED or trapped system-register writes; rare, so a map. */
    private final java.util.TreeMap<String, long[]> sysregExceptions = new java.util.TreeMap<>();

    private void countSysregException(int vm, int vcpu, long esr, boolean undefined) {
        String key = String.format(Locale.ROOT, "%d.%d.%s.0x%08x", vm, vcpu, undefined ? "undefined" : "trapped", esr);
        sysregExceptions.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    /**
     * UNDEFINED and trapped system-register writes, keyed {@code vm.vcpu.undefined|trapped.ESR}, in
     * key order.
     */
    public java.util.SortedMap<String, Long> sysregExceptions() {
        java.util.TreeMap<String, Long> m = new java.util.TreeMap<>();
        sysregExceptions.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    /** A raw descriptor write to physical memory. */
    public void onPte(long ts, long pa, long value) {
        tick(ts);
        mem.write(pa, value);
    }

    /**
     * A mapping change from the trace, realised as descriptors. Stage 1: in the tree rooted at IPA
     * {@code root}, with tables from the VM's stage-1 pool, attributes indexed in the VM's MAIR_EL1;
     * stage 2: in the VM's stage-2 tables.
     */
    public void onMap(long ts, int vm, int stage, long root, long ia, long oa, long size, String perm,
            String memtype, boolean notGlobal, boolean unmap) {
        tick(ts);
        int d = denseOrFail(vm);
        MemType type = memtype == null || memtype.isEmpty() ? MemType.NORMAL_WB : MemType.fromTraceName(memtype);
        if (stage == 2) {
            if ((replica[d] || cfg.s2BackingBytes() > 0) && inRam(vm, ia)) {
                // The recorded mapping used the recorded backing (and, for a replica, the recorded
                // VM's host memory): with a backing override or a replica, RAM faults in lazily at the
                // backing the scenario asks for, as KVM would map it.
                s2MapsDropped++;
                return;
            }
            if (unmap) {
                s2.unmap(vm, ia, size);
            } else {
                s2.map(vm, ia, oa, size, perm, type);
            }
            return;
        }
        // The guest kernel builds its tables for the TCR_EL1 and MAIR_EL1 it runs with; before any
        // vCPU of the VM has written them, assume 48-bit 4K ranges and the canonical MAIR
        // (docs/trace-format.md, map).
        long tcr = vmTcr[d];
        boolean upper = ((ia >>> 55) & 1) != 0;
        int tsz;
        Granule g;
        if (tcr == 0) {
            tsz = 16;
            g = Granule.K4;
        } else {
            tsz = (int) (upper ? (tcr >>> 16) & 0x3F : tcr & 0x3F);
            g = upper ? Granule.fromTg1((int) ((tcr >>> 30) & 3)) : Granule.fromTg0((int) ((tcr >>> 14) & 3));
        }
        int vaBits = 64 - tsz;
        long mask = (1L << vaBits) - 1;
        long poolNext = s1PoolNext[d];
        long poolEnd = s1PoolEnd[d];
        if (poolEnd <= poolNext) {
            throw new TablePoolExhaustedException(1, poolNext, String.format(Locale.ROOT,
                    "vm %d: no room left in the stage-1 table pool to realise map records (set vm.%d.s1_table_pool in the manifest)",
                    vm, vm));
        }
        final int vmId = vm;
        long mair = vmMair[d] != 0 ? vmMair[d] : DEFAULT_MAIR;
        TableBuilder b = TableBuilder.stage1(mem, g, vaBits, root, poolNext, poolEnd - poolNext, new Mair(mair),
                ipa -> s2.resolveForTables(vmId, ipa));
        if (unmap) {
            b.unmap(ia & mask, size);
        } else {
            b.map(ia & mask, oa, size, perm, type, notGlobal);
        }
        s1PoolNext[d] = b.poolNext();
    }

    /**
     * One memory access of {@code size} bytes; {@code access} is {@link #READ}, {@link #WRITE},
     * {@link #FETCH} or {@link #READ_WRITE}.
     */
    public void onMem(long ts, int vm, int vcpu, int el, int access, long va, int size) {
        tick(ts);
        final int d = vmIndexOf[vm];
        final int f = vcpuBase[d] + vcpu;
        // The PE the vCPU is loaded on (in the guest, or in EL2 handling an exit the model placed
        // at this time): its TLBs translate the access.
        int p = hyp.loadedPe(ts, vm, vcpu);
        if (p < 0) {
            p = lastPe[f] >= 0 ? lastPe[f] : f % pes.length;
            acc[p][f * NC + C_NOT_RUNNING]++;
        }
        if (loaded[p] != f) {
            load(p, f, d);
        }
        lastPe[f] = p;
        final TranslationUnit tu = pes[p];
        final int kind = access == FETCH ? 3 : access == READ_WRITE ? 2 : access; // TranslationUnit's codes
        acc[p][f * NC + C_ACCESSES]++;
        // An access that crosses a stage-1 granule boundary is one lookup per page, in the order of
        // its bytes. Byte i is at va + i modulo 2^64, so an access crossing 2^64 continues at VA 0
        // (docs/fidelity.md, "Access split"): page numbers are counted modulo 2^(64 - shift).
        final int shift = pageShift[f];
        long more = (((va + Math.max(size, 1) - 1) >>> shift) - (va >>> shift)) & (-1L >>> shift);
        long a = va;
        while (true) {
            translateOne(ts, p, tu, vm, vcpu, d, f, el, kind, a);
            if (more-- == 0) {
                break;
            }
            a = ((a >>> shift) + 1) << shift;
        }
    }

    /**
     * Whether a lookup of {@code va} by the vCPU at {@code ts} would hit the TLBs of the PE that
     * {@link #onMem} would translate it on, without changing any TLB, counter or replacement state
     * (a probe for comparing with sampled hardware TLB events; docs/metrics.md, validation). A vCPU
     * not loaded on that PE is probed with its own registers (VMID and ASID tags), which the PE's
     * registers are given back after.
     */
    public boolean probeTlbHit(long ts, int vm, int vcpu, int el, boolean fetch, long va) {
        final int d = vmIndexOf[vm];
        final int f = vcpuBase[d] + vcpu;
        int p = hyp.loadedPe(ts, vm, vcpu);
        if (p < 0) {
            p = lastPe[f] >= 0 ? lastPe[f] : f % pes.length;
        }
        final TranslationUnit tu = pes[p];
        if (loaded[p] == f) {
            return tu.probeHit(va, fetch, el);
        }
        MmuRegisters own = tu.regs();
        tu.useRegisters(ctxRegs[f]);
        boolean hit = tu.probeHit(va, fetch, el);
        tu.useRegisters(own);
        return hit;
    }

    private void translateOne(long ts, int p, TranslationUnit tu, int vm, int vcpu, int d, int f, int el, int kind,
            long va) {
        acc[p][f * NC + C_PAGE_LOOKUPS]++;
        for (int attempt = 0; attempt < 8; attempt++) {
            long walksBefore = tu.walksI + tu.walksD;
            long hitFaultsBefore = tu.permissionFaultsOnHit;
            // The re-executed access after a handled stage-2 fault looks the TLBs up again (and
            // walks again), and the PE's counters in tlb_stats count that: the timeline must too
            // (docs/metrics.md consistency rule 5), so count every attempt.
            vmLookups[d]++;
            boolean ok = tu.access(va, kind, el);
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
                acc[p][f * NC + C_S1_FAULTS]++;
                return; // the guest's own fault: counted, nothing to replay
            }
            int cause = s2.handleFault(ts, vm, vcpu, r);
            if (cause < 0) {
                return;
            }
            recordS2Fault(ts, p, vm, vcpu, d, f, r, cause, va);
            if (!Stage2Port.retry(cause)) {
                return; // MMIO emulated by the host, or a fault the host cannot fix
            }
        }
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

    /** Walks of vCPU (dense VM index, vcpu) on PE p that read exactly {@code reads} descriptors (the last bucket: that many or more). */
    public long walkLengthCount(int p, int dense, int vcpu, int reads) {
        return walkLen[p][(vcpuBase[dense] + vcpu) * (WALK_LEN_MAX + 1) + reads];
    }

    /**
     * Descriptor reads at {@code stage} (1, 2) and {@code level} (0..3) of the walks caused by
     * instruction-side ({@code fetch}) or data-side misses of a vCPU on PE p, whose translation had
     * size 2^{@code sizeLog} (0: the walk faulted).
     */
    public long levelReads(int p, int dense, int vcpu, int sizeLog, boolean fetch, int stage, int level) {
        return levelReads[p][((vcpuBase[dense] + vcpu) * SIZES + sizeLog) * 16 + (fetch ? 8 : 0) + (stage - 1) * 4 + level];
    }

    /** Per-size counters: see {@link #sizeCounter}. */
    public static final int S_L1I_LOOKUPS = 0, S_L1I_HITS = 1, S_L1D_LOOKUPS = 2, S_L1D_HITS = 3, S_L2I_LOOKUPS = 4,
            S_L2I_HITS = 5, S_L2D_LOOKUPS = 6, S_L2D_HITS = 7, S_WALKS_I = 8, S_WALKS_D = 9, NS = 10;
    /** log2 page sizes 0 (unknown: a faulting lookup) .. 39. */
    public static final int SIZES = 40;
    private long[][] bySize;

    /**
     * Lookups by the size of the entry involved: the entry that hit, or for a miss the translation
     * the walk found (size index 0 when it faulted). {@code outcome}: 1 L1 hit, 2 L2 hit, 3 walk, 0
     * faulting walk.
     */
    private void recordBySize(int p, int f, boolean fetch, boolean hasL2, int outcome, int sizeLog) {
        long[] a = bySize[p];
        int base = (f * SIZES + sizeLog) * NS;
        a[base + (fetch ? S_L1I_LOOKUPS : S_L1D_LOOKUPS)]++;
        if (outcome == 1) {
            a[base + (fetch ? S_L1I_HITS : S_L1D_HITS)]++;
            return;
        }
        if (hasL2) {
            a[base + (fetch ? S_L2I_LOOKUPS : S_L2D_LOOKUPS)]++;
            if (outcome == 2) {
                a[base + (fetch ? S_L2I_HITS : S_L2D_HITS)]++;
                return;
            }
        }
        a[base + (fetch ? S_WALKS_I : S_WALKS_D)]++;
    }

    /** A per-size counter ({@code S_*}) of a vCPU on PE p for entries of size 2^sizeLog (0: faulting lookups). */
    public long sizeCounter(int p, int dense, int vcpu, int sizeLog, int c) {
        return bySize[p][((vcpuBase[dense] + vcpu) * SIZES + sizeLog) * NS + c];
    }

    public static final int WALK_LEN_MAX = 32;
    private long[][] levelReads;
    private long[][] walkLen;

    private void recordS2Fault(long ts, int p, int vm, int vcpu, int d, int f, TranslationResult r, int cause, long va) {
        int kind = r.fault.ordinal() - 1; // FaultKind: NONE, ADDRESS_SIZE, TRANSLATION, ACCESS_FLAG, PERMISSION
        if (kind < 0) {
            kind = 1;
        }
        int level = Math.max(-1, Math.min(3, r.faultLevel)) + 1;
        int slot = f * FSLOTS + ((kind * FL + level) * FP + (r.s1ptw ? 1 : 0)) * Stage2Port.CAUSES + cause;
        if (s2Count[slot]++ == 0) {
            s2First[slot] = ts;
        }
        s2Last[slot] = ts;
        vmS2Faults[d]++;
        // Every stage-2 abort is a guest exit: KVM handles it in EL2 and re-enters the guest.
        boolean fetch = ((r.esr >>> 26) & 0x3F) == 0x20;
        hyp.onGuestExit(ts, vm, vcpu, fetch ? ExitReason.IABT_LOW : ExitReason.DABT_LOW,
                cause == Stage2Port.CAUSE_MMIO ? hyp.mmioNs() : hyp.s2FaultNs(), r.faultIpa);
        if (faultSink != null) {
            faultSink.onFault(ts, p, vm, vcpu, kind, r.faultLevel, r.s1ptw, cause, va, r.faultIpa, r.esr);
        }
    }

    /** Loads vCPU {@code f}'s translation context into PE {@code p} (KVM's vcpu_load). */
    private void load(int p, int f, int d) {
        flushCounters(p);
        TranslationUnit tu = pes[p];
        // KVM's kvm_arm_vmid_update on vcpu_load: the VM may get a (new) VMID here, after a rollover
        // too; the hypervisor's VTTBR_EL2 (adopted from the trace when it wrote one) follows.
        s2.vcpuLoad(p, vmIds[d]);
        long vttbr = s2.vttbr(vmIds[d]);
        vmReg[d][1] = vttbr;
        MmuRegisters ctx = ctxRegs[f];
        if (ctx.vttbrEl2() != vttbr) {
            ctx.set("VTTBR_EL2", vttbr);
        }
        tu.useRegisters(ctx);
        tu.vmIndex = vmIds[d];
        tu.vcpuIndex = f - vcpuBase[d];
        loaded[p] = f;
    }

    /** Adds what PE {@code p} counted since its last switch to the vCPU loaded there. */
    private void flushCounters(int p) {
        int f = loaded[p];
        long[] now = peScratch;
        readCounters(pes[p], now);
        long[] s = snap[p];
        if (f >= 0) {
            long[] a = acc[p];
            int base = f * NC;
            for (int c = 0; c <= C_STALE; c++) {
                a[base + c] += now[c] - s[c];
            }
        }
        System.arraycopy(now, 0, s, 0, NC);
    }

    private static void readCounters(TranslationUnit tu, long[] out) {
        out[C_L1I_LOOKUPS] = tu.l1i.lookups;
        out[C_L1I_HITS] = tu.l1i.hits;
        out[C_L1I_MISSES] = tu.l1i.misses;
        out[C_L1D_LOOKUPS] = tu.l1d.lookups;
        out[C_L1D_HITS] = tu.l1d.hits;
        out[C_L1D_MISSES] = tu.l1d.misses;
        if (tu.l2 != null) {
            out[C_L2_LOOKUPS] = tu.l2.lookups;
            out[C_L2_HITS] = tu.l2.hits;
            out[C_L2_MISSES] = tu.l2.misses;
        }
        out[C_WALKS_I] = tu.walksI;
        out[C_WALKS_D] = tu.walksD;
        out[C_READS_I] = tu.readsI;
        out[C_READS_D] = tu.readsD;
        out[C_FAULTS] = tu.faults;
        out[C_STALE] = tu.stale.count();
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
        if (op.isBarrier()) {
            return;
        }
        if (pe >= pes.length) {
            pe = -1; // a host with fewer PEs than the recorded one (capacity studies): where the vCPU is now
        }
        int d = denseOrFail(vm);
        int f;
        int p;
        int el;
        if (vcpu >= 0) {
            f = vcpuBase[d] + vcpu;
            p = pe >= 0 ? pe : hyp.loadedPe(ts, vm, vcpu);
            if (p < 0) {
                p = lastPe[f] >= 0 ? lastPe[f] : f % pes.length;
            }
            el = 1;
        } else {
            p = pe >= 0 ? pe : 0;
            int cur = loaded[p];
            f = cur >= vcpuBase[d] && cur < vcpuBase[d] + vcpuCount[d] ? cur : vcpuBase[d];
            el = 2;
        }
        if (p >= pes.length) {
            throw new BadInputException("tlbi on PE " + p + " but the host has " + pes.length + " PEs");
        }
        if (loaded[p] != f) {
            load(p, f, d);
        }
        long xt = operand(op, asid, addr, hasAddr, ttl, pages, pageShift[f]);
        tlbHost.tlbi(p, op, xt, el);
    }

    /**
     * TLB maintenance the hypervisor issues for its own stage-2 changes (break-before-make, dirty
     * logging, VMID rollover): executed at EL2 on PE 0 in the VM's context ({@code vm} -1: any).
     */
    private void hypervisorTlbi(TlbiOp op, int vm, long ipa) {
        int p = 0;
        if (vm >= 0 && vm < vmIndexOf.length && vmIndexOf[vm] >= 0) {
            int d = vmIndexOf[vm];
            int cur = loaded[p];
            int f = cur >= vcpuBase[d] && cur < vcpuBase[d] + vcpuCount[d] ? cur : vcpuBase[d];
            if (loaded[p] != f) {
                load(p, f, d);
            }
        }
        long xt = op.target() == TlbiOp.Target.IPAS2 ? (ipa >>> 12) & ((1L << 40) - 1) : 0;
        tlbHost.tlbi(p, op, xt, 2);
    }

    /** Builds the TLBI register operand (Xt) from the trace's fields (Arm ARM C5.5 operand formats). */
    static long operand(TlbiOp op, int asid, long addr, boolean hasAddr, int ttl, int pages, int granShift) {
        long asidBits = asid >= 0 ? ((long) asid & 0xFFFF) << 48 : 0;
        int tg = granShift == 12 ? 1 : granShift == 14 ? 2 : 3; // TTL/TG encoding: 01 4K, 10 16K, 11 64K
        if (op.isRange()) {
            // Xt: ASID[63:48] TG[47:46] SCALE[45:44] NUM[43:39] TTL[38:37] BaseADDR[36:0] (granule units).
            long n = Math.max(1, pages);
            int scale = 0;
            while (scale < 3 && n > 32L << (5 * scale + 1)) {
                scale++;
            }
            long unit = 1L << (5 * scale + 1);
            long num = Math.min(31, (n + unit - 1) / unit - 1);
            long base = hasAddr ? (addr >>> granShift) & ((1L << 37) - 1) : 0;
            long ttlBits = ttl >= 0 ? ttl & 3 : 0;
            return asidBits | ((long) tg << 46) | ((long) scale << 44) | (num << 39) | (ttlBits << 37) | base;
        }
        long ttlField = ttl >= 0 ? ((long) (tg << 2 | (ttl & 3))) << 44 : 0;
        if (op.target() == TlbiOp.Target.IPAS2) {
            return ttlField | ((hasAddr ? addr : 0) >>> 12) & ((1L << 40) - 1);
        }
        if (op.hasAddress()) {
            return asidBits | ttlField | (((hasAddr ? addr : 0) >>> 12) & ((1L << 44) - 1));
        }
        return asidBits;
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
        for (int p = 0; p < pes.length; p++) {
            flushCounters(p);
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
        return pes.length;
    }

    public TranslationUnit pe(int p) {
        return pes[p];
    }

    public int vmCount() {
        return vmIds.length;
    }

    public int vmId(int dense) {
        return vmIds[dense];
    }

    public String vmName(int dense) {
        return vmNames.get(dense);
    }

    public int vcpuCount(int dense) {
        return vcpuCount[dense];
    }

    /** Counter {@code c} (a {@code C_*} constant) of vCPU {@code vcpu} of VM (dense index) on PE {@code p}. */
    public long counter(int p, int dense, int vcpu, int c) {
        return acc[p][(vcpuBase[dense] + vcpu) * NC + c];
    }

    /** Stage-2 fault count for (VM dense index, vCPU, kind, level -1..3, s1ptw, cause). */
    public long s2FaultCount(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Count[s2Slot(dense, vcpu, kind, level, s1ptw, cause)];
    }

    public long s2FaultFirst(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2First[s2Slot(dense, vcpu, kind, level, s1ptw, cause)];
    }

    public long s2FaultLast(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Last[s2Slot(dense, vcpu, kind, level, s1ptw, cause)];
    }

    private int s2Slot(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        int f = vcpuBase[dense] + vcpu;
        return f * FSLOTS + ((kind * FL + (level + 1)) * FP + (s1ptw ? 1 : 0)) * Stage2Port.CAUSES + cause;
    }

    /** Running totals of VM (dense index), for timeline windows. */
    public long vmLookups(int dense) {
        return vmLookups[dense];
    }

    public long vmMisses(int dense) {
        return vmMisses[dense];
    }

    public long vmStage2Faults(int dense) {
        return vmS2Faults[dense];
    }

    public IrqLatencyStats irqStats() {
        return hyp.stats();
    }

    public Hypervisor hypervisor() {
        return hyp;
    }
}
