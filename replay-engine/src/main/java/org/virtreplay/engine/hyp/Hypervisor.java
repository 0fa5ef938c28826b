package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_IPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_LPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_SPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_TIMER;
import static org.virtreplay.engine.hyp.IrqLatencyStats.COMPONENTS;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_EXIT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_INJECT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_LR_WAIT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_MASK;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_SCHED;

import org.virtreplay.engine.gic.IchLr;
import org.virtreplay.engine.gic.IntId;
import org.virtreplay.engine.gic.VirtualCpuInterface;

/**
 * The KVM/arm64-like hypervisor as a discrete-event model in nanoseconds: the vCPU run loop (exit,
 * host work, LR flush, entry), KVM's software injection (per-vCPU ap_list, kick by IPI or wake-up,
 * LRs filled by priority on entry, underflow maintenance interrupt on overflow, fold on exit),
 * GICv4.1 direct injection (vLPI/vSGI to a resident vPE without exit, doorbell otherwise), vCPU
 * scheduling ({@link SchedPolicy}) and a simple guest (acknowledges when signalled and unmasked,
 * handles for a while with interrupts masked, EOIs). See the package documentation for the API
 * contract and docs/costs.md for the cost path of each interrupt source.
 *
 * <p>Single-threaded. After construction, per-event work allocates nothing in steady state: all
 * state is in primitive arrays indexed by the global vCPU index {@code g = vmBase[vm] + vcpu} or by
 * an interrupt slot from a pool; the pool, the ap_lists and the event heap grow by doubling if a
 * trace needs more (a one-off, not per event).
 */
public final class Hypervisor {
    public static final int SOURCE_DEVICE = 0;
    public static final int SOURCE_TIMER = 1;
    public static final int SOURCE_IPI = 2;
    public static final int SOURCE_ITS = 3;

    public static final int SCHED_RUN = 0;
    public static final int SCHED_PREEMPT = 1;
    public static final int SCHED_BLOCK = 2;
    public static final int SCHED_WAKE = 3;

    /** The SOURCE_* code of a trace {@code irq.source} value, or -1 if unknown. */
    public static int sourceCode(String source) {
        return switch (source) {
            case "device" -> SOURCE_DEVICE;
            case "timer" -> SOURCE_TIMER;
            case "ipi" -> SOURCE_IPI;
            case "its" -> SOURCE_ITS;
            default -> -1;
        };
    }

    /** The SCHED_* code of a trace {@code sched.event} value, or -1 if unknown. */
    public static int schedCode(String event) {
        return switch (event) {
            case "run" -> SCHED_RUN;
            case "preempt" -> SCHED_PREEMPT;
            case "block" -> SCHED_BLOCK;
            case "wake" -> SCHED_WAKE;
            default -> -1;
        };
    }

    /** vCPU states. */
    public static final int ST_GUEST = 0;
    public static final int ST_HOST = 1;
    public static final int ST_RUNNABLE = 2;
    public static final int ST_BLOCKED = 3;

    private static final int EV_QUEUED = 0;
    private static final int EV_KICK = 1;
    private static final int EV_ENTER = 2;
    private static final int EV_ACK = 3;
    private static final int EV_EOI = 4;
    private static final int EV_QUANTUM = 5;
    private static final int EV_WAKE = 6;

    private final HypConfig cfg;
    private final CostModel cost;
    private final long exitNs;
    private final long entryNs;
    private final long flushNs;
    private final long injectNs;
    private final long ipiNs;
    private final long deviceHostNs;
    private final long ackNs;
    private final long miNs;
    private final long wakeNs;
    private final long switchNs;
    private final long directNs;
    private final long doorbellNs;

    private final int nv;
    private final int nLr;
    private final int[] vmBase;
    private final int[] vcpus;
    private final int[] vmOf;
    private final int[] vcpuOf;

    // Per vCPU.
    private final int[] state;
    private final int[] pe;
    private final long[] hostFree;
    private final int[] enterEpoch;
    private final int[] guestEpoch;
    private final boolean[] masked;
    private final int[] ackSlot;
    private final int[] handlerSlot;
    private final long[] handlerUntil;
    private final long[] handlerRemaining;
    private final boolean[] waking;
    private final VirtualCpuInterface[] vgic;
    private final int[] lrSlot;
    private int[][] ap;
    private final int[] apLen;

    // Interrupt slot pool.
    private int[] sIntid;
    private int[] sG;
    private int[] sCls;
    private int[] sPrio;
    private int[] sPhase;
    private int[] sPreComp;
    private int[] sLr;
    private boolean[] sLevel;
    private boolean[] sHw;
    private boolean[] sDirect;
    private boolean[] sActive;
    private long[] sAssert;
    private long[] sPhaseStart;
    private long[] sSeq;
    private long[] sObsAck;
    private long[] sObsEoi;
    private long[] sComp;
    private int[] free;
    private int freeTop;
    private long seqCounter;

    // Scheduler (model policies).
    private final int[] peCur;
    private final int[] peLast;
    private final long[] sliceStart;
    private final int[] quantumEpoch;
    private final boolean[] quantumArmed;
    private final int[][] rq;
    private final int[] rqHead;
    private final int[] rqLen;

    private final EventQueue events = new EventQueue();
    private final IrqLatencyStats stats;
    private IrqEventSink sink;
    private long now;

    /**
     * @param vcpusPerVm vCPU count of each VM (VM ids 0..n-1)
     */
    public Hypervisor(int[] vcpusPerVm, HypConfig cfg, CostModel cost) {
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
        placeInitially();
    }

    private void placeInitially() {
        for (int g = 0; g < nv; g++) {
            if (cfg.policy() == SchedPolicy.TRACE) {
                // Until the trace says otherwise, a vCPU is running (traces usually start mid-run).
                state[g] = ST_GUEST;
                pe[g] = g % cfg.peCount();
                continue;
            }
            int target = -1;
            if (cfg.policy() == SchedPolicy.PINNED) {
                int home = g % cfg.peCount();
                target = peCur[home] < 0 ? home : -1;
            } else {
                for (int p = 0; p < cfg.peCount(); p++) {
                    if (peCur[p] < 0) {
                        target = p;
                        break;
                    }
                }
            }
            if (target >= 0) {
                state[g] = ST_GUEST;
                pe[g] = target;
                peCur[target] = g;
                peLast[target] = g;
            } else {
                state[g] = ST_RUNNABLE;
                pe[g] = -1;
                enqueue(g, 0);
            }
        }
    }

    private void allocPool(int n) {
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

    private static int[] grow(int[] a, int n) {
        return a == null ? new int[n] : java.util.Arrays.copyOf(a, n);
    }

    private static long[] growL(long[] a, int n) {
        return a == null ? new long[n] : java.util.Arrays.copyOf(a, n);
    }

    private static boolean[] growB(boolean[] a, int n) {
        return a == null ? new boolean[n] : java.util.Arrays.copyOf(a, n);
    }

    public void setEventSink(IrqEventSink s) {
        this.sink = s;
    }

    public IrqLatencyStats stats() {
        return stats;
    }

    public HypConfig config() {
        return cfg;
    }

    public CostModel costModel() {
        return cost;
    }

    /** The model's current time (ns). */
    public long now() {
        return now;
    }

    private int gOf(int vm, int vcpu) {
        if (vm < 0 || vm >= vcpus.length || vcpu < 0 || vcpu >= vcpus[vm]) {
            throw new IllegalArgumentException("no such vCPU: vm " + vm + " vcpu " + vcpu);
        }
        return vmBase[vm] + vcpu;
    }

    // ------------------------------------------------------------------ queries

    /** Whether the vCPU executes guest code at {@code ts} (advances the model to ts). */
    public boolean isRunning(long ts, int vm, int vcpu) {
        advanceTo(ts);
        return state[gOf(vm, vcpu)] == ST_GUEST;
    }

    /** The PE on which the vCPU executes guest code at ts, or -1 (in EL2, runnable or blocked). */
    public int runningPe(long ts, int vm, int vcpu) {
        advanceTo(ts);
        int g = gOf(vm, vcpu);
        return state[g] == ST_GUEST ? pe[g] : -1;
    }

    /** The vCPU state (ST_*) at the model's current time. */
    public int vcpuState(int vm, int vcpu) {
        return state[gOf(vm, vcpu)];
    }

    /** The vCPU currently placed on a PE by the model scheduler (pinned/fair), or -1. */
    public int vcpuOnPe(int p) {
        return peCur[p];
    }

    /** The list-register state of a vCPU (its saved copy while it does not run). */
    public VirtualCpuInterface vgic(int vm, int vcpu) {
        return vgic[gOf(vm, vcpu)];
    }

    /** Interrupts asserted but not yet acknowledged, all vCPUs. */
    public int inFlight() {
        int n = 0;
        for (int g = 0; g < nv; g++) {
            for (int i = 0; i < apLen[g]; i++) {
                if (!sActive[ap[g][i]]) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A human-readable list of unacknowledged interrupts (diagnostics; allocates). */
    public String describeInFlight() {
        StringBuilder b = new StringBuilder();
        for (int g = 0; g < nv; g++) {
            for (int i = 0; i < apLen[g]; i++) {
                int s = ap[g][i];
                if (!sActive[s]) {
                    b.append("vm ").append(vmOf[g]).append(" vcpu ").append(vcpuOf[g]).append(" intid ")
                            .append(sIntid[s]).append(" asserted ").append(sAssert[s]).append(" phase ")
                            .append(IrqLatencyStats.COMPONENT_NAMES[sPhase[s]]).append(" lr ").append(sLr[s])
                            .append(" vcpu-state ").append(state[g]).append(" handler ").append(handlerSlot[g])
                            .append(" ack ").append(ackSlot[g]).append('\n');
                }
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ time

    /** Runs every model event up to and including {@code ts}. */
    public void advanceTo(long ts) {
        while (!events.isEmpty() && events.peekTime() <= ts) {
            events.pop();
            now = events.topTime;
            dispatch(events.topType, events.topArg, events.topEpoch);
        }
        if (ts > now) {
            now = ts;
        }
    }

    private void dispatch(int type, int arg, int epoch) {
        switch (type) {
            case EV_QUEUED -> onQueued(arg);
            case EV_KICK -> onKick(arg);
            case EV_ENTER -> {
                if (epoch == enterEpoch[arg] && state[arg] == ST_HOST) {
                    enter(arg);
                }
            }
            case EV_ACK -> {
                if (epoch == guestEpoch[arg] && state[arg] == ST_GUEST) {
                    ack(arg);
                }
            }
            case EV_EOI -> {
                if (epoch == guestEpoch[arg] && state[arg] == ST_GUEST) {
                    eoi(arg);
                }
            }
            case EV_QUANTUM -> {
                if (epoch == quantumEpoch[arg]) {
                    quantumEnd(arg);
                }
            }
            case EV_WAKE -> wakeDone(arg);
            default -> throw new IllegalStateException("event " + type);
        }
    }

    // ------------------------------------------------------------------ phase accounting

    private void account(int s, long t) {
        long ps = sPhaseStart[s];
        if (t >= ps) {
            sComp[s * COMPONENTS + sPhase[s]] += t - ps;
        } else {
            // A cost credited in advance did not fully elapse (the phase was cut short).
            sComp[s * COMPONENTS + sPreComp[s]] -= ps - t;
        }
        sPhaseStart[s] = t;
    }

    private void setPhase(int s, long t, int phase) {
        account(s, t);
        sPhase[s] = phase;
    }

    // ------------------------------------------------------------------ inputs

    /** Same as the full form with the default priority 0xA0 and no observed times. */
    public void onIrq(long ts, int intid, int vm, int vcpu, int source, int sourceVcpu, boolean level, boolean assertion) {
        onIrq(ts, intid, vm, vcpu, source, sourceVcpu, level, assertion, 0xA0, -1, -1);
    }

    /**
     * An interrupt line change from the trace's {@code irq} table.
     *
     * @param vcpu          target vCPU, or -1 to route an SPI (KVM's default target: vCPU 0)
     * @param source        SOURCE_*
     * @param sourceVcpu    sending vCPU of an IPI, else -1
     * @param observedAckTs the trace's ack_ts or -1; observedEoiTs likewise (sets the handler time)
     */
    public void onIrq(long ts, int intid, int vm, int vcpu, int source, int sourceVcpu, boolean level,
            boolean assertion, int priority, long observedAckTs, long observedEoiTs) {
        advanceTo(ts);
        int g = gOf(vm, vcpu < 0 ? 0 : vcpu);
        int cls = classify(intid, source);
        if (!assertion) {
            if (level) {
                withdraw(g, intid);
            }
            return;
        }
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            if (sIntid[s] == intid && !sActive[s]) {
                stats.coalesced[g]++;
                return;
            }
        }
        int s = allocSlot();
        sIntid[s] = intid;
        sG[s] = g;
        sCls[s] = cls;
        sPrio[s] = priority & 0xFF;
        sLevel[s] = level;
        sHw[s] = cls == CLASS_TIMER && IntId.isPpi(intid);
        sActive[s] = false;
        sLr[s] = -1;
        sAssert[s] = ts;
        sSeq[s] = seqCounter++;
        sObsAck[s] = observedAckTs;
        sObsEoi[s] = observedEoiTs;
        for (int c = 0; c < COMPONENTS; c++) {
            sComp[s * COMPONENTS + c] = 0;
        }
        sDirect[s] = cfg.gicV41() && (cls == CLASS_LPI || cls == CLASS_IPI);
        int base = s * COMPONENTS;
        long tq;
        int sender = -1;
        if (cls == CLASS_IPI && sourceVcpu >= 0 && sourceVcpu < vcpus[vm]) {
            sender = vmBase[vm] + sourceVcpu;
        }
        if (cls == CLASS_IPI) {
            // The sender's ICC_SGI1R_EL1 write traps to EL2 even with GICv4.1 (arm-reference §11.6).
            long t = ts;
            if (sender >= 0 && state[sender] == ST_GUEST) {
                exitGuest(sender, ts);
                addHostWork(sender, hostFree[sender], injectNs);
                sComp[base + C_EXIT] += exitNs;
                t = ts + exitNs;
            }
            sComp[base + C_INJECT] += injectNs;
            tq = t + injectNs;
            if (sDirect[s]) {
                sComp[base + C_INJECT] += directNs;
                tq += directNs;
            }
        } else if (sDirect[s]) {
            sComp[base + C_INJECT] += directNs;
            tq = ts + directNs;
        } else if (cls == CLASS_TIMER && (state[g] == ST_GUEST || state[g] == ST_HOST)) {
            // The physical timer PPI fires on the PE running the vCPU: exit there, inject, re-enter.
            long start;
            if (state[g] == ST_GUEST) {
                exitGuest(g, ts);
                sComp[base + C_EXIT] += exitNs;
                start = hostFree[g];
            } else {
                start = Math.max(ts, hostFree[g]);
            }
            tq = start + injectNs;
            sComp[base + C_INJECT] += tq - ts - sComp[base + C_EXIT];
            addHostWork(g, start, injectNs);
        } else if (cls == CLASS_TIMER) {
            // vCPU not loaded: KVM's soft timer fires on the host and injects; the kick wakes it.
            sComp[base + C_INJECT] += injectNs;
            tq = ts + injectNs;
        } else {
            // Device SPI/LPI: host IRQ handling and irqfd on a host CPU, then injection and kick.
            sComp[base + C_INJECT] += deviceHostNs + injectNs;
            tq = ts + deviceHostNs + injectNs;
        }
        sPhase[s] = C_INJECT;
        sPreComp[s] = C_INJECT;
        sPhaseStart[s] = tq;
        events.push(tq, EV_QUEUED, s, 0);
    }

    private static int classify(int intid, int source) {
        if (source == SOURCE_TIMER || intid == IntId.VTIMER_PPI || intid == IntId.PTIMER_PPI) {
            return CLASS_TIMER;
        }
        if (IntId.isSgi(intid) || source == SOURCE_IPI) {
            return CLASS_IPI;
        }
        if (IntId.isLpi(intid)) {
            return CLASS_LPI;
        }
        return CLASS_SPI;
    }

    /** PSTATE.I of a vCPU from the trace's {@code daif} table. */
    public void onMask(long ts, int vm, int vcpu, boolean mask) {
        advanceTo(ts);
        int g = gOf(vm, vcpu);
        masked[g] = mask;
        if (!mask) {
            tryDeliver(g, ts);
        }
    }

    /**
     * A {@code sched} record. TRACE policy replays it; PINNED/FAIR use only {@code block} (the
     * guest's WFI) and {@code wake} (an external wake-up) and schedule by themselves.
     */
    public void onSched(long ts, int p, int vm, int vcpu, int event) {
        advanceTo(ts);
        int g = gOf(vm, vcpu);
        if (cfg.policy() == SchedPolicy.TRACE) {
            switch (event) {
                case SCHED_RUN -> {
                    if (state[g] == ST_RUNNABLE || state[g] == ST_BLOCKED) {
                        scheduleIn(g, p < 0 ? g % cfg.peCount() : p, ts, 0);
                    } else if (p >= 0) {
                        pe[g] = p;
                    }
                }
                case SCHED_PREEMPT -> scheduleOut(g, ts, ST_RUNNABLE);
                case SCHED_BLOCK -> scheduleOut(g, ts, ST_BLOCKED);
                case SCHED_WAKE -> {
                    if (state[g] == ST_BLOCKED) {
                        state[g] = ST_RUNNABLE;
                    }
                }
                default -> throw new IllegalArgumentException("sched event " + event);
            }
            return;
        }
        if (event == SCHED_BLOCK) {
            if ((state[g] == ST_GUEST || state[g] == ST_HOST) && !hasPending(g) && handlerSlot[g] < 0) {
                int p0 = pe[g];
                stats.exits[g]++;
                scheduleOut(g, ts, ST_BLOCKED);
                // The WFI trap and the switch away occupy the PE for an exit.
                pickNext(p0, ts + exitNs);
            }
        } else if (event == SCHED_WAKE) {
            wake(g, ts);
        }
    }

    private boolean hasPending(int g) {
        for (int i = 0; i < apLen[g]; i++) {
            if (!sActive[ap[g][i]]) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ injection

    private int allocSlot() {
        if (freeTop == 0) {
            allocPool(sIntid.length * 2);
        }
        return free[--freeTop];
    }

    private void freeSlot(int s) {
        free[freeTop++] = s;
    }

    private void apAppend(int g, int s) {
        if (apLen[g] == ap[g].length) {
            ap[g] = java.util.Arrays.copyOf(ap[g], apLen[g] * 2);
        }
        ap[g][apLen[g]++] = s;
    }

    private void apRemove(int g, int s) {
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

    private void withdraw(int g, int intid) {
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            if (sIntid[s] == intid && !sActive[s] && sLr[s] < 0 && ackSlot[g] != s) {
                apRemove(g, s);
                freeSlot(s);
                stats.withdrawn[g]++;
                return;
            }
        }
    }

    private void onQueued(int s) {
        int g = sG[s];
        long t = now;
        apAppend(g, s);
        int st = state[g];
        if (sDirect[s]) {
            if (st == ST_GUEST) {
                setPhase(s, t, C_MASK);
                tryDeliver(g, t);
            } else if (st == ST_RUNNABLE || st == ST_BLOCKED) {
                // Non-resident vPE: the doorbell LPI reaches the host, which wakes the vCPU.
                setPhase(s, t, C_SCHED);
                if (st == ST_BLOCKED) {
                    wake(g, t + doorbellNs);
                }
            }
            return;
        }
        switch (st) {
            case ST_GUEST -> events.push(t + ipiNs, EV_KICK, g, 0);
            case ST_HOST -> {
                // Picked up by the pending entry.
            }
            case ST_RUNNABLE -> setPhase(s, t, C_SCHED);
            default -> {
                setPhase(s, t, C_SCHED);
                wake(g, t);
            }
        }
    }

    private void onKick(int g) {
        if (state[g] != ST_GUEST) {
            return;
        }
        long t = now;
        exitGuest(g, t);
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            if (!sActive[s] && sLr[s] < 0 && sPhase[s] == C_INJECT && ackSlot[g] != s) {
                account(s, t);
                sComp[s * COMPONENTS + C_EXIT] += exitNs;
                sPhaseStart[s] = t + exitNs;
                sPreComp[s] = C_EXIT;
            }
        }
    }

    // ------------------------------------------------------------------ run loop

    /** Guest → EL2: the vCPU stays on its PE, in host mode, until its entry event. */
    private void exitGuest(int g, long t) {
        leaveGuest(g, t);
        state[g] = ST_HOST;
        stats.exits[g]++;
        hostFree[g] = t + exitNs;
        scheduleEnter(g);
    }

    private void addHostWork(int g, long start, long dur) {
        hostFree[g] = Math.max(hostFree[g], start) + dur;
        scheduleEnter(g);
    }

    private void scheduleEnter(int g) {
        enterEpoch[g]++;
        events.push(hostFree[g] + flushNs + entryNs, EV_ENTER, g, enterEpoch[g]);
    }

    /** Stops guest execution: pending guest events become stale, the handler is paused. */
    private void leaveGuest(int g, long t) {
        if (state[g] != ST_GUEST) {
            return;
        }
        guestEpoch[g]++;
        if (handlerSlot[g] >= 0) {
            handlerRemaining[g] = Math.max(0, handlerUntil[g] - t);
        }
        int a = ackSlot[g];
        if (a >= 0) {
            // The vIRQ exception had not completed: the interrupt is still pending.
            setPhase(a, t, C_MASK);
            ackSlot[g] = -1;
        }
    }

    private void enter(int g) {
        long t = now;
        flush(g);
        state[g] = ST_GUEST;
        guestEpoch[g]++;
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            if (sActive[s]) {
                continue;
            }
            setPhase(s, t, (sDirect[s] || sLr[s] >= 0) ? C_MASK : C_LR_WAIT);
        }
        if (handlerSlot[g] >= 0) {
            handlerUntil[g] = t + Math.max(0, handlerRemaining[g]);
            handlerRemaining[g] = -1;
            events.push(handlerUntil[g], EV_EOI, g, guestEpoch[g]);
        } else {
            tryDeliver(g, t);
        }
    }

    /**
     * KVM's classic vgic_flush_lr_state: fold what the guest left (empty LRs are released), sort the
     * ap_list (pending before active, then priority, then HW before SW, then age), fill up to nLr
     * LRs, and set ICH_HCR_EL2.UIE when entries remain outside the LRs.
     */
    private void flush(int g) {
        VirtualCpuInterface v = vgic[g];
        int base = g * nLr;
        for (int i = 0; i < nLr; i++) {
            lrSlot[base + i] = -1;
            v.setLr(i, 0);
        }
        int[] a = ap[g];
        int n = apLen[g];
        for (int i = 0; i < n; i++) {
            sLr[a[i]] = -1;
        }
        for (int i = 1; i < n; i++) {
            int x = a[i];
            int j = i - 1;
            while (j >= 0 && before(x, a[j])) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
        int used = 0;
        int sw = 0;
        for (int i = 0; i < n; i++) {
            int s = a[i];
            if (sDirect[s]) {
                continue;
            }
            sw++;
            if (used == nLr || (!sActive[s] && twinOf(g, s) >= 0)) {
                // A re-triggered edge interrupt shares its active instance's LR (Pending+Active).
                continue;
            }
            int st = IchLr.STATE_PENDING;
            if (sActive[s]) {
                int twin = twinOf(g, s);
                st = IchLr.STATE_ACTIVE;
                if (twin >= 0 && !sHw[s]) {
                    st = IchLr.STATE_PENDING_ACTIVE;
                    sLr[twin] = used;
                }
            }
            v.setLr(used, IchLr.encode(sIntid[s], st, sPrio[s], true, sHw[s], sIntid[s], sLevel[s] && !sHw[s]));
            lrSlot[base + used] = s;
            sLr[s] = used;
            used++;
        }
        int hcr = VirtualCpuInterface.HCR_EN | (v.hcr() & (0x1F << VirtualCpuInterface.HCR_EOICOUNT_SHIFT));
        if (sw > nLr) {
            hcr |= VirtualCpuInterface.HCR_UIE;
        }
        v.setHcr(hcr);
    }

    /** The other slot of the same INTID on this vCPU (active instance vs re-triggered one), or -1. */
    private int twinOf(int g, int s) {
        for (int i = 0; i < apLen[g]; i++) {
            int o = ap[g][i];
            if (o != s && sIntid[o] == sIntid[s] && sActive[o] != sActive[s]) {
                return o;
            }
        }
        return -1;
    }

    private boolean before(int x, int y) {
        boolean px = !sActive[x];
        boolean py = !sActive[y];
        if (px != py) {
            return px;
        }
        if (sPrio[x] != sPrio[y]) {
            return sPrio[x] < sPrio[y];
        }
        if (sHw[x] != sHw[y]) {
            return sHw[x];
        }
        return sSeq[x] < sSeq[y];
    }

    // ------------------------------------------------------------------ guest

    private void tryDeliver(int g, long t) {
        if (state[g] != ST_GUEST || masked[g] || handlerSlot[g] >= 0 || ackSlot[g] >= 0) {
            return;
        }
        VirtualCpuInterface v = vgic[g];
        int best = -1;
        int bestPrio = 0x100;
        if (v.virqAsserted()) {
            best = lrSlot[g * nLr + v.hppiIndex()];
            bestPrio = sPrio[best];
        }
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            if (sDirect[s] && !sActive[s] && sPrio[s] < bestPrio && v.canPreempt(sPrio[s], true)) {
                best = s;
                bestPrio = sPrio[s];
            }
        }
        if (best < 0) {
            return;
        }
        ackSlot[g] = best;
        setPhase(best, t, C_INJECT);
        events.push(t + ackNs, EV_ACK, g, guestEpoch[g]);
    }

    private void ack(int g) {
        long t = now;
        int s = ackSlot[g];
        ackSlot[g] = -1;
        if (s < 0) {
            return;
        }
        if (!sDirect[s]) {
            int id = vgic[g].readIar1();
            if (id == IntId.SPURIOUS) {
                setPhase(s, t, C_MASK);
                return;
            }
            for (int i = 0; i < nLr; i++) {
                long lr = vgic[g].lr(i);
                int o = lrSlot[g * nLr + i];
                if (o >= 0 && IchLr.vintid(lr) == id && !sActive[o] && (IchLr.active(lr) || IntId.isLpi(id))) {
                    s = o;
                    break;
                }
            }
        }
        account(s, t);
        sActive[s] = true;
        long lat = t - sAssert[s];
        stats.record(g, sCls[s], lat, sComp, s * COMPONENTS);
        if (sObsAck[s] >= 0) {
            stats.recordError(g, t - sObsAck[s]);
        }
        if (sink != null) {
            int b = s * COMPONENTS;
            sink.onAck(sAssert[s], t, sIntid[s], vmOf[g], vcpuOf[g], sCls[s], sComp[b + C_EXIT], sComp[b + C_INJECT],
                    sComp[b + C_SCHED], sComp[b + C_LR_WAIT], sComp[b + C_MASK], sObsAck[s]);
        }
        long dur = sObsAck[s] >= 0 && sObsEoi[s] >= sObsAck[s] ? sObsEoi[s] - sObsAck[s] : cost.guestHandlerNs();
        handlerSlot[g] = s;
        handlerUntil[g] = t + dur;
        events.push(handlerUntil[g], EV_EOI, g, guestEpoch[g]);
    }

    private void eoi(int g) {
        long t = now;
        int s = handlerSlot[g];
        handlerSlot[g] = -1;
        handlerRemaining[g] = -1;
        VirtualCpuInterface v = vgic[g];
        if (!sDirect[s]) {
            v.writeEoir1(sIntid[s]);
            if (cfg.guestEoiMode1()) {
                v.writeDir(sIntid[s]);
            }
            int l = sLr[s];
            if (l >= 0) {
                lrSlot[g * nLr + l] = -1;
                if (IchLr.pending(v.lr(l))) {
                    // Pending+Active became Pending: the LR now stands for the re-triggered instance.
                    int twin = twinOf(g, s);
                    if (twin >= 0) {
                        lrSlot[g * nLr + l] = twin;
                        sLr[twin] = l;
                    }
                }
            }
        }
        apRemove(g, s);
        freeSlot(s);
        if (v.maintenanceAsserted()) {
            stats.maintenance[g]++;
            exitGuest(g, t);
            addHostWork(g, hostFree[g], miNs);
        } else {
            tryDeliver(g, t);
        }
    }

    // ------------------------------------------------------------------ scheduling

    private void scheduleIn(int g, int p, long t, long switchCost) {
        state[g] = ST_HOST;
        pe[g] = p;
        hostFree[g] = t + switchCost;
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            if (!sActive[s]) {
                // The switch is still scheduling delay; flush and entry are injection overhead.
                setPhase(s, t, C_INJECT);
                sComp[s * COMPONENTS + C_SCHED] += switchCost;
                sPhaseStart[s] = t + switchCost;
                sPreComp[s] = C_SCHED;
            }
        }
        scheduleEnter(g);
        if (cfg.policy() != SchedPolicy.TRACE) {
            peCur[p] = g;
            peLast[p] = g;
            sliceStart[p] = t;
            quantumEpoch[p]++;
            quantumArmed[p] = false;
            armQuantum(p, t);
        }
    }

    private void scheduleOut(int g, long t, int newState) {
        if (state[g] == ST_RUNNABLE || state[g] == ST_BLOCKED) {
            state[g] = newState == ST_BLOCKED && state[g] == ST_RUNNABLE ? ST_BLOCKED : state[g];
            return;
        }
        leaveGuest(g, t);
        enterEpoch[g]++;
        // Fold: everything goes back to the ap_list; the saved LRs are rebuilt at the next entry.
        int base = g * nLr;
        for (int i = 0; i < nLr; i++) {
            lrSlot[base + i] = -1;
        }
        for (int i = 0; i < apLen[g]; i++) {
            int s = ap[g][i];
            sLr[s] = -1;
            if (!sActive[s]) {
                setPhase(s, t, C_SCHED);
            }
        }
        int p = pe[g];
        state[g] = newState;
        pe[g] = -1;
        if (p >= 0 && cfg.policy() != SchedPolicy.TRACE && peCur[p] == g) {
            peCur[p] = -1;
            quantumEpoch[p]++;
            quantumArmed[p] = false;
        }
    }

    private int queueOf(int g) {
        return cfg.policy() == SchedPolicy.FAIR ? 0 : g % cfg.peCount();
    }

    private void enqueue(int g, long t) {
        int q = queueOf(g);
        int[] r = rq[q];
        r[(rqHead[q] + rqLen[q]) % r.length] = g;
        rqLen[q]++;
        if (cfg.policy() == SchedPolicy.PINNED) {
            armQuantum(q, t);
        } else if (cfg.policy() == SchedPolicy.FAIR) {
            for (int p = 0; p < cfg.peCount(); p++) {
                armQuantum(p, t);
            }
        }
    }

    private int dequeue(int q) {
        int g = rq[q][rqHead[q]];
        rqHead[q] = (rqHead[q] + 1) % rq[q].length;
        rqLen[q]--;
        return g;
    }

    private void armQuantum(int p, long t) {
        if (quantumArmed[p] || peCur[p] < 0) {
            return;
        }
        int q = cfg.policy() == SchedPolicy.FAIR ? 0 : p;
        if (rqLen[q] == 0) {
            return;
        }
        quantumArmed[p] = true;
        events.push(Math.max(t, sliceStart[p] + cfg.quantumNs()), EV_QUANTUM, p, quantumEpoch[p]);
    }

    private void quantumEnd(int p) {
        long t = now;
        quantumArmed[p] = false;
        int q = cfg.policy() == SchedPolicy.FAIR ? 0 : p;
        int g = peCur[p];
        if (g < 0 || rqLen[q] == 0) {
            return;
        }
        scheduleOut(g, t, ST_RUNNABLE);
        enqueue(g, t);
        int next = dequeue(q);
        scheduleIn(next, p, t, next == g ? 0 : switchNs);
    }

    /** Gives an idle PE its next runnable vCPU, if any. */
    private void pickNext(int p, long t) {
        if (p < 0 || peCur[p] >= 0) {
            return;
        }
        int q = cfg.policy() == SchedPolicy.FAIR ? 0 : p;
        if (rqLen[q] == 0) {
            return;
        }
        int g = dequeue(q);
        scheduleIn(g, p, t, peLast[p] >= 0 && peLast[p] != g ? switchNs : 0);
    }

    private void wake(int g, long t) {
        if (state[g] != ST_BLOCKED || waking[g]) {
            return;
        }
        if (cfg.policy() == SchedPolicy.TRACE) {
            // The trace's own wake/run records decide when it runs.
            return;
        }
        waking[g] = true;
        events.push(t + wakeNs, EV_WAKE, g, 0);
    }

    private void wakeDone(int g) {
        waking[g] = false;
        if (state[g] != ST_BLOCKED) {
            return;
        }
        long t = now;
        state[g] = ST_RUNNABLE;
        int home = g % cfg.peCount();
        if (cfg.policy() == SchedPolicy.PINNED) {
            if (peCur[home] < 0) {
                scheduleIn(g, home, t, peLast[home] >= 0 && peLast[home] != g ? switchNs : 0);
                return;
            }
        } else {
            for (int p = 0; p < cfg.peCount(); p++) {
                if (peCur[p] < 0) {
                    scheduleIn(g, p, t, peLast[p] >= 0 && peLast[p] != g ? switchNs : 0);
                    return;
                }
            }
        }
        if (cfg.wakeupPreemption()) {
            int victimPe = -1;
            long longest = -1;
            for (int p = 0; p < cfg.peCount(); p++) {
                if (cfg.policy() == SchedPolicy.PINNED && p != home) {
                    continue;
                }
                long ran = t - sliceStart[p];
                if (peCur[p] >= 0 && ran >= cfg.wakeupGranularityNs() && ran > longest) {
                    longest = ran;
                    victimPe = p;
                }
            }
            if (victimPe >= 0) {
                int victim = peCur[victimPe];
                scheduleOut(victim, t, ST_RUNNABLE);
                enqueue(victim, t);
                scheduleIn(g, victimPe, t, switchNs);
                return;
            }
        }
        enqueue(g, t);
    }
}
