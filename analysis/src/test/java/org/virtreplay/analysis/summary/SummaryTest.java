package org.virtreplay.analysis.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;

/** The per-VM summary from hand-built tables ({@link Outputs} derives every expected figure). */
class SummaryTest {
    @TempDir
    Path tmp;

    @Test
    void textWithPooledPercentilesAndNoExitTable() throws Exception {
        RunSummary s = SummaryReader.read(Outputs.a(tmp.resolve("a"), true, false));
        assertEquals("""
                summary: t.trace (sha256:0123456789ab…), 2 VMs
                vm 0 web: 150 translations, TLB hit rate 97.33 %, 4 walks, 14.00 descriptor reads per walk
                  stage-2 faults 8 (mmio 5, lazy_map 3)
                  interrupts n=6, p50 0.12 µs, p99 0.20 µs
                    by class (n, p50/p99 µs): spi 1, 0.12/0.12; timer 5, 0.15/0.20
                vm 1 db: 0 translations, TLB hit rate n/a, 0 walks, n/a descriptor reads per walk
                  stage-2 faults 0
                  interrupts n=0
                note: vm 0 (web): interrupt p50/p99 rest on fewer than 100 samples: all classes n=6, spi n=1, timer n=5
                """, SummaryText.render(s));
        VmSummary web = s.vms().get(0);
        assertNull(web.exits(), "no exit_stats.parquet: no exit figure, no error");
        assertEquals(new Latency(6, 120, 200, true), web.interrupts());
    }

    @Test
    void withoutEventsThePercentilesAreMarkedAsPerVcpuBounds() throws Exception {
        RunSummary s = SummaryReader.read(Outputs.a(tmp.resolve("a"), false, false));
        String text = SummaryText.render(s);
        assertTrue(text.contains("""
                  interrupts n=6, p50 ≤ 0.15 µs, p99 ≤ 0.20 µs
                    by class (n, p50/p99 µs): spi 1, 0.12/0.12; timer 5, ≤0.15/≤0.20
                """), text);
        // spi is one vCPU's row: its own percentiles, exact; timer has two rows, the VM three
        assertTrue(text.endsWith("note: no irq_events table: interrupt p50/p99 are the largest per-vCPU values, "
                + "upper bounds of the VM's (shown with ≤); replay with --events for pooled percentiles\n"), text);
    }

    @Test
    void exitStatsAreSummedPerVmAndReason() throws Exception {
        RunSummary s = SummaryReader.read(Outputs.a(tmp.resolve("a"), true, true));
        String text = SummaryText.render(s);
        assertTrue(text.contains("""
                  stage-2 faults 8 (mmio 5, lazy_map 3)
                  exits 18 (DABT_LOW 10, HVC64 4, IRQ 4)
                """), text);
        // six reasons: the five largest by name, the sixth counted
        assertTrue(text.contains("""
                  stage-2 faults 0
                  exits 21 (A 6, B 5, C 4, D 3, E 2, … 1 more)
                """), text);
        // time in EL2: Σ el2_ns, 1500 ns per exit (Outputs.exit)
        assertEquals(18 * 1500L, s.vms().get(0).el2Ns());
        assertEquals(21 * 1500L, s.vms().get(1).el2Ns());
        // A's run_info has no vm.<id>.translation_ns (written before it): unknown, not 0
        assertNull(s.vms().get(0).translationNs());
    }

    @Test
    void jsonHasAFixedKeyOrder() throws Exception {
        RunSummary s = SummaryReader.read(Outputs.a(tmp.resolve("a"), true, true));
        String hit = Double.toString(1 - 4 / 150.0);
        assertEquals("{\n"
                + "  \"input\": \"t.trace\",\n"
                + "  \"name\": \"t.trace\",\n" // no input.name in run_info: the input's name
                + "  \"input_digest\": \"sha256:0123456789abcdef0123\",\n"
                + "  \"interrupt_percentiles\": \"pooled\",\n"
                + "  \"vms\": [\n"
                + "    {\"vm\": 0, \"name\": \"web\", \"translations\": 150, \"tlb_hit_rate\": " + hit
                + ", \"walks\": 4, \"descriptor_reads\": 56, \"descriptor_reads_per_walk\": 14.0,\n"
                + "     \"stage2_faults\": 8, \"stage2_faults_by_cause\": {\"lazy_map\": 3, \"mmio\": 5},\n"
                + "     \"exits\": 18, \"exits_by_reason\": {\"DABT_LOW\": 10, \"HVC64\": 4, \"IRQ\": 4},\n"
                + "     \"interrupts\": {\"n\": 6, \"p50_ns\": 120, \"p99_ns\": 200, \"exact\": true, "
                + "\"few_samples\": true},\n"
                + "     \"interrupts_by_class\": {\"spi\": {\"n\": 1, \"p50_ns\": 120, \"p99_ns\": 120, "
                + "\"exact\": true, \"few_samples\": true}, \"timer\": {\"n\": 5, \"p50_ns\": 150, \"p99_ns\": 200, "
                + "\"exact\": true, "
                + "\"few_samples\": true}}},\n"
                + "    {\"vm\": 1, \"name\": \"db\", \"translations\": 0, \"tlb_hit_rate\": null, \"walks\": 0, "
                + "\"descriptor_reads\": 0, \"descriptor_reads_per_walk\": null,\n"
                + "     \"stage2_faults\": 0, \"stage2_faults_by_cause\": {},\n"
                + "     \"exits\": 21, \"exits_by_reason\": {\"A\": 6, \"B\": 5, \"C\": 4, \"D\": 3, \"E\": 2, "
                + "\"F\": 1},\n"
                + "     \"interrupts\": {\"n\": 0, \"p50_ns\": null, \"p99_ns\": null, \"exact\": true, "
                + "\"few_samples\": false},\n"
                + "     \"interrupts_by_class\": {}}\n"
                + "  ],\n"
                + "  \"notes\": [\n"
                + "    \"vm 0 (web): interrupt p50/p99 rest on fewer than 100 samples: all classes n=6, spi n=1, "
                + "timer n=5\"\n"
                + "  ]\n"
                + "}\n", SummaryJson.render(s));
    }

    @Test
    void aMegabyteNameIsCutToFortyCharactersOnOneLine() {
        String name = "web\nserver " + "x".repeat(1 << 20);
        Latency none = new Latency(0, 0, 0, true);
        VmSummary v = new VmSummary(3, name, 0, 0, 0, 0, new java.util.TreeMap<>(), null, new java.util.TreeMap<>(),
                new Latency(1, 5, 5, true),
                new java.util.TreeMap<>(java.util.Map.of("spi", new Latency(1, 5, 5, true))));
        RunSummary s = new RunSummary("t", "", java.util.Map.of(), java.util.List.of(v), false, true);
        String text = SummaryText.render(s);
        // 39 characters of the name (its line break a space) and "…"
        String cut = "web server " + "x".repeat(28) + "…";
        assertTrue(text.contains("\nvm 3 " + cut + ": 0 translations"), text);
        assertTrue(text.contains("note: vm 3 (" + cut + "): "), text);
        text.lines().forEach(l -> assertTrue(l.length() < 300, () -> l.substring(0, 300)));
        RunSummary other = new RunSummary("t", "", java.util.Map.of("vm.3.name", name), java.util.List.of(
                new VmSummary(3, name + "!", 0, 0, 0, 0, new java.util.TreeMap<>(), null, new java.util.TreeMap<>(),
                        none, new java.util.TreeMap<>())), false, true);
        String cmp = CompareText.render(Comparison.of("A", s, "B", other));
        cmp.lines().forEach(l -> assertTrue(l.length() < 300, () -> l.substring(0, 300)));
        assertTrue(cmp.contains("\nvm 3 " + cut + " (in B: " + cut + ")\n"), cmp);
    }

    @Test
    void aHundredSamplesNeedNoNote() {
        assertTrue(new Latency(99, 1, 2, true).few());
        assertTrue(!new Latency(100, 1, 2, true).few());
        assertTrue(!new Latency(0, 0, 0, true).few(), "no interrupts: nothing rests on them");
    }

    @Test
    void outputDirsAcceptRunAndMetricsDirectoriesAndNameWhatIsWrong() throws Exception {
        Path run = tmp.resolve("run");
        Outputs.a(run.resolve("metrics"), false, false);
        assertEquals(run.resolve("metrics"), OutputDirs.metricsDir(run));
        assertEquals(run.resolve("metrics"), OutputDirs.metricsDir(run.resolve("metrics")));
        BadInputException e = assertThrows(BadInputException.class, () -> OutputDirs.metricsDir(tmp.resolve("nope")));
        assertEquals(tmp.resolve("nope") + ": no such directory", e.getMessage());
        Files.createDirectories(tmp.resolve("sweep/points/000"));
        e = assertThrows(BadInputException.class, () -> OutputDirs.metricsDir(tmp.resolve("sweep")));
        assertEquals(tmp.resolve("sweep") + ": a sweep's output; name one of its points, e.g. "
                + tmp.resolve("sweep/points/000"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> OutputDirs.metricsDir(tmp.resolve("sweep/points")));
        assertTrue(e.getMessage().startsWith(tmp.resolve("sweep/points") + ": not a virtreplay output (no "
                + "run_info.parquet in it or in its metrics/"), e.getMessage());
        Files.writeString(tmp.resolve("f"), "x");
        e = assertThrows(BadInputException.class, () -> OutputDirs.metricsDir(tmp.resolve("f")));
        assertTrue(e.getMessage().startsWith(tmp.resolve("f") + ": not a directory"), e.getMessage());
    }
}
