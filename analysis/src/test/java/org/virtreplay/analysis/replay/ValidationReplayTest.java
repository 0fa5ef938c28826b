package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.MetricsConsistency;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.ValidationRow;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.Stage2Ports;

/**
 * traces/validation is traces/exits (its modelled exits derived by hand in {@link ExitStatsReplayTest},
 * same costs) with observations added: an {@code exits} table, an {@code ack_ts} on its one SPI and
 * an {@code spe_samples} table. Every value below is derived from those files and that derivation.
 *
 * <pre>
 * Modelled (ExitStatsReplayTest): DABT_LOW 4 exits, 6,040 ns handled (mean 1,510); SYS64 1 (40);
 * WFx 1 (19,910); IRQ 1 (10). Stage-2 aborts 4: lazy maps at IPA 0x4000_0000 and 0x4000_1000
 * (memslot 0), MMIO at 0x0900_0000 twice (memslot 1).
 * SPI 40 at 100,000: device host 300, inject 40, IPI 20, exit 100, flush 10, entry 200, guest ack
 * 300 (default guest_ack_cycles at 1000 MHz) = 970 ns.
 *
 * Observed (exits.csv): DABT_LOW 4 rows, durations 1,200 + 1,000 + 2,600 (+ one open) = mean 1,600;
 * IABT_LOW 1 (500); SYS64 2 (50, 30: mean 40); IRQ 1 (10). Aborts: 5; by IPA, memslot 0: 0x4000_0000,
 * 0x4000_1000 and the IABT at 0x4000_0000 = 3; memslot 1: 0x0900_0000 = 1; none: 0x5000_0000 = 1.
 * irq.csv: ack_ts 101,000 - ts 100,000 = 1,000 ns, class spi, vCPU 0.
 * spe_samples.csv, probed (data accesses of a known vCPU with va and tlb; the branch, the vCPU -1
 * row and the row without tlb are left out):
 *   1,000  0x8000_0000 observed miss, model miss (nothing cached before the first access)
 *  10,000  0x8000_0008 observed hit,  model hit  (page filled by the access at 1,000)
 *  20,000  0x8000_1000 observed miss, model miss (probed before the write at 20,000)
 *  50,000  0x8000_1000 observed miss, model hit  (filled at 20,000)
 * -> observed 3/4 = 0.75, modelled 2/4 = 0.5.
 * </pre>
 */
class ValidationReplayTest {
    @TempDir
    Path tmp;

    @Test
    void observedAgainstModelledByHand() throws Exception {
        for (boolean events : new boolean[] {false, true}) {
            RunOutput out = ReplayScenarioTest.replay(ReplayScenarioTest.trace("validation"),
                    tmp.resolve("out" + events), events, ExitStatsReplayTest.COSTS);
            String none = "too few observations to judge: ";
            List<ValidationRow> expected = new ArrayList<>(List.of(
                    row("exits", "vm=0 reason=DABT_LOW", 4, 4.0, 0.0, 0.0, 4, 4, none + "4 (at least 30)"),
                    row("exits", "vm=0 reason=IABT_LOW", 1, 0.0, 1.0, 1.0, 1, 0, none + "1 (at least 30)"),
                    row("exits", "vm=0 reason=IRQ", 1, 1.0, 0.0, 0.0, 1, 1, none + "1 (at least 30)"),
                    row("exits", "vm=0 reason=SYS64", 2, 1.0, 1.0, 0.5, 2, 1, none + "2 (at least 30)"),
                    row("exits", "vm=0 reason=WFx", 0, 1.0, 1.0, null, 0, 1, none + "0 (at least 30)"),
                    row("exit_mean_ns", "vm=0 reason=DABT_LOW", 1600, 1510.0, 90.0, 90.0 / 1600, 3, 4,
                            none + "3 (at least 30)"),
                    row("exit_mean_ns", "vm=0 reason=IABT_LOW", 500, null, null, null, 1, 0,
                            "the model took no finished exit of this reason"),
                    row("exit_mean_ns", "vm=0 reason=IRQ", 10, 10.0, 0.0, 0.0, 1, 1, none + "1 (at least 30)"),
                    row("exit_mean_ns", "vm=0 reason=SYS64", 40, 40.0, 0.0, 0.0, 2, 1, none + "2 (at least 30)"),
                    row("stage2_aborts", "vm=0", 5, 4.0, 1.0, 0.2, 5, 4, none + "5 (at least 30)"),
                    row("stage2_aborts", "vm=0 memslot=0", 3, 2.0, 1.0, 1.0 / 3, 3, 2, none + "3 (at least 30)"),
                    row("stage2_aborts", "vm=0 memslot=1", 1, 2.0, 1.0, 1.0, 1, 2, none + "1 (at least 30)"),
                    row("stage2_aborts", "vm=0 memslot=none", 1, 0.0, 1.0, 1.0, 1, 0, none + "1 (at least 30)"),
                    row("irq_latency_p50_ns", "vm=0 vcpu=0 class=spi", 1000, 970.0, 30.0, 0.03, 1, 1,
                            none + "1 (at least 30)"),
                    row("irq_latency_p99_ns", "vm=0 vcpu=0 class=spi", 1000, 970.0, 30.0, 0.03, 1, 1,
                            none + "1 (at least 100)"),
                    row("tlb_miss_ratio", "vm=0", 0.75, 0.5, 0.25, 0.25 / 0.75, 4, 4, none + "4 (at least 30)")));
            List<ValidationRow> got = out.readAll(MetricTables.VALIDATION);
            assertEquals(expected.size(), got.size(), got.toString());
            for (int i = 0; i < expected.size(); i++) {
                assertRow(expected.get(i), got.get(i));
            }
            assertEquals(List.of(), MetricsConsistency.check(out));
        }
    }

    /** The observations change nothing in the replay: its tables equal those of traces/exits. */
    @Test
    void observationsAndProbesLeaveTheReplayAsItWas() throws Exception {
        RunOutput with = ReplayScenarioTest.replay(ReplayScenarioTest.trace("validation"), tmp.resolve("with"), true,
                ExitStatsReplayTest.COSTS);
        RunOutput without = ReplayScenarioTest.replay(ReplayScenarioTest.trace("exits"), tmp.resolve("without"), true,
                ExitStatsReplayTest.COSTS);
        assertEquals(without.readAll(MetricTables.EXIT_STATS), with.readAll(MetricTables.EXIT_STATS));
        assertEquals(without.readAll(MetricTables.TLB_STATS), with.readAll(MetricTables.TLB_STATS));
        assertEquals(without.readAll(MetricTables.STAGE2_FAULTS), with.readAll(MetricTables.STAGE2_FAULTS));
        assertEquals(without.readAll(MetricTables.FAULT_EVENTS), with.readAll(MetricTables.FAULT_EVENTS));
        assertEquals(without.readAll(MetricTables.IRQ_LATENCY), with.readAll(MetricTables.IRQ_LATENCY));
        assertEquals(without.readAll(MetricTables.TIMELINE), with.readAll(MetricTables.TIMELINE));
        // traces/exits has no observation: no validation table
        assertFalse(Files.exists(tmp.resolve("without").resolve(MetricTables.VALIDATION.fileName())));
    }

    /**
     * sample-traces/recorded, by hand from its files: VM 0 ('nv2-l1') has 11 observed SYS64 exits
     * (exits.csv), 10 with a duration: 0, 1,000, 0, 0, 1,000, 0, 0, 1,000, 0, 0 = 3,000 ns, mean 300;
     * the trace gives the model nothing of VM 0 to replay (no mem, sysreg, irq or sched rows), so it
     * takes no exit and no abort there. VM 1 has no observation. VM 2 ('spe-host') has one SPE sample,
     * a TLB hit, of vCPU 4 at 8,000, probed before its one access (mem.csv, same time): the model has
     * cached nothing for that vCPU, a miss. No irq table: no latency rows.
     */
    @Test
    void recordedSampleByHand() throws Exception {
        Path trace = Path.of("..", "sample-traces", "recorded").toAbsolutePath().normalize();
        RunOutput out = ReplayScenarioTest.replay(trace, tmp.resolve("recorded"), false);
        String none = "too few observations to judge: ";
        List<ValidationRow> expected = List.of(
                row("exits", "vm=0 reason=SYS64", 11, 0.0, 11.0, 1.0, 11, 0, none + "11 (at least 30)"),
                row("exit_mean_ns", "vm=0 reason=SYS64", 300, null, null, null, 10, 0,
                        "the model took no finished exit of this reason"),
                row("stage2_aborts", "vm=0", 0, 0.0, 0.0, null, 0, 0, none + "0 (at least 30)"),
                new ValidationRow("tlb_miss_ratio", 2, "vm=2", 0.0, 1.0, 1.0, null, 1, 1, false,
                        none + "1 (at least 30)"));
        List<ValidationRow> got = out.readAll(MetricTables.VALIDATION);
        assertEquals(expected.size(), got.size(), got.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertRow(expected.get(i), got.get(i));
        }
    }

    /**
     * A host that runs fewer VMs than the trace has (--vms-per-host 1 runs only VM 0 of the three):
     * the VMs it does not run are not compared (here: VM 2's SPE sample, which would otherwise be
     * probed against a VM the model does not have); VM 0's rows are those of {@link #recordedSampleByHand}.
     */
    @Test
    void aTraceVmTheHostDoesNotRunIsNotCompared() throws Exception {
        Path trace = Path.of("..", "sample-traces", "recorded").toAbsolutePath().normalize();
        Path out = tmp.resolve("one-vm");
        ReplayJob.run(new ReplayJob.Options(trace, out, Scenario.defaults(), "test", 1_000_000L, false, true, false,
                "test", Map.of(), 1), Stage2Ports.kvm());
        List<String> got = new ArrayList<>();
        for (ValidationRow r : RunOutput.open(out).readAll(MetricTables.VALIDATION)) {
            got.add(r.quantity() + " " + r.scope());
        }
        assertEquals(List.of("exits vm=0 reason=SYS64", "exit_mean_ns vm=0 reason=SYS64", "stage2_aborts vm=0"), got);
    }

    private static ValidationRow row(String q, String scope, double observed, Double modelled, Double abs, Double rel,
            long samples, long modelledSamples, String note) {
        return new ValidationRow(q, 0, scope, observed, modelled, abs, rel, samples, modelledSamples, false, note);
    }

    private static void assertRow(ValidationRow e, ValidationRow g) {
        assertEquals(List.of(e.quantity(), e.vm(), e.scope(), e.samples(), e.modelledSamples(), e.judged(), e.note()),
                List.of(g.quantity(), g.vm(), g.scope(), g.samples(), g.modelledSamples(), g.judged(), g.note()),
                e.scope());
        assertEquals(e.observed(), g.observed(), 1e-9, e.quantity() + " " + e.scope());
        assertClose(e.modelled(), g.modelled(), e);
        assertClose(e.absError(), g.absError(), e);
        assertClose(e.relError(), g.relError(), e);
    }

    private static void assertClose(Double e, Double g, ValidationRow row) {
        if (e == null) {
            assertNull(g, row.quantity() + " " + row.scope());
        } else {
            assertEquals(e, g, 1e-9, row.quantity() + " " + row.scope());
        }
    }
}
