package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;

/**
 * {@code virtreplay report} on a run whose two VMs have names of 2 MB (valid in a trace), in a
 * child JVM with a 128 MB heap. The page used to be built whole in memory with each full name in
 * 40 places (about 700 MB of text for these names); now it is streamed to its file and holds each
 * name once, in the list of VMs.
 */
class ReportMemoryTest {
    @TempDir
    Path tmp;

    /** 2 MB of markup without a space, then an ending per VM that no label keeps. */
    private static final String PREFIX = "<i>x&y</i>\"'".repeat(2 * 1024 * 1024 / 12);
    private static final String ONE = PREFIX + "@one";
    private static final String TWO = PREFIX + "@two";

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aReportOfMegabyteNamesRunsIn128MbAndHoldsEachNameOnce() throws Exception {
        Path run = tmp.resolve("run");
        MetricTableWriter.writeAll(run, MetricTables.RUN_INFO, RunInfo.rows(Map.of(RunInfo.TOOL_VERSION, "0.1.0",
                RunInfo.INPUT, "long-names", RunInfo.EVENTS_PROCESSED, "200", RunInfo.WINDOW_NS, "1000000",
                RunInfo.vmNameKey(1), ONE, RunInfo.vmNameKey(2), TWO)));
        MetricTableWriter.writeAll(run, MetricTables.TLB_STATS, List.of(
                new TlbStatsRow(0, 1, 0, "l1d", 1, 4096, 100, 90, 10, 10, 0, 0, 0, 10, 0, 0, 0, 10, 0),
                new TlbStatsRow(0, 2, 0, "l1d", 1, 4096, 100, 80, 20, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0)));
        MetricTableWriter.writeAll(run, MetricTables.STAGE2_FAULTS, List.of(
                new Stage2FaultRow(1, 0, "translation", 3, false, "lazy_map", 1, 100, 100),
                new Stage2FaultRow(2, 0, "translation", 3, false, "lazy_map", 1, 200, 200)));
        MetricTableWriter.writeAll(run, MetricTables.IRQ_LATENCY, List.of(
                new IrqLatencyRow(1, 0, "timer", 1, 1000, 1000, 1000, 1000, 1000, 1000, 1000.0, 200.0, 200.0, 200.0,
                        200.0, 200.0),
                new IrqLatencyRow(2, 0, "timer", 1, 2000, 2000, 2000, 2000, 2000, 2000, 2000.0, 400.0, 400.0, 400.0,
                        400.0, 400.0)));
        MetricTableWriter.writeAll(run, MetricTables.TIMELINE, List.of(
                new TimelineRow(0, 1_000_000, 1, 100, 90, 0.9, 1, 1, 1000L),
                new TimelineRow(0, 1_000_000, 2, 100, 80, 0.8, 1, 1, 2000L)));
        Path out = tmp.resolve("report");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Djava.awt.headless=true", "-XX:TieredStopAtLevel=1", "-cp", cp,
                VirtReplay.class.getName(), "report", run.toString(), "--out-dir", out.toString()));
        Path stdout = tmp.resolve("stdout");
        Path stderr = tmp.resolve("stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        int exit = p.waitFor();
        String err = Files.readString(stderr);
        assertEquals(0, exit, err.substring(0, Math.min(3000, err.length())));
        for (String line : (Files.readString(stdout) + err).split("\n")) {
            assertTrue(line.length() < 300, () -> "a long terminal line: " + line.substring(0, 300));
        }

        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        // Each full name once, escaped, in its row of the list of VMs: the endings "@one" and "@two"
        // are cut off every label, and the page is shorter than two copies of the escaped names.
        assertEquals(1, count(html, "@one"), "vm 1's full name, once");
        assertEquals(1, count(html, "@two"), "vm 2's full name, once");
        for (String[] vm : new String[][] {{"1", ONE}, {"2", TWO}}) {
            int row = html.indexOf("<tr id=\"vm-" + vm[0] + "\">");
            assertTrue(row > 0, "vm " + vm[0] + " in the list of VMs");
            String full = "<td>" + esc(vm[1]) + "</td></tr>";
            int at = html.indexOf("@" + (vm[0].equals("1") ? "one" : "two")) + 4 + "</td></tr>".length() - full.length();
            assertTrue(at > row && html.startsWith(full, at), "the full escaped name of vm " + vm[0]);
        }
        assertTrue(html.length() < 2 * (esc(ONE).length() + esc(TWO).length()), "page length " + html.length());
        assertFalse(html.contains("<i>x"), "unescaped markup from a name");
        // The CSV tables keep the full names: run_info.csv has each once, quoted (it holds '"').
        String csv = Files.readString(out.resolve("run_info.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.contains("\"" + ONE.replace("\"", "\"\"") + "\""), "vm 1's name in run_info.csv");
        assertEquals(1, count(csv, "@one"));
    }
}
