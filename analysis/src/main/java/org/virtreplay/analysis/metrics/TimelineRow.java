package org.virtreplay.analysis.metrics;

/**
 * One row of {@code timeline}: what one VM did in one time window. {@code tlbHitRate} is null
 * when the VM made no translation in the window, {@code irqP99Ns} when it took no interrupt.
 */
public record TimelineRow(
        long windowStartNs,
        long windowEndNs,
        int vm,
        long tlbLookups,
        long tlbHits,
        Double tlbHitRate,
        long stage2Faults,
        long interrupts,
        Long irqP99Ns) {
}
