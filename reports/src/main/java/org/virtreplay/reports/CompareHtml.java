package org.virtreplay.reports;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.DefaultCategoryDataset;
import org.virtreplay.analysis.summary.CompareText;
import org.virtreplay.analysis.summary.Comparison;
import org.virtreplay.analysis.summary.Figure;

/**
 * The page of {@code virtreplay compare}: the headline, the comparison's text (configuration
 * differences and every figure), and one chart per headline figure with A's and B's bars side by
 * side for each VM present in both. Self-contained (inline CSS and SVG, no script) and
 * deterministic, as the run report.
 */
public final class CompareHtml {
    private CompareHtml() {
    }

    /** The page's file name in the compare output directory. */
    public static final String FILE = "compare.html";

    /** The figures charted, by {@link Figure#key()}, with their titles and axis labels. */
    private static final String[][] CHARTS = {
        {"tlb_hit_rate", "TLB hit rate", "hit rate (%)"},
        {"descriptor_reads_per_walk", "Descriptor reads per walk", "reads per walk"},
        {"walks", "Walks", "walks"},
        {"stage2_faults", "Stage-2 faults", "faults"},
        {"exits", "Exits to EL2", "exits"},
        {"interrupt_p99_ns", "Interrupt latency p99", "p99 (µs)"},
    };

    public static void write(Path file, Comparison c) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            HtmlOut o = new HtmlOut(w);
            o.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<title>virtreplay compare: ")
                    .esc(ChartLabels.shorten(c.headline(), 80)).append("</title>\n<style>\n")
                    .append("body { margin: 1.5em; font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, "
                            + "\"DejaVu Sans\", sans-serif; color: #222; }\n")
                    .append("h1 { font-size: 1.3em; } pre { font-size: 0.9em; background: #f6f6f6; padding: 1em; "
                            + "overflow-x: auto; }\n")
                    .append("figure { margin: 1em 0; } svg { max-width: 100%; height: auto; display: block; }\n")
                    .append("</style>\n</head>\n<body>\n<h1>").esc(c.headline()).append("</h1>\n");
            o.append("<p>A: <code>").esc(c.pathA()).append("</code><br>B: <code>").esc(c.pathB())
                    .append("</code></p>\n");
            List<Comparison.VmComparison> both = c.vms().stream().filter(Comparison.VmComparison::inBoth).toList();
            int n = 0;
            for (String[] chart : CHARTS) {
                DefaultCategoryDataset data = new DefaultCategoryDataset();
                boolean any = false;
                for (Comparison.VmComparison v : both) {
                    Figure f = v.figure(chart[0]);
                    if (f == null) {
                        continue;
                    }
                    String label = ChartLabels.shorten("vm " + v.vm() + " " + v.nameA());
                    any |= f.a() != null || f.b() != null;
                    data.addValue(scaled(f, f.a()), "A", label);
                    data.addValue(scaled(f, f.b()), "B", label);
                }
                if (!any) {
                    continue;
                }
                JFreeChart ch = Charts.bars(chart[1] + ": A and B per VM", "VM", chart[2], data, false,
                        chart[0].equals("tlb_hit_rate"));
                // figure.chart, as the report wraps its charts: one page structure for readers and the browser test
                o.append("<figure class=\"chart\">").append(Charts.svg(ch, "compare-" + n++, 900, 320))
                        .append("</figure>\n");
            }
            o.append("<h2>Figures</h2>\n<pre>").esc(CompareText.render(c)).append("</pre>\n</body>\n</html>\n");
        }
    }

    private static Number scaled(Figure f, Double v) {
        if (v == null) {
            return null;
        }
        return switch (f.unit()) {
            case RATIO -> v * 100.0;
            case NS -> v / 1000.0;
            default -> v;
        };
    }
}
