package org.virtreplay.analysis.kvmstat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

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

    /**
     * Adds a group of {@code n2} times given by its summary — total, min, max, mean and sum of squared
     * deviations from its mean — as if each had been {@link #add}ed: the squared deviations of the
     * union are those of the two groups plus, for the shift of each group's mean to the union's,
     * {@code delta^2 * n * n2 / (n + n2)} (the parallel form of the same update; Chan, Golub and
     * LeVeque 1979), so the variance of several vCPUs' exits is that of all their samples.
     */
    void merge(long n2, long total2, long min2, long max2, double mean2, double m22) {
        if (n2 == 0) {
            return;
        }
        long sum = n + n2;
        double delta = mean2 - mean;
        mean += delta * n2 / sum;
        m2 += m22 + delta * delta * ((double) n * n2 / sum);
        n = sum;
        total += total2;
        min = Math.min(min, min2);
        max = Math.max(max, max2);
    }

    /** The rows of {@code stats}, largest first by samples ({@code sample}) or average time ({@code time}), ties by name. */
    static List<ExitReport.Row> sortedRows(Collection<ReasonStats> stats, String sortKey) {
        List<ExitReport.Row> rows = new ArrayList<>();
        for (ReasonStats s : stats) {
            rows.add(s.toRow());
        }
        Comparator<ExitReport.Row> order = sortKey.equals("time")
                ? Comparator.comparingDouble(ExitReport.Row::avgNs).reversed()
                : Comparator.comparingLong(ExitReport.Row::samples).reversed();
        rows.sort(order.thenComparing(ExitReport.Row::reason));
        return rows;
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
