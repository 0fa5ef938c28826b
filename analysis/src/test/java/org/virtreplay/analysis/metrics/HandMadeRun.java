package org.virtreplay.analysis.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small run, consistent by construction and worked out by hand (the derivation is in the
 * comments), used by the table and consistency tests.
 */
final class HandMadeRun {
    private HandMadeRun() {
    }

    // VM 1, vCPU 0 on PE 0. The L1 D-TLB sees 100 translations, 90 hit, 10 miss; the L2 TLB sees
    // those 10, 6 hit, 4 miss and walk. The 4 walks read 2, 2, 6 and 6 descriptors = 16 reads,
    // split s1 1+1+2+4 = 8 and s2 0+2+2+4 = 8.
    static final List<TlbStatsRow> TLB = List.of(
            new TlbStatsRow(0, 1, 0, "l1d", 1, 4096, 100, 90, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            new TlbStatsRow(0, 1, 0, "l2", 2, 4096, 10, 6, 4, 4, 1, 1, 2, 4, 0, 2, 2, 4, 1));

    static final List<WalkLengthRow> WALKS = List.of(
            new WalkLengthRow(0, 1, 0, 2, 2),
            new WalkLengthRow(0, 1, 0, 6, 2));

    // Three faults: lazy_map at ts 100 and 1_500_000, dirty_log at 1_200_000.
    static final List<Stage2FaultRow> FAULTS = List.of(
            new Stage2FaultRow(1, 0, "translation", 3, false, "lazy_map", 2, 100, 1_500_000),
            new Stage2FaultRow(1, 0, "permission", 3, false, "dirty_log", 1, 1_200_000, 1_200_000));

    static final List<FaultEventRow> FAULT_EVENTS = List.of(
            new FaultEventRow(100, 0, 1, 0, "translation", 3, false, "lazy_map", 0x4000_1000L, 0x8000_1000L,
                    0x9200_0047L),
            new FaultEventRow(1_200_000, 0, 1, 0, "permission", 3, false, "dirty_log", 0x4000_2000L, 0x8000_2000L,
                    0x9200_004FL),
            new FaultEventRow(1_500_000, 0, 1, 0, "translation", 3, false, "lazy_map", 0x4000_3000L, 0x8000_3000L,
                    0x9200_0047L));

    // Two timer interrupts: 1000 ns = 0 + 200 + 0 + 300 + 500 and 3000 ns = 1000 + 200 + 1500 + 300 + 0.
    // count 2, min 1000, max 3000, mean 2000; component means exit 500, inject 200, sched 750,
    // lr 300, mask 250.
    static final List<IrqEventRow> IRQ_EVENTS = List.of(
            new IrqEventRow(500_000, 1, 0, "timer", 27, 1000, 0, 200, 0, 300, 500),
            new IrqEventRow(1_100_000, 1, 0, "timer", 27, 3000, 1000, 200, 1500, 300, 0));

    static final List<IrqLatencyRow> IRQ = List.of(
            new IrqLatencyRow(1, 0, "timer", 2, 1000, 1000, 3000, 3000, 3000, 3000, 2000.0, 500.0, 200.0, 750.0,
                    300.0, 250.0));

    // Two 1 ms windows. Lookups 60 + 40 = 100 (the L1 lookups); walks 3 + 1 = 4; faults 1 + 2 = 3;
    // interrupts 1 + 1 = 2.
    static final List<TimelineRow> TIMELINE = List.of(
            new TimelineRow(0, 1_000_000, 1, 60, 57, 57 / 60.0, 1, 1, 1000L),
            new TimelineRow(1_000_000, 2_000_000, 1, 40, 39, 39 / 40.0, 2, 1, 3000L));

    /** The three stage-2 aborts above as DABT_LOW exits (two completed, one open at the end), one kick. */
    static final List<ExitStatsRow> EXITS = List.of(
            new ExitStatsRow(1, 0, "TRAP", 0x24, "DABT_LOW", "DABT_LOW", 2, 3000, 1000, 2000, 1500.0, 500 * Math.sqrt(2), 8000, 0.001, 1),
            new ExitStatsRow(1, 0, "IRQ", -1, "", "IRQ", 1, 104, 104, 104, 104.0, 0.0, 2708, 0.00005, 0));

    /** Observed against the rows above: DABT_LOW 2 + 1 unfinished = 3 exits, mean 3000 / 2 = 1500 ns. */
    static final List<ValidationRow> VALIDATION = List.of(
            new ValidationRow("exits", 1, "vm=1 reason=DABT_LOW", 4, 3.0, 1.0, 0.25, 4, 3, false,
                    "too few observations to judge: 4 (at least 30)"),
            new ValidationRow("exit_mean_ns", 1, "vm=1 reason=DABT_LOW", 1200, 1500.0, 300.0, 0.25, 40, 2, true, ""),
            new ValidationRow("tlb_miss_ratio", 1, "vm=1", 0.1, 0.2, 0.1, 1.0, 50, 50, true, ""));

    // The L2 row's one stale hit: the first stale hit of one entry (remapped at 400, hit at 600).
    static final List<StaleTranslationRow> STALE = List.of(
            new StaleTranslationRow(1, 0, 0, 1, 0x4000_5000L, 0x8000_5000L, 3, 1, "EL1&0", 300, 400L,
                    "trace/map.csv:9", 600, 0x1_0000_5000L, "rw-", 0x1_0000_9000L, "rw-",
                    "VALE1IS ASID 3 VA 0x40005000, VMID 1", "broadcast (IS), or the non-IS form on PE 0", "",
                    "no TLBI after the change"));

    static final Map<String, String> INFO = Map.of(
            RunInfo.STALE_TRANSLATIONS, "1",
            RunInfo.STALE_TRANSLATIONS_BEYOND_CAP, "0",
            RunInfo.TOOL_VERSION, "0.1.0",
            RunInfo.INPUT, "quick",
            RunInfo.EVENTS_PROCESSED, "105",
            RunInfo.WINDOW_NS, "1000000",
            RunInfo.vmNameKey(1), "web");

    static void write(Path dir, boolean events) throws IOException {
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(INFO));
        MetricTableWriter.writeAll(dir, MetricTables.TLB_STATS, TLB);
        MetricTableWriter.writeAll(dir, MetricTables.STAGE2_FAULTS, FAULTS);
        MetricTableWriter.writeAll(dir, MetricTables.IRQ_LATENCY, IRQ);
        MetricTableWriter.writeAll(dir, MetricTables.TIMELINE, TIMELINE);
        MetricTableWriter.writeAll(dir, MetricTables.EXIT_STATS, EXITS);
        if (events) {
            MetricTableWriter.writeAll(dir, MetricTables.WALK_LENGTHS, WALKS);
            MetricTableWriter.writeAll(dir, MetricTables.FAULT_EVENTS, FAULT_EVENTS);
            MetricTableWriter.writeAll(dir, MetricTables.IRQ_EVENTS, IRQ_EVENTS);
            MetricTableWriter.writeAll(dir, MetricTables.VALIDATION, VALIDATION);
            MetricTableWriter.writeAll(dir, MetricTables.STALE_TRANSLATIONS, STALE);
        }
    }
}
