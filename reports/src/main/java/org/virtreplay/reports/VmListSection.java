package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;
import static org.virtreplay.reports.ReportPage.td;

/**
 * The list of VMs: the one place where each VM's full name is written (escaped, streamed). Every
 * other table names a VM by its label, linked to its row here.
 */
final class VmListSection implements ReportSection {
    @Override
    public String id() {
        return "vms";
    }

    @Override
    public String title() {
        return "VMs";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (d.vms.isEmpty()) {
            page.none("No VMs in this run.");
            return;
        }
        h.append("<p>Each VM's full name is given here once; the tables and charts name it by its label (the name, "
                + "cut to " + ChartLabels.MAX + " characters with the VM's id where needed), linked to this list.</p>\n"
                + "<table class=\"kv\"><thead><tr><th class=\"n\">vm</th><th>label</th><th class=\"n\">vCPUs</th>"
                + "<th class=\"n\">name length</th><th>name</th></tr></thead><tbody>\n");
        for (int vm : d.vms) {
            String name = d.vmName(vm);
            int vcpus = d.vcpus.subSet((long) vm << 20, ((long) vm + 1) << 20).size();
            h.append("<tr id=\"vm-").append(vm).append("\">").append(td(Integer.toString(vm))).append("<td>")
                    .append(esc(d.vmLabel(vm))).append("</td>").append(td(Integer.toString(vcpus)))
                    .append(td(Html.count(name.codePointCount(0, name.length())))).append("<td>").esc(name)
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }
}
