package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;

/**
 * A sweep whose points read one shared decoding of the trace's {@code mem} table writes the same
 * bytes as one whose points each decode it: every file of every point (but the wall-time file) and
 * the sweep's own tables. The points vary the TLBs and the VM count (replicas consume the same
 * rows once per instance), and their number is more than one group of {@link SweepRunner#SHARED_GROUP},
 * so that a second decoding and a group of one are exercised too.
 */
class SharedDecodeEquivalenceTest {
    @TempDir
    static Path tmp;
    static Path trace;

    @BeforeAll
    static void generate() throws IOException {
        Path csv = tmp.resolve("trace-csv");
        GenerateJob.run(SweepRunnerTest.tinyTrace(), csv, Compression.NONE, false, null);
        // Parquet, as users sweep: the rows come from the page decoder, in batches of its own size
        trace = tmp.resolve("trace");
        TraceConverter.convert(csv, trace, TraceConverter.Form.PARQUET, 20, false);
    }

    /** Every point sets the same keys (a grid's rule): VMs, L1 data TLB, L2 TLB, replacement. */
    private static final String GRID = "points:\n"
            + "vms=1 tlb.l1d.entries=16 tlb.l1d.assoc=4 tlb.l2.entries=0 tlb.l2.assoc=1 tlb.replacement=lru\n"
            + "vms=2 tlb.l1d.entries=16 tlb.l1d.assoc=4 tlb.l2.entries=0 tlb.l2.assoc=1 tlb.replacement=lru\n"
            + "vms=3 tlb.l1d.entries=32 tlb.l1d.assoc=32 tlb.l2.entries=0 tlb.l2.assoc=1 tlb.replacement=plru\n"
            + "vms=2 tlb.l1d.entries=16 tlb.l1d.assoc=4 tlb.l2.entries=256 tlb.l2.assoc=4 tlb.replacement=lru\n"
            + "vms=4 tlb.l1d.entries=16 tlb.l1d.assoc=4 tlb.l2.entries=256 tlb.l2.assoc=4 tlb.replacement=fifo\n"
            + "vms=2 tlb.l1d.entries=8 tlb.l1d.assoc=2 tlb.l2.entries=64 tlb.l2.assoc=4 tlb.replacement=fifo\n"
            + "vms=1 tlb.l1d.entries=8 tlb.l1d.assoc=2 tlb.l2.entries=64 tlb.l2.assoc=4 tlb.replacement=random\n"
            + "vms=3 tlb.l1d.entries=64 tlb.l1d.assoc=4 tlb.l2.entries=512 tlb.l2.assoc=8 tlb.replacement=random\n"
            + "vms=2 tlb.l1d.entries=64 tlb.l1d.assoc=4 tlb.l2.entries=512 tlb.l2.assoc=8 tlb.replacement=plru\n";

    private static SweepRunner.Result sweep(Path t, Path out, String grid, boolean shared, int workers)
            throws IOException {
        String old = System.getProperty(SweepRunner.SHARED_DECODE_PROPERTY);
        System.setProperty(SweepRunner.SHARED_DECODE_PROPERTY, Boolean.toString(shared));
        try {
            return SweepRunner.run(new SweepRunner.Options(t, out, Grid.parse("grid.txt", grid),
                    Scenario.defaults(), "defaults", List.of(), workers, true, false, "test"), Stage2Ports.kvm());
        } finally {
            if (old == null) {
                System.clearProperty(SweepRunner.SHARED_DECODE_PROPERTY);
            } else {
                System.setProperty(SweepRunner.SHARED_DECODE_PROPERTY, old);
            }
        }
    }

    @Test
    void everyTableIsTheSameWithAndWithoutTheSharedDecoding() throws IOException {
        assertTrue(GRID.lines().count() - 1 > SweepRunner.SHARED_GROUP, "more points than one group");
        Path own = tmp.resolve("own");
        Path shared = tmp.resolve("shared");
        sweep(trace, own, GRID, false, 2);
        SweepRunner.Result r = sweep(trace, shared, GRID, true, 2);
        assertEquals(SweepRunner.SHARED_GROUP, r.workers(), "a group's points run at once");
        List<Path> files;
        try (Stream<Path> s = Files.walk(own)) {
            files = s.filter(Files::isRegularFile).map(own::relativize)
                    .filter(p -> !p.getFileName().toString().equals(RunTiming.FILE)).sorted().toList();
        }
        List<Path> sharedFiles;
        try (Stream<Path> s = Files.walk(shared)) {
            sharedFiles = s.filter(Files::isRegularFile).map(shared::relativize)
                    .filter(p -> !p.getFileName().toString().equals(RunTiming.FILE)).sorted().toList();
        }
        assertEquals(files, sharedFiles);
        // 9 points, each with its metric tables, and the sweep's own files
        assertTrue(files.contains(Path.of("points/008/tlb_stats.parquet")), files.toString());
        assertTrue(files.contains(Path.of("sweep_results.parquet")), files.toString());
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(own.resolve(f)), Files.readAllBytes(shared.resolve(f)), f.toString());
        }
        // Decoded once per group: 9 points are two groups (8 + 1), so two decodings of the
        // generator's 20,000 rows; without sharing, one per point.
        long rows = SweepRunnerTest.tinyTrace().accesses;
        assertEquals(2, r.timing().decodings());
        assertEquals(2 * rows, r.timing().memRowsDecoded());
        String json = Files.readString(shared.resolve(RunTiming.FILE));
        assertTrue(json.contains("\"mem_decodings\": 2, \"mem_rows_decoded\": " + 2 * rows), json);
        // a point that read the shared decoding decoded nothing itself; the models' time is the points'
        RunTiming point = RunTiming.read(shared.resolve("points/003")).orElseThrow();
        assertEquals(0, point.memRowsDecoded());
        assertEquals(0, point.memDecodeCpuNs());
        assertEquals(9, r.timing().pointModelCpuNs().size());
        assertEquals(point.modelCpuNs(), (long) r.timing().pointModelCpuNs().get(3));
        assertTrue(r.timing().decodeCpuNs() > 0 && r.timing().decoderThreadCpuNs() > 0
                && r.timing().modelCpuNs() > 0, r.timing().toString());
        String ownJson = Files.readString(own.resolve(RunTiming.FILE));
        assertTrue(ownJson.contains("\"mem_decodings\": 9, \"mem_rows_decoded\": " + 9 * rows), ownJson);
        RunTiming ownPoint = RunTiming.read(own.resolve("points/003")).orElseThrow();
        assertEquals(rows, ownPoint.memRowsDecoded());
        assertEquals(-1, ownPoint.memDecoderThreadCpuNs(), "decoded in line, on the point's own thread");
    }
}
