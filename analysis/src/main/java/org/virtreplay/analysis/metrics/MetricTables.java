package org.virtreplay.analysis.metrics;

import java.util.List;
import java.util.Optional;

/** The metric tables of a replay's output directory, in the order the docs and reports use. */
public final class MetricTables {
    private MetricTables() {
    }

    /** Version of the table layout; written into each file's key-value metadata. */
    public static final int SCHEMA_VERSION = 1;

    public static final MetricTable<RunInfoRow> RUN_INFO = new MetricTable<>("run_info", false, RunInfoRow.class,
            "Key/value description of the run: options, scenario, tool version, input digest, counts.");
    public static final MetricTable<TlbStatsRow> TLB_STATS = new MetricTable<>("tlb_stats", false, TlbStatsRow.class,
            "TLB and walk-cache counters per PE x VM x vCPU x structure x page size.");
    public static final MetricTable<WalkLengthRow> WALK_LENGTHS = new MetricTable<>("walk_lengths", true,
            WalkLengthRow.class, "Walks per number of descriptor reads, per PE x VM x vCPU.");
    public static final MetricTable<Stage2FaultRow> STAGE2_FAULTS = new MetricTable<>("stage2_faults", false,
            Stage2FaultRow.class, "Stage-2 aborts per VM x vCPU x kind x level x S1PTW x cause.");
    public static final MetricTable<FaultEventRow> FAULT_EVENTS = new MetricTable<>("fault_events", true,
            FaultEventRow.class, "One row per stage-2 abort.");
    public static final MetricTable<IrqLatencyRow> IRQ_LATENCY = new MetricTable<>("irq_latency", false,
            IrqLatencyRow.class, "Virtual-interrupt latency per VM x vCPU x interrupt class, in ns.");
    public static final MetricTable<IrqEventRow> IRQ_EVENTS = new MetricTable<>("irq_events", true,
            IrqEventRow.class, "One row per virtual interrupt, latency and components in ns.");
    public static final MetricTable<ExitStatsRow> EXIT_STATS = new MetricTable<>("exit_stats", true,
            ExitStatsRow.class, "Modelled guest exits per VM x vCPU x exit reason, time handled in EL2 in ns.");
    public static final MetricTable<ValidationRow> VALIDATION = new MetricTable<>("validation", true,
            ValidationRow.class, "Observed (recording) against modelled, per quantity and scope, with the errors.");
    public static final MetricTable<TimelineRow> TIMELINE = new MetricTable<>("timeline", false, TimelineRow.class,
            "Per time window x VM: TLB hit rate, stage-2 faults, interrupts and their p99.");
    public static final MetricTable<StaleTranslationRow> STALE_TRANSLATIONS = new MetricTable<>("stale_translations",
            true, StaleTranslationRow.class, "One row per TLB entry's first stale hit (capped): the change that made "
                    + "it stale and the TLBI that was missing. Written when the stale-translation detector ran.");

    /** Every table, required ones and optional ones. */
    public static final List<MetricTable<?>> ALL = List.of(
            RUN_INFO, TLB_STATS, WALK_LENGTHS, STAGE2_FAULTS, FAULT_EVENTS, IRQ_LATENCY, IRQ_EVENTS, EXIT_STATS,
            TIMELINE, STALE_TRANSLATIONS, VALIDATION);

    public static Optional<MetricTable<?>> byName(String name) {
        for (MetricTable<?> t : ALL) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
