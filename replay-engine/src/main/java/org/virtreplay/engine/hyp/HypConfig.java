package org.virtreplay.engine.hyp;

/**
 * Host configuration of the hypervisor model.
 *
 * @param peCount             physical PEs
 * @param listRegisters       ICH_LR count per PE (1–16; 4 is typical)
 * @param gicV41              GICv4.1 direct injection of vLPIs and vSGIs
 * @param policy              vCPU scheduling
 * @param quantumNs           time slice of the pinned/fair schedulers under overcommit
 * @param wakeupPreemption    a woken vCPU may preempt a running one that has used at least
 *                            {@code wakeupGranularityNs} of its slice
 * @param wakeupGranularityNs see above (CFS's default is 1 ms)
 * @param guestPmr            ICV_PMR the guest runs with (Linux: 0xF0)
 * @param guestBpr1           ICV_BPR1 of the guest
 * @param guestEoiMode1       guest splits EOI and deactivation (Linux at EL1: no)
 */
public record HypConfig(int peCount, int listRegisters, boolean gicV41, SchedPolicy policy, long quantumNs,
        boolean wakeupPreemption, long wakeupGranularityNs, int guestPmr, int guestBpr1, boolean guestEoiMode1) {

    public HypConfig {
        if (peCount < 1) {
            throw new IllegalArgumentException("peCount must be >= 1");
        }
        if (listRegisters < 1 || listRegisters > 16) {
            throw new IllegalArgumentException("listRegisters must be 1..16");
        }
        if (quantumNs <= 0) {
            throw new IllegalArgumentException("quantumNs must be > 0");
        }
    }

    public static HypConfig defaults(int peCount) {
        return new HypConfig(peCount, 4, false, SchedPolicy.PINNED, 4_000_000L, false, 1_000_000L, 0xF0, 1, false);
    }

    public HypConfig withPolicy(SchedPolicy p) {
        return new HypConfig(peCount, listRegisters, gicV41, p, quantumNs, wakeupPreemption, wakeupGranularityNs,
                guestPmr, guestBpr1, guestEoiMode1);
    }

    public HypConfig withGicV41(boolean v) {
        return new HypConfig(peCount, listRegisters, v, policy, quantumNs, wakeupPreemption, wakeupGranularityNs,
                guestPmr, guestBpr1, guestEoiMode1);
    }

    public HypConfig withListRegisters(int n) {
        return new HypConfig(peCount, n, gicV41, policy, quantumNs, wakeupPreemption, wakeupGranularityNs, guestPmr,
                guestBpr1, guestEoiMode1);
    }

    public HypConfig withQuantumNs(long q) {
        return new HypConfig(peCount, listRegisters, gicV41, policy, q, wakeupPreemption, wakeupGranularityNs,
                guestPmr, guestBpr1, guestEoiMode1);
    }

    public HypConfig withWakeupPreemption(boolean v) {
        return new HypConfig(peCount, listRegisters, gicV41, policy, quantumNs, v, wakeupGranularityNs, guestPmr,
                guestBpr1, guestEoiMode1);
    }
}
