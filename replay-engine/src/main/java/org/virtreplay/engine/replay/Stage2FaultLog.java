package org.virtreplay.engine.replay;

import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.mmu.TranslationResult;

/**
 * The record of the stage-2 faults the hypervisor model handled during a replay: counts with first
 * and last time per vCPU × fault kind × level × s1ptw × cause, the per-VM running total the
 * timeline reads, and the optional per-fault sink. It is its own unit because what a handled
 * stage-2 fault leads to (a count, a modelled guest exit, a sink call) is the one place to extend
 * when a fault should have further consequences; {@link #record} is that place.
 */
final class Stage2FaultLog {

    // Stage-2 faults, per flat vCPU × kind(4) × level(5: -1..3) × s1ptw(2) × cause.
    private static final int FK = 4, FL = 5, FP = 2;
    private static final int FSLOTS = FK * FL * FP * Stage2Port.CAUSES;

    private long[] s2Count, s2First, s2Last;
    private long[] vmS2Faults;
    private int[] vcpuBase;
    private FaultSink faultSink;
    private Hypervisor hyp;

    void setFaultSink(FaultSink sink) {
        this.faultSink = sink;
    }

    /** Sizes the slots for {@code flatVcpus} vCPUs of {@code vms} VMs; at the replay's start. */
    void size(int flatVcpus, int vms, int[] vcpuBase, Hypervisor hyp) {
        this.vcpuBase = vcpuBase;
        this.hyp = hyp;
        s2Count = new long[flatVcpus * FSLOTS];
        s2First = new long[flatVcpus * FSLOTS];
        s2Last = new long[flatVcpus * FSLOTS];
        vmS2Faults = new long[vms];
    }

    /**
     * A stage-2 fault the hypervisor handled with {@code cause}, taken by vCPU {@code vcpu} (flat
     * index {@code f}) of VM {@code vm} (dense index {@code d}) on PE {@code p} at {@code va}.
     */
    void record(long ts, int p, int vm, int vcpu, int d, int f, TranslationResult r, int cause, long va) {
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
        // Every stage-2 abort is a guest exit: KVM handles it in EL2 and re-enters the guest. The
        // syndrome's class says whether the access was a fetch (also for a fault on its table walk).
        boolean fetch = ((r.esr >>> 26) & 0x3F) == 0x20;
        hyp.onGuestExit(ts, vm, vcpu, fetch ? ExitReason.IABT_LOW : ExitReason.DABT_LOW,
                cause == Stage2Port.CAUSE_MMIO ? hyp.mmioNs() : hyp.s2FaultNs(), r.faultIpa);
        if (faultSink != null) {
            faultSink.onFault(ts, p, vm, vcpu, kind, r.faultLevel, r.s1ptw, cause, va, r.faultIpa, r.esr);
        }
    }

    long count(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Count[slot(dense, vcpu, kind, level, s1ptw, cause)];
    }

    long first(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2First[slot(dense, vcpu, kind, level, s1ptw, cause)];
    }

    long last(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        return s2Last[slot(dense, vcpu, kind, level, s1ptw, cause)];
    }

    long vmTotal(int dense) {
        return vmS2Faults[dense];
    }

    private int slot(int dense, int vcpu, int kind, int level, boolean s1ptw, int cause) {
        int f = vcpuBase[dense] + vcpu;
        return f * FSLOTS + ((kind * FL + (level + 1)) * FP + (s1ptw ? 1 : 0)) * Stage2Port.CAUSES + cause;
    }
}
