package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;

import java.util.Comparator;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.Stage2FaultRow;

/**
 * The headline numbers as cards, and whether the tables agree with each other (the consistency
 * checks of ReportData).
 */
final class SummarySection implements ReportSection {
    @Override
    public String id() {
        return "summary";
    }

    @Override
    public String title() {
        return "Summary";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        long events = parseLong(d.runInfo.get(RunInfo.EVENTS_PROCESSED), -1);
        long lookups = 0;
        long hits = 0;
        lookups += d.timelineLookups;
        hits += d.timelineHits;
        if (lookups == 0) {
            // no timeline rows: fall back to tlb_stats (translations = level-1 lookups)
            for (long[] a : d.translationsPerVcpu().values()) {
                lookups += a[0];
                hits += a[0] - a[1];
            }
        }
        long faults = 0;
        for (Stage2FaultRow r : d.faults) {
            faults += r.count();
        }
        IrqLatencyRow worst = d.irq.stream().max(Comparator.comparingLong(IrqLatencyRow::p99Ns)).orElse(null);
        long irqs = d.irq.stream().mapToLong(IrqLatencyRow::count).sum();
        h.append("<div class=\"cards\">\n");
        page.card("Events processed", events < 0 ? "–" : Html.count(events), "trace records replayed");
        page.card("VMs", Integer.toString(d.vms.size()), "");
        page.card("vCPUs", Integer.toString(d.vcpus.size()), "");
        page.card("TLB hit rate", lookups == 0 ? "–" : Html.pct((double) hits / lookups),
                Html.count(lookups) + " translations, " + Html.count(lookups - hits) + " walks");
        page.card("Stage-2 faults", Html.count(faults), "aborts taken to EL2");
        page.card("Interrupt p99", worst == null ? "–" : Html.us(worst.p99Ns()) + " µs",
                worst == null ? "no interrupts" : "worst vCPU: " + d.vcpuLabel(worst.vm(), worst.vcpu()) + " ("
                        + worst.irqClass() + "); " + Html.count(irqs) + " interrupts");
        h.append("</div>\n");
        if (d.consistency.isEmpty()) {
            h.append("<p class=\"ok\">✔ The tables are consistent (hits + misses = lookups, "
                    + "fault and interrupt counts match their event tables, the timeline adds up).</p>\n");
        } else {
            h.append("<div class=\"warn\"><strong>⚠ ").append(d.consistency.size())
                    .append(" consistency problem(s) in the tables:</strong><ul>\n");
            int shown = Math.min(10, d.consistency.size());
            for (String p : d.consistency.subList(0, shown)) {
                h.append("<li>").append(esc(p)).append("</li>\n");
            }
            h.append("</ul>\n");
            if (d.consistency.size() > shown) {
                // <details> folds the rest without any script
                h.append("<details><summary>").append(d.consistency.size() - shown).append(" more</summary><ul>\n");
                for (String p : d.consistency.subList(shown, Math.min(500, d.consistency.size()))) {
                    h.append("<li>").append(esc(p)).append("</li>\n");
                }
                if (d.consistency.size() > 500) {
                    h.append("<li>… and ").append(d.consistency.size() - 500).append(" more</li>\n");
                }
                h.append("</ul></details>\n");
            }
            h.append("</div>\n");
        }
    }

    private static long parseLong(String s, long dflt) {
        try {
            return s == null ? dflt : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
