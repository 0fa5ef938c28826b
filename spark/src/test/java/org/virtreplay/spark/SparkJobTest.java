package org.virtreplay.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.analysis.sweep.Grid;
import org.virtreplay.analysis.sweep.Requirement;
import org.virtreplay.analysis.sweep.SweepResultRow;
import org.virtreplay.analysis.sweep.SweepRunner;
import org.virtreplay.analysis.sweep.SweepTables;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;

/**
 * The Spark job in local[2] against the local runner: the same sweep of a tiny generated trace
 * must give the same sweep_results rows (and the same bytes), and a replay on Spark the same
 * tables as ReplayJob run directly. Paths go through Hadoop as file:// URIs.
 */
class SparkJobTest {
    @TempDir
    static Path tmp;
    static Path trace;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        trace = tmp.resolve("tiny");
        GeneratorOptions g = new GeneratorOptions();
        g.seed = 11;
        g.vms = 2;
        g.vcpus = 2;
        g.pes = 2;
        g.accesses = 15_000;
        g.accessGapNs = 200;
        g.footprint = "2M";
        g.ram = "32M";
        g.timerHz = 2000;
        GenerateJob.run(g, trace, Compression.NONE, false, null);
        spark = SparkSession.builder().master("local[2]").appName("virtreplay-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static String uri(Path p) {
        return p.toAbsolutePath().toUri().toString();
    }

    private record Ran(int exit, String out, String err) {
    }

    private static Ran run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = SparkJob.run(args, spark, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sparkSweepGivesTheLocalRunnersRows() throws IOException {
        String gridText = "vms = 1, 3\ns2.backing = 4k, 2m\n";
        Path grid = Files.writeString(tmp.resolve("grid.txt"), gridText);
        List<Requirement> reqs = List.of(Requirement.parse("irq_p99_us<=100000"));
        SweepRunner.Result local = SweepRunner.run(new SweepRunner.Options(trace, tmp.resolve("local"),
                Grid.parse(grid.toString(), gridText), Scenario.defaults(), "defaults", reqs, 2, true, false, "0.1.0"),
                Stage2Ports.kvm());

        Path sparkOut = tmp.resolve("spark-sweep");
        Ran r = run("sweep", uri(trace), "--grid", uri(grid), "--out", uri(sparkOut), "--require", "irq_p99_us<=100000");
        assertEquals(0, r.exit(), r.err());
        List<SweepResultRow> rows = MetricTableReader.readAll(sparkOut.resolve("sweep_results.parquet"),
                SweepTables.SWEEP_RESULTS);
        assertEquals(8, rows.size()); // 1 + 1 + 3 + 3 VMs
        assertEquals(local.rows(), rows);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("local/sweep_results.parquet")),
                Files.readAllBytes(sparkOut.resolve("sweep_results.parquet")));
        for (String p : List.of("000", "001", "002", "003")) {
            RunOutput.open(sparkOut.resolve("points").resolve(p));
        }
        assertTrue(Files.isRegularFile(sparkOut.resolve("sweep.html")));
        assertEquals(Files.readString(tmp.resolve("local/answers.txt")), Files.readString(sparkOut.resolve("answers.txt")));
        assertTrue(r.out().contains("largest vms"), r.out());
        try (Stream<Path> s = Files.walk(sparkOut)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".crc")), "no Hadoop checksum files");
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".spark-sweep.tmp")));
        }
    }

    @Test
    void sparkReplayWritesTheSameTablesAsReplayJob() throws IOException {
        Path out = tmp.resolve("spark-replay");
        Ran r = run("replay", uri(trace), "--out", uri(out), "--set", "gic.list_registers=2");
        assertEquals(0, r.exit(), r.err());
        Path host = out.resolve("tiny");
        RunOutput.open(host);
        Path direct = tmp.resolve("direct/tiny");
        ReplayJob.run(new ReplayJob.Options(trace, direct, Scenario.defaults().with(Scenario.Key.GIC_LIST_REGISTERS, "2"),
                "defaults", SweepRunner.WINDOW_NS, false, true, false, "x", Map.of()), Stage2Ports.kvm());
        for (var t : List.of(MetricTables.TLB_STATS, MetricTables.STAGE2_FAULTS, MetricTables.IRQ_LATENCY,
                MetricTables.TIMELINE, MetricTables.WALK_LENGTHS)) {
            assertArrayEquals(Files.readAllBytes(direct.resolve(t.fileName())), Files.readAllBytes(host.resolve(t.fileName())),
                    t.name());
        }
        assertTrue(r.out().startsWith("replayed tiny: "), r.out());
    }

    @Test
    void badInputIsExitTwoBeforeAnyTaskRuns() throws IOException {
        Path grid = Files.writeString(tmp.resolve("bad.txt"), "vms = 1\nfoo = 2\n");
        Ran r = run("sweep", uri(trace), "--grid", uri(grid), "--out", uri(tmp.resolve("never")));
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith(uri(grid) + ":2: unknown key 'foo'"), r.err());
        assertEquals(2, run("sweep", uri(trace), "--grid", uri(grid), "--out", uri(tmp.resolve("n2")), "--require",
                "bogus<1").exit());
        Ran missing = run("sweep", uri(tmp.resolve("no-such-trace")), "--grid", uri(tmp.resolve("grid-x.txt")),
                "--out", uri(tmp.resolve("n3")));
        assertEquals(2, missing.exit(), missing.err());
        assertEquals(2, run("frobnicate").exit());
        assertFalse(Files.exists(tmp.resolve("never")));
    }
}
