package org.virtreplay.analysis.metrics;

/**
 * One row of {@code irq_latency}: the latency distribution of the virtual interrupts of one class
 * delivered to one vCPU, and the mean of each component of that latency.
 */
public record IrqLatencyRow(
        int vm,
        int vcpu,
        String irqClass,
        long count,
        long minNs,
        long p50Ns,
        long p90Ns,
        long p99Ns,
        long p999Ns,
        long maxNs,
        double meanNs,
        double meanExitNs,
        double meanInjectNs,
        double meanSchedWaitNs,
        double meanLrWaitNs,
        double meanMaskWaitNs) {
}
