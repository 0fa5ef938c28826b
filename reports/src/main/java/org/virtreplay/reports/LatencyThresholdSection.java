package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.virtreplay.analysis.summary.Latency;

/**
 * The host's interrupt latency against a threshold ({@code --latency-threshold-us}, default 50):
 * one CDF per interrupt class over every vCPU of every VM, the threshold drawn as a vertical line,
 * and per class the share of interrupts above it, with n. Needs irq_events: the per-vCPU
 * percentiles of irq_latency cannot be merged into the host's distribution.
 */
final class LatencyThresholdSection implements ReportSection {
    @Override
    public String id() {
        return "irq-threshold";
    }

    @Override
    public String title() {
        return "Interrupt latency against the threshold";
    }

    @Override
    public String navLabel() {
        return "Latency threshold";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        double thrUs = d.latencyThresholdNs / 1000.0;
        if (!d.hasIrqEvents) {
            page.none("irq_events is not in this run (replay with --events), so the host-wide distribution and the "
                    + "share above " + thr(thrUs) + " µs cannot be computed; the per-vCPU percentiles are in "
                    + "Interrupt latency below.");
            return;
        }
        TreeMap<String, Histogram> byClass = new TreeMap<>();
        for (Map.Entry<ReportData.IrqKey, Histogram> e : d.irqHist.entrySet()) {
            byClass.computeIfAbsent(e.getKey().irqClass(), k -> new Histogram(3)).add(e.getValue());
        }
        if (byClass.isEmpty()) {
            page.none("irq_events has no rows: no virtual interrupts were delivered.");
            return;
        }
        h.append("<p>Every interrupt of the host, per class (all VMs and vCPUs pooled, from irq_events, exact to 3 "
                + "significant digits). The vertical line is the threshold, ").append(thr(thrUs))
                .append(" µs (<code>--latency-threshold-us</code>). Curves that coincide are told apart by their dash "
                        + "pattern.</p>\n");
        XYSeriesCollection c = new XYSeriesCollection();
        for (Map.Entry<String, Histogram> e : byClass.entrySet()) {
            XYSeries s = new XYSeries(ChartLabels.shorten(e.getKey()) + " (n=" + e.getValue().getTotalCount() + ")",
                    false, true);
            for (double p : IrqLatencySection.CDF_PERCENTILES) {
                s.add(Math.max(1e-3, e.getValue().getValueAtPercentile(p) / 1000.0), p / 100.0);
            }
            c.addSeries(s);
        }
        JFreeChart chart = Charts.lines("Host interrupt latency CDF by class", "latency (µs, log scale)",
                "fraction of interrupts ≤ latency", c, true, false, 1.0);
        Charts.distinguish(chart);
        ValueMarker m = new ValueMarker(Math.max(1e-3, thrUs), new Color(0xD55E00), new BasicStroke(1.5f));
        m.setLabel("threshold " + thr(thrUs) + " µs");
        m.setLabelFont(Charts.TICK);
        m.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        chart.getXYPlot().addDomainMarker(m);
        page.chart(chart);
        h.append("<table id=\"irq-threshold-table\"><thead><tr><th>class</th><th class=\"n\">n</th>"
                + "<th class=\"n\">p50 (µs)</th><th class=\"n\">p99 (µs)</th><th class=\"n\">above ")
                .append(thr(thrUs)).append(" µs</th><th class=\"n\">share above</th></tr></thead><tbody>\n");
        long allN = 0;
        long allAbove = 0;
        for (Map.Entry<String, Histogram> e : byClass.entrySet()) {
            Histogram hist = e.getValue();
            long n = hist.getTotalCount();
            long above = above(hist, d.latencyThresholdNs);
            allN += n;
            allAbove += above;
            String few = n < Latency.FEW_SAMPLES ? " †" : "";
            h.append("<tr><td>").append(esc(e.getKey())).append("</td>").append(td(Html.count(n)))
                    .append(td(Html.us(hist.getValueAtPercentile(50)) + few))
                    .append(td(Html.us(hist.getValueAtPercentile(99)) + few)).append(td(Html.count(above)))
                    .append(td(Html.pct(above / (double) n))).append("</tr>\n");
        }
        h.append("</tbody></table>\n<p class=\"answer\">").append(esc(Html.count(allAbove) + " of "
                + Html.count(allN) + " interrupts (" + Html.pct(allAbove / (double) allN) + ") took longer than "
                + thr(thrUs) + " µs")).append(".</p>\n");
        if (byClass.values().stream().anyMatch(x -> x.getTotalCount() < Latency.FEW_SAMPLES)) {
            h.append("<p class=\"note\">† fewer than ").append(Latency.FEW_SAMPLES)
                    .append(" interrupts: the percentile is close to the largest sample.</p>\n");
        }
    }

    /** 50 → "50", 12.5 → "12.5". */
    private static String thr(double us) {
        return us == Math.rint(us) ? Long.toString((long) us) : Html.num(us, 3);
    }

    /** Interrupts whose latency exceeds {@code thresholdNs} (at the histogram's 3 significant digits). */
    static long above(Histogram h, long thresholdNs) {
        if (h.getMaxValue() <= thresholdNs) {
            return 0;
        }
        return h.getTotalCount() - h.getCountBetweenValues(0, thresholdNs);
    }
}
