package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;

/**
 * The same-entry fast path of the per-access loop and the flat per-access loop (issue 18 items 1
 * and 2) change no metric: randomized generated traces
 * (stage-2 backings of 4 KB and 2 MB (all 4 KB in one scenario), remaps, exec's ASID changes, hypervisor TLBIs, vCPU
 * switches, page-crossing accesses) replayed with each of them off and on give byte-identical
 * metric tables, under every replacement policy, fully associative and set-associative L1s, and
 * the stale-translation check on and off, with the recorded schedule and with the modelled fair
 * scheduler's time slices. A broken fast path (a missed counter, a wrong
 * replacement update) changes tlb_stats, the timeline or the walk counts, so the comparison fails.
 */
class FastPathEquivalenceTest {
    @TempDir
    Path tmp;

    private static GeneratorOptions trace(long seed) {
        GeneratorOptions g = new GeneratorOptions();
        g.seed = seed;
        g.vms = 2;
        g.vcpus = 2;
        g.pes = 2;
        g.accesses = 20_000;
        g.accessGapNs = 200;
        g.footprint = "4M";
        g.ram = "32M";
        g.s2PageSizes = "4k,2m";
        g.crossPage = 0.01;
        g.remapHz = 2000;
        g.execHz = 500;
        g.hypTlbiHz = 500;
        g.asidMax = 6;          // exec wraps the ASIDs: rollover TLBIs
        g.timerHz = 2000;
        return g;
    }

    @Test
    void metricTablesAreIdenticalWithAndWithoutTheFastPath() throws IOException {
        String[][] scenarios = {
            {"tlb.replacement=lru"},
            {"tlb.replacement=plru", "tlb.l1d.entries=32", "tlb.l1d.assoc=4", "tlb.l1i.entries=16", "tlb.l1i.assoc=2"},
            {"tlb.replacement=fifo", "tlb.stale_check=3"},
            {"tlb.replacement=random", "tlb.stale_check=1", "tlb.l1d.entries=16", "tlb.l1d.assoc=4"},
            {"tlb.replacement=lru", "tlb.stale_check=2", "tlb.l1d.entries=8", "tlb.l1d.assoc=2", "core=cortex-a72"},
            {"tlb.replacement=random", "seed=5", "tlb.l2.entries=0", "tlb.stale_check=0"},
            {"tlb.replacement=plru", "s2.backing=4k", "tlb.stale_check=5"},
            // The modelled scheduler moves vCPUs between PEs on its own timer, in the middle of a
            // batch of mem rows: the flat loop's placement cache must notice (issue 18).
            {"tlb.replacement=lru", "sched.policy=fair", "sched.quantum_us=50"},
        };
        long fastHitsSeen = 0;
        long staleSeen = 0;
        for (int t = 0; t < 2; t++) {
            Path tr = tmp.resolve("trace" + t);
            GenerateJob.run(trace(11 + t), tr, Compression.NONE, false, null);
            if (t == 1) {
                // Without the guest's TLBIs its remaps leave stale entries behind: the stale check
                // then finds some, and which hits it samples must be the same with the fast path.
                Path tlbi = tr.resolve("tlbi.csv");
                Files.writeString(tlbi, Files.readAllLines(tlbi).get(0) + "\n");
            }
            for (int k = 0; k < scenarios.length; k++) {
                // The reference: per-row onMem without the same-entry fast path; then each of the
                // fast path and the flat per-access loop (issue 18 item 2) alone, and both.
                Path slow = tmp.resolve("slow-" + t + "-" + k);
                replay(tr, slow, false, false, scenarios[k]);
                String what = "trace " + t + ", scenario " + String.join(" ", scenarios[k]);
                Path fast = null;
                for (int mode = 1; mode < 4; mode++) {
                    fast = tmp.resolve("mode" + mode + "-" + t + "-" + k);
                    replay(tr, fast, (mode & 1) != 0, (mode & 2) != 0, scenarios[k]);
                    assertSameTables(slow, fast, what + ", fast path " + ((mode & 1) != 0) + ", flat loop "
                            + ((mode & 2) != 0));
                }
                List<TlbStatsRow> rows = MetricTableReader.readAll(fast.resolve("tlb_stats.parquet"), MetricTables.TLB_STATS);
                fastHitsSeen += rows.stream().filter(r -> r.structure().startsWith("l1")).mapToLong(TlbStatsRow::hits).sum();
                staleSeen += rows.stream().mapToLong(TlbStatsRow::staleHits).sum();
            }
        }
        assertTrue(fastHitsSeen > 0, "no L1 hits at all: the traces did not exercise the fast path");
        assertTrue(staleSeen > 0, "no stale hits found: the stale check's sampling was not exercised");
    }

    private static void replay(Path trace, Path out, boolean fast, boolean flat, String... sets) throws IOException {
        Scenario sc = Scenario.defaults();
        for (String s : sets) {
            int eq = s.indexOf('=');
            sc = sc.with(Scenario.key(s.substring(0, eq)), s.substring(eq + 1));
        }
        String before = System.getProperty(Replayer.FAST_PATH_PROPERTY);
        String beforeFlat = System.getProperty(Replayer.FLAT_LOOP_PROPERTY);
        System.setProperty(Replayer.FAST_PATH_PROPERTY, Boolean.toString(fast));
        System.setProperty(Replayer.FLAT_LOOP_PROPERTY, Boolean.toString(flat));
        try {
            ReplayJob.run(new ReplayJob.Options(trace, out, sc, "test", 1_000_000L, true, true, false, "test",
                    Map.of()), Stage2Ports.kvm());
        } finally {
            restore(Replayer.FAST_PATH_PROPERTY, before);
            restore(Replayer.FLAT_LOOP_PROPERTY, beforeFlat);
        }
        RunOutput.open(out);
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** Every file of the two outputs except the wall-time file has the same bytes. */
    private static void assertSameTables(Path a, Path b, String what) throws IOException {
        List<String> na = names(a);
        assertEquals(na, names(b), what);
        assertTrue(na.contains("tlb_stats.parquet"), what + ": " + na);
        for (String n : na) {
            if (n.equals(RunTiming.FILE)) {
                continue;
            }
            assertArrayEquals(Files.readAllBytes(a.resolve(n)), Files.readAllBytes(b.resolve(n)), what + ": " + n);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
