package org.virtreplay.reports.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.virtreplay.analysis.sweep.Grid;
import org.virtreplay.analysis.sweep.Knees;
import org.virtreplay.analysis.sweep.Metric;
import org.virtreplay.analysis.sweep.Requirement;
import org.virtreplay.analysis.sweep.SweepResultRow;

class SweepReportTest {

    private static SweepResultRow row(int point, int vm, String name, Double p99, Double hit) {
        return new SweepResultRow(point, "p", vm, name, 2, 4, 4, 1.0, "neoverse-n1", 48, 48, 1280, "lru", 4, false,
                "fair", 4000, false, "4k", 1, 1000, 10, hit, 10.0, 40, 0.04, 4.0, 3, 3, 0, 0, 0, 0, 5,
                p99 == null ? null : p99 / 2, p99, p99, p99);
    }

    @Test
    void bandIsMinMedianMaxOverDefinedValues() {
        // p99 of three VMs 30, 10, 20 and one without interrupts: min 10, median 20, max 30
        List<SweepResultRow> rs = List.of(row(0, 0, "a", 30.0, 0.9), row(0, 1, "b", 10.0, 0.9),
                row(0, 2, "c", 20.0, 0.9), row(0, 3, "d", null, 0.9));
        assertArrayEquals(new double[] {10, 20, 30}, SweepReport.band(Metric.IRQ_P99_US, rs));
        // an even count takes the mean of the middle two: (10 + 20) / 2
        assertArrayEquals(new double[] {10, 15, 20},
                SweepReport.band(Metric.IRQ_P99_US, List.of(row(0, 0, "a", 20.0, 0.9), row(0, 1, "b", 10.0, 0.9))));
        assertNull(SweepReport.band(Metric.IRQ_P99_US, List.of(row(0, 0, "a", null, 0.9))));
    }

    @Test
    void axisOrderIsNumericOrByPageSize() {
        assertEquals(List.of("1", "2", "10"), SweepReport.ordered("vms", List.of("10", "1", "2")));
        assertEquals(List.of("4k", "64k", "2m", "1g"), SweepReport.ordered("s2.backing", List.of("2m", "4k", "1g", "64k")));
        assertEquals(List.of("neoverse-n2", "cortex-a76"), SweepReport.ordered("core", List.of("neoverse-n2", "cortex-a76")));
    }

    @Test
    void studyHasAChartPerMetricAndSweptParameterAndMarksTheKnee() {
        Grid g = Grid.parse("<grid>.txt", "vms = 1, 2\ns2.backing = 4k, 2m\n");
        List<SweepResultRow> rows = new ArrayList<>();
        double[] p99 = {10, 10, 60, 20}; // points (1,4k) (1,2m) (2,4k) (2,2m)
        for (int p = 0; p < 4; p++) {
            rows.add(row(p, 0, "vm<0>", p99[p], 0.99));
        }
        Knees.Result k = Knees.find(g, rows, List.of(Requirement.parse("irq_p99_us<=50")));
        String html = SweepReport.render("trace & co", "1.2.3", g, rows, k);
        assertEquals(Metric.charted().size() * 2, count(html, "<figure class=\"chart\">"));
        assertEquals(Metric.charted().size() * 2, count(html, "<svg"));
        // 4k: largest vms 1; 2m: largest vms 2 -> one knee line each on every chart by vms
        assertTrue(html.contains("knee vms=1 (s2.backing=4k)"));
        assertTrue(html.contains("knee vms=2 (s2.backing=2m)"));
        assertTrue(html.contains("required: irq_p99_us&lt;=50"));
        // escaped: the grid's source name and the trace name
        assertTrue(html.contains("&lt;grid&gt;.txt"));
        assertTrue(html.contains("trace &amp; co"));
        assertFalse(html.contains("<grid>"));
        assertFalse(html.contains("<script"));
        // deterministic: the same input renders the same text
        assertEquals(html, SweepReport.render("trace & co", "1.2.3", g, rows, k));
    }

    @Test
    void aLongRequirementGetsAShortChartLabel() {
        // --require text is the user's: "irq_p99_us<=" then 100,000 zeros and "50" is a valid bound
        // of 50 µs. The chart's bound label is cut to 80 characters; the answers keep the whole text.
        String req = "irq_p99_us<=" + "0".repeat(100_000) + "50";
        Grid g = Grid.parse("grid.txt", "vms = 1, 2\n");
        List<SweepResultRow> rows = List.of(row(0, 0, "vm0", 10.0, 0.99), row(1, 0, "vm0", 60.0, 0.99));
        Knees.Result k = Knees.find(g, rows, List.of(Requirement.parse(req)));
        String html = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> SweepReport.render("trace", "1.2.3", g, rows, k));
        Matcher m = Pattern.compile("<svg[^>]*>.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            assertFalse(m.group().contains("0".repeat(81)), "more than 80 characters of user text in a chart");
        }
        // "required: irq_p99_us<=" (22 characters), 57 zeros and "…" = 80
        assertTrue(html.contains(">required: irq_p99_us&lt;=" + "0".repeat(57) + "…<"), "the bound's label");
        assertTrue(html.contains("irq_p99_us&lt;=" + "0".repeat(100_000) + "50"), "the answers keep the full text");
    }

    /** {@code row} with the scheduler a point ran: policy, quantum, and whether it replaced the recorded one. */
    private static SweepResultRow sched(int point, String params, double p99, String policy, long quantum,
            boolean replaced) {
        return new SweepResultRow(point, params, 0, "vm0", point + 1, 2 * (point + 1), 2, point + 1.0, "neoverse-n1",
                48, 48, 1280, "lru", 4, false, policy, quantum, replaced, "trace", 1, 1000, 10, 0.99, 10.0, 40, 0.04,
                4.0, 0, 0, 0, 0, 0, 0, 5, p99 / 2, p99, p99, p99);
    }

    @Test
    void latencyAxesAreLogarithmicWhenTheValuesSpanMoreThanTwoDecades() {
        Grid g = Grid.parse("grid.txt", "vms = 1, 2\n");
        // p99 2 and 500 µs (p50 1 and 250): 250x, more than two decades, on the three latency charts
        List<SweepResultRow> wide = List.of(sched(0, "vms=1", 2, "fair", 4000, false),
                sched(1, "vms=2", 500, "fair", 4000, false));
        String html = SweepReport.render("t", "1", g, wide, Knees.find(g, wide, List.of()));
        assertEquals(3, count(html, "; logarithmic axis: the values span more than two decades</figcaption>"),
                "p50, p99 and p99.9 charts; the TLB charts stay linear");
        // p99 10 and 1000 µs (p50 5 and 500): exactly 100x, two decades, not more: linear
        List<SweepResultRow> narrow = List.of(sched(0, "vms=1", 10, "fair", 4000, false),
                sched(1, "vms=2", 1000, "fair", 4000, false));
        assertEquals(0, count(SweepReport.render("t", "1", g, narrow, Knees.find(g, narrow, List.of())),
                "logarithmic axis"));
    }

    @Test
    void logScaleNeedsPositiveValuesSpanningMoreThanAHundredfold() {
        assertTrue(SweepCharts.logScale(data(1.5, 151)));
        assertFalse(SweepCharts.logScale(data(1.5, 150)));
        assertFalse(SweepCharts.logScale(data(0, 1000)), "zero has no place on a log axis");
        assertTrue(SweepCharts.bands("t", "x", List.of("a", "b"), "y", data(1.5, 151), 50.0, "b", List.of(), true)
                .getXYPlot().getRangeAxis() instanceof org.jfree.chart.axis.LogAxis);
        assertTrue(SweepCharts.bands("t", "x", List.of("a", "b"), "y", data(1.5, 150), 50.0, "b", List.of(), false)
                .getXYPlot().getRangeAxis() instanceof org.jfree.chart.axis.NumberAxis);
    }

    private static org.jfree.data.xy.YIntervalSeriesCollection data(double lo, double hi) {
        org.jfree.data.xy.YIntervalSeries s = new org.jfree.data.xy.YIntervalSeries("s");
        s.add(0, lo, lo, lo);
        s.add(1, hi, hi, hi);
        org.jfree.data.xy.YIntervalSeriesCollection c = new org.jfree.data.xy.YIntervalSeriesCollection();
        c.addSeries(s);
        return c;
    }

    @Test
    void theStudyShowsEachPointsSchedulerAndWarnsWhereTheRecordedOneWasReplaced() {
        Grid g = Grid.parse("grid.txt", "vms = 1, 2\n");
        List<SweepResultRow> rows = List.of(sched(0, "vms=1", 10, "fair", 500, true),
                sched(1, "vms=2", 20, "fair", 500, true));
        String html = SweepReport.render("t", "1", g, rows, Knees.find(g, rows, List.of()));
        assertTrue(html.contains("<p class=\"warn\" id=\"schedule-warning\"><strong>Warning:</strong> all 2 points "
                + "(vms=1; vms=2) change the host&#39;s VMs or PEs"), html);
        assertTrue(html.contains("the modelled fair scheduler (500 µs quantum) instead."));
        // the points table names the scheduler; the configuration table has a row per point
        assertEquals(2, count(html, "<td>fair, 500 µs quantum (replaced trace)</td>"));
        assertTrue(html.contains("<section id=\"configuration\">"));
        assertEquals(2, count(html, "<td>fair <span class=\"bad\">(replaced trace)</span></td><td class=\"n\">500</td>"));
        // point 1: 2 VMs, 4 vCPUs on 2 PEs, 2 vCPUs per PE
        assertTrue(html.contains("<tr><td class=\"n\">1</td><td>vms=2</td><td class=\"n\">2</td><td class=\"n\">4</td>"
                + "<td class=\"n\">2</td><td class=\"n\">2</td><td>neoverse-n1</td>"
                + "<td class=\"n\">48 / 48 / 1280</td><td>lru</td><td class=\"n\">4</td><td>off</td>"), html);
        // the recorded schedule, kept: no warning, no quantum
        List<SweepResultRow> kept = List.of(sched(0, "vms=1", 10, "trace", 4000, false),
                sched(1, "vms=2", 20, "pinned", 4000, false));
        String h2 = SweepReport.render("t", "1", g, kept, Knees.find(g, kept, List.of()));
        assertFalse(h2.contains("schedule-warning"));
        assertTrue(h2.contains("<td>trace</td>"));
        assertTrue(h2.contains("<td>pinned, 4000 µs quantum</td>"));
    }

    private static int count(String s, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
