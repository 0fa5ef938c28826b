package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;

/** Sweeps of a tiny generated trace: files, determinism across worker counts, failure handling. */
class SweepRunnerTest {
    @TempDir
    static Path tmp;
    static Path trace;

    @BeforeAll
    static void generate() throws IOException {
        trace = tmp.resolve("trace");
        GenerateJob.run(tinyTrace(), trace, Compression.NONE, false, null);
    }

    /** 2 VMs x 2 vCPUs on 2 PEs, 20,000 accesses: a replay takes well under a second. */
    static GeneratorOptions tinyTrace() {
        GeneratorOptions g = new GeneratorOptions();
        g.seed = 7;
        g.vms = 2;
        g.vcpus = 2;
        g.pes = 2;
        g.accesses = 20_000;
        g.accessGapNs = 200;
        g.footprint = "2M";
        g.ram = "32M";
        g.timerHz = 2000;
        return g;
    }

    static SweepRunner.Result sweep(Path out, String grid, int workers, List<Requirement> reqs) throws IOException {
        return SweepRunner.run(new SweepRunner.Options(trace, out, Grid.parse("grid.txt", grid), Scenario.defaults(),
                "defaults", reqs, workers, true, false, "test"), Stage2Ports.kvm());
    }

    @Test
    void writesOneReplayPerPointAndOneRowPerPointAndVm() throws IOException {
        Path out = tmp.resolve("s1");
        SweepRunner.Result r = sweep(out, "vms = 1, 3\ns2.backing = 4k, 2m\n", 2,
                List.of(Requirement.parse("irq_p99_us<=1000000")));
        // points: (1,4k) (1,2m) (3,4k) (3,2m); vms=3 replicates the trace's first VM once
        for (String p : List.of("000", "001", "002", "003")) {
            RunOutput.open(out.resolve("points").resolve(p));
        }
        assertEquals(1 + 1 + 3 + 3, r.rows().size());
        assertEquals(8, MetricTableReader.readAll(out.resolve("sweep_results.parquet"), SweepTables.SWEEP_RESULTS).size());
        assertEquals(List.of(0, 1, 2, 2, 2, 3, 3, 3), r.rows().stream().map(SweepResultRow::point).toList());
        SweepResultRow last = r.rows().get(7);
        assertEquals(3, last.vms());
        assertEquals(6, last.vcpus()); // 3 VMs x 2 vCPUs
        assertEquals(2, last.pes()); // the trace's
        assertEquals(3.0, last.overcommit(), 0.0);
        assertEquals("2m", last.s2Backing());
        assertEquals("fair", last.schedPolicy()); // replicas cannot follow the recorded schedule
        assertEquals("vms=3 s2.backing=2m", last.params());
        assertTrue(last.translations() > 0);
        assertEquals(last.tlbHitRate(), 1.0 - last.tlbMisses() / (double) last.translations(), 1e-12);
        assertTrue(Files.isRegularFile(out.resolve("grid.txt")));
        assertTrue(Files.readString(out.resolve("answers.txt")).contains("largest vms"));
        // nothing left beside the output
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".s1")));
        }
    }

    @Test
    void theTableDoesNotDependOnTheWorkerCount() throws IOException {
        String grid = "points:\nvms=2 gic.list_registers=1\nvms=1 gic.list_registers=4\nvms=3 gic.list_registers=2\n";
        sweep(tmp.resolve("w1"), grid, 1, List.of());
        sweep(tmp.resolve("w3"), grid, 3, List.of());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("w1/sweep_results.parquet")),
                Files.readAllBytes(tmp.resolve("w3/sweep_results.parquet")));
    }

    @Test
    void anExistingOutputNeedsForce() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("exists"));
        BadInputException e = assertThrows(BadInputException.class, () -> sweep(out, "vms = 1\n", 1, List.of()));
        assertTrue(e.problems().get(0).endsWith("already exists; use --force to replace it"), e.problems().get(0));
    }

    @Test
    void aBadPointFailsBeforeAnythingRuns() {
        Path out = tmp.resolve("bad");
        BadInputException e = assertThrows(BadInputException.class,
                () -> sweep(out, "overcommit = 1, 0.0001\n", 1, List.of()));
        assertTrue(e.problems().get(0).startsWith("sweep point 1 (overcommit=0.0001): scenario key 'pes'"),
                e.problems().get(0));
        assertFalse(Files.exists(out));
    }

    @Test
    void aCsvTraceIsConvertedOnceAndGivesTheTableOfItsParquetCopy() throws IOException {
        // The generated trace is CSV: the sweep replays a Parquet copy made once in its temporary
        // directory. The same sweep over the trace ingested by hand must give the same bytes, and the
        // points' run_info must still name the user's trace (its directory name and digest).
        Path pq = tmp.resolve("trace-pq");
        org.virtreplay.ingest.convert.TraceConverter.convert(trace, pq,
                org.virtreplay.ingest.convert.TraceConverter.Form.PARQUET, 20, false);
        String grid = "gic.list_registers = 1, 4\n";
        Path fromCsv = tmp.resolve("csv-sweep");
        sweep(fromCsv, grid, 2, List.of());
        Path fromPq = tmp.resolve("pq-sweep");
        SweepRunner.run(new SweepRunner.Options(pq, fromPq, Grid.parse("grid.txt", grid), Scenario.defaults(),
                "defaults", List.of(), 2, true, false, "test"), Stage2Ports.kvm());
        assertArrayEquals(Files.readAllBytes(fromPq.resolve("sweep_results.parquet")),
                Files.readAllBytes(fromCsv.resolve("sweep_results.parquet")));
        java.util.Map<String, String> info = RunOutput.open(fromCsv.resolve("points/000")).runInfo();
        assertEquals("trace", info.get(org.virtreplay.analysis.metrics.RunInfo.INPUT));
        assertEquals(org.virtreplay.analysis.replay.ReplayJob.provenance(trace).digest(),
                info.get(org.virtreplay.analysis.metrics.RunInfo.INPUT_DIGEST));
        try (Stream<Path> s = Files.list(fromCsv)) {
            assertEquals(List.of("grid.txt", "points", "sweep_results.csv", "sweep_results.parquet", "timing.json"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no converted trace left behind");
        }
    }

    @Test
    void aBadCsvRowIsReportedWithItsLineAndNothingIsLeft() throws IOException {
        Path bad = tmp.resolve("bad-trace");
        org.virtreplay.ingest.convert.TraceConverter.convert(trace, bad,
                org.virtreplay.ingest.convert.TraceConverter.Form.CSV, 20, false);
        Path mem = bad.resolve("mem.csv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(mem));
        String[] f = lines.get(5).split(",", -1);
        f[f.length - 1] = "nine";
        lines.set(5, String.join(",", f));
        Files.write(mem, lines);
        Path out = tmp.resolve("bad-sweep");
        BadInputException e = assertThrows(BadInputException.class, () -> SweepRunner.run(new SweepRunner.Options(
                bad, out, Grid.parse("grid.txt", "vms = 1, 2\n"), Scenario.defaults(), "defaults", List.of(), 2,
                true, false, "test"), Stage2Ports.kvm()));
        assertTrue(e.problems().get(0).startsWith(mem + ":6: column '"), e.problems().get(0));
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".bad-sweep")), "temporary left");
        }
    }

    @Test
    void autoWorkersGivesOneWorkerPerTenMillionReplayedAccesses() {
        // A trace of 2 VMs and 6 M mem rows: a 2-VM point replays 6 M accesses, a 4-VM point
        // (each trace VM copied once more) 12 M, a 1-VM point 3 M.
        List<PointSetup> two = setups("vms = 2, 4\n");   // 6 M + 12 M = 18 M -> 2 workers
        assertEquals(2, SweepRunner.autoWorkers(6_000_000, 2, two, 8));
        assertEquals(1, SweepRunner.autoWorkers(6_000_000, 2, two, 1), "never more than the cores");
        List<PointSetup> small = setups("vms = 1, 2\n"); // 3 M + 6 M = 9 M -> 1 worker
        assertEquals(1, SweepRunner.autoWorkers(6_000_000, 2, small, 8));
        List<PointSetup> many = setups("vms = 1, 2, 3, 4, 5, 6\n"); // 3+6+9+12+15+18 = 63 M -> 7, capped at 6 points
        assertEquals(6, SweepRunner.autoWorkers(6_000_000, 2, many, 8));
        assertEquals(4, SweepRunner.autoWorkers(6_000_000, 2, many, 4));
        assertEquals(4, SweepRunner.autoWorkers(-1, 2, many, 4), "row count unknown: every core");
        assertEquals(1, SweepRunner.autoWorkers(0, 2, many, 4), "nothing to replay: one worker");
    }

    private static List<PointSetup> setups(String grid) {
        return SweepRunner.setups(trace, Grid.parse("grid.txt", grid), Scenario.defaults());
    }

    @Test
    void aSmallSweepLeftToItselfRunsOnOneWorker() throws IOException {
        // The worker pool is the sweep without the shared decoding (whose points run all at once).
        System.setProperty(SweepRunner.SHARED_DECODE_PROPERTY, "false");
        try {
            // 20,000 accesses per point: far below one worker's share
            SweepRunner.Result r = sweep(tmp.resolve("auto"), "gic.list_registers = 1, 2, 4\n",
                    SweepRunner.AUTO_WORKERS, List.of());
            assertEquals(1, r.workers());
            assertEquals(3, sweep(tmp.resolve("three"), "gic.list_registers = 1, 2, 4\n", 8, List.of()).workers(),
                    "an explicit count is kept, up to the number of points");
        } finally {
            System.clearProperty(SweepRunner.SHARED_DECODE_PROPERTY);
        }
        assertEquals(3, sweep(tmp.resolve("shared3"), "gic.list_registers = 1, 2, 4\n", SweepRunner.AUTO_WORKERS,
                List.of()).workers(), "shared decoding: the three points read one stream at once");
    }
}
