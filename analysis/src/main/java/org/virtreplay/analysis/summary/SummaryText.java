package org.virtreplay.analysis.summary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.analysis.metrics.RunInfo;

/**
 * The summary as a few lines of text for the terminal: a header naming the trace, per VM one
 * line of translation figures, one of stage-2 faults, one of exits (when known) and one of
 * interrupts, then the notes. Numbers use the ROOT locale (grouping commas, a point for decimals),
 * so the text is the same on every machine.
 */
public final class SummaryText {
    private SummaryText() {
    }

    /** Exit reasons listed by name in a VM's line; the rest are counted as "… N more". */
    static final int EXIT_REASONS_SHOWN = 5;

    /**
     * The trace's own name (its manifest's) when it has one, as the report's title; else its input
     * name. run replays its ingested copy, DIR/trace, so the input path alone would name every run
     * "trace".
     */
    public static String traceName(RunSummary s) {
        return s.runInfo().getOrDefault(RunInfo.INPUT_NAME, s.input());
    }

    public static String render(RunSummary s) {
        StringBuilder sb = new StringBuilder();
        String name = traceName(s);
        sb.append("summary: ").append(name.isEmpty() ? "(unnamed input)" : label(name, VALUE_MAX));
        if (!s.inputDigest().isEmpty()) {
            sb.append(" (").append(shortDigest(s.inputDigest())).append(')');
        }
        sb.append(", ").append(s.vms().size()).append(s.vms().size() == 1 ? " VM" : " VMs").append('\n');
        for (VmSummary v : s.vms()) {
            sb.append("vm ").append(v.vm()).append(' ').append(label(v.name(), NAME_MAX)).append(": ")
                    .append(count(v.translations())).append(" translations, TLB hit rate ")
                    .append(pct(v.tlbHitRate())).append(", ").append(count(v.walks()))
                    .append(v.walks() == 1 ? " walk, " : " walks, ").append(readsPerWalk(v.readsPerWalk()))
                    .append(" descriptor reads per walk\n");
            sb.append("  stage-2 faults ").append(count(v.stage2Faults())).append(counts(v.faultsByCause(), 0))
                    .append('\n');
            if (v.exits() != null) {
                sb.append("  exits ").append(count(v.exits())).append(counts(v.exitsByReason(), EXIT_REASONS_SHOWN))
                        .append('\n');
            }
            sb.append("  interrupts ").append(latency(v.interrupts())).append('\n');
            if (!v.byClass().isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (var e : v.byClass().entrySet()) {
                    Latency l = e.getValue();
                    String le = l.exact() ? "" : "≤";
                    parts.add(e.getKey() + " " + count(l.n()) + ", " + le + num(l.p50Ns()) + "/" + le + num(l.p99Ns()));
                }
                sb.append("    by class (n, p50/p99 µs): ").append(String.join("; ", parts)).append('\n');
            }
        }
        for (String note : s.notes()) {
            sb.append("note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    /** {@code n=37, p50 4.21 µs, p99 18.90 µs}; bounds with ≤; {@code n=0} alone. */
    static String latency(Latency l) {
        if (l.n() == 0) {
            return "n=0";
        }
        String le = l.exact() ? " " : " ≤ ";
        return "n=" + count(l.n()) + ", p50" + le + us(l.p50Ns()) + ", p99" + le + us(l.p99Ns());
    }

    /** " (a 3, b 1)" by count, largest first then by name; at most {@code limit} named (0: all). */
    static String counts(Map<String, Long> m, int limit) {
        if (m.isEmpty()) {
            return "";
        }
        List<Map.Entry<String, Long>> es = new ArrayList<>(m.entrySet());
        es.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        List<String> parts = new ArrayList<>();
        int shown = limit == 0 ? es.size() : Math.min(limit, es.size());
        for (int i = 0; i < shown; i++) {
            parts.add(label(es.get(i).getKey(), VALUE_MAX) + " " + count(es.get(i).getValue()));
        }
        if (shown < es.size()) {
            parts.add("… " + (es.size() - shown) + " more");
        }
        return " (" + String.join(", ", parts) + ")";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A ratio as a percentage with 2 decimals, or "n/a" when undefined. */
    static String pct(Double r) {
        return r == null ? "n/a" : String.format(Locale.ROOT, "%.2f %%", r * 100.0);
    }

    static String readsPerWalk(Double r) {
        return r == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
    }

    /** ns as µs with 2 decimals, no unit. */
    static String num(long ns) {
        return String.format(Locale.ROOT, "%,.2f", ns / 1000.0);
    }

    /** ns as µs with 2 decimals. */
    static String us(long ns) {
        return String.format(Locale.ROOT, "%,.2f µs", ns / 1000.0);
    }

    static String shortDigest(String d) {
        int colon = d.indexOf(':');
        int end = Math.min(d.length(), colon + 1 + 12);
        return end < d.length() ? d.substring(0, end) + "…" : d;
    }

    /** Names come from the trace: a line break in one must not start a line of its own. */
    static String oneLine(String s) {
        return s.replaceAll("[\\p{Cntrl}]", " ");
    }

    /** Longest VM name shown in text, as in the report's labels (docs/metrics.md, "Reports"). */
    static final int NAME_MAX = 40;
    /** Longest other text from the tables (the input's name, a run_info value) shown in text. */
    static final int VALUE_MAX = 80;

    /**
     * {@code s} on one line and cut to {@code max} characters ending in "…": a name may be
     * megabytes (valid in a trace), and a terminal line must stay a line.
     */
    static String label(String s, int max) {
        if (s.codePointCount(0, Math.min(s.length(), 4 * max)) > max) {
            s = s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
        }
        return oneLine(s);
    }
}
