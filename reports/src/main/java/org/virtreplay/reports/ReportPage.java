package org.virtreplay.reports;

import static org.virtreplay.reports.Html.esc;

import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The HTML report page as the sections write it: the streamed output ({@link HtmlOut}) and the
 * pieces the sections share (cards, charts numbered through the page, links to the list of VMs,
 * timeline series). The chart number runs across sections, so the page is one instance per render.
 */
final class ReportPage {
    private final HtmlOut h;
    private final ReportData d;
    private int chartNo;

    ReportPage(HtmlOut h, ReportData d) {
        this.h = h;
        this.d = d;
    }

    /** Where the page is written. */
    HtmlOut out() {
        return h;
    }

    /** A muted line saying what is not there, and why. */
    void none(String text) {
        h.append("<p class=\"none\">").append(esc(text)).append("</p>\n");
    }

    /** One headline number: its title, its value and a line of detail. */
    void card(String title, String value, String detail) {
        h.append("<div class=\"card\"><div class=\"ct\">").append(esc(title)).append("</div><div class=\"cv\">")
                .append(esc(value)).append("</div><div class=\"cd\">").append(esc(detail)).append("</div></div>\n");
    }

    /** A VM's label, linked to its row in the list of VMs (which has its full name). */
    String vmLink(int vm) {
        return "<a href=\"#vm-" + vm + "\">" + esc(d.vmLabel(vm)) + "</a>";
    }

    String vcpuLink(int vm, int vcpu) {
        return vmLink(vm) + " / vCPU " + vcpu;
    }

    /** A numeric (right-aligned) table cell. */
    static String td(String v) {
        return "<td class=\"n\">" + esc(v) + "</td>";
    }

    /** The chart as inline SVG; its id ({@code chartN}) is unique in the page. */
    void chart(JFreeChart c) {
        String id = "chart" + (++chartNo);
        h.append("<figure class=\"chart\">").append(Charts.svg(c, id, Charts.WIDTH, Charts.HEIGHT))
                .append("</figure>\n");
    }

    interface TimelineValue {
        /** From a bin's {lookups, hits, faults, interrupts, max p99}; null leaves the point out. */
        Double of(long[] bin);
    }

    XYSeriesCollection timelineSeries(TimelineValue f) {
        XYSeriesCollection c = new XYSeriesCollection();
        for (Map.Entry<Integer, TreeMap<Long, long[]>> vm : d.timeline.entrySet()) {
            XYSeries s = new XYSeries(d.chartVmLabel(vm.getKey()), true, false);
            for (Map.Entry<Long, long[]> b : vm.getValue().entrySet()) {
                Double v = f.of(b.getValue());
                if (v != null) {
                    s.add(b.getKey() / 1e6, v.doubleValue());
                }
            }
            if (s.getItemCount() > 0) {
                c.addSeries(s);
            }
        }
        return c;
    }
}
