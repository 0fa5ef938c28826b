package org.virtreplay.engine.replay;

import java.util.Arrays;
import java.util.List;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.tlb.TlbHost;
import org.virtreplay.engine.tlb.TranslationUnit;

/**
 * What every event path of a replay shares: the PEs, which vCPU context each has loaded, and the
 * dense VM / flat vCPU numbering the per-vCPU arrays are indexed by. It lives apart from the event
 * paths so that loading a context (KVM's vcpu_load) and attributing a PE's counters to the vCPU it
 * ran are done one way, whichever event (access, TLBI, hypervisor maintenance) caused the switch.
 *
 * <p>The arrays are package-visible fields on purpose: the per-access path reads them directly,
 * without accessor calls or copies. They are sized once by {@link #layout} and never replaced.
 */
final class ReplayHost {

    private static final long DEFAULT_HCR = (1L << 31) | (1L << 4) | (1L << 3) | 1L; // RW, IMO, FMO, VM
    static final String[] VCPU_REGS = {"TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "SCTLR_EL1"};
    static final String[] VM_REGS = {"HCR_EL2", "VTTBR_EL2", "VTCR_EL2"};

    final PhysicalMemory mem;
    final TranslationUnit[] pes;
    final TlbHost tlbHost;
    final Stage2Port s2;

    // VMs, by id (ids are small integers but need not be dense).
    int[] vmIndexOf = new int[0];      // vm id -> dense index, -1 if unknown
    int[] vmIds;                        // dense index -> vm id
    int[] vcpuBase;                     // dense index -> first flat vCPU index
    int[] vcpuCount;
    long[][] vmReg;                     // [dense][VM_REGS]
    boolean[] replica;

    // vCPUs, flat.
    int totalVcpus;
    /**
     * Each vCPU's registers as the PE sees them when it is loaded (its EL1 registers and its VM's
     * EL2 ones), kept decoded: loading a vCPU onto a PE hands the PE this object instead of
     * writing eight registers and decoding them again. That matters when a PE alternates between
     * vCPUs at every access, as it does for accesses the schedule places outside their vCPU's
     * slot (an overcommitted host replayed from a trace recorded without overcommit).
     */
    MmuRegisters[] ctxRegs;             // [flat]
    int[] lastPe;
    int[] pageShift;                    // stage-1 granule of the vCPU's TTBR0 range (split accesses)

    // PEs.
    int[] loaded;                       // flat vCPU loaded on each PE, -1 none
    long[][] snap;                      // counters of each PE at its last context switch
    long[][] acc;                       // [pe][flat * NC + c]
    private final long[] peScratch = new long[Replayer.NC];

    ReplayHost(PhysicalMemory mem, TranslationUnit[] pes, Stage2Port s2) {
        this.mem = mem;
        this.pes = pes;
        this.s2 = s2;
        this.tlbHost = new TlbHost(pes);
    }

    /**
     * Sizes the per-VM and per-vCPU state for the declared VMs ({vm, vcpus, ipaBits, vmid} each,
     * in declaration order) and returns the vCPU count per VM id, as the hypervisor model wants it.
     */
    int[] layout(List<int[]> vmDecl) {
        int n = vmDecl.size();
        int maxId = -1;
        for (int[] d : vmDecl) {
            maxId = Math.max(maxId, d[0]);
        }
        vmIndexOf = new int[maxId + 1];
        Arrays.fill(vmIndexOf, -1);
        vmIds = new int[n];
        vcpuBase = new int[n];
        vcpuCount = new int[n];
        vmReg = new long[n][VM_REGS.length];
        replica = new boolean[n];
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
        Arrays.fill(lastPe, -1);
        pageShift = new int[flat];
        Arrays.fill(pageShift, 12);
        loaded = new int[pes.length];
        Arrays.fill(loaded, -1);
        snap = new long[pes.length][Replayer.NC];
        acc = new long[pes.length][flat * Replayer.NC];
        return perVm;
    }

    int denseOrFail(int vm) {
        int d = vm >= 0 && vm < vmIndexOf.length ? vmIndexOf[vm] : -1;
        if (d < 0) {
            throw new IllegalArgumentException("unknown vm " + vm);
        }
        return d;
    }

    /** Loads vCPU {@code f}'s translation context into PE {@code p} (KVM's vcpu_load). */
    void load(int p, int f, int d) {
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
        tu.vmDense = d;
        tu.vcpuIndex = f - vcpuBase[d];
        loaded[p] = f;
    }

    /** Writes a register of vCPU {@code f}'s context, and tells the PEs it is loaded on. */
    void setContext(int f, String reg, long value) {
        ctxRegs[f].set(reg, value);
        for (int p = 0; p < pes.length; p++) {
            if (loaded[p] == f) {
                pes[p].registersChanged();
            }
        }
    }

    /**
     * Adds what PE {@code p} counted since its last switch to the vCPU loaded there. The TLB
     * counters (and the stale-translation count, {@code tu.stale}) live in the PE's
     * {@link TranslationUnit}; this difference is the only place they reach the per-vCPU totals.
     */
    void flushCounters(int p) {
        int f = loaded[p];
        long[] now = peScratch;
        readCounters(pes[p], now);
        long[] s = snap[p];
        if (f >= 0) {
            long[] a = acc[p];
            int base = f * Replayer.NC;
            for (int c = 0; c <= Replayer.C_STALE; c++) {
                a[base + c] += now[c] - s[c];
            }
        }
        System.arraycopy(now, 0, s, 0, Replayer.NC);
    }

    private static void readCounters(TranslationUnit tu, long[] out) {
        out[Replayer.C_L1I_LOOKUPS] = tu.l1i.lookups;
        out[Replayer.C_L1I_HITS] = tu.l1i.hits;
        out[Replayer.C_L1I_MISSES] = tu.l1i.misses;
        out[Replayer.C_L1D_LOOKUPS] = tu.l1d.lookups;
        out[Replayer.C_L1D_HITS] = tu.l1d.hits;
        out[Replayer.C_L1D_MISSES] = tu.l1d.misses;
        if (tu.l2 != null) {
            out[Replayer.C_L2_LOOKUPS] = tu.l2.lookups;
            out[Replayer.C_L2_HITS] = tu.l2.hits;
            out[Replayer.C_L2_MISSES] = tu.l2.misses;
        }
        out[Replayer.C_WALKS_I] = tu.walksI;
        out[Replayer.C_WALKS_D] = tu.walksD;
        out[Replayer.C_READS_I] = tu.readsI;
        out[Replayer.C_READS_D] = tu.readsD;
        out[Replayer.C_FAULTS] = tu.faults;
        out[Replayer.C_STALE] = tu.stale.count();
    }

    /** Counter {@code c} (a {@code C_*} constant) of vCPU {@code vcpu} of VM (dense index) on PE {@code p}. */
    long counter(int p, int dense, int vcpu, int c) {
        return acc[p][(vcpuBase[dense] + vcpu) * Replayer.NC + c];
    }
}
