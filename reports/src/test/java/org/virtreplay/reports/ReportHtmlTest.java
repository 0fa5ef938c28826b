package org.virtreplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.engine.BadInputException;

/** The HTML report's content: numbers worked out by hand, escaping, self-containment, missing tables. */
class ReportHtmlTest {
    @TempDir
    Path tmp;

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void summaryCardsCarryTheHandComputedNumbers() throws Exception {
        RunFixtures.small(tmp, true);
        String html = Reports.html(tmp);
        // 96 of 100 translations without a walk (timeline 57/60 + 39/40)
        assertTrue(html.contains("<div class=\"ct\">TLB hit rate</div><div class=\"cv\">96.00 %</div>"), html);
        assertTrue(html.contains("<div class=\"ct\">Stage-2 faults</div><div class=\"cv\">3</div>"), html);
        // p99 of {1000, 3000} ns by nearest rank is 3000 ns = 3.00 µs
        assertTrue(html.contains("<div class=\"ct\">Interrupt p99</div><div class=\"cv\">3.00 µs</div>"), html);
        assertTrue(html.contains("<div class=\"ct\">Events processed</div><div class=\"cv\">105</div>"), html);
        assertTrue(html.contains("<div class=\"ct\">VMs</div><div class=\"cv\">1</div>"), html);
        // mean walk: 16 reads / 4 walks = 4.00; stage 1 8/4 = 2.00
        assertTrue(html.contains("<td class=\"n\">4</td><td class=\"n\">16</td><td class=\"n\">4.00</td>"
                + "<td class=\"n\">2.00</td><td class=\"n\">2.00</td>"), html);
        assertTrue(html.contains("The tables are consistent"), html);
    }

    @Test
    void everyTraceNameIsEscapedInHtmlAndSvg() throws Exception {
        RunFixtures.small(tmp, true);
        String html = Reports.html(tmp);
        assertFalse(html.contains("<script"), "a script element in the report");
        assertFalse(html.contains("alert(1)</"), "unescaped end tag");
        assertFalse(html.contains("\"dq\""), "unescaped double quotes from the trace");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;dq&quot; &#39;sq&#39; / vCPU 0"),
                "escaped vCPU label in a table");
        // inside the SVG charts (legend, categories) the name is XML-escaped too
        Matcher m = Pattern.compile("<svg[^>]*>.*?</svg>", Pattern.DOTALL).matcher(html);
        int svgs = 0;
        boolean nameInSvg = false;
        while (m.find()) {
            svgs++;
            String svg = m.group();
            assertFalse(svg.contains("<script"), "script in SVG");
            nameInSvg |= svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
        assertTrue(svgs >= 8, "charts: " + svgs);
        assertTrue(nameInSvg, "the VM name should appear, escaped, in some chart");
        assertTrue(html.contains("<td><code>option.note</code></td><td>a,b &quot;c&quot;</td>"));
    }

    /**
     * Issue 14, item 4: the wall time (timing.json) stays out of the page, so that two runs of the
     * same inputs, which never take the same time, give the same report.
     */
    @Test
    void theWallTimeStaysOutOfTheReport() throws Exception {
        RunFixtures.small(tmp, true);
        new RunTiming(1_250_000_000L, 105).write(tmp); // a run that took 1.25 s
        String html = Reports.html(tmp);
        new RunTiming(7_000_000_000L, 105).write(tmp); // the same run, taking 7 s
        assertEquals(html, Reports.html(tmp), "the report changed with the wall time");
        assertFalse(html.contains("Wall time"), "a wall-time card");
        assertFalse(html.contains("1.25 s") || html.contains("1.250 s"), "the fixture's wall time, 1.25 s");
    }

    @Test
    void selfContainedAndDeterministic() throws Exception {
        RunFixtures.generated(tmp, true);
        String html = Reports.html(tmp);
        assertEquals(html, Reports.html(tmp), "two renders differ");
        String lower = html.toLowerCase();
        for (String bad : List.of("<script", "<link", "<img", "<iframe", "@import", " src=", "xlink:href=\"http")) {
            assertFalse(lower.contains(bad), "external resource or script: " + bad);
        }
        // url(...) only for the charts' own clip paths
        assertFalse(Pattern.compile("url\\((?!#)").matcher(lower).find(), "url() to something outside");
        // the only http URLs are XML namespace names (xmlns attributes), which are never fetched
        String noNs = html.replaceAll("xmlns(:\\w+)?=(\"[^\"]*\"|'[^']*')", "");
        Matcher m = Pattern.compile("https?://[^\"'\\s<>)]+").matcher(noNs);
        assertFalse(m.find(), () -> "a URL in the report: " + m.group());
        // one <svg> per <figure>, unique ids, and one CDF per interrupt class (4 classes)
        assertEquals(count(html, "<figure class=\"chart\">"), count(html, "<svg "));
        assertEquals(4, count(html, "Interrupt latency CDF: "));
        Matcher ids = Pattern.compile("<svg id='(chart\\d+)'").matcher(html);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (ids.find()) {
            assertTrue(seen.add(ids.group(1)), "duplicate id " + ids.group(1));
        }
        assertTrue(seen.size() >= 10, "charts: " + seen.size());
        assertTrue(html.contains("The tables are consistent"), "the generated fixture should be consistent");
    }

    @Test
    void missingOptionalTablesAreNamedNotFatal() throws Exception {
        RunFixtures.small(tmp, false);
        String html = Reports.html(tmp);
        assertTrue(html.contains("walk_lengths is not in this run"), html);
        assertTrue(html.contains("fault_events is not in this run"), html);
        assertTrue(html.contains("irq_events is not in this run"), html);
        // the CDF falls back to the percentiles
        assertTrue(html.contains("drawn through the recorded percentiles"), html);
        assertTrue(html.contains("Interrupt latency CDF: timer"), html);
    }

    @Test
    void inconsistentTablesAreReportedNotHidden() throws Exception {
        RunFixtures.small(tmp, true);
        Files.delete(tmp.resolve("irq_events.parquet"));
        org.virtreplay.analysis.metrics.MetricTableWriter.writeAll(tmp,
                org.virtreplay.analysis.metrics.MetricTables.IRQ_EVENTS,
                List.of(new org.virtreplay.analysis.metrics.IrqEventRow(500_000, 1, 0, "timer", 27, 1000, 0, 200, 0,
                        300, 500)));
        String html = Reports.html(tmp);
        assertTrue(html.contains("consistency problem(s)"), html);
        assertTrue(html.contains("count 2, but irq_events has 1 rows"), html);
    }

    @Test
    void writesHtmlAndCsvAtomically() throws Exception {
        RunFixtures.small(tmp, true);
        Path out = tmp.resolve("report");
        Reports.Result r = Reports.write(tmp, out, ReportFormat.BOTH);
        assertEquals(9, r.files().size()); // 8 tables + report.html
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        try (var s = Files.list(out)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".")).count());
        }
        Path onlyCsv = tmp.resolve("csv-only");
        assertEquals(8, Reports.write(tmp, onlyCsv, ReportFormat.CSV).files().size());
        assertFalse(Files.exists(onlyCsv.resolve("report.html")));
        assertThrows(BadInputException.class, () -> Reports.write(tmp.resolve("nope"), out, ReportFormat.BOTH));
    }

    @Test
    void longTimelinesAreMergedIntoAtMostAThousandPoints() throws Exception {
        RunFixtures.small(tmp, false);
        // 2500 windows of 1 ms: ceil(2500 / 1000) = 3 windows per point, so 834 points
        List<org.virtreplay.analysis.metrics.TimelineRow> rows = new java.util.ArrayList<>();
        for (int w = 0; w < 2500; w++) {
            rows.add(new org.virtreplay.analysis.metrics.TimelineRow(w * 1_000_000L, (w + 1) * 1_000_000L, 1, 10, 9,
                    0.9, 0, 0, null));
        }
        org.virtreplay.analysis.metrics.MetricTableWriter.writeAll(tmp,
                org.virtreplay.analysis.metrics.MetricTables.TIMELINE, rows);
        String html = Reports.html(tmp);
        assertTrue(html.contains("in windows of 3.000 ms of trace time (3 timeline windows of 1.000 ms merged per "
                + "point"), html.substring(0, Math.min(html.length(), 400)));
        // the summary still counts every window: 2500 * 9 / (2500 * 10) = 90.00 %
        assertTrue(html.contains("<div class=\"cv\">90.00 %</div>"));
    }
}
