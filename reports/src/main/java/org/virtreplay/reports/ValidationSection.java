package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.data.category.DefaultCategoryDataset;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.ValidationRow;

/**
 * Model vs recording: the {@code validation} table (docs/metrics.md), one chart per quantity with
 * the observed and the modelled value of each scope side by side, the rows with their errors, and
 * a plain statement of which rows rest on too few observations to judge the model by.
 */
final class ValidationSection implements ReportSection {
    /** How many scopes one chart draws (the rows with the most observations). */
    static final int MAX_BARS = 24;

    @Override
    public String id() {
        return "validation";
    }

    @Override
    public String title() {
        return "Model vs recording";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        if (!d.run.has(MetricTables.VALIDATION)) {
            page.none("The trace carries no observation of a recorded host (no exits or spe_samples table, no "
                    + "ack_ts in irq), so there is nothing to compare the model with. Traces made by 'virtreplay "
                    + "import' from real recordings carry them.");
            return;
        }
        List<ValidationRow> rows = d.run.readAll(MetricTables.VALIDATION);
        HtmlOut h = page.out();
        long judged = rows.stream().filter(ValidationRow::judged).count();
        h.append("<p>Each quantity the recording observed, next to what the model produced for it in this replay. "
                + "Relative error is |modelled − observed| / observed. A row is judged when it rests on at least 30 "
                + "observations (100 for a p99).</p>\n");
        if (judged == 0) {
            page.none("The recording has too few observations to judge the model by: no row has enough (at least "
                    + "30, 100 for a p99). The errors below are shown, but they say little about the model.");
        } else if (judged < rows.size()) {
            page.none((rows.size() - judged) + " of " + rows.size() + " rows rest on too few observations to judge "
                    + "the model by (marked \"no\" below); their errors say little.");
        }
        Map<String, List<ValidationRow>> byQuantity = new LinkedHashMap<>();
        for (ValidationRow r : rows) {
            byQuantity.computeIfAbsent(r.quantity(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<ValidationRow>> e : byQuantity.entrySet()) {
            List<ValidationRow> q = new ArrayList<>(e.getValue());
            // the scopes with the most observations (ties: in table order)
            q.sort((a, b) -> Long.compare(b.samples(), a.samples()));
            List<ValidationRow> drawn = q.subList(0, Math.min(MAX_BARS, q.size()));
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            List<String> scopes = new ArrayList<>();
            for (ValidationRow r : drawn) {
                scopes.add(r.scope()); // unique per quantity
            }
            Map<String, String> labels = ChartLabels.unique(scopes);
            for (ValidationRow r : drawn) {
                data.addValue(r.observed(), "observed", labels.get(r.scope()));
                data.addValue(r.modelled(), "modelled", labels.get(r.scope()));
            }
            page.chart(Charts.bars("Observed and modelled: " + e.getKey(), "scope", unit(e.getKey()), data, false,
                    false));
            if (q.size() > MAX_BARS) {
                h.append("<p class=\"note\">The ").append(MAX_BARS).append(" scopes with the most observations of ")
                        .append(q.size()).append(" are drawn; the table lists all.</p>\n");
            }
        }
        h.append("<div class=\"scroll\"><table><thead><tr><th>quantity</th><th>VM</th><th>scope</th>"
                + "<th class=\"n\">observed</th><th class=\"n\">modelled</th><th class=\"n\">abs error</th>"
                + "<th class=\"n\">rel error</th><th class=\"n\">samples</th><th class=\"n\">modelled samples</th>"
                + "<th>judged</th><th>note</th></tr></thead><tbody>\n");
        for (ValidationRow r : rows) {
            int decimals = r.quantity().equals("tlb_miss_ratio") ? 4 : r.quantity().endsWith("_ns") ? 1 : 0;
            h.append("<tr><td>").append(esc(r.quantity())).append("</td><td>").append(page.vmLink(r.vm()))
                    .append("</td><td>").append(esc(r.scope())).append("</td>")
                    .append(td(Html.num(r.observed(), decimals)))
                    .append(td(r.modelled() == null ? "–" : Html.num(r.modelled(), decimals)))
                    .append(td(r.absError() == null ? "–" : Html.num(r.absError(), decimals)))
                    .append(td(r.relError() == null ? "–" : Html.pct(r.relError())))
                    .append(td(Html.count(r.samples()))).append(td(Html.count(r.modelledSamples())))
                    .append("<td>").append(r.judged() ? "yes" : "no").append("</td><td>").append(esc(r.note()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    private static String unit(String quantity) {
        return switch (quantity) {
            case "exits", "stage2_aborts" -> "count";
            case "tlb_miss_ratio" -> "miss ratio";
            default -> "ns";
        };
    }
}
