package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.ExitStatsRow;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.MetricsConsistency;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.Stage2FaultRow;

/**
 * traces/exits, replayed with costs at 1000 MHz (one cycle is one ns): exit 100, entry 200, LR
 * flush 10, inject 40, IPI 20, device host 300, stage-2 fault 1000, MMIO 2000, trapped register
 * write 30. One vCPU on one PE, the recorded schedule; RAM memslot 0 backed lazily in 4 KB pages,
 * memslot 1 emulated (MMIO). Handled time runs from kvm_exit (trap + 100) to kvm_entry (the entry
 * minus 200), so an exit of a running vCPU is handled for its handling + flush 10.
 *
 * <pre>
 *  t        row                                   exit      handled
 *  1,000    read 0x8000_0000 (IPA 0x4000_0000)    DABT_LOW  1000 + 10   (lazy map; table pages are mapped
 *                                                                        when the engine builds them)
 *  10,000   read 0x8000_0008                      none      (same page, now mapped)
 *  20,000   write 0x8000_1000 (IPA 0x4000_1000)   DABT_LOW  1000 + 10   (lazy map of the next page)
 *  30,000   read 0x9000_0000 (IPA 0x0900_0000)    DABT_LOW  2000 + 10   (MMIO: never mapped)
 *  40,000   read 0x9000_0000                      DABT_LOW  2000 + 10
 *  55,000   hypervisor sets HCR_EL2.TVM           none
 *  60,000   guest writes MAIR_EL1                 SYS64     30 + 10     (trapped by TVM, emulated)
 *  70,000   sched block (WFI)                     WFx       kvm_exit 70,100 to kvm_entry 90,010 = 19,910
 *  90,000   sched run                                       (runs at 90,000; flush 10 -> kvm_entry 90,010)
 *  100,000  SPI 40 asserted                       IRQ       10 (queued 100,340, kick 100,360, kvm_exit
 *                                                               100,460, flush -> kvm_entry 100,470)
 * </pre>
 */
class ExitStatsReplayTest {
    @TempDir
    Path tmp;

    static final String[] COSTS = {"cost.clock_mhz=1000", "cost.exit_cycles=100", "cost.entry_cycles=200",
        "cost.lr_flush_cycles=10", "cost.inject_cycles=40", "cost.ipi_cycles=20", "cost.device_host_cycles=300",
        "cost.s2_fault_cycles=1000", "cost.mmio_cycles=2000", "cost.trap_cycles=30"};

    @Test
    void everyFaultTrapWfiAndKickIsOneExitWithItsHandledTime() throws Exception {
        RunOutput out = ReplayScenarioTest.replay(ReplayScenarioTest.trace("exits"), tmp.resolve("out"), true, COSTS);
        Map<String, ExitStatsRow> byReason = new TreeMap<>();
        for (ExitStatsRow r : out.readAll(MetricTables.EXIT_STATS)) {
            assertEquals(0, r.vm());
            assertEquals(0, r.vcpu());
            byReason.put(r.reason(), r);
        }
        assertEquals(List.of("DABT_LOW", "IRQ", "SYS64", "WFx"), List.copyOf(byReason.keySet()));
        long last = 100_000; // the trace's last event
        // DABT_LOW 1,010, 1,010, 2,010, 2,010: mean 1,510, squared deviations 4 x 500^2 = 1,000,000, over 3,
        // square root 577.350 (the running update may differ from it in the last bits: compared apart)
        ExitStatsRow dabt = byReason.get("DABT_LOW");
        assertEquals(Math.sqrt(1_000_000 / 3.0), dabt.stddevNs(), 1e-6);
        assertEquals(new ExitStatsRow(0, 0, "TRAP", 0x24, "DABT_LOW", "DABT_LOW", 4, 6_040, 1_010, 2_010, 1_510.0,
                dabt.stddevNs(), 6_040 + 4 * 300, 6_040.0 / last, 0), dabt);
        assertEquals(new ExitStatsRow(0, 0, "TRAP", 0x18, "SYS64", "SYS64", 1, 40, 40, 40, 40.0, 0.0, 340, 40.0 / last,
                0), byReason.get("SYS64"));
        assertEquals(new ExitStatsRow(0, 0, "TRAP", 0x01, "WFx", "WFx", 1, 19_910, 19_910, 19_910, 19_910.0, 0.0,
                20_210, 19_910.0 / last, 0), byReason.get("WFx"));
        assertEquals(new ExitStatsRow(0, 0, "IRQ", -1, "", "IRQ", 1, 10, 10, 10, 10.0, 0.0, 310, 10.0 / last, 0),
                byReason.get("IRQ"));
        // Two lazy maps and two MMIO aborts: the four DABT_LOW exits, as the consistency rule requires.
        long lazy = 0, mmio = 0;
        for (Stage2FaultRow f : out.readAll(MetricTables.STAGE2_FAULTS)) {
            lazy += f.cause().equals("lazy_map") ? f.count() : 0;
            mmio += f.cause().equals("mmio") ? f.count() : 0;
        }
        assertEquals(List.of(2L, 2L), List.of(lazy, mmio));
        assertEquals(List.of(), MetricsConsistency.check(out));
    }
}
