package org.virtreplay.analysis.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Comparison} as text (the terminal and {@code compare.txt}) and as JSON. The first line
 * of the text is the headline; then the two sides, the trace identity, the configuration
 * differences, and per VM a table of figure, A, B, B − A and relative change. Deterministic: the
 * same outputs give the same bytes.
 */
public final class CompareText {
    private CompareText() {
    }

    static final String MINUS = "\u2212";

    public static String render(Comparison c) {
        StringBuilder sb = new StringBuilder();
        sb.append(c.headline()).append('\n');
        sb.append("A: ").append(SummaryText.oneLine(c.pathA())).append('\n');
        sb.append("B: ").append(SummaryText.oneLine(c.pathB())).append('\n');
        sb.append(trace(c)).append('\n');
        if (c.configDiffs().isEmpty()) {
            sb.append("configuration: no differences\n");
        } else {
            sb.append("configuration: ").append(c.configDiffs().size())
                    .append(c.configDiffs().size() == 1 ? " difference\n" : " differences\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"key", "A", "B"});
            for (String[] d : c.configDiffs()) {
                rows.add(new String[] {SummaryText.label(d[0], SummaryText.VALUE_MAX),
                        d[1] == null ? "(absent)" : SummaryText.label(d[1], SummaryText.VALUE_MAX),
                        d[2] == null ? "(absent)" : SummaryText.label(d[2], SummaryText.VALUE_MAX)});
            }
            table(sb, rows, new boolean[] {false, false, false});
        }
        for (Comparison.VmComparison v : c.vms()) {
            if (!v.inBoth()) {
                sb.append("vm ").append(v.vm()).append(' ')
                        .append(name(v.nameA() != null ? v.nameA() : v.nameB()))
                        .append(v.nameA() != null ? ": only in A\n" : ": only in B\n");
                continue;
            }
            sb.append("vm ").append(v.vm()).append(' ').append(name(v.nameA()));
            if (!v.nameA().equals(v.nameB())) {
                sb.append(" (in B: ").append(name(v.nameB())).append(')');
            }
            sb.append('\n');
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"figure", "A", "B", "B " + MINUS + " A", "change"});
            for (Figure f : v.figures()) {
                rows.add(new String[] {SummaryText.label(f.label(), SummaryText.VALUE_MAX), value(f.unit(), f.a()),
                        value(f.unit(), f.b()), difference(f), relative(f)});
            }
            table(sb, rows, new boolean[] {false, true, true, true, true});
        }
        return sb.toString();
    }

    static String trace(Comparison c) {
        RunSummary a = c.a();
        RunSummary b = c.b();
        if (sameTrace(c)) {
            return "trace: the same in both, " + traceLabel(a);
        }
        return "trace: differs: A " + traceLabel(a) + ", B " + traceLabel(b);
    }

    /** Same bytes and the same name: the name is the manifest's, so two runs of one trace match. */
    static boolean sameTrace(Comparison c) {
        return c.a().inputDigest().equals(c.b().inputDigest())
                && SummaryText.traceName(c.a()).equals(SummaryText.traceName(c.b()));
    }

    /** The trace as the summary heading names it: its manifest name, then its short digest. */
    private static String traceLabel(RunSummary s) {
        String name = SummaryText.traceName(s);
        return (name.isEmpty() ? "(unnamed input)" : SummaryText.label(name, SummaryText.VALUE_MAX)) + " ("
                + SummaryText.shortDigest(s.inputDigest()) + ")";
    }

    private static String name(String n) {
        return SummaryText.label(n, SummaryText.NAME_MAX);
    }

    /** Rows of cells, two spaces of indent, columns two apart; right-aligned where {@code right}. */
    private static void table(StringBuilder sb, List<String[]> rows, boolean[] right) {
        int[] w = new int[right.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                int pad = w[i] - r[i].codePointCount(0, r[i].length());
                if (i > 0) {
                    line.append("  ");
                }
                if (right[i]) {
                    line.append(" ".repeat(pad)).append(r[i]);
                } else {
                    line.append(r[i]).append(i == r.length - 1 ? "" : " ".repeat(pad));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** A figure's value: counts whole with grouping, ratios as %, means with 2 decimals, ns as µs. */
    public static String value(Figure.Unit u, Double v) {
        if (v == null) {
            return "n/a";
        }
        return signed(switch (u) {
            case COUNT -> String.format(Locale.ROOT, "%,.0f", v);
            case RATIO -> String.format(Locale.ROOT, "%.2f %%", v * 100.0);
            case MEAN -> String.format(Locale.ROOT, "%.2f", v);
            case NS -> String.format(Locale.ROOT, "%,.2f µs", v / 1000.0);
        });
    }

    static String difference(Figure f) {
        Double d = f.difference();
        if (d == null) {
            return "n/a";
        }
        if (d == 0) {
            return "0";
        }
        return signed(switch (f.unit()) {
            case COUNT -> String.format(Locale.ROOT, "%+,.0f", d);
            case RATIO -> String.format(Locale.ROOT, "%+.2f points", d * 100.0);
            case MEAN -> String.format(Locale.ROOT, "%+.2f", d);
            case NS -> String.format(Locale.ROOT, "%+,.2f µs", d / 1000.0);
        });
    }

    static String relative(Figure f) {
        if (f.a() == null || f.b() == null) {
            return "n/a";
        }
        if (f.a() == 0) {
            return f.b() == 0 ? "0 %" : "new";
        }
        return percent(f.relative());
    }

    /** A relative change as a signed percentage: whole above 10 %, one decimal above 1 %, else two. */
    static String percent(double r) {
        double p = r * 100.0;
        if (p == 0) {
            return "0 %";
        }
        double m = Math.abs(p);
        String fmt = m >= 10 ? "%+.0f %%" : m >= 1 ? "%+.1f %%" : "%+.2f %%";
        return signed(String.format(Locale.ROOT, fmt, p));
    }

    /** Text minus signs as U+2212, which a reader does not take for a dash. */
    static String signed(String s) {
        return s.replace("-", MINUS);
    }

    /** The comparison as JSON; keys in a fixed order (docs/compare.md). */
    public static String json(Comparison c) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"headline\": ").append(Json.str(c.headline()));
        side(sb, "a", c.pathA(), c.a());
        side(sb, "b", c.pathB(), c.b());
        sb.append(",\n  \"same_trace\": ").append(sameTrace(c));
        sb.append(",\n  \"configuration_differences\": [");
        for (int i = 0; i < c.configDiffs().size(); i++) {
            String[] d = c.configDiffs().get(i);
            sb.append(i == 0 ? "\n    " : ",\n    ").append("{\"key\": ").append(Json.str(d[0]))
                    .append(", \"a\": ").append(Json.str(d[1])).append(", \"b\": ").append(Json.str(d[2])).append('}');
        }
        sb.append(c.configDiffs().isEmpty() ? "]" : "\n  ]").append(",\n  \"vms\": [");
        for (int i = 0; i < c.vms().size(); i++) {
            Comparison.VmComparison v = c.vms().get(i);
            sb.append(i == 0 ? "\n    " : ",\n    ").append("{\"vm\": ").append(v.vm())
                    .append(", \"name_a\": ").append(Json.str(v.nameA()))
                    .append(", \"name_b\": ").append(Json.str(v.nameB()))
                    .append(", \"only_in\": ").append(v.inBoth() ? "null" : v.nameA() != null ? "\"a\"" : "\"b\"")
                    .append(", \"figures\": [");
            for (int j = 0; j < v.figures().size(); j++) {
                Figure f = v.figures().get(j);
                sb.append(j == 0 ? "\n      " : ",\n      ").append("{\"figure\": ").append(Json.str(f.key()))
                        .append(", \"a\": ").append(Json.num(f.a())).append(", \"b\": ").append(Json.num(f.b()))
                        .append(", \"difference\": ").append(Json.num(f.difference()))
                        .append(", \"relative\": ").append(Json.num(f.relative())).append('}');
            }
            sb.append(v.figures().isEmpty() ? "]}" : "\n    ]}");
        }
        sb.append(c.vms().isEmpty() ? "]" : "\n  ]").append("\n}\n");
        return sb.toString();
    }

    private static void side(StringBuilder sb, String name, String path, RunSummary s) {
        sb.append(",\n  \"").append(name).append("\": {\"path\": ").append(Json.str(path))
                .append(", \"input\": ").append(Json.str(s.input()))
                .append(", \"name\": ").append(Json.str(SummaryText.traceName(s)))
                .append(", \"input_digest\": ").append(Json.str(s.inputDigest())).append('}');
    }
}
