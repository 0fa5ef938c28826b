package org.virtreplay.analysis.metrics;

/**
 * One row of {@code stage2_faults}: how many stage-2 aborts of one kind, level, S1PTW flag and
 * hypervisor-side cause one vCPU took, and when the first and last of them happened.
 */
public record Stage2FaultRow(
        int vm,
        int vcpu,
        String kind,
        int level,
        boolean s1ptw,
        String cause,
        long count,
        long firstTs,
        long lastTs) {
}
