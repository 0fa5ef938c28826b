package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.Map;
import org.virtreplay.analysis.summary.Latency;
import org.virtreplay.analysis.summary.RunSummary;
import org.virtreplay.analysis.summary.VmSummary;

/**
 * The page's first section: one row per VM with the figures of the terminal summary (the same
 * {@link org.virtreplay.analysis.summary.SummaryReader}, so the page and the terminal agree), the
 * costs in time (translation time, time in EL2) and every percentile with its n, marked where it
 * rests on fewer than {@link Latency#FEW_SAMPLES} interrupts.
 */
final class VmOverviewSection implements ReportSection {
    @Override
    public String id() {
        return "per-vm";
    }

    @Override
    public String title() {
        return "Per VM";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        RunSummary s = d.summary();
        if (s.vms().isEmpty()) {
            page.none("No VM in this run's tables.");
            return;
        }
        h.append("<p>The figures of the terminal summary, per VM. Translation time: TLB hits and walk descriptor "
                + "reads at the core preset's latencies and the cost model's clock. Time in EL2: Σ exit_stats.el2_ns "
                + "(handling plus the world switch of each exit). Percentiles marked † rest on fewer than ")
                .append(Latency.FEW_SAMPLES).append(" interrupts.</p>\n<div class=\"scroll\"><table id=\"per-vm-table\">"
                        + "<thead><tr><th>VM</th><th class=\"n\">translations</th><th class=\"n\">TLB hit rate</th>"
                        + "<th class=\"n\">walks</th><th class=\"n\">reads / walk</th>"
                        + "<th class=\"n\">translation time (µs)</th><th>stage-2 faults</th><th class=\"n\">exits</th>"
                        + "<th class=\"n\">time in EL2 (µs)</th><th class=\"n\">interrupts n</th>"
                        + "<th class=\"n\">p50 (µs)</th><th class=\"n\">p99 (µs)</th><th>by class: n, p50 / p99 µs</th>"
                        + "</tr></thead><tbody>\n");
        for (VmSummary v : s.vms()) {
            h.append("<tr><td>").append(page.vmLink(v.vm())).append("</td>")
                    .append(td(Html.count(v.translations())))
                    .append(td(v.tlbHitRate() == null ? "–" : Html.pct(v.tlbHitRate())))
                    .append(td(Html.count(v.walks())))
                    .append(td(v.readsPerWalk() == null ? "–" : Html.num(v.readsPerWalk(), 2)))
                    .append(td(v.translationNs() == null ? "not recorded" : Html.us(v.translationNs())))
                    .append("<td>").append(esc(faults(v))).append("</td>")
                    .append(td(v.exits() == null ? "no exit_stats" : Html.count(v.exits())))
                    .append(td(v.el2Ns() == null ? "no exit_stats" : Html.us(v.el2Ns())))
                    .append(td(Html.count(v.interrupts().n())))
                    .append(td(p(v.interrupts(), v.interrupts().p50Ns())))
                    .append(td(p(v.interrupts(), v.interrupts().p99Ns())))
                    .append("<td>").append(esc(byClass(v))).append("</td></tr>\n");
        }
        h.append("</tbody></table></div>\n");
        for (String n : s.notes()) {
            h.append("<p class=\"note\">† ").append(esc(n)).append("</p>\n");
        }
    }

    /** "60 (mmio 34, lazy_map 26)", largest first. */
    static String faults(VmSummary v) {
        StringBuilder b = new StringBuilder(Html.count(v.stage2Faults()));
        if (!v.faultsByCause().isEmpty()) {
            b.append(" (");
            v.faultsByCause().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> b.append(b.charAt(b.length() - 1) == '(' ? "" : ", ").append(e.getKey()).append(' ')
                            .append(Html.count(e.getValue())));
            b.append(')');
        }
        return b.toString();
    }

    /** A percentile with its bound sign (≤: per-vCPU upper bound) and its mark (†: n below 100). */
    static String p(Latency l, long ns) {
        if (l.n() == 0) {
            return "–";
        }
        return (l.exact() ? "" : "≤") + Html.us(ns) + (l.few() ? " †" : "");
    }

    private static String byClass(VmSummary v) {
        StringBuilder b = new StringBuilder();
        for (var e : v.byClass().entrySet()) {
            Latency l = e.getValue();
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(e.getKey()).append(" n=").append(Html.count(l.n())).append(", ").append(p(l, l.p50Ns()))
                    .append(" / ").append(p(l, l.p99Ns()));
        }
        return b.toString();
    }
}
