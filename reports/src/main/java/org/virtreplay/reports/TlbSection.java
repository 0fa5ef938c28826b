package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.DefaultCategoryDataset;
import org.virtreplay.analysis.metrics.TlbStatsRow;

/**
 * Hit rate of each translation-caching structure per VM, the translation hit rate per vCPU, and
 * the table of lookups, hits and stale hits.
 */
final class TlbSection implements ReportSection {
    @Override
    public String id() {
        return "tlb";
    }

    @Override
    public String title() {
        return "TLB hit rate";
    }

    @Override
    public String navLabel() {
        return "TLB";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (d.tlb.isEmpty()) {
            page.none("tlb_stats has no rows: the run made no translations.");
            return;
        }
        // per VM x structure
        Map<String, long[]> byVmStructure = new TreeMap<>();
        List<String> structures = new ArrayList<>();
        for (TlbStatsRow r : d.tlb) {
            if (!structures.contains(r.structure())) {
                structures.add(r.structure());
            }
        }
        structures.sort(Comparator.comparingInt((String s) -> levelOf(s)).thenComparing(s -> s));
        Map<String, String> structureLabels = ChartLabels.unique(structures);
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (int vm : d.vms) {
            for (String s : structures) {
                long lookups = 0;
                long hits = 0;
                long stale = 0;
                for (TlbStatsRow r : d.tlb) {
                    if (r.vm() == vm && r.structure().equals(s)) {
                        lookups += r.lookups();
                        hits += r.hits();
                        stale += r.staleHits();
                    }
                }
                if (lookups > 0) {
                    ds.addValue(100.0 * hits / lookups, d.chartVmLabel(vm), structureLabels.get(s));
                    byVmStructure.put(vm + "\u0000" + s, new long[] {vm, lookups, hits, stale});
                }
            }
        }
        h.append("<p>Hit rate of each translation-caching structure (hits / lookups), per VM. Level-1 TLBs "
                + "see every translation; the L2 TLB only their misses; walk caches are looked up during "
                + "walks.</p>\n");
        page.chart(Charts.bars("TLB hit rate by VM and structure", "structure", "hit rate (%)", ds, false, true));

        DefaultCategoryDataset per = new DefaultCategoryDataset();
        for (Map.Entry<Long, long[]> e : d.translationsPerVcpu().entrySet()) {
            long[] a = e.getValue();
            if (a[0] > 0) {
                int vm = (int) (e.getKey() >> 20);
                int vcpu = (int) (e.getKey() & 0xFFFFF);
                per.addValue(100.0 * (a[0] - a[1]) / a[0], "translation hit rate", d.chartVcpuLabel(vm, vcpu));
            }
        }
        if (per.getColumnCount() > 0) {
            h.append("<p>Translation hit rate per vCPU: the share of translations served by some TLB level "
                    + "without a walk (1 − walks / level-1 lookups).</p>\n");
            JFreeChart perChart = Charts.bars("Translation hit rate by vCPU", "vCPU", "hit rate (%)", per, false,
                    true);
            perChart.getLegend().setVisible(false); // one series, named by the axis
            page.chart(perChart);
        }
        h.append("<table><thead><tr><th>VM</th><th>structure</th><th class=\"n\">lookups</th>"
                + "<th class=\"n\">hits</th><th class=\"n\">hit rate</th><th class=\"n\">stale hits</th>"
                + "</tr></thead><tbody>\n");
        for (Map.Entry<String, long[]> e : byVmStructure.entrySet()) {
            long[] a = e.getValue();
            String s = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
            h.append("<tr><td>").append(page.vmLink((int) a[0])).append("</td><td>").append(esc(s))
                    .append("</td>").append(td(Html.count(a[1]))).append(td(Html.count(a[2])))
                    .append(td(Html.pct((double) a[2] / a[1]))).append(td(Html.count(a[3]))).append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static int levelOf(String structure) {
        String s = structure.toLowerCase(Locale.ROOT);
        return s.startsWith("l1") ? 0 : s.startsWith("l2") ? 1 : 2;
    }
}
