package org.virtreplay.analysis.summary;

/**
 * Interrupt latency of a group of interrupts (one VM, or one VM and class): how many, and their
 * median and 99th percentile in ns.
 *
 * <p>{@code pooled} tells how the percentiles were found. True: from {@code irq_events}, every
 * interrupt of the group in one histogram (the replay's own log-linear histogram, so within
 * 0.79 % of the sample, as {@code irq_latency}'s). False: the table has no events, and the
 * per-vCPU percentiles of {@code irq_latency} cannot be merged; the figure is then the largest
 * per-vCPU percentile, which is an upper bound of the group's (at that value every vCPU's
 * distribution has reached the quantile, so their mixture has too).
 *
 * @param n       interrupts (exact in both cases)
 * @param p50Ns   median, ns (0 when {@code n = 0})
 * @param p99Ns   99th percentile, ns (0 when {@code n = 0})
 * @param pooled  true for percentiles of the pooled events, false for per-vCPU upper bounds
 */
public record Latency(long n, long p50Ns, long p99Ns, boolean pooled) {

    /** Below this many samples a percentile is flagged: a p99 of 99 samples is the largest one. */
    public static final long FEW_SAMPLES = 100;

    public boolean few() {
        return n > 0 && n < FEW_SAMPLES;
    }
}
