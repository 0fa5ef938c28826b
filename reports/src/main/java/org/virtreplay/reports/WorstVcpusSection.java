package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.virtreplay.analysis.metrics.IrqLatencyRow;

/** The vCPUs with the highest interrupt p99 and the highest TLB miss rate. */
final class WorstVcpusSection implements ReportSection {
    /** How many vCPUs each "worst" table lists. */
    static final int TOP_N = 10;

    @Override
    public String id() {
        return "worst";
    }

    @Override
    public String title() {
        return "Worst vCPUs";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        h.append("<div class=\"two\"><div><h3>By interrupt p99</h3>\n");
        List<IrqLatencyRow> byP99 = new ArrayList<>(d.irq);
        byP99.sort(Comparator.comparingLong(IrqLatencyRow::p99Ns).reversed()
                .thenComparingInt(IrqLatencyRow::vm).thenComparingInt(IrqLatencyRow::vcpu));
        if (byP99.isEmpty()) {
            page.none("No interrupts.");
        } else {
            h.append("<table><thead><tr><th>#</th><th>vCPU</th><th>class</th><th class=\"n\">p99 (µs)</th>"
                    + "<th class=\"n\">max (µs)</th><th class=\"n\">count</th></tr></thead><tbody>\n");
            int i = 0;
            for (IrqLatencyRow r : byP99.subList(0, Math.min(TOP_N, byP99.size()))) {
                h.append("<tr><td>").append(++i).append("</td><td>").append(page.vcpuLink(r.vm(), r.vcpu()))
                        .append("</td><td>").append(esc(r.irqClass())).append("</td>").append(td(Html.us(r.p99Ns())))
                        .append(td(Html.us(r.maxNs()))).append(td(Html.count(r.count()))).append("</tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</div><div><h3>By TLB miss rate</h3>\n");
        List<long[]> miss = new ArrayList<>();
        for (Map.Entry<Long, long[]> e : d.translationsPerVcpu().entrySet()) {
            if (e.getValue()[0] > 0) {
                miss.add(new long[] {e.getKey(), e.getValue()[0], e.getValue()[1]});
            }
        }
        miss.sort(Comparator.comparingDouble((long[] a) -> -(double) a[2] / a[1]).thenComparingLong(a -> a[0]));
        if (miss.isEmpty()) {
            page.none("No translations.");
        } else {
            h.append("<table><thead><tr><th>#</th><th>vCPU</th><th class=\"n\">miss rate</th>"
                    + "<th class=\"n\">walks</th><th class=\"n\">translations</th></tr></thead><tbody>\n");
            int i = 0;
            for (long[] a : miss.subList(0, Math.min(TOP_N, miss.size()))) {
                h.append("<tr><td>").append(++i).append("</td><td>")
                        .append(page.vcpuLink((int) (a[0] >> 20), (int) (a[0] & 0xFFFFF))).append("</td>")
                        .append(td(Html.pct((double) a[2] / a[1]))).append(td(Html.count(a[2])))
                        .append(td(Html.count(a[1]))).append("</tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</div></div>\n");
    }
}
