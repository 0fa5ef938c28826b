package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

import java.util.Map;
import java.util.TreeSet;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.summary.FaultAttribution;
import org.virtreplay.analysis.summary.VmSummary;

/**
 * Why each VM takes its stage-2 faults: per VM, the faults placed in the memslots they hit (with
 * the slot's kind and the stage-2 backing the replay used), one sentence naming the largest group,
 * and one sentence per cause saying what it is. Every VM is listed, also one without faults.
 */
final class FaultSourcesSection implements ReportSection {
    @Override
    public String id() {
        return "fault-sources";
    }

    @Override
    public String title() {
        return "Stage-2 faults by memslot";
    }

    @Override
    public String navLabel() {
        return "Faults by memslot";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        FaultAttribution a = d.faultAttribution();
        if (!a.hasEvents()) {
            page.none("fault_events is not in this run (replay with --events), so faults cannot be placed in memslots; "
                    + "the counts per VM and cause are in the table below.");
        } else if (!a.hasMemslots()) {
            page.none("This run's run_info does not record the memslots (written by an older version), so faults "
                    + "are not placed in memslots; replay again to see them.");
        }
        TreeSet<String> causes = new TreeSet<>();
        h.append("<ul class=\"answers\">\n");
        for (VmSummary v : d.summary().vms()) {
            causes.addAll(v.faultsByCause().keySet());
            // the VM's label, not its name: a name of megabytes is written once, in the list of VMs
            String sentence = a.hasEvents() ? a.sentence(v.vm(), d.vmLabel(v.vm())) : null;
            if (sentence == null) {
                sentence = d.vmLabel(v.vm()) + ": " + (v.stage2Faults() == 0 ? "no stage-2 faults"
                        : Html.count(v.stage2Faults()) + " stage-2 faults: " + VmOverviewSection.faults(v));
            }
            h.append("<li>").append(esc(sentence)).append("</li>\n");
        }
        h.append("</ul>\n");
        if (a.hasEvents() && !a.counts().isEmpty()) {
            h.append("<div class=\"scroll\"><table id=\"fault-sources-table\"><thead><tr><th>VM</th><th>memslot</th>"
                    + "<th>IPA range</th><th>kind</th><th>stage-2 backing</th><th>cause</th>"
                    + "<th class=\"n\">faults</th></tr></thead><tbody>\n");
            for (var vm : a.counts().entrySet()) {
                for (var slot : vm.getValue().entrySet()) {
                    RunInfo.Memslot m = a.memslot(vm.getKey(), slot.getKey());
                    for (Map.Entry<String, Long> c : slot.getValue().entrySet()) {
                        h.append("<tr><td>").append(page.vmLink(vm.getKey())).append("</td><td>")
                                .append(m == null ? "none" : Integer.toString(m.slot())).append("</td><td>")
                                .append(m == null ? "–" : range(m)).append("</td><td>")
                                .append(m == null ? "–" : esc(m.kind())).append("</td><td>")
                                .append(m == null ? "–" : esc(FaultAttribution.backing(m.backing()))).append("</td><td>")
                                .append(esc(c.getKey())).append("</td>").append(td(Html.count(c.getValue())))
                                .append("</tr>\n");
                    }
                }
            }
            h.append("</tbody></table></div>\n");
        }
        if (!causes.isEmpty()) {
            h.append("<h3>Causes</h3>\n<dl class=\"causes\">\n");
            for (String c : causes) {
                h.append("<dt><code>").append(esc(c)).append("</code></dt><dd>")
                        .append(esc(FaultAttribution.explain(c))).append(".</dd>\n");
            }
            h.append("</dl>\n");
        }
    }

    private static String range(RunInfo.Memslot m) {
        return "0x" + Long.toHexString(m.ipa()) + "–0x" + Long.toHexString(m.ipa() + m.size() - 1);
    }
}
