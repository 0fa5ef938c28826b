package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTable;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.MetricsConsistency;
import org.virtreplay.analysis.metrics.RunOutput;

/**
 * Issue 7's acceptance on the quickstart sample: {@code virtreplay run} writes every table and the
 * report; a Parquet reader that is not ours (parquet-hadoop's example {@link GroupReadSupport})
 * reads every table, and the numbers it reads are consistent by rules derived from
 * docs/metrics.md (computed here from the raw groups, not by our reader); a second run of the
 * same trace with the same options gives byte-identical files, the report included.
 */
class RunAcceptanceTest {
    @TempDir
    static Path tmp;

    static Path run1;
    static Path run2;
    static String runStdout;

    static final List<String> TABLES = List.of("run_info", "tlb_stats", "walk_lengths", "stage2_faults",
            "fault_events", "irq_latency", "irq_events", "timeline");

    static Path quickstart() {
        // Surefire runs in the module directory (cli/); the sample is beside it.
        Path p = Path.of("..", "sample-traces", "quickstart").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(p), p.toString());
        return p;
    }

    static String[] exec(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = VirtReplay.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new String[] {Integer.toString(code), o.toString(), e.toString()};
    }

    @BeforeAll
    static void runTwice() {
        run1 = tmp.resolve("a");
        run2 = tmp.resolve("b");
        String[] res = exec("run", quickstart().toString(), "--out", run1.toString(), "-q");
        assertEquals("0", res[0], res[1] + res[2]);
        // run prints consistency problems as warnings on stderr: there must be none. Status lines
        // (where the output went) are on stderr too; stdout carries the summary only.
        assertFalse(res[2].contains("warning"), res[2]);
        assertTrue(res[2].contains("report: " + run1.resolve("report/report.html")), res[2]);
        // named by the trace's manifest (name,quickstart), not by run's ingested copy DIR/trace
        assertTrue(res[1].startsWith("summary: quickstart (sha256:"), res[1]);
        runStdout = res[1];
        // A second full run of the same trace with the same options, into another directory.
        res = exec("run", quickstart().toString(), "--out", run2.toString(), "-q");
        assertEquals("0", res[0], res[1] + res[2]);
        assertEquals(runStdout, res[1], "the summary is deterministic");
    }

    static List<Group> read(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.toUri());
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), p).build()) {
            for (Group g; (g = r.read()) != null; ) {
                rows.add(g);
            }
        }
        return rows;
    }

    static List<Group> table(String name) throws IOException {
        return read(run1.resolve("metrics").resolve(name + ".parquet"));
    }

    /**
     * A new user gives {@code report} the directory {@code run} wrote, not its metrics/: the tables
     * are found there, and the report goes to the run's own report/, which run already wrote, so it
     * is replaced only with --force.
     */
    @Test
    void reportTakesTheRunsOwnDirectory() throws IOException {
        String[] rep = exec("report", run1.toString(), "--out", tmp.resolve("rep-run").toString(), "-q");
        assertEquals("0", rep[0], rep[2]);
        assertEquals(runStdout, rep[1], "the same tables, the same summary");
        assertTrue(Files.isRegularFile(tmp.resolve("rep-run").resolve("report.html")));
        rep = exec("report", run1.toString(), "-q");
        assertEquals("2", rep[0], rep[2]);
        assertEquals(run1.resolve("report") + ": already exists; use --force to replace it", rep[2].strip());
    }

    /**
     * Issue 17 item 1: {@code report} on the run's tables prints what {@code run} printed, and the
     * summary's figures are the tables' sums per VM, computed here from the raw Parquet groups.
     */
    @Test
    void reportPrintsTheRunsSummaryWhoseFiguresAreTheTablesSums() throws IOException {
        String[] rep = exec("report", run1.resolve("metrics").toString(), "--out-dir", tmp.resolve("rep").toString());
        assertEquals("0", rep[0], rep[2]);
        assertEquals(runStdout, rep[1]);
        Map<Integer, long[]> vm = new TreeMap<>(); // translations, walks, faults, interrupts
        for (Group g : table("tlb_stats")) {
            long[] a = vm.computeIfAbsent(g.getInteger("vm", 0), k -> new long[5]);
            if (g.getInteger("tlb_level", 0) == 1) {
                a[0] += g.getLong("lookups", 0);
            }
            a[1] += g.getLong("walks", 0);
        }
        for (Group g : table("stage2_faults")) {
            vm.computeIfAbsent(g.getInteger("vm", 0), k -> new long[5])[2] += g.getLong("count", 0);
        }
        for (Group g : table("irq_latency")) {
            vm.computeIfAbsent(g.getInteger("vm", 0), k -> new long[5])[3] += g.getLong("count", 0);
        }
        for (Group g : table("exit_stats")) {
            vm.computeIfAbsent(g.getInteger("vm", 0), k -> new long[5])[4] += g.getLong("count", 0);
        }
        assertFalse(vm.isEmpty());
        List<String> lines = runStdout.lines().toList();
        for (var e : vm.entrySet()) {
            long[] a = e.getValue();
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("vm " + e.getKey() + " ")) {
                    at = i;
                }
            }
            assertTrue(at >= 0, "vm " + e.getKey() + " in " + runStdout);
            String head = lines.get(at);
            assertTrue(head.contains(String.format(java.util.Locale.ROOT, ": %,d translations", a[0])), head);
            double hitRate = 100.0 * (1 - a[1] / (double) a[0]);
            assertTrue(head.contains(String.format(java.util.Locale.ROOT, "TLB hit rate %.2f %%", hitRate)), head);
            assertTrue(head.contains(String.format(java.util.Locale.ROOT, ", %,d walks", a[1])), head);
            assertTrue(lines.get(at + 1).startsWith(String.format(java.util.Locale.ROOT, "  stage-2 faults %,d", a[2])),
                    lines.get(at + 1));
            assertTrue(lines.get(at + 2).startsWith(String.format(java.util.Locale.ROOT, "  exits %,d (", a[4])),
                    lines.get(at + 2));
            assertTrue(lines.get(at + 3).startsWith(String.format(java.util.Locale.ROOT, "  interrupts n=%,d,", a[3])),
                    lines.get(at + 3));
        }
    }

    @Test
    void everyTableAndTheReportAreWritten() throws IOException {
        Path m = run1.resolve("metrics");
        for (String t : TABLES) {
            assertTrue(Files.isRegularFile(m.resolve(t + ".parquet")), t);
        }
        assertTrue(Files.isRegularFile(m.resolve("timing.json")));
        Path html = run1.resolve("report/report.html");
        assertTrue(Files.isRegularFile(html));
        assertTrue(Files.size(html) > 10_000, "report.html is suspiciously small");
        // The ingested trace is kept beside the metrics.
        assertTrue(Files.isRegularFile(run1.resolve("trace/mem.parquet")));
        // Nothing temporary is left behind.
        try (Stream<Path> s = Files.list(m)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
        try (Stream<Path> s = Files.list(run1)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
    }

    /** The foreign reader sees exactly the rows and the footer metadata our reader sees. */
    @Test
    void foreignReaderReadsEveryTable() throws IOException {
        RunOutput out = RunOutput.open(run1.resolve("metrics"));
        for (MetricTable<?> t : MetricTables.ALL) {
            Path f = run1.resolve("metrics").resolve(t.name() + ".parquet");
            if (t == MetricTables.VALIDATION) {
                // the quickstart observes nothing of a recorded host: no validation table
                assertFalse(Files.exists(f));
                continue;
            }
            List<Group> g = read(f);
            assertEquals(out.readAll(t).size(), g.size(), t.name());
            try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f))) {
                Map<String, String> kv = r.getFooter().getFileMetaData().getKeyValueMetaData();
                assertEquals(t.name(), kv.get("virtreplay.table"));
                assertEquals(g.size(), r.getRecordCount());
                if (!g.isEmpty()) {
                    assertEquals("ZSTD", r.getFooter().getBlocks().get(0).getColumns().get(0).getCodec().name());
                }
            }
        }
        // Spot-check values: the run_info rows name the input and the VMs of the sample (3 VMs x 2 vCPUs).
        Map<String, String> info = new TreeMap<>();
        for (Group g : table("run_info")) {
            info.put(g.getString("key", 0), g.getString("value", 0));
        }
        assertEquals("trace", info.get("input")); // run replays DIR/trace, the ingested form
        for (int vm = 0; vm < 3; vm++) {
            assertEquals("2", info.get("vm." + vm + ".vcpus"), info.toString());
        }
        assertTrue(info.get("input_digest").matches("sha256:[0-9a-f]{64}"), info.get("input_digest"));
    }

    @Test
    void tlbStatsAreConsistent() throws IOException {
        List<Group> rows = table("tlb_stats");
        assertTrue(rows.size() >= 6 * 2, "expected rows for all 6 vCPUs, got " + rows.size());
        long l1Lookups = 0;
        long walks = 0;
        for (Group g : rows) {
            long lookups = g.getLong("lookups", 0);
            long hits = g.getLong("hits", 0);
            long misses = g.getLong("misses", 0);
            assertEquals(lookups, hits + misses, g.toString());
            assertTrue(g.getLong("walks", 0) <= misses, g.toString());
            assertTrue(g.getLong("stale_hits", 0) <= hits, g.toString());
            if (g.getInteger("tlb_level", 0) == 1) {
                l1Lookups += lookups;
            }
            walks += g.getLong("walks", 0);
        }
        // Every access is at least one level-1 lookup (page-crossing accesses are two): the sample
        // has 100 000 accesses, 57 of them cross a page (SCENARIO.md), so at least 100 057.
        assertTrue(l1Lookups >= 100_057, "level-1 lookups " + l1Lookups);
        assertTrue(walks > 0 && walks < l1Lookups);
        // Timeline: lookups and walks per VM add up to tlb_stats.
        Map<Integer, long[]> byVm = new TreeMap<>();
        for (Group g : rows) {
            long[] a = byVm.computeIfAbsent(g.getInteger("vm", 0), k -> new long[2]);
            if (g.getInteger("tlb_level", 0) == 1) {
                a[0] += g.getLong("lookups", 0);
            }
            a[1] += g.getLong("walks", 0);
        }
        Map<Integer, long[]> tl = new TreeMap<>();
        for (Group g : table("timeline")) {
            long[] a = tl.computeIfAbsent(g.getInteger("vm", 0), k -> new long[2]);
            a[0] += g.getLong("tlb_lookups", 0);
            a[1] += g.getLong("tlb_lookups", 0) - g.getLong("tlb_hits", 0);
        }
        assertEquals(byVm.keySet(), tl.keySet());
        for (int vm : byVm.keySet()) {
            assertArrayEquals(byVm.get(vm), tl.get(vm), "vm " + vm + ": {lookups, walks} tlb_stats vs timeline");
        }
    }

    @Test
    void stage2FaultCountsEqualFaultEvents() throws IOException {
        Map<String, Long> agg = new TreeMap<>();
        for (Group g : table("stage2_faults")) {
            long c = g.getLong("count", 0);
            assertTrue(c >= 1);
            assertTrue(g.getLong("first_ts", 0) <= g.getLong("last_ts", 0));
            agg.merge(faultKey(g), c, Long::sum);
        }
        Map<String, Long> ev = new TreeMap<>();
        for (Group g : table("fault_events")) {
            ev.merge(faultKey(g), 1L, Long::sum);
        }
        assertEquals(agg, ev);
        // The sample has MMIO accesses (104 per SCENARIO.md, each an exit) and a lazily mapped 4K slot.
        long mmio = agg.entrySet().stream().filter(e -> e.getKey().contains("/mmio")).mapToLong(Map.Entry::getValue).sum();
        assertEquals(104, mmio, "every MMIO access of the sample exits (SCENARIO.md: 104 MMIO exits)");
        // No lazy_map row is expected: no stage-1 mapping of the sample points into the lazily
        // mapped memslot 1 (0x4200_0000..), so nothing touches it (checked on map.csv.gz by hand).
    }

    private static String faultKey(Group g) {
        return g.getInteger("vm", 0) + "/" + g.getInteger("vcpu", 0) + "/" + g.getString("kind", 0) + "/"
                + g.getInteger("level", 0) + "/" + g.getBoolean("s1ptw", 0) + "/" + g.getString("cause", 0);
    }

    @Test
    void irqLatencyCountsEqualIrqEvents() throws IOException {
        Map<String, Long> agg = new TreeMap<>();
        for (Group g : table("irq_latency")) {
            agg.merge(g.getInteger("vm", 0) + "/" + g.getInteger("vcpu", 0) + "/" + g.getString("irq_class", 0),
                    g.getLong("count", 0), Long::sum);
            assertTrue(g.getLong("min_ns", 0) <= g.getLong("p50_ns", 0));
            assertTrue(g.getLong("p50_ns", 0) <= g.getLong("p99_ns", 0));
            assertTrue(g.getLong("p99_ns", 0) <= g.getLong("max_ns", 0));
        }
        Map<String, Long> ev = new TreeMap<>();
        for (Group g : table("irq_events")) {
            ev.merge(g.getInteger("vm", 0) + "/" + g.getInteger("vcpu", 0) + "/" + g.getString("irq_class", 0), 1L,
                    Long::sum);
            long parts = g.getLong("exit_ns", 0) + g.getLong("inject_ns", 0) + g.getLong("sched_wait_ns", 0)
                    + g.getLong("lr_wait_ns", 0) + g.getLong("mask_wait_ns", 0);
            assertEquals(g.getLong("latency_ns", 0), parts, g.toString());
        }
        assertEquals(agg, ev);
        long total = ev.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total > 0);
        // The sample's 291 irq rows include deasserts of the level timer: at most 291 interrupts.
        assertTrue(total <= 291, "interrupts " + total);
    }

    @Test
    void metricsConsistencyFindsNothing() {
        assertEquals(List.of(), MetricsConsistency.check(RunOutput.open(run1.resolve("metrics"))));
    }

    /**
     * docs/metrics.md, Determinism: two runs of the same inputs give byte-identical trees (trace,
     * tables, CSV and HTML report), except {@code metrics/timing.json}, which holds the wall time.
     */
    @Test
    void twoRunsGiveByteIdenticalTreesExceptTiming() throws IOException {
        Map<String, byte[]> a = AtomicRunTest.tree(run1);
        Map<String, byte[]> b = AtomicRunTest.tree(run2);
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.keySet().containsAll(List.of("report/report.html", "report/tlb_stats.csv",
                "metrics/tlb_stats.parquet", "trace/mem.parquet", "metrics/timing.json")), a.keySet().toString());
        List<String> differ = new ArrayList<>();
        for (String f : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(f), b.get(f))) {
                differ.add(f);
            }
        }
        // the wall times of two runs could be equal to the ns; everything else must be
        differ.remove("metrics/timing.json");
        assertEquals(List.of(), differ, "files that differ between two runs");
        // timing.json has the same keys in both
        String j1 = new String(a.get("metrics/timing.json"), java.nio.charset.StandardCharsets.UTF_8);
        String j2 = new String(b.get("metrics/timing.json"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(j1.contains("\"wall_time_ns\": "), j1);
        assertEquals(j1.replaceAll("[0-9]+", "N"), j2.replaceAll("[0-9]+", "N"));
    }
}
