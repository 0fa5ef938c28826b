package org.virtreplay.analysis.kvmstat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code virtreplay kvm-stat RUN --compare}: the observed exits of a recording and the modelled
 * exits of its replay side by side per reason, with the relative difference of the model from the
 * recording, {@code (modelled - observed) / observed}, for the samples and the average handled time.
 * A reason seen on one side only has no figures on the other ({@code –} in text, empty in CSV, null
 * in JSON); so has a difference whose observed value is 0. Rows follow the observed table's order,
 * then the reasons only the model has in the modelled table's order.
 *
 * @param observed the recording's table
 * @param modelled the replay's table, same selection
 */
public record ExitComparison(ExitReport observed, ExitReport modelled) {
    /** What text prints where a figure is missing. */
    static final String NONE = "–";

    /** One reason: either side null where that side has no exit of the reason. */
    public record Row(String reason, ExitReport.Row observed, ExitReport.Row modelled) {
        public Double samplesDiffPct() {
            return observed == null || modelled == null ? null : rel(observed.samples(), modelled.samples());
        }

        public Double avgDiffPct() {
            return observed == null || modelled == null ? null : rel(observed.avgNs(), modelled.avgNs());
        }
    }

    /** Relative difference in percent; null when the observed value is 0 (undefined). */
    static Double rel(double observed, double modelled) {
        return observed == 0 ? null : 100.0 * (modelled - observed) / observed;
    }

    public List<Row> rows() {
        Map<String, ExitReport.Row> mod = new LinkedHashMap<>();
        for (ExitReport.Row r : modelled.rows()) {
            mod.put(r.reason(), r);
        }
        List<Row> rows = new ArrayList<>();
        for (ExitReport.Row o : observed.rows()) {
            rows.add(new Row(o.reason(), o, mod.remove(o.reason())));
        }
        for (ExitReport.Row m : mod.values()) {
            rows.add(new Row(m.reason(), null, m));
        }
        return rows;
    }

    public String toText() {
        List<Row> rows = rows();
        if (rows.isEmpty()) {
            return "no exits with a handled time for " + observed.scope() + ", observed or modelled\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("Observed vs modelled exits for ").append(observed.scope()).append(":\n\n");
        line(b, String.format(Locale.ROOT, "%20s %12s %12s %9s %14s %14s %9s", "VM-EXIT", "Obs Samples",
                "Mod Samples", "Diff%", "Obs Avg time", "Mod Avg time", "Diff%"));
        b.append('\n');
        for (Row r : rows) {
            line(b, String.format(Locale.ROOT, "%20s %12s %12s %9s %14s %14s %9s", r.reason(),
                    r.observed() == null ? NONE : Long.toString(r.observed().samples()),
                    r.modelled() == null ? NONE : Long.toString(r.modelled().samples()), pct(r.samplesDiffPct()),
                    r.observed() == null ? NONE : us(r.observed().avgNs()),
                    r.modelled() == null ? NONE : us(r.modelled().avgNs()), pct(r.avgDiffPct())));
        }
        b.append('\n');
        long on = observed.totalSamples();
        long mn = modelled.totalSamples();
        b.append(String.format(Locale.ROOT, "Total Samples: observed %d, modelled %d (%s); Total events handled time: "
                + "observed %.2fus, modelled %.2fus (%s).%n", on, mn, pct(rel(on, mn)), observed.totalNs() / 1000.0,
                modelled.totalNs() / 1000.0, pct(rel(observed.totalNs(), modelled.totalNs()))));
        return b.toString();
    }

    public String toCsv() {
        StringBuilder b = new StringBuilder("reason,observed_samples,modelled_samples,samples_diff_pct,"
                + "observed_avg_ns,modelled_avg_ns,avg_diff_pct\n");
        for (Row r : rows()) {
            b.append(csv(r.reason())).append(',')
                    .append(r.observed() == null ? "" : Long.toString(r.observed().samples())).append(',')
                    .append(r.modelled() == null ? "" : Long.toString(r.modelled().samples())).append(',')
                    .append(fix(r.samplesDiffPct(), "")).append(',')
                    .append(r.observed() == null ? "" : fix(r.observed().avgNs(), "")).append(',')
                    .append(r.modelled() == null ? "" : fix(r.modelled().avgNs(), "")).append(',')
                    .append(fix(r.avgDiffPct(), "")).append('\n');
        }
        return b.toString();
    }

    public String toJson() {
        StringBuilder b = new StringBuilder("{\"event\":\"").append(observed.event()).append("\",\"time\":\"")
                .append(observed.time()).append("\",\"scope\":\"").append(json(observed.scope()))
                .append("\",\"observed_total_samples\":").append(observed.totalSamples())
                .append(",\"modelled_total_samples\":").append(modelled.totalSamples())
                .append(",\"observed_total_time_ns\":").append(observed.totalNs())
                .append(",\"modelled_total_time_ns\":").append(modelled.totalNs()).append(",\"rows\":[");
        List<Row> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i == 0 ? "" : ",").append("{\"reason\":\"").append(json(r.reason()))
                    .append("\",\"observed_samples\":")
                    .append(r.observed() == null ? "null" : Long.toString(r.observed().samples()))
                    .append(",\"modelled_samples\":")
                    .append(r.modelled() == null ? "null" : Long.toString(r.modelled().samples()))
                    .append(",\"samples_diff_pct\":").append(fix(r.samplesDiffPct(), "null"))
                    .append(",\"observed_avg_ns\":").append(r.observed() == null ? "null" : fix(r.observed().avgNs(), ""))
                    .append(",\"modelled_avg_ns\":").append(r.modelled() == null ? "null" : fix(r.modelled().avgNs(), ""))
                    .append(",\"avg_diff_pct\":").append(fix(r.avgDiffPct(), "null")).append('}');
        }
        return b.append("]}\n").toString();
    }

    private static String us(double ns) {
        return String.format(Locale.ROOT, "%.2fus", ns / 1000.0);
    }

    private static String pct(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%+.2f%%", v);
    }

    private static String fix(Double v, String none) {
        return v == null ? none : String.format(Locale.ROOT, "%.4f", v);
    }

    private static void line(StringBuilder b, String s) {
        b.append(s.stripTrailing()).append('\n');
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
