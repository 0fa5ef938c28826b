package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        // CPU apart from wall time: the 4 points (one group) shared one decoding of the 20,000 rows
        assertTrue(r.out().contains("\ncpu: mem decoding ") && r.out().contains(" (1 decoding of 20,000 rows; ")
                && r.out().contains(", models "), r.out());
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
    void theSweepSaysWhatEachPointRanWritesCsvAndReportRebuildsTheStudy() throws IOException {
        Path grid = tmp.resolve("grid-sched.txt");
        Files.writeString(grid, "vms = 1, 2\n");
        Path out = tmp.resolve("sched");
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(), "--out",
                out.toString(), "--set", "sched.quantum_us=500", "--require", "irq_p99_us<=100000", "--quiet");
        assertEquals(0, r.exit(), r.err());
        // both points change the host (vms), the defaults ask for the recorded schedule: replaced, said once
        assertEquals(List.of("virtreplay sweep: warning: all 2 points (vms=1; vms=2) change the host's VMs or PEs, "
                + "which the trace's recorded schedule (sched.policy=trace) cannot place: they ran the modelled fair "
                + "scheduler (500 µs quantum) instead. Set sched.policy (fair or pinned) in the grid or with --set to "
                + "choose the scheduler."), r.errLines());
        String html = Files.readString(out.resolve("sweep.html"));
        assertTrue(html.contains("id=\"schedule-warning\""));
        assertEquals(2, html.split("<td>fair <span class=\"bad\">\\(replaced trace\\)</span></td><td class=\"n\">500</td>",
                -1).length - 1, "the configuration table: both points ran fair with a 500 µs quantum");

        // sweep_results.csv beside the Parquet: the columns of docs/sweep.md, one line per point x VM
        List<String> csv = Files.readAllLines(out.resolve("sweep_results.csv"));
        assertEquals("point,params,vm,vm_name,vms,vcpus,pes,overcommit,core,tlb_l1i_entries,tlb_l1d_entries,"
                + "tlb_l2_entries,tlb_replacement,gic_list_registers,gic_v4,sched_policy,sched_quantum_us,"
                + "sched_replaced,s2_backing,seed,translations,tlb_misses,tlb_hit_rate,tlb_mpka,walk_reads,"
                + "walk_reads_per_access,walk_reads_per_walk,s2_faults,s2_faults_translation,s2_faults_access_flag,"
                + "s2_faults_permission,s2_faults_address_size,s2_faults_mmio,irq_count,irq_p50_us,irq_p99_us,"
                + "irq_p999_us,irq_max_us", csv.get(0));
        assertEquals(1 + 1 + 2, csv.size()); // header, point 0 (1 VM), point 1 (2 VMs)
        // the tiny trace: 2 VMs of 2 vCPUs on 2 PEs; vms=2 puts 4 vCPUs on the trace's 2 PEs
        assertTrue(csv.get(1).startsWith("0,vms=1,0,vm0,1,2,2,1.0,"), csv.get(1));
        assertTrue(csv.get(3).startsWith("1,vms=2,1,vm1,2,4,2,2.0,"), csv.get(3));
        assertTrue(csv.get(3).contains(",fair,500,true,"), csv.get(3));
        String[] cells = csv.get(3).split(",", -1);
        List<SweepResultRow> rows = MetricTableReader.readAll(out.resolve("sweep_results.parquet"),
                SweepTables.SWEEP_RESULTS);
        assertEquals(Long.toString(rows.get(2).translations()), cells[20], "the same rows as the Parquet");

        // `report` on the sweep's directory rebuilds the study from the tables into DIR/report
        IngestTestSupport.Result rep = IngestTestSupport.run("report", out.toString());
        assertEquals(0, rep.exit(), rep.err());
        assertTrue(rep.out().contains("study: " + out.resolve("report").resolve("sweep.html")), rep.out());
        assertArrayEquals(Files.readAllBytes(out.resolve("sweep_results.csv")),
                Files.readAllBytes(out.resolve("report/sweep_results.csv")));
        String rebuilt = Files.readString(out.resolve("report/sweep.html"));
        // the same page up to the grid (whose copy lists the points explicitly): answers, charts, points, configuration
        assertEquals(html.substring(0, html.indexOf("<section id=\"grid\">")),
                rebuilt.substring(0, rebuilt.indexOf("<section id=\"grid\">")));
        // a second time needs --force, as for a replay's report
        assertEquals(2, IngestTestSupport.run("report", out.toString()).exit());
        assertEquals(0, IngestTestSupport.run("report", out.toString(), "--force").exit());

        // a scheduler the user chose is no replacement: no warning
        IngestTestSupport.Result pinned = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(),
                "--out", tmp.resolve("pinned").toString(), "--set", "sched.policy=pinned", "--quiet");
        assertEquals(0, pinned.exit(), pinned.err());
        assertEquals("", pinned.err());
    }

    /**
     * Progress goes to the command's error writer, as in every command, not straight to the
     * process's stderr: an in-process caller (this test) sees it. stderr is not a terminal here, so
     * each finished point is one line; the generated trace is CSV, converted once first.
     */
    @Test
    void progressGoesToTheCommandsErrorWriterAndQuietSilencesIt() throws IOException {
        Path grid = tmp.resolve("grid-progress.txt");
        Files.writeString(grid, "s2.backing = 4k, 2m\n");
        IngestTestSupport.Result r = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(), "--out",
                tmp.resolve("progress").toString());
        assertEquals(0, r.exit(), r.err());
        List<String> err = r.err().lines().toList();
        assertTrue(err.contains("sweep: converting the trace's CSV tables to Parquet once, for all points"), r.err());
        assertTrue(err.stream().anyMatch(l -> l.startsWith("sweep: 1/2 points (50%), ")), r.err());
        assertTrue(err.stream().anyMatch(l -> l.startsWith("sweep: 2/2 points (100%), ")), r.err());
        IngestTestSupport.Result q = IngestTestSupport.run("sweep", trace.toString(), "--grid", grid.toString(), "--out",
                tmp.resolve("progress-q").toString(), "-q");
        assertEquals(0, q.exit(), q.err());
        assertFalse(q.err().contains("sweep: "), q.err());
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
