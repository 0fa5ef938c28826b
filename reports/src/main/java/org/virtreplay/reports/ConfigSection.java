package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;

import java.util.Map;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunTiming;

/**
 * The run_info table: every key of the run, VM names linked to the list of VMs rather than
 * repeated.
 */
final class ConfigSection implements ReportSection {
    @Override
    public String id() {
        return "config";
    }

    @Override
    public String title() {
        return "Configuration";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        // The wall time varies from run to run; the report does not (docs/metrics.md, Determinism).
        h.append("<p>How long the replay took is in <code>").append(RunTiming.FILE)
                .append("</code> beside the tables, not here: this page is the same bytes on every run of the same "
                        + "inputs.</p>\n");
        h.append("<table class=\"kv\"><thead><tr><th>key</th><th>value</th></tr></thead><tbody>\n");
        for (Map.Entry<String, String> e : d.runInfo.entrySet()) {
            h.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td>");
            int vm = vmOfNameKey(e.getKey());
            if (vm >= 0 && d.vms.contains(vm)) {
                // the full name is in the list of VMs, once
                h.append(page.vmLink(vm));
            } else if (e.getKey().equals(RunInfo.INPUT)) {
                h.append(esc(ChartLabels.shorten(e.getValue(), HtmlReport.TITLE_MAX))); // in full at the top
            } else {
                h.esc(e.getValue());
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** The VM id of a run_info key {@code vm.N.name}, or -1. */
    private static int vmOfNameKey(String key) {
        if (!key.startsWith(RunInfo.VM_PREFIX) || !key.endsWith(".name")) {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(RunInfo.VM_PREFIX.length(), key.length() - 5));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
