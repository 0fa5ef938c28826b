package org.virtreplay.analysis.kvmstat;

/**
 * Running statistics of the times of one exit reason: count, sum, min, max and the mean and sum of
 * squared deviations updated one value at a time (Welford), which is how perf keeps them, so the
 * relative standard deviation of the mean comes out as perf prints it.
 */
final class ReasonStats {
    final String reason;
    long n;
    long total;
    long min = Long.MAX_VALUE;
    long max;
    double mean;
    double m2;

    ReasonStats(String reason) {
        this.reason = reason;
    }

    void add(long ns) {
        n++;
        total += ns;
        min = Math.min(min, ns);
        max = Math.max(max, ns);
        double d = ns - mean;
        mean += d / n;
        m2 += d * (ns - mean);
    }

    /** The standard deviation of the mean in percent of the mean; 0 for fewer than two samples. */
    double relStddevPct() {
        if (n < 2 || mean == 0) {
            return 0;
        }
        double varianceOfMean = m2 / (n - 1) / n;
        return 100.0 * Math.sqrt(varianceOfMean) / mean;
    }

    ExitReport.Row toRow() {
        return new ExitReport.Row(reason, n, total, min, max, (double) total / n, relStddevPct());
    }
}
