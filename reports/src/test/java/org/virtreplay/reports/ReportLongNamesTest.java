package org.virtreplay.reports;

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
 * VM names of 200,000 characters (valid in a trace): the charts show short distinct labels, the
 * tables the full names, escaped. JFreeChart wrapping such a category label used to take hours
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
        // Tables: the full names, escaped (the TLB table's VM column, the vCPU column of the others).
        assertTrue(html.contains("<tr><td>" + esc(ONE) + "</td><td>l1d</td>"), "full name of vm 1 in the TLB table");
        assertTrue(html.contains("<tr><td>" + esc(TWO) + "</td><td>l1d</td>"), "full name of vm 2 in the TLB table");
        assertTrue(html.contains("<td>" + esc(ONE) + " / vCPU 0</td>"), "full vCPU label in a table");
        assertFalse(html.contains("<b>tenant"), "unescaped markup from a name");
    }
}
