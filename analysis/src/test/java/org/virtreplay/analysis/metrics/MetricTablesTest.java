package org.virtreplay.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;

/** Schemas, writing, reading back (by our reader and by parquet-hadoop's), determinism, bad files. */
class MetricTablesTest {
    @TempDir
    Path tmp;

    private static List<String> names(MetricTable<?> t) {
        List<String> n = new ArrayList<>();
        t.columns().forEach(c -> n.add(c.name()));
        return n;
    }

    @Test
    void columnNamesAreTheDocumentedSnakeCaseNames() {
        assertEquals(List.of("pe", "vm", "vcpu", "structure", "tlb_level", "page_size", "lookups", "hits", "misses",
                "walks", "s1_l0_reads", "s1_l1_reads", "s1_l2_reads", "s1_l3_reads", "s2_l0_reads", "s2_l1_reads",
                "s2_l2_reads", "s2_l3_reads", "stale_hits"), names(MetricTables.TLB_STATS));
        assertEquals(List.of("vm", "vcpu", "irq_class", "count", "min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
                "max_ns", "mean_ns", "mean_exit_ns", "mean_inject_ns", "mean_sched_wait_ns", "mean_lr_wait_ns",
                "mean_mask_wait_ns"), names(MetricTables.IRQ_LATENCY));
        assertEquals(List.of("window_start_ns", "window_end_ns", "vm", "tlb_lookups", "tlb_hits", "tlb_hit_rate",
                "stage2_faults", "interrupts", "irq_p99_ns"), names(MetricTables.TIMELINE));
        // only the boxed components are nullable
        for (MetricTable<?> t : MetricTables.ALL) {
            for (Column c : t.columns()) {
                boolean expect = t == MetricTables.TIMELINE
                        && (c.name().equals("tlb_hit_rate") || c.name().equals("irq_p99_ns"))
                        || t == MetricTables.STALE_TRANSLATIONS
                        && (c.name().equals("change_ns") || c.name().equals("new_pa"))
                        || t == MetricTables.VALIDATION && List.of("modelled", "abs_error", "rel_error")
                                .contains(c.name());
                assertEquals(expect, c.nullable(), t + "." + c.name());
            }
        }
    }

    @Test
    void everyColumnIsDocumentedInMetricsMd() throws Exception {
        Path doc = Path.of("..", "docs", "metrics.md");
        String md = Files.readString(doc);
        for (MetricTable<?> t : MetricTables.ALL) {
            int at = md.indexOf("## `" + t.name() + "`");
            assertTrue(at >= 0, "docs/metrics.md has no section ## `" + t.name() + "`");
            int end = md.indexOf("\n## ", at + 4);
            String section = md.substring(at, end < 0 ? md.length() : end);
            for (Column c : t.columns()) {
                assertTrue(section.contains("| `" + c.name() + "` |"),
                        "docs/metrics.md section " + t.name() + " does not document column " + c.name());
            }
        }
    }

    @Test
    void roundTripThroughOurReader() throws Exception {
        HandMadeRun.write(tmp, true);
        assertEquals(HandMadeRun.TLB, MetricTableReader.readAll(tmp.resolve("tlb_stats.parquet"), MetricTables.TLB_STATS));
        assertEquals(HandMadeRun.TIMELINE, MetricTableReader.readAll(tmp.resolve("timeline.parquet"), MetricTables.TIMELINE));
        assertEquals(HandMadeRun.IRQ_EVENTS,
                MetricTableReader.readAll(tmp.resolve("irq_events.parquet"), MetricTables.IRQ_EVENTS));
        assertEquals(HandMadeRun.FAULT_EVENTS,
                MetricTableReader.readAll(tmp.resolve("fault_events.parquet"), MetricTables.FAULT_EVENTS));
        RunOutput out = RunOutput.open(tmp);
        assertEquals("web", out.vmName(1));
        assertEquals("vm7", out.vmName(7));
        // run_info rows are sorted by key
        List<RunInfoRow> info = out.readAll(MetricTables.RUN_INFO);
        assertEquals("events_processed", info.get(0).key());
        assertEquals("vm.1.name", info.get(info.size() - 2).key()); // "vm." < "window_ns"
        assertEquals("window_ns", info.get(info.size() - 1).key());
        // nulls survive
        MetricTableWriter.writeAll(tmp, MetricTables.TIMELINE,
                List.of(new TimelineRow(0, 1000, 3, 0, 0, null, 0, 0, null)));
        TimelineRow back = MetricTableReader.readAll(tmp.resolve("timeline.parquet"), MetricTables.TIMELINE).get(0);
        assertNull(back.tlbHitRate());
        assertNull(back.irqP99Ns());
    }

    @Test
    void readableByParquetHadoopExampleReader() throws Exception {
        HandMadeRun.write(tmp, true);
        Path f = tmp.resolve("tlb_stats.parquet");
        List<Group> rows = new ArrayList<>();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(f.toUri())).build()) {
            for (Group g = r.read(); g != null; g = r.read()) {
                rows.add(g);
            }
        }
        assertEquals(2, rows.size());
        Group l2 = rows.get(1);
        assertEquals("l2", l2.getString("structure", 0));
        assertEquals(0, l2.getInteger("pe", 0));
        assertEquals(4096L, l2.getLong("page_size", 0));
        assertEquals(10L, l2.getLong("lookups", 0));
        assertEquals(4L, l2.getLong("walks", 0));
        assertEquals(4L, l2.getLong("s2_l3_reads", 0));
        // a null is an absent optional value
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(tmp.resolve("irq_latency.parquet").toUri())).build()) {
            Group g = r.read();
            assertEquals("timer", g.getString("irq_class", 0));
            assertEquals(3000L, g.getLong("p99_ns", 0));
            assertEquals(750.0, g.getDouble("mean_sched_wait_ns", 0));
        }
        // every column chunk is ZSTD; the metadata names the table
        try (ParquetFileReader pr = ParquetFileReader.open(new LocalInputFile(f))) {
            for (ColumnChunkMetaData c : pr.getFooter().getBlocks().get(0).getColumns()) {
                assertEquals(CompressionCodecName.ZSTD, c.getCodec(), c.getPath().toString());
            }
            assertEquals("tlb_stats",
                    pr.getFooter().getFileMetaData().getKeyValueMetaData().get(MetricTableWriter.META_TABLE));
        }
    }

    @Test
    void sameRowsGiveByteIdenticalFilesWithoutPaths() throws Exception {
        Path a = tmp.resolve("run-a-unique-dir-name");
        Path b = tmp.resolve("run-b");
        HandMadeRun.write(a, true);
        Thread.sleep(5); // a different clock, in case anything leaked the time
        HandMadeRun.write(b, true);
        for (MetricTable<?> t : MetricTables.ALL) {
            byte[] x = Files.readAllBytes(a.resolve(t.fileName()));
            byte[] y = Files.readAllBytes(b.resolve(t.fileName()));
            assertArrayEquals(x, y, t.name());
            String text = new String(x, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("run-a-unique-dir-name"), t + " holds its directory name");
            assertFalse(text.contains(tmp.toString()), t + " holds a path");
        }
        try (Stream<Path> s = Files.list(a)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                    "temporary files left behind");
        }
    }

    @Test
    void failedOrAbortedWriteLeavesNothingAndKeepsTheOldTable() throws Exception {
        MetricTableWriter.writeAll(tmp, MetricTables.RUN_INFO, List.of(new RunInfoRow("k", "old")));
        byte[] before = Files.readAllBytes(tmp.resolve("run_info.parquet"));
        try (MetricTableWriter<RunInfoRow> w = MetricTableWriter.open(tmp, MetricTables.RUN_INFO)) {
            w.write(new RunInfoRow("k", "new"));
            assertThrows(IllegalArgumentException.class, () -> w.write(new RunInfoRow("k", null)));
        }
        assertArrayEquals(before, Files.readAllBytes(tmp.resolve("run_info.parquet")));
        MetricTableWriter<RunInfoRow> w = MetricTableWriter.open(tmp, MetricTables.RUN_INFO);
        w.write(new RunInfoRow("k", "new"));
        w.abort();
        assertArrayEquals(before, Files.readAllBytes(tmp.resolve("run_info.parquet")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("run_info.parquet")), s.toList());
        }
    }

    @Test
    void badFilesAndDirectoriesAreBadInputNamingTheFile() throws Exception {
        BadInputException e = assertThrows(BadInputException.class, () -> RunOutput.open(tmp.resolve("nope")));
        assertEquals(tmp.resolve("nope") + ": no such directory", e.problems().get(0));
        e = assertThrows(BadInputException.class, () -> RunOutput.open(tmp));
        assertTrue(e.problems().get(0).contains("not a virtreplay run output"), e.getMessage());

        HandMadeRun.write(tmp, false);
        Files.delete(tmp.resolve("timeline.parquet"));
        e = assertThrows(BadInputException.class, () -> RunOutput.open(tmp));
        assertEquals(List.of(tmp + ": missing required table timeline.parquet"), e.problems());

        // a tlb_stats file where irq_latency should be
        Files.copy(tmp.resolve("tlb_stats.parquet"), tmp.resolve("timeline.parquet"));
        e = assertThrows(BadInputException.class, () -> RunOutput.open(tmp));
        assertTrue(e.problems().get(0).startsWith(tmp.resolve("timeline.parquet") + ": column 'window_start_ns': missing"),
                e.getMessage());

        // corrupt: truncated in the middle
        HandMadeRun.write(tmp, false);
        byte[] full = Files.readAllBytes(tmp.resolve("irq_latency.parquet"));
        Files.write(tmp.resolve("irq_latency.parquet"), java.util.Arrays.copyOf(full, full.length / 2));
        e = assertThrows(BadInputException.class, () -> RunOutput.open(tmp));
        assertTrue(e.problems().get(0).startsWith(tmp.resolve("irq_latency.parquet") + ": not a Parquet file ("),
                e.getMessage());
        assertEquals(1, e.problems().size());
    }

    @Test
    void runTimingSideFile() throws Exception {
        new RunTiming(2_000_000_000L, 1000).write(tmp);
        RunTiming t = RunTiming.read(tmp).orElseThrow();
        assertEquals(2_000_000_000L, t.wallTimeNs());
        assertEquals(500.0, t.eventsPerSecond()); // 1000 events / 2 s
        assertTrue(RunTiming.read(tmp.resolve("x")).isEmpty());
    }
}
