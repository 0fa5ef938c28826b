package org.virtreplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.metrics.WalkLengthRow;

/**
 * VM names of 200,000 characters (valid in a trace): the charts and tables show short distinct
 * labels, the list of VMs the full names, escaped, once each. JFreeChart wrapping such a category label used to take hours
 * (quadratic in its length: 80,000 characters took 52 s); the timeout only turns that hang into a failure.
 */
class ReportLongNamesTest {
    @TempDir
    Path tmp;

    /**
     * 200,000 characters of markup-like text without a space (JFreeChart breaks lines at spaces, so a
     * name without any is the slow case), then a different ending per VM.
     */
    private static final String PREFIX = "<b>tenant&co</b>".repeat(12_500);
    private static final String ONE = PREFIX + "one";
    private static final String TWO = PREFIX + "two";

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** VMs 1 and 2, one vCPU each, with the same small numbers (the report's content is not under test here). */
    private void tables() throws Exception {
        MetricTableWriter.writeAll(tmp, MetricTables.RUN_INFO, RunInfo.rows(Map.of(RunInfo.TOOL_VERSION, "0.1.0",
                RunInfo.INPUT, "long-names", RunInfo.EVENTS_PROCESSED, "200", RunInfo.WINDOW_NS, "1000000",
                RunInfo.vmNameKey(1), ONE, RunInfo.vmNameKey(2), TWO)));
        MetricTableWriter.writeAll(tmp, MetricTables.TLB_STATS, List.of(
                new TlbStatsRow(0, 1, 0, "l1d", 1, 4096, 100, 90, 10, 10, 0, 0, 0, 10, 0, 0, 0, 10, 0),
                new TlbStatsRow(0, 2, 0, "l1d", 1, 4096, 100, 80, 20, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0)));
        MetricTableWriter.writeAll(tmp, MetricTables.STAGE2_FAULTS, List.of(
                new Stage2FaultRow(1, 0, "translation", 3, false, "lazy_map", 1, 100, 100),
                new Stage2FaultRow(2, 0, "translation", 3, false, "lazy_map", 1, 200, 200)));
        MetricTableWriter.writeAll(tmp, MetricTables.IRQ_LATENCY, List.of(
                new IrqLatencyRow(1, 0, "timer", 1, 1000, 1000, 1000, 1000, 1000, 1000, 1000.0, 200.0, 200.0, 200.0,
                        200.0, 200.0),
                new IrqLatencyRow(2, 0, "timer", 1, 2000, 2000, 2000, 2000, 2000, 2000, 2000.0, 400.0, 400.0, 400.0,
                        400.0, 400.0)));
        MetricTableWriter.writeAll(tmp, MetricTables.TIMELINE, List.of(
                new TimelineRow(0, 1_000_000, 1, 100, 90, 0.9, 1, 1, 1000L),
                new TimelineRow(0, 1_000_000, 2, 100, 80, 0.8, 1, 1, 2000L)));
        MetricTableWriter.writeAll(tmp, MetricTables.WALK_LENGTHS, List.of(new WalkLengthRow(0, 1, 0, 2, 10),
                new WalkLengthRow(0, 2, 0, 2, 20)));
    }

    @Test
    void chartsGetShortDistinctLabelsAndTablesTheFullEscapedNames() throws Exception {
        tables();
        String html = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Reports.html(tmp));
        // Chart labels: the names share their first 40 characters, so each is its first 32, "…"
        // and its id (" (vm N)", 7 characters): 40 in all.
        String label1 = esc(PREFIX.substring(0, 32) + "… (vm 1)");
        String label2 = esc(PREFIX.substring(0, 32) + "… (vm 2)");
        Matcher m = Pattern.compile("<svg[^>]*>.*?</svg>", Pattern.DOTALL).matcher(html);
        boolean seen1 = false;
        boolean seen2 = false;
        int svgs = 0;
        while (m.find()) {
            String svg = m.group();
            svgs++;
            assertFalse(svg.contains(esc(PREFIX.substring(0, 41))), "more than 40 characters of a name in a chart");
            assertFalse(svg.contains("<b>"), "unescaped markup in a chart");
            seen1 |= svg.contains(label1);
            seen2 |= svg.contains(label2);
        }
        assertTrue(svgs >= 5, "charts: " + svgs);
        assertTrue(seen1 && seen2, "both VMs' short labels appear in the charts");
        // Tables: the short label, linked to the list of VMs, which has the full name, escaped, once.
        assertTrue(html.contains("<tr><td><a href=\"#vm-1\">" + label1 + "</a></td><td>l1d</td>"), "TLB table, vm 1");
        assertTrue(html.contains("<tr><td><a href=\"#vm-2\">" + label2 + "</a></td><td>l1d</td>"), "TLB table, vm 2");
        assertTrue(html.contains("<td><a href=\"#vm-1\">" + label1 + "</a> / vCPU 0</td>"), "vCPU label in a table");
        for (String[] vm : new String[][] {{"1", ONE}, {"2", TWO}}) {
            String row = "<tr id=\"vm-" + vm[0] + "\">";
            assertEquals(1, count(html, row), "one row per VM in the list of VMs");
            int at = html.indexOf("<td>", html.indexOf("</td>", html.indexOf("class=\"n\">" + Html.count(ONE.length())
                    + "</td>", html.indexOf(row))));
            String full = "<td>" + esc(vm[1]) + "</td></tr>";
            assertTrue(html.startsWith(full, at), "the full escaped name in the list of VMs, vm " + vm[0]);
        }
        // Once each: the names' ends ("one", "two") are cut off every label, and the page is shorter
        // than two copies of the escaped names (it held 40 before).
        assertEquals(1, count(html, "&gt;one</td>"), "vm 1's full name, once");
        assertEquals(1, count(html, "&gt;two</td>"), "vm 2's full name, once");
        assertTrue(html.length() < 2 * (esc(ONE).length() + esc(TWO).length()), "page length " + html.length());
        assertFalse(html.contains("<b>tenant"), "unescaped markup from a name");
    }
}
