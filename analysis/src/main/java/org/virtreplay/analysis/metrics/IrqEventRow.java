package org.virtreplay.analysis.metrics;

/**
 * One row of the optional {@code irq_events} table: one virtual interrupt, from assertion
 * ({@code ts}) to the guest's acknowledge, with its latency split into components that add up
 * to {@code latencyNs}.
 */
public record IrqEventRow(
        long ts,
        int vm,
        int vcpu,
        String irqClass,
        int intid,
        long latencyNs,
        long exitNs,
        long injectNs,
        long schedWaitNs,
        long lrWaitNs,
        long maskWaitNs) {

    /** The sum of the components; equals {@link #latencyNs()} in a consistent table. */
    public long componentSum() {
        return exitNs + injectNs + schedWaitNs + lrWaitNs + maskWaitNs;
    }
}
