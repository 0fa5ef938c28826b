package org.virtreplay.analysis.metrics;

/**
 * One row of {@code exit_stats}: the guest exits one vCPU took for one reason in the hypervisor
 * model, keyed as KVM's {@code kvm_exit} prints them ({@code type}, {@code ec}, {@code ecName}) and
 * as {@code perf kvm stat} reports them ({@code reason}), with the time each was handled from
 * {@code kvm_exit} to the next {@code kvm_entry}. {@code ec} is -1 and {@code ecName} empty for an
 * exit that is not a trap. {@code stddevNs} is the sample standard deviation of the handled times,
 * from which the rows of several vCPUs combine exactly into one reason's spread.
 */
public record ExitStatsRow(
        int vm,
        int vcpu,
        String type,
        int ec,
        String ecName,
        String reason,
        long count,
        long totalNs,
        long minNs,
        long maxNs,
        double meanNs,
        double stddevNs,
        long el2Ns,
        double share,
        long unfinished) {
}
