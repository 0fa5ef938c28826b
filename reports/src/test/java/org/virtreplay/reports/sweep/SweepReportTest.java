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
                "fair", 4000, "4k", 1, 1000, 10, hit, 10.0, 40, 0.04, 4.0, 3, 3, 0, 0, 0, 0, 5,
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

    private static int count(String s, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
