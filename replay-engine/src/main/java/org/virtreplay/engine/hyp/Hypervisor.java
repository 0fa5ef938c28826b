package org.virtreplay.engine.hyp;

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
 * <p>Structure (Trace Compass style): this class is the facade and the event dispatcher; one state
 * model ({@link HypState}) is written by small handlers — {@link IrqInjection} ({@code irq} rows),
 * {@link VcpuScheduler} ({@code sched} rows and the model schedulers), {@link GuestModel}
 * ({@code daif} rows, acknowledge, EOI) and {@link RunLoop} (exit, flush, entry).
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
    private final HypState m;

    /**
     * @param vcpusPerVm vCPU count of each VM (VM ids 0..n-1)
     */
    public Hypervisor(int[] vcpusPerVm, HypConfig cfg, CostModel cost) {
        m = new HypState(vcpusPerVm, cfg, cost);
        m.irq = new IrqInjection(m);
        m.run = new RunLoop(m);
        m.guest = new GuestModel(m);
        m.sched = new VcpuScheduler(m);
        m.sched.placeInitially();
    }

    public void setEventSink(IrqEventSink s) {
        m.sink = s;
    }

    public IrqLatencyStats stats() {
        return m.stats;
    }

    /** The guest exits taken so far, per vCPU and {@link ExitReason}. */
    public ExitStats exitStats() {
        return m.exitStats;
    }

    public void setExitSink(ExitSink s) {
        m.exitSink = s;
    }

    /**
     * A guest exit the trace implies outside the interrupt path: a stage-2 abort ({@code reason}
     * {@link ExitReason#DABT_LOW} or {@link ExitReason#IABT_LOW}, {@code ipa} the faulting IPA) or a
     * trapped register write ({@link ExitReason#SYS64}), handled in EL2 for {@code handlingNs}.
     *
     * <p>A vCPU that the model has in the guest exits, is handled, and re-enters after the vgic
     * flush and entry, which delays its interrupts as the real exit would. The trace shows the guest
     * executing, so where the model has the vCPU out of the guest at that moment (its own schedule or
     * timing differs from the recording's), the exit is still counted, with its nominal handled time
     * (handling + flush), and the model's timeline is left alone.
     */
    public void onGuestExit(long ts, int vm, int vcpu, int reason, long handlingNs, long ipa) {
        advanceTo(ts);
        int g = m.gOf(vm, vcpu);
        if (m.state[g] == ST_GUEST) {
            m.run.exitGuest(g, ts, reason, ipa);
            m.run.addHostWork(g, m.hostFree[g], handlingNs);
        } else {
            m.recordExit(g, reason, ts + m.exitNs, ipa, handlingNs + m.flushNs);
        }
    }

    /**
     * Ends the replay for the exit statistics: each exit still open (no entry after it) is counted
     * as {@link ExitStats#unfinished}. Call once, after the last {@link #advanceTo}.
     */
    public void finishExits() {
        for (int g = 0; g < m.nv; g++) {
            if (m.exitOpen[g] >= 0) {
                m.exitStats.unfinished(g, m.exitOpen[g]);
                m.exitOpen[g] = -1;
            }
        }
    }

    /**
     * The earliest {@code kvm_exit} time any exit of this vCPU reported to the {@link ExitSink} from
     * now on can have: its open exit's, or the current time plus the exit cost (every later exit
     * traps at or after now). The sink reports in completion order, so a writer that needs the
     * exits in time order holds those later than this, and only those.
     */
    public long exitWatermark(int vm, int vcpu) {
        int g = m.gOf(vm, vcpu);
        long w = m.now + m.exitNs;
        return m.exitOpen[g] >= 0 ? Math.min(w, m.exitAt[g]) : w;
    }

    /** The handling time of a stage-2 abort on RAM, an MMIO abort and a trapped register write, ns. */
    public long s2FaultNs() {
        return m.s2FaultNs;
    }

    public long mmioNs() {
        return m.mmioNs;
    }

    public long trapNs() {
        return m.trapNs;
    }

    public HypConfig config() {
        return m.cfg;
    }

    public CostModel costModel() {
        return m.cost;
    }

    /** The model's current time (ns). */
    public long now() {
        return m.now;
    }

    /** Whether the vCPU executes guest code at {@code ts} (advances the model to ts). */
    public boolean isRunning(long ts, int vm, int vcpu) {
        advanceTo(ts);
        return m.state[m.gOf(vm, vcpu)] == ST_GUEST;
    }

    /** The PE on which the vCPU executes guest code at ts, or -1 (in EL2, runnable or blocked). */
    public int runningPe(long ts, int vm, int vcpu) {
        advanceTo(ts);
        int g = m.gOf(vm, vcpu);
        return m.state[g] == ST_GUEST ? m.pe[g] : -1;
    }

    /**
     * The PE the vCPU is loaded on at ts — executing guest code or in EL2 handling an exit — or -1
     * when it is runnable or blocked. Use it to attribute an access to a PE; use
     * {@link #runningPe} to know whether guest code can execute at all.
     */
    public int loadedPe(long ts, int vm, int vcpu) {
        advanceTo(ts);
        int g = m.gOf(vm, vcpu);
        return m.state[g] == ST_GUEST || m.state[g] == ST_HOST ? m.pe[g] : -1;
    }

    /** The vCPU state (ST_*) at the model's current time. */
    public int vcpuState(int vm, int vcpu) {
        return m.state[m.gOf(vm, vcpu)];
    }

    /** The vCPU currently placed on a PE by the model scheduler (pinned/fair), or -1. */
    public int vcpuOnPe(int p) {
        return m.peCur[p];
    }

    /** The list-register m.state of a vCPU (its saved copy while it does not run). */
    public VirtualCpuInterface vgic(int vm, int vcpu) {
        return m.vgic[m.gOf(vm, vcpu)];
    }

    /** Interrupts asserted but not yet acknowledged, all vCPUs. */
    public int inFlight() {
        int n = 0;
        for (int g = 0; g < m.nv; g++) {
            for (int i = 0; i < m.apLen[g]; i++) {
                if (!m.sActive[m.ap[g][i]]) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A human-readable list of unacknowledged interrupts (diagnostics; allocates). */
    public String describeInFlight() {
        StringBuilder b = new StringBuilder();
        for (int g = 0; g < m.nv; g++) {
            for (int i = 0; i < m.apLen[g]; i++) {
                int s = m.ap[g][i];
                if (!m.sActive[s]) {
                    b.append("vm ").append(m.vmOf[g]).append(" vcpu ").append(m.vcpuOf[g]).append(" intid ")
                            .append(m.sIntid[s]).append(" asserted ").append(m.sAssert[s]).append(" phase ")
                            .append(IrqLatencyStats.COMPONENT_NAMES[m.sPhase[s]]).append(" lr ").append(m.sLr[s])
                            .append(" vcpu-m.state ").append(m.state[g]).append(" handler ").append(m.handlerSlot[g])
                            .append(" ack ").append(m.ackSlot[g]).append('\n');
                }
            }
        }
        return b.toString();
    }

    /**
     * The time of the next event the model has queued ({@link Long#MAX_VALUE} when none): until a
     * trace event reaches it, {@link #advanceTo} dispatches nothing, so which vCPU is loaded where
     * stays as it is unless a caller changes it (the replay's per-access loop relies on this).
     */
    public long nextEventTime() {
        return m.events.isEmpty() ? Long.MAX_VALUE : m.events.peekTime();
    }

    /**
     * Moves the model's clock to {@code ts} if it is behind, dispatching nothing: what
     * {@link #advanceTo} leaves when no event is due by {@code ts}, for a caller that knows none is
     * (it read {@link #nextEventTime}) and skipped the per-access call.
     */
    public void syncClock(long ts) {
        if (ts > m.now) {
            m.now = ts;
        }
    }

    /** Runs every model event up to and including {@code ts}. */
    public void advanceTo(long ts) {
        while (!m.events.isEmpty() && m.events.peekTime() <= ts) {
            m.events.pop();
            m.now = m.events.topTime;
            dispatch(m.events.topType, m.events.topArg, m.events.topEpoch);
        }
        if (ts > m.now) {
            m.now = ts;
        }
    }

    void dispatch(int type, int arg, int epoch) {
        switch (type) {
            case HypState.EV_QUEUED -> m.irq.onQueued(arg);
            case HypState.EV_KICK -> m.irq.onKick(arg);
            case HypState.EV_ENTER -> {
                if (epoch == m.enterEpoch[arg] && m.state[arg] == ST_HOST) {
                    m.run.enter(arg);
                }
            }
            case HypState.EV_ACK -> {
                if (epoch == m.guestEpoch[arg] && m.state[arg] == ST_GUEST) {
                    m.guest.ack(arg);
                }
            }
            case HypState.EV_EOI -> {
                if (epoch == m.guestEpoch[arg] && m.state[arg] == ST_GUEST) {
                    m.guest.eoi(arg);
                }
            }
            case HypState.EV_QUANTUM -> {
                if (epoch == m.quantumEpoch[arg]) {
                    m.sched.quantumEnd(arg);
                }
            }
            case HypState.EV_WAKE -> m.sched.wakeDone(arg);
            default -> throw new IllegalStateException("event " + type);
        }
    }

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
        m.irq.onIrqImpl(ts, intid, vm, vcpu, source, sourceVcpu, level, assertion, priority, observedAckTs,
                observedEoiTs);
    }

    /** PSTATE.I of a vCPU from the trace's {@code daif} table. */
    public void onMask(long ts, int vm, int vcpu, boolean mask) {
        advanceTo(ts);
        m.guest.onMask(ts, m.gOf(vm, vcpu), mask);
    }

    /**
     * A {@code sched} record. TRACE policy replays it; PINNED/FAIR use only {@code block} (the
     * guest's WFI) and {@code wake} (an external wake-up) and schedule by themselves.
     */
    public void onSched(long ts, int p, int vm, int vcpu, int event) {
        advanceTo(ts);
        m.sched.onSchedImpl(ts, p, vm, vcpu, event);
    }
}
