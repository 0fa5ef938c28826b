package org.virtreplay.analysis.kvmstat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Observed vs modelled with numbers chosen by hand. Observed: IRQ 4 exits averaging 2,000 ns (8,000
 * in all), HVC64 1 of 0 ns. Modelled: IRQ 5 averaging 1,500 ns (7,500), DABT_LOW 2 of 3,000 (6,000).
 * IRQ: samples (5 - 4) / 4 = +25 %, average (1,500 - 2,000) / 2,000 = -25 %. HVC64 only observed,
 * DABT_LOW only modelled: no difference. Totals: samples 5 vs 7, (7 - 5) / 5 = +40 %; time 8,000
 * vs 13,500 ns, (13,500 - 8,000) / 8,000 = +68.75 %.
 */
class ExitComparisonTest {
    static final ExitReport OBSERVED = new ExitReport("vmexit", "handled", "all VMs, all VCPUs", List.of(
            new ExitReport.Row("IRQ", 4, 8000, 1000, 3000, 2000.0, 10.0),
            new ExitReport.Row("HVC64", 1, 0, 0, 0, 0.0, 0.0)));
    static final ExitReport MODELLED = new ExitReport("vmexit", "handled", "all VMs, all VCPUs", List.of(
            new ExitReport.Row("IRQ", 5, 7500, 1500, 1500, 1500.0, 0.0),
            new ExitReport.Row("DABT_LOW", 2, 6000, 3000, 3000, 3000.0, 0.0)));

    @Test
    void relativeDifferencesPerReasonAndOneSidedReasons() {
        ExitComparison c = new ExitComparison(OBSERVED, MODELLED);
        assertEquals("reason,observed_samples,modelled_samples,samples_diff_pct,observed_avg_ns,modelled_avg_ns,"
                + "avg_diff_pct\n"
                + "IRQ,4,5,25.0000,2000.0000,1500.0000,-25.0000\n"
                + "HVC64,1,,,0.0000,,\n"
                + "DABT_LOW,,2,,,3000.0000,\n", c.toCsv());
        assertEquals("Observed vs modelled exits for all VMs, all VCPUs:\n\n"
                + "             VM-EXIT  Obs Samples  Mod Samples     Diff%   Obs Avg time   Mod Avg time     Diff%\n\n"
                + "                 IRQ            4            5   +25.00%         2.00us         1.50us   -25.00%\n"
                + "               HVC64            1            –         –         0.00us              –         –\n"
                + "            DABT_LOW            –            2         –              –         3.00us         –\n"
                + "\nTotal Samples: observed 5, modelled 7 (+40.00%); Total events handled time: observed 8.00us, "
                + "modelled 13.50us (+68.75%).\n", c.toText());
        assertEquals("{\"event\":\"vmexit\",\"time\":\"handled\",\"scope\":\"all VMs, all VCPUs\","
                + "\"observed_total_samples\":5,\"modelled_total_samples\":7,\"observed_total_time_ns\":8000,"
                + "\"modelled_total_time_ns\":13500,\"rows\":["
                + "{\"reason\":\"IRQ\",\"observed_samples\":4,\"modelled_samples\":5,\"samples_diff_pct\":25.0000,"
                + "\"observed_avg_ns\":2000.0000,\"modelled_avg_ns\":1500.0000,\"avg_diff_pct\":-25.0000},"
                + "{\"reason\":\"HVC64\",\"observed_samples\":1,\"modelled_samples\":null,\"samples_diff_pct\":null,"
                + "\"observed_avg_ns\":0.0000,\"modelled_avg_ns\":null,\"avg_diff_pct\":null},"
                + "{\"reason\":\"DABT_LOW\",\"observed_samples\":null,\"modelled_samples\":2,\"samples_diff_pct\":null,"
                + "\"observed_avg_ns\":null,\"modelled_avg_ns\":3000.0000,\"avg_diff_pct\":null}]}\n", c.toJson());
    }

    /** An observed average of 0 ns (usec recordings round short exits to 0) has no relative difference. */
    @Test
    void aZeroObservedValueHasNoRelativeDifference() {
        ExitReport obs = new ExitReport("vmexit", "handled", "s", List.of(new ExitReport.Row("SYS64", 2, 0, 0, 0, 0.0, 0)));
        ExitReport mod = new ExitReport("vmexit", "handled", "s", List.of(new ExitReport.Row("SYS64", 2, 80, 40, 40,
                40.0, 0)));
        ExitComparison.Row r = new ExitComparison(obs, mod).rows().get(0);
        assertEquals(0.0, r.samplesDiffPct());
        assertEquals(null, r.avgDiffPct());
    }
}
