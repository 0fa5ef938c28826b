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
import java.nio.file.StandardOpenOption;
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
import org.virtreplay.analysis.metrics.RunTiming;
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
        // The 4 points are one group (one task): one decoding of the generator's 15,000 rows, and
        // every point's tables the bytes the local runner wrote.
        assertPointsAsLocal(tmp.resolve("local"), sparkOut, 4);
        String timing = Files.readString(sparkOut.resolve(RunTiming.FILE));
        assertTrue(timing.contains("\"points\": 4, \"mem_decodings\": 1, \"mem_rows_decoded\": 15000,"), timing);
        assertTrue(r.out().contains("\ncpu: mem decoding ") && r.out().contains("(1 decoding of 15,000 rows; "), r.out());
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

    /** Every file of every point (but the one holding times) is the same bytes in both sweeps. */
    private static void assertPointsAsLocal(Path local, Path spark, int points) throws IOException {
        for (int i = 0; i < points; i++) {
            Path l = local.resolve("points").resolve(String.format("%03d", i));
            Path s = spark.resolve("points").resolve(String.format("%03d", i));
            List<Path> files;
            try (Stream<Path> w = Files.list(l)) {
                files = w.map(l::relativize).filter(f -> !f.toString().equals(RunTiming.FILE)).sorted().toList();
            }
            try (Stream<Path> w = Files.list(s)) {
                assertEquals(files, w.map(s::relativize).filter(f -> !f.toString().equals(RunTiming.FILE)).sorted()
                        .toList());
            }
            assertTrue(files.size() > 5, files.toString());
            for (Path f : files) {
                assertArrayEquals(Files.readAllBytes(l.resolve(f)), Files.readAllBytes(s.resolve(f)), s.resolve(f)
                        .toString());
            }
        }
    }

    @Test
    void pointsPerTaskGroupsThePointsIntoPartitions() throws IOException {
        String gridText = "vms = 1, 2\ntlb.l2.entries = 0, 512\n";
        Path grid = Files.writeString(tmp.resolve("grid-ppt.txt"), gridText);
        Path local = tmp.resolve("local-ppt");
        SweepRunner.run(new SweepRunner.Options(trace, local, Grid.parse(grid.toString(), gridText),
                Scenario.defaults(), "defaults", List.of(), 2, true, false, "0.1.0"), Stage2Ports.kvm());
        Path out = tmp.resolve("spark-ppt");
        // 4 points, 3 per task: tasks {0, 1, 2} (one shared decoding) and {3} (decoding in line)
        Ran r = run("sweep", uri(trace), "--grid", uri(grid), "--out", uri(out), "--points-per-task", "3");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(Files.readAllBytes(local.resolve("sweep_results.parquet")),
                Files.readAllBytes(out.resolve("sweep_results.parquet")));
        assertPointsAsLocal(local, out, 4);
        String timing = Files.readString(out.resolve(RunTiming.FILE));
        assertTrue(timing.contains("\"points\": 4, \"mem_decodings\": 2, \"mem_rows_decoded\": 30000,"), timing);
        Ran bad = run("sweep", uri(trace), "--grid", uri(grid), "--out", uri(tmp.resolve("never-ppt")),
                "--points-per-task", "9");
        assertEquals(2, bad.exit(), bad.err());
        assertEquals(List.of("--points-per-task: expected at most 8 points per task (each holds a whole model in "
                + "the executor's memory), got '9'"), bad.err().lines().toList());
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

    private static List<String> leftBeside(String name) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + name + ".tmp")).toList();
        }
    }

    @Test
    void missingTracesAreOneLineEachBeforeAnyTask() throws IOException {
        // Before: the tasks failed on them, and the job exited 1 with Spark's stack trace.
        Path missing = tmp.resolve("no-such-trace");
        Ran r = run("replay", uri(trace), uri(missing), "no-such-relative-trace", "--out", uri(tmp.resolve("never-r")));
        assertEquals(2, r.exit(), r.err());
        // a relative path is the driver's working directory's, and the line says so
        Path relative = Path.of("").toAbsolutePath().resolve("no-such-relative-trace");
        assertEquals(List.of(uri(missing) + ": no such trace directory",
                "no-such-relative-trace: no such trace directory (file:" + relative + ")"), r.err().lines().toList());
        assertFalse(Files.exists(tmp.resolve("never-r")));
        assertEquals(List.of(), leftBeside("never-r"));
    }

    @Test
    void aBadRowFoundInATaskIsExitTwoNamingTheUsersFile() throws IOException {
        // The driver does not read a replay's trace; the task finds the row. Before: the task
        // failed (retried on a cluster) and the job exited 1 with a stack trace naming the
        // executor's copy of the trace.
        Path bad = Files.createDirectories(tmp.resolve("badrow"));
        try (Stream<Path> s = Files.list(trace)) {
            for (Path f : s.toList()) {
                Files.copy(f, bad.resolve(f.getFileName()));
            }
        }
        long line;
        try (Stream<String> s = Files.lines(bad.resolve("mem.csv"))) {
            line = s.count() + 1; // the header and every row, then ours
        }
        Files.writeString(bad.resolve("mem.csv"), "soon,0,0,0,r,0x1000,8\n", StandardOpenOption.APPEND);
        Ran r = run("replay", uri(bad), "--out", uri(tmp.resolve("never-b")));
        assertEquals(2, r.exit(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("file:" + bad.resolve("mem.csv") + ":" + line + ": "), r.err());
        assertTrue(lines.get(0).contains("soon"), r.err());
        assertFalse(Files.exists(tmp.resolve("never-b")));
        assertEquals(List.of(), leftBeside("never-b"));
    }

    @Test
    void outputTheDriverCannotSeeIsExitTwoAndLeavesNothing() throws IOException {
        // Tasks write to disks of their own (a file:// "cluster" without a shared mount). Before:
        // exit 0, "swept 2 points", and an output whose points/ was empty.
        Path executorDisk = Files.createDirectories(tmp.resolve("executor-disk"));
        System.setProperty(NodeLocalFileSystem.ROOT_PROPERTY, executorDisk.toString());
        spark.sparkContext().hadoopConfiguration().set("fs." + NodeLocalFileSystem.SCHEME + ".impl",
                NodeLocalFileSystem.class.getName());
        Path grid = Files.writeString(tmp.resolve("grid-nl.txt"), "vms = 1, 2\n");
        Path out = tmp.resolve("nl-out");
        Ran r = run("sweep", uri(trace), "--grid", uri(grid), "--out", NodeLocalFileSystem.SCHEME + "://" + out);
        assertEquals(2, r.exit(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith(NodeLocalFileSystem.SCHEME + ":" + out
                + ": the tables of 2 of 2 points did not reach the output although their tasks wrote them"
                + " (points/000/exit_stats.parquet is missing); the driver and every executor must see the same"
                + " filesystem at that path"),
                r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), leftBeside("nl-out"));
        // the tasks did write them, where the driver cannot see
        try (Stream<Path> s = Files.walk(executorDisk)) {
            assertEquals(2, s.filter(p -> p.getFileName().toString().equals(MetricTables.TLB_STATS.fileName())).count());
        }
    }

    @Test
    void anOutThatCannotBeCreatedIsOneLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory\n");
        String out = uri(file.resolve("out"));
        Ran r = run("replay", uri(trace), "--out", out);
        assertEquals(2, r.exit(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("--out " + out + ": cannot create directory "), r.err());
    }
}
