package org.virtreplay.analysis.kvmstat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.ExitStatsRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.engine.BadInputException;

/**
 * The modelled side of {@code kvm-stat}: {@code exit_stats} rows written by hand, combined per reason
 * over vCPUs. VM 0 'web', vCPU 0: IRQ exits of 1,000 and 2,000 ns (mean 1,500, sample standard
 * deviation 500 x sqrt 2), one DABT_LOW of 5,000 ns; vCPU 1: IRQ exits of 3,000, 4,000 and 8,000 ns
 * (mean 5,000, squared deviations 4e6 + 1e6 + 9e6 = 14e6, standard deviation sqrt 7e6), and a WFx
 * still open at the end (unfinished, not counted).
 *
 * <p>All IRQ exits together, 1,000 ... 8,000: 5 samples, 18,000 ns, mean 3,600; deviations -2,600,
 * -1,600, -600, 400, 4,400, squared 6.76e6 + 2.56e6 + 0.36e6 + 0.16e6 + 19.36e6 = 29.2e6; sample
 * variance 7.3e6, of the mean 7.3e6 / 5 = 1.46e6, square root 1,208.3, over 3,600 = 33.56 %. With
 * the DABT_LOW: 6 samples (IRQ 83.33 %, DABT_LOW 16.67 %), 23,000 ns (IRQ 78.26 %, DABT_LOW 21.74 %).
 */
class ModelledExitsTest {
    @TempDir
    Path tmp;

    static final List<ExitStatsRow> ROWS = List.of(
            new ExitStatsRow(0, 0, "TRAP", 0x24, "DABT_LOW", "DABT_LOW", 1, 5000, 5000, 5000, 5000.0, 0.0, 5300, 0.01, 0),
            new ExitStatsRow(0, 0, "IRQ", -1, "", "IRQ", 2, 3000, 1000, 2000, 1500.0, 500 * Math.sqrt(2), 3600, 0.01, 0),
            new ExitStatsRow(0, 1, "TRAP", 0x01, "WFx", "WFx", 0, 0, 0, 0, 0.0, 0.0, 0, 0.0, 1),
            new ExitStatsRow(0, 1, "IRQ", -1, "", "IRQ", 3, 15000, 3000, 8000, 5000.0, Math.sqrt(7e6), 15900, 0.01, 0));

    private RunOutput run(List<ExitStatsRow> exits) throws IOException {
        Path dir = tmp.resolve(exits == null ? "old" : "m");
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(Map.of(RunInfo.vmNameKey(0), "web")));
        MetricTableWriter.writeAll(dir, MetricTables.TLB_STATS, List.of());
        MetricTableWriter.writeAll(dir, MetricTables.STAGE2_FAULTS, List.of());
        MetricTableWriter.writeAll(dir, MetricTables.IRQ_LATENCY, List.of());
        MetricTableWriter.writeAll(dir, MetricTables.TIMELINE, List.of());
        if (exits != null) {
            MetricTableWriter.writeAll(dir, MetricTables.EXIT_STATS, exits);
        }
        return RunOutput.open(dir);
    }

    private static ObservedExits.Selection sel(String key, Integer vm, Integer vcpu) {
        return new ObservedExits.Selection("vmexit", "handled", key, vm, vcpu);
    }

    @Test
    void rowsOfSeveralVcpusCombineAsAllTheirSamples() throws IOException {
        ExitReport r = ModelledExits.report(run(ROWS), sel("sample", null, null));
        assertEquals("Analyze events for all VMs, all VCPUs:\n\n"
                + "             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n\n"
                + "                 IRQ          5    83.33%    78.26%      1.00us      8.00us      3.60us ( +-  33.56% )\n"
                + "            DABT_LOW          1    16.67%    21.74%      5.00us      5.00us      5.00us ( +-   0.00% )\n"
                + "\nTotal Samples:6, Total events handled time:23.00us.\n", r.toText());
        assertEquals(33.564, r.rows().get(0).relStddevPct(), 0.001);
        assertEquals(3600.0, r.rows().get(0).avgNs());
    }

    /** vCPU 1 alone: 3,000, 4,000, 8,000; variance 7e6, of the mean 7e6 / 3, square root 1,527.5, / 5,000 = 30.55 %. */
    @Test
    void filtersSelectRowsBeforeCombining() throws IOException {
        RunOutput out = run(ROWS);
        ExitReport v1 = ModelledExits.report(out, sel("sample", 0, 1));
        assertEquals("VM 0 'web', VCPU 1", v1.scope());
        assertEquals(List.of(new ExitReport.Row("IRQ", 3, 15000, 3000, 8000, 5000.0, v1.rows().get(0).relStddevPct())),
                v1.rows());
        assertEquals(30.551, v1.rows().get(0).relStddevPct(), 0.001);
        // by average time: DABT_LOW 5,000 before IRQ 3,600
        assertEquals(List.of("DABT_LOW", "IRQ"),
                ModelledExits.report(out, sel("time", null, null)).rows().stream().map(ExitReport.Row::reason).toList());
        assertEquals(List.of(), ModelledExits.report(out, sel("sample", 1, null)).rows());
    }

    /**
     * The parallel update on its own: 10 and 20 (mean 15, squared deviations 50) merged with 30, 40
     * and 80 (mean 50, 1,400): the union's mean is 36 and its squared deviations 26^2 + 16^2 + 6^2 +
     * 4^2 + 44^2 = 2,920 (= 50 + 1,400 + 35^2 x 2 x 3 / 5); as adding the five one by one.
     */
    @Test
    void mergingGroupsEqualsAddingTheirSamples() {
        ReasonStats merged = new ReasonStats("x");
        merged.merge(2, 30, 10, 20, 15.0, 50.0);
        merged.merge(3, 150, 30, 80, 50.0, 1400.0);
        assertEquals(5, merged.n);
        assertEquals(180, merged.total);
        assertEquals(10, merged.min);
        assertEquals(80, merged.max);
        assertEquals(36.0, merged.mean, 1e-12);
        assertEquals(2920.0, merged.m2, 1e-9);
        ReasonStats added = new ReasonStats("x");
        for (long v : new long[] {10, 20, 30, 40, 80}) {
            added.add(v);
        }
        assertEquals(added.relStddevPct(), merged.relStddevPct(), 1e-9);
        // sqrt(2,920 / 4 / 5) = 12.083, over 36
        assertEquals(100 * Math.sqrt(146) / 36, merged.relStddevPct(), 1e-9);
    }

    @Test
    void mmioGuestTimeAndAMissingTableAreRefusedInOneLine() throws IOException {
        RunOutput out = run(ROWS);
        BadInputException mmio = assertThrows(BadInputException.class,
                () -> ModelledExits.report(out, new ObservedExits.Selection("mmio", "handled", "sample", null, null)));
        assertEquals(1, mmio.problems().size());
        assertTrue(mmio.getMessage().contains("--event mmio is not available for modelled exits"), mmio.getMessage());
        BadInputException guest = assertThrows(BadInputException.class,
                () -> ModelledExits.report(out, new ObservedExits.Selection("vmexit", "guest", "sample", null, null)));
        assertTrue(guest.getMessage().contains("--time guest is not available for modelled exits"), guest.getMessage());
        RunOutput old = run(null);
        BadInputException none = assertThrows(BadInputException.class,
                () -> ModelledExits.report(old, sel("sample", null, null)));
        assertTrue(none.getMessage().contains("no exit_stats table"), none.getMessage());
    }
}
