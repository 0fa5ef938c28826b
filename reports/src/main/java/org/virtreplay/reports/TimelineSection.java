package org.virtreplay.reports;

import org.jfree.data.xy.XYSeriesCollection;

/**
 * TLB hit rate, interrupt p99 and interrupt count over trace time, per VM, from the timeline
 * table.
 */
final class TimelineSection implements ReportSection {
    @Override
    public String id() {
        return "timeline";
    }

    @Override
    public String title() {
        return "Timeline";
    }

    @Override
    public void write(ReportPage page, ReportData d) {
        HtmlOut h = page.out();
        if (d.timelineEmpty) {
            page.none("timeline has no rows.");
            return;
        }
        XYSeriesCollection hit = page.timelineSeries(a -> a[0] == 0 ? null : 100.0 * a[1] / a[0]);
        double binMs = d.binNs / 1e6;
        boolean merged = d.binNs != d.windowNs;
        h.append("<p>Per VM, in windows of ").append(Html.num(binMs, 3)).append(" ms of trace time");
        if (merged) {
            h.append(" (").append(d.binNs / d.windowNs).append(" timeline windows of ")
                    .append(Html.num(d.windowNs / 1e6, 3)).append(" ms merged per point, to keep at most ")
                    .append(ReportData.MAX_BINS).append(" points; the p99 curve shows the largest window p99)");
        }
        h.append(".</p>\n");
        if (hit.getSeriesCount() > 0) {
            page.chart(Charts.lines("TLB hit rate over time", "trace time (ms)", "translation hit rate (%)", hit, false,
                    false, null));
        }
        XYSeriesCollection p99 = page.timelineSeries(a -> a[4] < 0 ? null : a[4] / 1000.0);
        if (p99.getSeriesCount() > 0) {
            page.chart(Charts.lines("Interrupt p99 over time", "trace time (ms)",
                    merged ? "largest window p99 (µs)" : "p99 latency (µs)", p99, false, false, null));
        }
        XYSeriesCollection n = page.timelineSeries(a -> (double) a[3]);
        page.chart(Charts.lines("Interrupts over time", "trace time (ms)",
                "interrupts per " + Html.num(binMs, 3) + " ms", n, false, true, null));
    }
}
