package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.StaleTranslationRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;

/**
 * Missing TLB maintenance: per VM, the TLB entries that were hit after the tables changed under
 * them (stale_translations), their first occurrences with the change that caused each, and the
 * TLBI that was missing.
 */
final class StaleSection implements ReportSection {
    /** First occurrences shown per VM; the CSV has every row. */
    static final int FIRST_ROWS = 10;

    @Override
    public String id() {
        return "stale";
    }

    @Override
    public String title() {
        return "Missing TLB maintenance";
    }

    @Override
    public String navLabel() {
        return "Missing TLBI";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (!d.run.has(MetricTables.STALE_TRANSLATIONS)) {
            page.none("The stale-translation detector did not run (scenario key tlb.stale_check = off), so missing "
                    + "TLB maintenance was not looked for.");
            return;
        }
        List<StaleTranslationRow> rows = d.run.readAll(MetricTables.STALE_TRANSLATIONS);
        String total = d.runInfo.getOrDefault(RunInfo.STALE_TRANSLATIONS, Integer.toString(rows.size()));
        String beyond = d.runInfo.getOrDefault(RunInfo.STALE_TRANSLATIONS_BEYOND_CAP, "0");
        if (rows.isEmpty()) {
            page.none("No stale translations: no TLB hit found an entry that the page tables no longer back ("
                    + "tlb.stale_check = " + d.runInfo.getOrDefault(RunInfo.SCENARIO_PREFIX + "tlb.stale_check", "?")
                    + ").");
            return;
        }
        TreeMap<Integer, List<StaleTranslationRow>> byVm = new TreeMap<>();
        for (StaleTranslationRow r : rows) {
            byVm.computeIfAbsent(r.vm(), k -> new ArrayList<>()).add(r);
        }
        Map<Integer, Long> hits = new TreeMap<>();
        for (TlbStatsRow r : d.tlb) {
            hits.merge(r.vm(), r.staleHits(), Long::sum);
        }
        h.append("<p>A stale translation is a TLB entry hit after the page tables changed under it: a missing or "
                + "misplaced TLBI after a remap. TLB entries with a stale hit: ").append(esc(total));
        if (!beyond.equals("0")) {
            h.append(" (").append(esc(beyond)).append(" of them beyond the table's cap, without a row)");
        }
        h.append(". Each row below is one entry's first stale hit; stale_translations.csv has them all.</p>\n");
        h.append("<table><thead><tr><th>VM</th><th class=\"n\">stale translations</th>"
                + "<th class=\"n\">stale hits</th><th>first cause</th></tr></thead><tbody>\n");
        for (Map.Entry<Integer, List<StaleTranslationRow>> e : byVm.entrySet()) {
            StaleTranslationRow first = e.getValue().get(0);
            h.append("<tr><td>").append(page.vmLink(e.getKey())).append("</td>")
                    .append(td(Integer.toString(e.getValue().size())))
                    .append(td(Long.toString(hits.getOrDefault(e.getKey(), 0L))))
                    .append("<td>").append(esc(cause(first))).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        for (Map.Entry<Integer, List<StaleTranslationRow>> e : byVm.entrySet()) {
            h.append("<h3>").append(page.vmLink(e.getKey())).append(": first occurrences</h3>\n");
            h.append("<table><thead><tr><th class=\"n\">hit (ns)</th><th>vCPU / PE</th><th>address</th>"
                    + "<th class=\"n\">filled (ns)</th><th>changed by</th><th>old &rarr; new</th>"
                    + "<th>missing TLBI</th><th>why it survived</th></tr></thead><tbody>\n");
            for (StaleTranslationRow r : e.getValue().subList(0, Math.min(FIRST_ROWS, e.getValue().size()))) {
                String addr = r.stage() == 2 ? String.format(Locale.ROOT, "stage 2 IPA 0x%x (VA 0x%x)", r.ipa(), r.va())
                        : String.format(Locale.ROOT, "stage 1 VA 0x%x%s", r.va(),
                                r.asid() < 0 ? " (global)" : " ASID " + r.asid());
                String change = String.format(Locale.ROOT, "PA 0x%x %s &rarr; %s", r.oldPa(), esc(r.oldPerm()),
                        r.newPa() == null ? "fault" : String.format(Locale.ROOT, "PA 0x%x %s", r.newPa(),
                                esc(r.newPerm())));
                h.append("<tr>").append(td(Long.toString(r.hitNs())))
                        .append("<td>").append(Integer.toString(r.vcpu())).append(" / ")
                        .append(Integer.toString(r.pe())).append("</td><td>").append(esc(addr)).append("</td>")
                        .append(td(Long.toString(r.fillNs())))
                        .append("<td>").append(esc(cause(r))).append("</td><td>").append(change).append("</td><td>")
                        .append(esc(r.missingTlbi())).append("<br>").append(esc(r.tlbiScope())).append("</td><td>")
                        .append(esc(r.why())).append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
    }

    private static String cause(StaleTranslationRow r) {
        if (r.changeNs() == null) {
            return "no recorded change";
        }
        return (r.changeSource().isEmpty() ? "a change" : r.changeSource()) + " at " + r.changeNs() + " ns";
    }
}
