package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.HypState.EV_ACK;
import static org.virtreplay.engine.hyp.HypState.EV_ENTER;
import static org.virtreplay.engine.hyp.HypState.EV_EOI;
import static org.virtreplay.engine.hyp.HypState.EV_KICK;
import static org.virtreplay.engine.hyp.HypState.EV_QUANTUM;
import static org.virtreplay.engine.hyp.HypState.EV_QUEUED;
import static org.virtreplay.engine.hyp.HypState.EV_WAKE;
import static org.virtreplay.engine.hyp.IrqLatencyStats.COMPONENTS;

import org.virtreplay.engine.gic.VirtualCpuInterface;

/**
 * The one state model of the hypervisor (Trace Compass style): per-vCPU run state and saved list
 * registers, the ap_lists, the interrupt slot pool with each interrupt's latency components, the run
 * queues and the event queue. The handler classes ({@link IrqInjection}, {@link RunLoop},
 * {@link GuestModel}, {@link VcpuScheduler}) read and write it; {@link Hypervisor} is the facade.
 */
final class HypState {
    static final int EV_QUEUED = 0;
    static final int EV_KICK = 1;
    static final int EV_ENTER = 2;
    static final int EV_ACK = 3;
    static final int EV_EOI = 4;
    static final int EV_QUANTUM = 5;
    static final int EV_WAKE = 6;

    final HypConfig cfg;
    final CostModel cost;
    final long exitNs;
    final long entryNs;
    final long flushNs;
    final long injectNs;
    final long ipiNs;
    final long deviceHostNs;
    final long ackNs;
    final long miNs;
    final long wakeNs;
    final long switchNs;
    final long directNs;
    final long doorbellNs;
    final long s2FaultNs;
    final long mmioNs;
    final long trapNs;

    final int nv;
    final int nLr;
    final int[] vmBase;
    final int[] vcpus;
    final int[] vmOf;
    final int[] vcpuOf;

    // Per vCPU.
    final int[] state;
    final int[] pe;
    final long[] hostFree;
    final int[] enterEpoch;
    final int[] guestEpoch;
    final boolean[] masked;
    final int[] ackSlot;
    final int[] handlerSlot;
    final long[] handlerUntil;
    final long[] handlerRemaining;
    final boolean[] waking;
    final VirtualCpuInterface[] vgic;
    final int[] lrSlot;
    /** The reason of the exit a vCPU is out of the guest for (until its next entry), or -1. */
    final int[] exitOpen;
    /** That exit's kvm_exit time. */
    final long[] exitAt;
    /** That exit's faulting IPA, or -1. */
    final long[] exitIpa;
    int[][] ap;
    final int[] apLen;

    // Interrupt slot pool.
    int[] sIntid;
    int[] sG;
    int[] sCls;
    int[] sPrio;
    int[] sPhase;
    int[] sPreComp;
    int[] sLr;
    boolean[] sLevel;
    boolean[] sHw;
    boolean[] sDirect;
    boolean[] sActive;
    long[] sAssert;
    long[] sPhaseStart;
    long[] sSeq;
    long[] sObsAck;
    long[] sObsEoi;
    long[] sComp;
    int[] free;
    int freeTop;
    long seqCounter;

    // Scheduler (model policies).
    final int[] peCur;
    final int[] peLast;
    final long[] sliceStart;
    final int[] quantumEpoch;
    final boolean[] quantumArmed;
    final int[][] rq;
    final int[] rqHead;
    final int[] rqLen;

    final EventQueue events = new EventQueue();
    final IrqLatencyStats stats;
    final ExitStats exitStats;
    IrqEventSink sink;
    ExitSink exitSink;
    long now;

    IrqInjection irq;
    RunLoop run;
    GuestModel guest;
    VcpuScheduler sched;

    HypState(int[] vcpusPerVm, HypConfig cfg, CostModel cost) {
        this.cfg = cfg;
        this.cost = cost;
        exitNs = cost.ns(cost.exitCycles());
        entryNs = cost.ns(cost.entryCycles());
        flushNs = cost.ns(cost.lrFlushCycles());
        injectNs = cost.ns(cost.injectCycles());
        ipiNs = cost.ns(cost.ipiCycles());
        deviceHostNs = cost.ns(cost.deviceHostCycles());
        ackNs = cost.ns(cost.guestAckCycles());
        miNs = cost.ns(cost.maintenanceCycles());
        wakeNs = cost.ns(cost.wakeCycles());
        switchNs = cost.ns(cost.vcpuSwitchCycles());
        directNs = cost.ns(cost.directCycles());
        doorbellNs = cost.ns(cost.doorbellCycles());
        s2FaultNs = cost.ns(cost.s2FaultCycles());
        mmioNs = cost.ns(cost.mmioCycles());
        trapNs = cost.ns(cost.trapCycles());
        nLr = cfg.listRegisters();
        vcpus = vcpusPerVm.clone();
        vmBase = new int[vcpus.length];
        int total = 0;
        for (int vm = 0; vm < vcpus.length; vm++) {
            if (vcpus[vm] < 0) {
                throw new IllegalArgumentException("negative vCPU count for VM " + vm);
            }
            vmBase[vm] = total;
            total += vcpus[vm];
        }
        nv = total;
        vmOf = new int[nv];
        vcpuOf = new int[nv];
        for (int vm = 0; vm < vcpus.length; vm++) {
            for (int c = 0; c < vcpus[vm]; c++) {
                vmOf[vmBase[vm] + c] = vm;
                vcpuOf[vmBase[vm] + c] = c;
            }
        }
        state = new int[nv];
        pe = new int[nv];
        hostFree = new long[nv];
        enterEpoch = new int[nv];
        guestEpoch = new int[nv];
        masked = new boolean[nv];
        ackSlot = new int[nv];
        handlerSlot = new int[nv];
        handlerUntil = new long[nv];
        handlerRemaining = new long[nv];
        waking = new boolean[nv];
        vgic = new VirtualCpuInterface[nv];
        lrSlot = new int[nv * nLr];
        exitOpen = new int[nv];
        exitAt = new long[nv];
        exitIpa = new long[nv];
        java.util.Arrays.fill(exitOpen, -1);
        ap = new int[nv][8];
        apLen = new int[nv];
        java.util.Arrays.fill(ackSlot, -1);
        java.util.Arrays.fill(handlerSlot, -1);
        java.util.Arrays.fill(handlerRemaining, -1);
        java.util.Arrays.fill(lrSlot, -1);
        for (int g = 0; g < nv; g++) {
            vgic[g] = new VirtualCpuInterface(nLr);
            vgic[g].setGuestState(cfg.guestPmr(), cfg.guestBpr1(), cfg.guestEoiMode1());
            vgic[g].setHcr(VirtualCpuInterface.HCR_EN);
        }
        allocPool(64);
        int pes = cfg.peCount();
        peCur = new int[pes];
        peLast = new int[pes];
        sliceStart = new long[pes];
        quantumEpoch = new int[pes];
        quantumArmed = new boolean[pes];
        int queues = cfg.policy() == SchedPolicy.FAIR ? 1 : pes;
        rq = new int[queues][Math.max(1, nv)];
        rqHead = new int[queues];
        rqLen = new int[queues];
        java.util.Arrays.fill(peCur, -1);
        java.util.Arrays.fill(peLast, -1);
        stats = new IrqLatencyStats(vmBase, vcpus, nv);
        exitStats = new ExitStats(vmBase, vcpus, nv);
    }

    /**
     * Opens the exit vCPU {@code g} leaves the guest for; it closes at the next entry. A vCPU out of
     * the guest already (in EL2, descheduled) has its exit open: what happens meanwhile is part of it.
     */
    void openExit(int g, int reason, long kvmExitTs, long ipa) {
        if (exitOpen[g] < 0) {
            exitOpen[g] = reason;
            exitAt[g] = kvmExitTs;
            exitIpa[g] = ipa;
        }
    }

    /** Closes vCPU {@code g}'s open exit at its kvm_entry time {@code t}. */
    void closeExit(int g, long t) {
        int r = exitOpen[g];
        if (r < 0) {
            return;
        }
        exitOpen[g] = -1;
        // The model may re-enter sooner than its nominal exit cost (a preemption that keeps the same
        // vCPU): no negative handling time.
        recordExit(g, r, exitAt[g], exitIpa[g], Math.max(0, t - exitAt[g]));
    }

    void recordExit(int g, int reason, long kvmExitTs, long ipa, long handledNs) {
        exitStats.record(g, reason, handledNs);
        if (exitSink != null) {
            exitSink.onExit(kvmExitTs, vmOf[g], vcpuOf[g], pe[g], reason, ipa, handledNs);
        }
    }

    void allocPool(int n) {
        int old = sIntid == null ? 0 : sIntid.length;
        sIntid = grow(sIntid, n);
        sG = grow(sG, n);
        sCls = grow(sCls, n);
        sPrio = grow(sPrio, n);
        sPhase = grow(sPhase, n);
        sPreComp = grow(sPreComp, n);
        sLr = grow(sLr, n);
        sLevel = growB(sLevel, n);
        sHw = growB(sHw, n);
        sDirect = growB(sDirect, n);
        sActive = growB(sActive, n);
        sAssert = growL(sAssert, n);
        sPhaseStart = growL(sPhaseStart, n);
        sSeq = growL(sSeq, n);
        sObsAck = growL(sObsAck, n);
        sObsEoi = growL(sObsEoi, n);
        sComp = growL(sComp, n * COMPONENTS);
        int[] nf = new int[n];
        if (free != null) {
            System.arraycopy(free, 0, nf, 0, freeTop);
        }
        free = nf;
        for (int s = n - 1; s >= old; s--) {
            free[freeTop++] = s;
        }
    }

    static int[] grow(int[] a, int n) {
        return a == null ? new int[n] : java.util.Arrays.copyOf(a, n);
    }

    static long[] growL(long[] a, int n) {
        return a == null ? new long[n] : java.util.Arrays.copyOf(a, n);
    }

    static boolean[] growB(boolean[] a, int n) {
        return a == null ? new boolean[n] : java.util.Arrays.copyOf(a, n);
    }

    int gOf(int vm, int vcpu) {
        if (vm < 0 || vm >= vcpus.length || vcpu < 0 || vcpu >= vcpus[vm]) {
            throw new IllegalArgumentException("no such vCPU: vm " + vm + " vcpu " + vcpu);
        }
        return vmBase[vm] + vcpu;
    }

    void account(int s, long t) {
        long ps = sPhaseStart[s];
        if (t >= ps) {
            sComp[s * COMPONENTS + sPhase[s]] += t - ps;
        } else {
            // A cost credited in advance did not fully elapse (the phase was cut short).
            sComp[s * COMPONENTS + sPreComp[s]] -= ps - t;
        }
        sPhaseStart[s] = t;
    }

    void setPhase(int s, long t, int phase) {
        account(s, t);
        sPhase[s] = phase;
    }

    int allocSlot() {
        if (freeTop == 0) {
            allocPool(sIntid.length * 2);
        }
        return free[--freeTop];
    }

    void freeSlot(int s) {
        free[freeTop++] = s;
    }

    void apAppend(int g, int s) {
        if (apLen[g] == ap[g].length) {
            ap[g] = java.util.Arrays.copyOf(ap[g], apLen[g] * 2);
        }
        ap[g][apLen[g]++] = s;
    }

    void apRemove(int g, int s) {
        int[] a = ap[g];
        int n = apLen[g];
        for (int i = 0; i < n; i++) {
            if (a[i] == s) {
                System.arraycopy(a, i + 1, a, i, n - i - 1);
                apLen[g] = n - 1;
                return;
            }
        }
    }

    /** The other slot of the same INTID on this vCPU (active instance vs re-triggered one), or -1. */
    int twinOf(int g, int s) {
        for (int i = 0; i < apLen[g]; i++) {
            int o = ap[g][i];
            if (o != s && sIntid[o] == sIntid[s] && sActive[o] != sActive[s]) {
                return o;
            }
        }
        return -1;
    }

    boolean hasPending(int g) {
        for (int i = 0; i < apLen[g]; i++) {
            if (!sActive[ap[g][i]]) {
                return true;
            }
        }
        return false;
    }
}
