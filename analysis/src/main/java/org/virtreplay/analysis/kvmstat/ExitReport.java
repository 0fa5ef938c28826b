package org.virtreplay.analysis.kvmstat;

import java.util.List;
import java.util.Locale;

/**
 * The table of {@code virtreplay kvm-stat}: one row per exit reason (or MMIO access), sorted, with
 * the totals, and its three renderings. Text follows the layout of {@code perf kvm stat report}
 * (column widths, microseconds with two decimals, the {@code ( +- x% )} column, the totals line);
 * CSV and JSON keep integer nanoseconds so nothing is lost to rounding.
 *
 * @param event        {@code vmexit} or {@code mmio}
 * @param time         {@code handled} or {@code guest} (docs/kvm-stat.md)
 * @param scope        who the rows cover, as perf words it: {@code all VMs, all VCPUs}
 * @param rows         sorted rows
 */
public record ExitReport(String event, String time, String scope, List<Row> rows) {

    /** One reason: times in ns; {@code avgNs} is total / samples. */
    public record Row(String reason, long samples, long totalNs, long minNs, long maxNs, double avgNs,
            double relStddevPct) {
    }

    public long totalSamples() {
        long n = 0;
        for (Row r : rows) {
            n += r.samples;
        }
        return n;
    }

    public long totalNs() {
        long n = 0;
        for (Row r : rows) {
            n += r.totalNs;
        }
        return n;
    }

    /** The first column's title, as perf names it for the event. */
    public String keyTitle() {
        return event.equals("mmio") ? "MMIO Access" : "VM-EXIT";
    }

    /** The one line printed for a selection without samples (every format). */
    public String emptyLine() {
        return "no " + (event.equals("mmio") ? "MMIO accesses" : "exits") + " with a " + time
                + " time for " + scope;
    }

    public String toText() {
        if (rows.isEmpty()) {
            return emptyLine() + "\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("Analyze events for ").append(scope).append(":\n\n");
        line(b, String.format(Locale.ROOT, "%20s %10s %9s %9s %11s %11s %16s", keyTitle(), "Samples", "Samples%",
                "Time%", "Min Time", "Max Time", "Avg time"));
        b.append('\n');
        long n = totalSamples();
        long t = totalNs();
        for (Row r : rows) {
            line(b, String.format(Locale.ROOT, "%20s %10d %8.2f%% %8.2f%% %9.2fus %9.2fus %9.2fus ( +-%7.2f%% )",
                    r.reason, r.samples, 100.0 * r.samples / n, pct(r.totalNs, t), r.minNs / 1000.0,
                    r.maxNs / 1000.0, r.avgNs / 1000.0, r.relStddevPct));
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "Total Samples:%d, Total events handled time:%.2fus.%n", n, t / 1000.0));
        return b.toString();
    }

    public String toCsv() {
        StringBuilder b = new StringBuilder("reason,samples,samples_pct,time_pct,min_ns,max_ns,avg_ns,stddev_pct\n");
        long n = totalSamples();
        long t = totalNs();
        for (Row r : rows) {
            b.append(csv(r.reason)).append(',').append(r.samples).append(',')
                    .append(fix(100.0 * r.samples / n)).append(',').append(fix(pct(r.totalNs, t))).append(',')
                    .append(r.minNs).append(',').append(r.maxNs).append(',').append(fix(r.avgNs)).append(',')
                    .append(fix(r.relStddevPct)).append('\n');
        }
        return b.toString();
    }

    public String toJson() {
        long n = totalSamples();
        long t = totalNs();
        StringBuilder b = new StringBuilder("{\"event\":\"").append(event).append("\",\"time\":\"").append(time)
                .append("\",\"scope\":\"").append(json(scope)).append("\",\"total_samples\":").append(n)
                .append(",\"total_time_ns\":").append(t).append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i == 0 ? "" : ",").append("{\"reason\":\"").append(json(r.reason)).append("\",\"samples\":")
                    .append(r.samples).append(",\"samples_pct\":").append(fix(100.0 * r.samples / n))
                    .append(",\"time_pct\":").append(fix(pct(r.totalNs, t))).append(",\"total_ns\":")
                    .append(r.totalNs).append(",\"min_ns\":").append(r.minNs).append(",\"max_ns\":").append(r.maxNs)
                    .append(",\"avg_ns\":").append(fix(r.avgNs)).append(",\"stddev_pct\":")
                    .append(fix(r.relStddevPct)).append('}');
        }
        return b.append("]}\n").toString();
    }

    private static double pct(long part, long whole) {
        // perf divides by a zero total too (and prints nan); every time zero is 0 % here
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static void line(StringBuilder b, String s) {
        b.append(s.stripTrailing()).append('\n');
    }

    private static String fix(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
