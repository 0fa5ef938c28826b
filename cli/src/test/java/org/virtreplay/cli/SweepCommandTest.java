package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.sweep.SweepResultRow;
import org.virtreplay.analysis.sweep.SweepTables;

/** {@code virtreplay sweep} end to end on a tiny generated trace, and its bad-input exits. */
class SweepCommandTest {
    @TempDir
    static Path tmp;
    static Path trace;

    @BeforeAll
    static void generate() {
        trace = tmp.resolve("tiny");
        IngestTestSupport.Result g = IngestTestSupport.run("generate", "--out", trace.toString(), "--seed", "3",
                "--vms", "2", "--vcpus", "2", "--pes", "2", "--accesses", "20000", "--access-gap-ns", "200",
                "--footprint", "2M", "--ram", "32M", "--timer-hz", "2000", "--quiet");
        assertEquals(0, g.exit(), g.err());
    }

    @Test
    void sweepsWritesTheStudyAndAnswers() throws IOException {
        Path grid = tmp.resolve("grid.txt");
        Files.writeString(grid, "# two VM counts, two backings\nvms = 1, 2\ns2.backing = 4k, 2m\n");
        Path out = tmp.resolve("out");
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(), "--out",
                out.toString(), "--workers", "2", "--require", "irq_p99_us<=100000", "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("swept 4 points (6 rows)"), r.out()); // 1+1+2+2 VMs
        // a requirement every VM meets (100 ms): the largest vms for each backing is 2
        List<String> lines = r.out().lines().toList();
        int head = lines.indexOf("s2.backing  largest vms  worst irq_p99_us  note");
        assertTrue(head > 0, r.out());
        assertTrue(lines.get(head + 2).matches("4k {10}2 {12}[0-9.]+"), lines.get(head + 2));
        assertTrue(lines.get(head + 3).matches("2m {10}2 {12}[0-9.]+"), lines.get(head + 3));
        List<SweepResultRow> rows = MetricTableReader.readAll(out.resolve("sweep_results.parquet"),
                SweepTables.SWEEP_RESULTS);
        assertEquals(6, rows.size());
        String html = Files.readString(out.resolve("sweep.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg"), "charts are inline SVG");
        assertTrue(html.contains("knee vms=2"), "the knee is marked on the charts");
        assertFalse(html.contains("<script") || html.contains("http://") && !html.contains("http://www.w3.org"),
                "self-contained: no script, no external resource");
        assertTrue(Files.isDirectory(out.resolve("points/003")));
    }

    @Test
    void aBadGridIsExitTwoWithFileAndLine() throws IOException {
        Path grid = tmp.resolve("bad-grid.txt");
        Files.writeString(grid, "vms = 1, 2\ngic.v4 = maybe\n");
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(), "--out",
                tmp.resolve("never").toString());
        assertEquals(2, r.exit());
        assertEquals(List.of(grid + ":2: key 'gic.v4': expected true or false, got 'maybe'"), r.errLines());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void anUnknownMetricIsExitTwo() throws IOException {
        Path grid = tmp.resolve("grid2.txt");
        Files.writeString(grid, "vms = 1, 2\n");
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(), "--out",
                tmp.resolve("never2").toString(), "--require", "latency<=5");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).startsWith("--require 'latency<=5': unknown metric 'latency'; known metrics: "),
                r.err());
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void badWorkersAndMissingOptionsAreUsageErrors() {
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", trace.toString(), "--grid", "g", "--out", "o",
                "--workers", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--workers: expected a positive number, got 0"), r.err());
        assertEquals(2, IngestTestSupport.run("sweep", trace.toString(), "--out", "o").exit());
    }

    @Test
    void helpDescribesTheGrid() {
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--require"));
        assertTrue(r.out().contains("overcommit"));
    }
}
