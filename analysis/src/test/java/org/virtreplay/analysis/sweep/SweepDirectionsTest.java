package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;

/**
 * The acceptance: sweeps move the metrics in the directions the hardware and KVM imply.
 * The expectations are derived from how the host works, not from earlier runs.
 */
class SweepDirectionsTest {
    @TempDir
    Path tmp;

    static final Path QUICKSTART = Path.of("../sample-traces/quickstart");

    private static SweepRunner.Result sweep(Path trace, Path out, String grid) throws IOException {
        return SweepRunner.run(new SweepRunner.Options(trace, out, Grid.parse("grid", grid), Scenario.defaults(),
                "defaults", List.of(), 2, true, false, "test"), Stage2Ports.kvm());
    }

    /** The row of {@code vm} at the point with these values. */
    private static SweepResultRow row(SweepRunner.Result r, Map<String, String> at, int vm) {
        for (SweepResultRow x : r.rows()) {
            if (x.vm() == vm && r.grid().points().get(x.point()).params().entrySet().containsAll(at.entrySet())) {
                return x;
            }
        }
        throw new AssertionError("no row for vm " + vm + " at " + at);
    }

    private static double worstP99(SweepRunner.Result r, Map<String, String> at) {
        double w = 0;
        for (SweepResultRow x : r.rows()) {
            if (r.grid().points().get(x.point()).params().entrySet().containsAll(at.entrySet()) && x.irqP99Us() != null) {
                w = Math.max(w, x.irqP99Us());
            }
        }
        return w;
    }

    /**
     * 12 points over the quickstart trace (3 VMs x 2 vCPUs recorded on 4 PEs). With pinned
     * scheduling vCPU g runs on PE g mod 4 only, so going from 1 to 3 to 6 VMs per host puts 0.5,
     * 1.5 and 3 vCPUs on each PE. vCPUs sharing a PE share its TLBs (VMID-tagged entries compete
     * for the same sets) and take turns every quantum, so each trace VM's own walks per access must
     * grow from the smallest host it is on to the 6-VM host, and an interrupt for a descheduled
     * vCPU waits for the others' slices, so the worst VM's p99 must grow with every step.
     */
    @Test
    void moreVmsPerPeMeansMoreMissesAndLaterInterrupts() throws IOException {
        SweepRunner.Result r = sweep(QUICKSTART, tmp.resolve("q"),
                "sched.policy = pinned\nvms = 1, 3, 6\ns2.backing = 4k, 2m\ngic.list_registers = 1, 4\n");
        assertEquals(12, r.grid().points().size());
        for (String backing : List.of("4k", "2m")) {
            for (String lrs : List.of("1", "4")) {
                Map<String, String> fixed = Map.of("s2.backing", backing, "gic.list_registers", lrs);
                // trace VM 0 is on every host; VMs 1 and 2 from vms = 3 on
                int[][] firstVms = {{0, 1}, {1, 3}, {2, 3}};
                for (int[] v : firstVms) {
                    SweepResultRow small = row(r, with(fixed, "vms", Integer.toString(v[1])), v[0]);
                    SweepResultRow big = row(r, with(fixed, "vms", "6"), v[0]);
                    assertTrue(big.tlbMpka() > small.tlbMpka(), fixed + " vm " + v[0] + ": misses per 1000 accesses "
                            + small.tlbMpka() + " on " + v[1] + " VMs, " + big.tlbMpka() + " on 6");
                }
                double p1 = worstP99(r, with(fixed, "vms", "1"));
                double p3 = worstP99(r, with(fixed, "vms", "3"));
                double p6 = worstP99(r, with(fixed, "vms", "6"));
                assertTrue(p1 < p3 && p3 < p6, fixed + ": worst irq p99 " + p1 + ", " + p3 + ", " + p6 + " µs");
            }
        }
        // s2.backing overrides every RAM slot. RAM the trace maps at stage 2 (memslot 0 of each VM,
        // pre-mapped in 2 MB blocks) stays mapped at the new backing (docs/fidelity.md, Replay), so
        // it takes no fault at either; RAM touched for the first time (memslot 1, lazily mapped)
        // faults once per 4 KB page with 4k and once per 2 MB block with 2m. Trace VM 0 touches only
        // memslot 0 and the MMIO slot (31 MMIO exits, no lazy mapping: the hand count of the cli's
        // ReportAnswersTest), so its faults do not change; trace VM 2 (on the host from vms = 3 on)
        // spills into memslot 1, so it takes fewer with 2m. Stage-2 walks end at level 2 with 2m
        // (as in the generated-trace test below), so every VM reads less per walk.
        for (String vms : List.of("1", "3", "6")) {
            Map<String, String> k4 = Map.of("vms", vms, "s2.backing", "4k", "gic.list_registers", "4");
            Map<String, String> m2 = Map.of("vms", vms, "s2.backing", "2m", "gic.list_registers", "4");
            SweepResultRow a = row(r, k4, 0);
            SweepResultRow b = row(r, m2, 0);
            assertEquals(31, a.s2Faults(), "vms " + vms + ": vm 0 at 4k");
            assertEquals(31, b.s2Faults(), "vms " + vms + ": vm 0 at 2m");
            assertTrue(b.walkReadsPerWalk() < a.walkReadsPerWalk(), "vms " + vms + ": reads per walk "
                    + a.walkReadsPerWalk() + " (4k), " + b.walkReadsPerWalk() + " (2m)");
            if (!vms.equals("1")) {
                SweepResultRow a2 = row(r, k4, 2);
                SweepResultRow b2 = row(r, m2, 2);
                assertTrue(b2.s2Faults() < a2.s2Faults(), "vms " + vms + ": vm 2 faults " + a2.s2Faults()
                        + " (4k), " + b2.s2Faults() + " (2m)");
            }
        }
    }

    /**
     * A trace whose RAM is mapped at stage 2 lazily (no premapped blocks, 4 KB backing recorded).
     * With 4K backing KVM maps one 4 KB page per stage-2 fault; with 2 MB backing one fault maps
     * the whole 2 MB block around the address, so the VM takes far fewer faults. And a stage-2
     * walk that ends in a level-2 block reads one descriptor fewer per stage-2 lookup (no level-3
     * table), and a nested walk makes one stage-2 lookup per stage-1 level plus one for the
     * output, so walks get shorter.
     */
    @Test
    void twoMegabyteBackingMeansFewerFaultsAndShorterWalks() throws IOException {
        GeneratorOptions g = new GeneratorOptions();
        g.seed = 5;
        g.vms = 2;
        g.vcpus = 2;
        g.pes = 2;
        g.accesses = 20_000;
        g.accessGapNs = 200;
        g.footprint = "8M";
        g.ram = "32M";
        g.s2PageSizes = "4k";
        g.s2Premap = GeneratorOptions.S2Premap.NONE;
        Path trace = tmp.resolve("lazy");
        GenerateJob.run(g, trace, Compression.NONE, false, null);
        SweepRunner.Result r = sweep(trace, tmp.resolve("b"), "s2.backing = 4k, 2m\n");
        for (int vm = 0; vm < 2; vm++) {
            SweepResultRow k4 = row(r, Map.of("s2.backing", "4k"), vm);
            SweepResultRow m2 = row(r, Map.of("s2.backing", "2m"), vm);
            assertTrue(m2.s2Faults() < k4.s2Faults(), "vm " + vm + ": faults " + k4.s2Faults() + " (4k), "
                    + m2.s2Faults() + " (2m)");
            assertTrue(m2.s2FaultsTranslation() < k4.s2FaultsTranslation());
            assertTrue(m2.walkReadsPerWalk() < k4.walkReadsPerWalk(), "vm " + vm + ": reads per walk "
                    + k4.walkReadsPerWalk() + " (4k), " + m2.walkReadsPerWalk() + " (2m)");
        }
        assertTrue(Files.isRegularFile(tmp.resolve("b/sweep_results.parquet")));
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> c = new TreeMap<>(m);
        c.put(k, v);
        return c;
    }
}
