package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.virtreplay.analysis.metrics.IrqLatencyRow;

/**
 * Interrupt latency: one CDF chart per interrupt class (exact from irq_events, else through the
 * recorded percentiles), and the table of percentiles and components.
 */
final class IrqLatencySection implements ReportSection {
    /** How many CDF curves one chart draws. */
    static final int MAX_CDF_SERIES = 12;

    @Override
    public String id() {
        return "irq";
    }

    @Override
    public String title() {
        return "Interrupt latency";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (d.irq.isEmpty()) {
            page.none("irq_latency has no rows: no virtual interrupts were delivered.");
            return;
        }
        if (d.hasIrqEvents) {
            h.append("<p>Latency from assertion to the guest's acknowledge. Distribution per vCPU from "
                    + "irq_events (exact to 3 significant digits); x axis logarithmic.</p>\n");
        } else {
            h.append("<p>Latency from assertion to the guest's acknowledge. irq_events is not in this run "
                    + "(written with --events), so each curve is drawn through the recorded percentiles "
                    + "(min, p50, p90, p99, p99.9, max) with straight lines between them; x axis "
                    + "logarithmic.</p>\n");
        }
        for (String cls : d.irqClasses()) {
            List<IrqLatencyRow> rows = new ArrayList<>();
            for (IrqLatencyRow r : d.irq) {
                if (r.irqClass().equals(cls)) {
                    rows.add(r);
                }
            }
            rows.sort(Comparator.comparingLong(IrqLatencyRow::p99Ns).reversed());
            XYSeriesCollection c = new XYSeriesCollection();
            for (IrqLatencyRow r : rows.subList(0, Math.min(MAX_CDF_SERIES, rows.size()))) {
                XYSeries s = new XYSeries(d.chartVcpuLabel(r.vm(), r.vcpu()), false, true);
                Histogram hist = d.irqHist.get(new ReportData.IrqKey(r.vm(), r.vcpu(), cls));
                if (hist != null && hist.getTotalCount() > 0) {
                    for (double p : CDF_PERCENTILES) {
                        s.add(Math.max(1e-3, hist.getValueAtPercentile(p) / 1000.0), p / 100.0);
                    }
                } else {
                    long[] v = {r.minNs(), r.p50Ns(), r.p90Ns(), r.p99Ns(), r.p999Ns(), r.maxNs()};
                    double[] q = {0, 0.5, 0.9, 0.99, 0.999, 1.0};
                    for (int i = 0; i < v.length; i++) {
                        s.add(Math.max(1e-3, v[i] / 1000.0), q[i]);
                    }
                }
                c.addSeries(s);
            }
            org.jfree.chart.JFreeChart chart = Charts.lines("Interrupt latency CDF: " + ChartLabels.shorten(cls),
                    "latency (µs, log scale)", "fraction of interrupts ≤ latency", c, true, false, 1.0);
            Charts.distinguish(chart); // vCPUs with the same distribution draw the same curve
            page.chart(chart);
            if (rows.size() > MAX_CDF_SERIES) {
                h.append("<p class=\"note\">The ").append(MAX_CDF_SERIES).append(" vCPUs with the highest p99 of ")
                        .append(rows.size()).append(" are drawn; the table lists all.</p>\n");
            }
        }
        h.append("<h3>Percentiles and components (µs)</h3>\n<p>Components are means; they add up to the mean "
                + "latency. exit: leaving the guest; inject: hypervisor and vGIC work; sched: waiting for the "
                + "vCPU to run; LR: waiting for a list register; mask: masked or lower priority in the "
                + "guest.</p>\n<div class=\"scroll\"><table><thead><tr><th>vCPU</th><th>class</th>"
                + "<th class=\"n\">count</th><th class=\"n\">min</th><th class=\"n\">p50</th><th class=\"n\">p90</th>"
                + "<th class=\"n\">p99</th><th class=\"n\">p99.9</th><th class=\"n\">max</th><th class=\"n\">mean</th>"
                + "<th class=\"n\">exit</th><th class=\"n\">inject</th><th class=\"n\">sched</th>"
                + "<th class=\"n\">LR</th><th class=\"n\">mask</th></tr></thead><tbody>\n");
        for (IrqLatencyRow r : d.irq) {
            h.append("<tr><td>").append(page.vcpuLink(r.vm(), r.vcpu())).append("</td><td>")
                    .append(esc(r.irqClass())).append("</td>").append(td(Html.count(r.count())))
                    .append(td(Html.us(r.minNs()))).append(td(Html.us(r.p50Ns()) + few(r)))
                    .append(td(Html.us(r.p90Ns()) + few(r))).append(td(Html.us(r.p99Ns()) + few(r)))
                    .append(td(Html.us(r.p999Ns()) + few(r))).append(td(Html.us(r.maxNs())))
                    .append(td(Html.us(r.meanNs()))).append(td(Html.us(r.meanExitNs())))
                    .append(td(Html.us(r.meanInjectNs()))).append(td(Html.us(r.meanSchedWaitNs())))
                    .append(td(Html.us(r.meanLrWaitNs()))).append(td(Html.us(r.meanMaskWaitNs())))
                    .append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
        if (d.irq.stream().anyMatch(r -> r.count() < org.virtreplay.analysis.summary.Latency.FEW_SAMPLES)) {
            h.append("<p class=\"note\">† the row's count is below ").append(
                    org.virtreplay.analysis.summary.Latency.FEW_SAMPLES).append(
                    ": its percentiles are close to its largest samples (a p99 of 99 samples is the largest).</p>\n");
        }
    }

    private static String few(IrqLatencyRow r) {
        return r.count() < org.virtreplay.analysis.summary.Latency.FEW_SAMPLES ? " †" : "";
    }

    /** Percentiles at which an exact CDF is sampled: dense in the tail, where latency matters. */
    static final double[] CDF_PERCENTILES;

    static {
        List<Double> p = new ArrayList<>();
        for (int i = 0; i <= 90; i += 2) {
            p.add((double) i);
        }
        for (double x = 91; x <= 99; x += 1) {
            p.add(x);
        }
        for (double x = 99.1; x < 99.95; x += 0.1) {
            p.add(Math.round(x * 10) / 10.0);
        }
        p.add(99.95);
        p.add(99.99);
        p.add(100.0);
        CDF_PERCENTILES = p.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
