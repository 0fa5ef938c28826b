package org.virtreplay.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Consistency rule 8 (docs/metrics.md) on hand-made rows. */
class ValidationConsistencyTest {
    // vm 0 vcpu 0: 3 DABT_LOW exits of 100 ns each and 1 unfinished; 4 stage-2 aborts; spi p50 900, p99 990
    static final List<ExitStatsRow> EXITS = List.of(new ExitStatsRow(0, 0, "TRAP", 0x24, "DABT_LOW", "DABT_LOW", 3,
            300, 100, 100, 100.0, 0.0, 900, 0.1, 1));
    static final List<Stage2FaultRow> FAULTS = List.of(new Stage2FaultRow(0, 0, "translation", 3, false, "lazy_map",
            4, 10, 20));
    static final List<IrqLatencyRow> IRQ = List.of(new IrqLatencyRow(0, 0, "spi", 2, 800, 900, 990, 990, 990, 990,
            895.0, 0, 0, 0, 0, 0));

    static ValidationRow row(String q, String scope, double observed, Double modelled, Double abs, Double rel) {
        return new ValidationRow(q, 0, scope, observed, modelled, abs, rel, 2, 2, false,
                "too few observations to judge: 2 (at least 30)");
    }

    @Test
    void rowsThatFollowFromTheOtherTablesPass() {
        List<ValidationRow> ok = List.of(
                row("exits", "vm=0 reason=DABT_LOW", 5, 4.0, 1.0, 0.2),
                row("exits", "vm=0 reason=WFx", 2, 0.0, 2.0, 1.0),
                row("exit_mean_ns", "vm=0 reason=DABT_LOW", 200, 100.0, 100.0, 0.5),
                row("stage2_aborts", "vm=0", 0, 4.0, 4.0, null),
                row("stage2_aborts", "vm=0 memslot=0", 0, 3.0, 3.0, null),
                row("stage2_aborts", "vm=0 memslot=none", 2, 1.0, 1.0, 0.5),
                row("irq_latency_p50_ns", "vm=0 vcpu=0 class=spi", 1000, 900.0, 100.0, 0.1),
                row("irq_latency_p99_ns", "vm=0 vcpu=0 class=timer", 1000, null, null, null));
        assertEquals(List.of(), ValidationConsistency.check(ok, EXITS, FAULTS, IRQ));
    }

    @Test
    void eachBrokenRowIsNamed() {
        List<ValidationRow> bad = List.of(
                row("exits", "vm=0 reason=DABT_LOW", 5, 3.0, 2.0, 0.4),
                row("exit_mean_ns", "vm=0 reason=DABT_LOW", 200, 100.0, 90.0, 0.5),
                row("stage2_aborts", "vm=0 memslot=0", 0, 3.0, 3.0, null),
                row("irq_latency_p99_ns", "vm=0 vcpu=0 class=spi", 1000, 900.0, 100.0, 0.1));
        assertEquals(List.of(
                "validation exits vm=0 reason=DABT_LOW: modelled 3.0, but the model's tables give 4.0",
                "validation exit_mean_ns vm=0 reason=DABT_LOW: abs_error 90.0 / rel_error 0.5 do not follow from "
                        + "observed 200.0 and modelled 100.0",
                "validation irq_latency_p99_ns vm=0 vcpu=0 class=spi: modelled 900.0, but the model's tables give 990.0",
                "validation stage2_aborts vm=0: the memslot rows' modelled aborts add up to 3.0, stage2_faults has 4"),
                ValidationConsistency.check(bad, EXITS, FAULTS, IRQ));
    }
}
