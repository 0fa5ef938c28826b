package org.virtreplay.engine.hyp;

/**
 * The guest exits the hypervisor model took, per vCPU and {@link ExitReason}: count and the time
 * each was handled, measured as KVM's tracepoints bracket it — from {@code kvm_exit} (the trap and
 * the save of guest state done) to the vCPU's next {@code kvm_entry} (host handling, waiting while
 * blocked or descheduled, and the vgic flush done; the restore and ERET still to come). The world
 * switch on either side is the cost model's exit and entry cost, outside this time.
 *
 * <p>Recording is allocation-free: primitive arrays indexed by vCPU × reason. The spread of the
 * handled times is kept as a running mean and sum of squared deviations (Welford's update), which
 * stays exact where a sum of squares of nanosecond times would lose digits in a double.
 */
public final class ExitStats {
    private final int[] vmBase;
    private final int[] vcpus;
    private final long[] count;
    private final long[] total;
    private final long[] min;
    private final long[] max;
    private final long[] unfinished;
    private final double[] mean;
    private final double[] m2;

    ExitStats(int[] vmBase, int[] vcpus, int nv) {
        this.vmBase = vmBase;
        this.vcpus = vcpus;
        int n = nv * ExitReason.COUNT;
        count = new long[n];
        total = new long[n];
        min = new long[n];
        max = new long[n];
        unfinished = new long[n];
        mean = new double[n];
        m2 = new double[n];
        java.util.Arrays.fill(min, Long.MAX_VALUE);
    }

    void record(int g, int reason, long handledNs) {
        int k = g * ExitReason.COUNT + reason;
        count[k]++;
        total[k] += handledNs;
        if (handledNs < min[k]) {
            min[k] = handledNs;
        }
        if (handledNs > max[k]) {
            max[k] = handledNs;
        }
        double d = handledNs - mean[k];
        mean[k] += d / count[k];
        m2[k] += d * (handledNs - mean[k]);
    }

    void unfinished(int g, int reason) {
        unfinished[g * ExitReason.COUNT + reason]++;
    }

    private int k(int vm, int vcpu, int reason) {
        if (vm < 0 || vm >= vcpus.length || vcpu < 0 || vcpu >= vcpus[vm] || reason < 0
                || reason >= ExitReason.COUNT) {
            throw new IllegalArgumentException("no such vCPU or reason: vm " + vm + " vcpu " + vcpu + " reason " + reason);
        }
        return (vmBase[vm] + vcpu) * ExitReason.COUNT + reason;
    }

    /** Exits of a vCPU for a reason (VM by its dense index). */
    public long count(int vm, int vcpu, int reason) {
        return count[k(vm, vcpu, reason)];
    }

    /**
     * Exits still open when the replay ended (no entry after them): not in {@link #count}, as
     * {@code perf kvm stat} does not count an exit without its entry.
     */
    public long unfinished(int vm, int vcpu, int reason) {
        return unfinished[k(vm, vcpu, reason)];
    }

    /** Their total handled time, ns. */
    public long totalNs(int vm, int vcpu, int reason) {
        return total[k(vm, vcpu, reason)];
    }

    /** The shortest, ns; 0 when there was none. */
    public long minNs(int vm, int vcpu, int reason) {
        int k = k(vm, vcpu, reason);
        return count[k] == 0 ? 0 : min[k];
    }

    /** The longest, ns; 0 when there was none. */
    public long maxNs(int vm, int vcpu, int reason) {
        return max[k(vm, vcpu, reason)];
    }

    /**
     * The sample standard deviation of the handled times (squared deviations from the mean over
     * {@code count - 1}), ns; 0 for fewer than two exits.
     */
    public double stddevNs(int vm, int vcpu, int reason) {
        int k = k(vm, vcpu, reason);
        return count[k] < 2 ? 0 : Math.sqrt(m2[k] / (count[k] - 1));
    }
}
