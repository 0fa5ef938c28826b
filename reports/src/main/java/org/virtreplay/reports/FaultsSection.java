package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.virtreplay.analysis.metrics.Stage2FaultRow;

/** Stage-2 aborts by kind, level and cause, over time, and the largest rows of stage2_faults. */
final class FaultsSection implements ReportSection {
    /** Rows of stage2_faults shown in the page (largest counts first); the CSV has all. */
    static final int FAULT_ROWS = 20;

    @Override
    public String id() {
        return "faults";
    }

    @Override
    public String title() {
        return "Stage-2 faults";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (d.faults.isEmpty()) {
            page.none("stage2_faults has no rows: no stage-2 aborts were taken.");
        } else {
            DefaultCategoryDataset ds = new DefaultCategoryDataset();
            TreeMap<String, TreeMap<String, Long>> m = new TreeMap<>();
            for (Stage2FaultRow r : d.faults) {
                String cat = r.kind() + " L" + r.level() + (r.s1ptw() ? " (S1PTW)" : "");
                m.computeIfAbsent(r.cause(), k -> new TreeMap<>()).merge(cat, r.count(), Long::sum);
            }
            Map<String, String> causeLabels = ChartLabels.unique(m.keySet());
            List<String> cats = new ArrayList<>();
            m.values().forEach(byCat -> cats.addAll(byCat.keySet()));
            Map<String, String> catLabels = ChartLabels.unique(cats);
            for (Map.Entry<String, TreeMap<String, Long>> e : m.entrySet()) {
                for (Map.Entry<String, Long> c : e.getValue().entrySet()) {
                    ds.addValue(c.getValue(), causeLabels.get(e.getKey()), catLabels.get(c.getKey()));
                }
            }
            h.append("<p>Stage-2 aborts by fault kind and level (ESR_EL2), stacked by the cause the hypervisor "
                    + "saw. S1PTW marks faults on a stage-1 table walk's own stage-2 lookup.</p>\n");
            page.chart(Charts.bars("Stage-2 faults by kind, level and cause", "kind and level", "faults", ds, true,
                    false));
        }
        double binMs = d.binNs / 1e6;
        if (d.hasFaultEvents && !d.faultBins.isEmpty()) {
            TreeMap<String, XYSeries> series = new TreeMap<>();
            java.util.TreeSet<String> causes = new java.util.TreeSet<>();
            d.faultBins.values().forEach(b -> causes.addAll(b.keySet()));
            Map<String, String> causeLabels = ChartLabels.unique(causes);
            for (String cause : causes) {
                series.put(cause, new XYSeries(causeLabels.get(cause), true, false));
            }
            for (Map.Entry<Long, TreeMap<String, Long>> b : d.faultBins.entrySet()) {
                for (Map.Entry<String, XYSeries> s : series.entrySet()) {
                    s.getValue().add(b.getKey() / 1e6, b.getValue().getOrDefault(s.getKey(), 0L));
                }
            }
            XYSeriesCollection c = new XYSeriesCollection();
            series.values().forEach(c::addSeries);
            h.append("<p>Stage-2 faults over time by cause, from fault_events, in windows of ")
                    .append(Html.num(binMs, 3)).append(" ms.</p>\n");
            page.chart(Charts.lines("Stage-2 faults over time, by cause", "trace time (ms)",
                    "faults per " + Html.num(binMs, 3) + " ms", c, false, true, null));
        } else {
            XYSeriesCollection c = page.timelineSeries(a -> (double) a[2]);
            if (c.getSeriesCount() > 0 && !d.faults.isEmpty()) {
                page.none("fault_events is not in this run (written with --events), so faults over time are shown "
                        + "per VM from the timeline rather than per cause.");
                page.chart(Charts.lines("Stage-2 faults over time, by VM", "trace time (ms)",
                        "faults per " + Html.num(binMs, 3) + " ms", c, false, true, null));
            } else if (!d.hasFaultEvents) {
                page.none("fault_events is not in this run (written with --events).");
            }
        }
        if (!d.faults.isEmpty()) {
            h.append("<table><thead><tr><th>vCPU</th><th>kind</th><th class=\"n\">level</th><th>S1PTW</th>"
                    + "<th>cause</th><th class=\"n\">count</th><th class=\"n\">first (ms)</th>"
                    + "<th class=\"n\">last (ms)</th></tr></thead><tbody>\n");
            List<Stage2FaultRow> rows = new ArrayList<>(d.faults);
            rows.sort(Comparator.comparingLong(Stage2FaultRow::count).reversed());
            for (Stage2FaultRow r : rows.subList(0, Math.min(FAULT_ROWS, rows.size()))) {
                h.append("<tr><td>").append(page.vcpuLink(r.vm(), r.vcpu())).append("</td><td>")
                        .append(esc(r.kind())).append("</td>").append(td(Integer.toString(r.level())))
                        .append("<td>").append(r.s1ptw() ? "yes" : "no").append("</td><td>").append(esc(r.cause()))
                        .append("</td>").append(td(Html.count(r.count()))).append(td(Html.num(r.firstTs() / 1e6, 3)))
                        .append(td(Html.num(r.lastTs() / 1e6, 3))).append("</tr>\n");
            }
            h.append("</tbody></table>\n");
            if (rows.size() > FAULT_ROWS) {
                h.append("<p class=\"note\">The ").append(FAULT_ROWS).append(" largest of ").append(rows.size())
                        .append(" rows; all are in stage2_faults.csv.</p>\n");
            }
        }
    }
}
