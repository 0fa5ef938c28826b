package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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

/** {@code virtreplay report} end to end: outputs, formats, exit codes and messages. */
class ReportCommandTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int exec(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    /** A minimal consistent run: 10 translations, 8 without a walk, one fault, one interrupt. */
    private Path run() throws Exception {
        Path run = dir.resolve("run");
        MetricTableWriter.writeAll(run, MetricTables.RUN_INFO,
                RunInfo.rows(Map.of(RunInfo.INPUT, "t", RunInfo.vmNameKey(0), "vm-a")));
        MetricTableWriter.writeAll(run, MetricTables.TLB_STATS, List.of(
                new TlbStatsRow(0, 0, 0, "l1d", 1, 4096, 10, 7, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new TlbStatsRow(0, 0, 0, "l2", 2, 4096, 3, 1, 2, 2, 0, 1, 1, 2, 1, 1, 1, 2, 0)));
        MetricTableWriter.writeAll(run, MetricTables.STAGE2_FAULTS,
                List.of(new Stage2FaultRow(0, 0, "translation", 3, false, "lazy_map", 1, 50, 50)));
        MetricTableWriter.writeAll(run, MetricTables.IRQ_LATENCY, List.of(new IrqLatencyRow(0, 0, "spi", 1, 900, 900,
                900, 900, 900, 900, 900.0, 400.0, 500.0, 0.0, 0.0, 0.0)));
        MetricTableWriter.writeAll(run, MetricTables.TIMELINE,
                List.of(new TimelineRow(0, 1_000_000, 0, 10, 8, 0.8, 1, 1, 900L)));
        return run;
    }

    @Test
    void writesCsvAndHtmlIntoDirReportByDefault() throws Exception {
        Path run = run();
        assertEquals(0, exec("report", run.toString()), err);
        assertEquals("CSV: 5 tables in " + run.resolve("report") + "\nreport: " + run.resolve("report/report.html")
                + "\n", err.replace(System.lineSeparator(), "\n"));
        // stdout: the summary only, from the tables above: 10 translations, 2 walks (hit rate
        // 1 - 2/10), 4 + 5 = 9 descriptor reads (4.5 per walk), one lazy_map fault, one spi
        // interrupt of 900 ns (no irq_events, but one vCPU's row holds the VM's own percentiles).
        assertEquals("""
                summary: t, 1 VM
                vm 0 vm-a: 10 translations, TLB hit rate 80.00 %, 2 walks, 4.50 descriptor reads per walk
                  stage-2 faults 1 (lazy_map 1)
                  interrupts n=1, p50 0.90 µs, p99 0.90 µs
                    by class (n, p50/p99 µs): spi 1, 0.90/0.90
                note: vm 0 (vm-a): interrupt p50/p99 rest on fewer than 100 samples: all classes n=1, spi n=1
                """, out.replace(System.lineSeparator(), "\n"));
        for (String t : List.of("run_info", "tlb_stats", "stage2_faults", "irq_latency", "timeline")) {
            assertTrue(Files.isRegularFile(run.resolve("report/" + t + ".csv")), t);
        }
        // 8 of 10 translations without a walk
        assertTrue(Files.readString(run.resolve("report/report.html")).contains("80.00 %"));
    }

    @Test
    void formatAndOutDir() throws Exception {
        Path run = run();
        Path d = dir.resolve("elsewhere");
        assertEquals(0, exec("report", run.toString(), "--format", "html", "--out-dir", d.toString()), err);
        assertTrue(Files.isRegularFile(d.resolve("report.html")));
        assertFalse(Files.exists(d.resolve("tlb_stats.csv")));
        assertEquals(0, exec("report", run.toString(), "--format=CSV", "--out-dir", d.resolve("c").toString()), err);
        assertTrue(Files.isRegularFile(d.resolve("c/tlb_stats.csv")));
        assertFalse(Files.exists(d.resolve("c/report.html")));
        assertEquals(2, exec("report", run.toString(), "--format", "pdf"));
        assertTrue(err.startsWith("virtreplay: --format: expected csv, html or both (the report's files), got 'pdf'\n"),
                err);
        // json is the summary's format, which other commands take as --format: the line says where it is
        assertEquals(2, exec("report", run.toString(), "--format", "json"));
        assertTrue(err.startsWith("virtreplay: --format: expected csv, html or both (the report's files), got 'json'; "
                + "the summary on stdout is --summary json\n"), err);
        assertEquals(2, exec("run", run.toString(), "--out", dir.resolve("r").toString(), "--format", "json"));
        assertTrue(err.startsWith("virtreplay: --format: expected csv, html or both (the report's files), got 'json'; "
                + "the summary on stdout is --summary json\n"), err);
    }

    @Test
    void badDirectoriesExitTwoWithOneClearLine() throws Exception {
        assertEquals(2, exec("report", dir.resolve("missing").toString()));
        assertEquals(dir.resolve("missing") + ": no such directory\n", err.replace("\r\n", "\n"));

        Files.createDirectories(dir.resolve("empty"));
        assertEquals(2, exec("report", dir.resolve("empty").toString()));
        assertTrue(err.startsWith(dir.resolve("empty") + ": not a virtreplay run output"), err);
        assertFalse(err.contains("\tat "), "stack trace printed");

        Path run = run();
        Files.writeString(run.resolve("tlb_stats.parquet"), "PAR1 this is not parquet");
        assertEquals(2, exec("report", run.toString()));
        assertEquals(run.resolve("tlb_stats.parquet") + ": not a Parquet file (no PAR1 magic at its end; truncated?)",
                err.strip());
        assertFalse(err.contains("\tat "), "stack trace printed");
        assertFalse(Files.exists(run.resolve("report/report.html")), "a report from a broken run");
    }

    @Test
    void inconsistentTablesGiveWarningsButAReport() throws Exception {
        Path run = run();
        // 7 + 4 != 10
        MetricTableWriter.writeAll(run, MetricTables.TLB_STATS, List.of(
                new TlbStatsRow(0, 0, 0, "l1d", 1, 4096, 10, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new TlbStatsRow(0, 0, 0, "l2", 2, 4096, 3, 1, 2, 2, 0, 1, 1, 2, 1, 1, 1, 2, 0)));
        assertEquals(0, exec("report", run.toString()));
        assertTrue(err.contains("virtreplay report: warning: tlb_stats pe=0 vm=0 vcpu=0 structure=l1d "
                + "page_size=4096: hits + misses = 11, but lookups = 10"), err);
    }

    @Test
    void help() {
        assertEquals(0, exec("report", "--help"));
        assertTrue(out.contains("--format") && out.contains("--out=") && !out.contains("--out-dir")
                && out.contains("Exit codes"), out);
    }
}
