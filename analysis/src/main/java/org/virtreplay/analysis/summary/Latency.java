package org.virtreplay.analysis.summary;

/**
 * Interrupt latency of a group of interrupts (one VM, or one VM and class): how many, and their
 * median and 99th percentile in ns.
 *
 * <p>{@code exact} tells how the percentiles were found. True: from {@code irq_events}, every
 * interrupt of the group in one histogram (the replay's own log-linear histogram, so within
 * 0.79 % of the sample, as {@code irq_latency}'s), or the group is one vCPU's {@code irq_latency}
 * row. False: the output has no events, and the per-vCPU percentiles of several rows cannot be
 * merged; the figure is then the largest per-vCPU percentile, which is an upper bound of the
 * group's (at that value every vCPU's distribution has reached the quantile, so their mixture has
 * too).
 *
 * @param n       interrupts (exact in both cases)
 * @param p50Ns   median, ns (0 when {@code n = 0})
 * @param p99Ns   99th percentile, ns (0 when {@code n = 0})
 * @param exact   true for percentiles of the group itself, false for per-vCPU upper bounds
 */
public record Latency(long n, long p50Ns, long p99Ns, boolean exact) {

    /** Below this many samples a percentile is flagged: a p99 of 99 samples is the largest one. */
    public static final long FEW_SAMPLES = 100;

    public boolean few() {
        return n > 0 && n < FEW_SAMPLES;
    }
}
