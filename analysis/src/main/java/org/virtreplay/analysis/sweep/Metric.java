package org.virtreplay.analysis.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The per-VM metrics of {@code sweep_results} that requirements may test and the study charts;
 * the names are the table's column names.
 */
public enum Metric {
    TLB_HIT_RATE("tlb_hit_rate", "TLB hit rate", "fraction of translations that needed no walk",
            SweepResultRow::tlbHitRate),
    TLB_MPKA("tlb_mpka", "TLB misses / 1000 accesses", "walks per 1000 translations", SweepResultRow::tlbMpka),
    WALK_READS_PER_ACCESS("walk_reads_per_access", "Walk reads / access",
            "descriptor reads (both stages) per translation", SweepResultRow::walkReadsPerAccess),
    WALK_READS_PER_WALK("walk_reads_per_walk", "Walk reads / walk", "descriptor reads per walk: the walk length",
            SweepResultRow::walkReadsPerWalk),
    S2_FAULTS("s2_faults", "Stage-2 faults", "stage-2 aborts taken to EL2, all kinds", r -> (double) r.s2Faults()),
    S2_FAULTS_TRANSLATION("s2_faults_translation", "Stage-2 translation faults", "stage-2 translation faults",
            r -> (double) r.s2FaultsTranslation()),
    S2_FAULTS_PERMISSION("s2_faults_permission", "Stage-2 permission faults", "stage-2 permission faults",
            r -> (double) r.s2FaultsPermission()),
    S2_FAULTS_ACCESS_FLAG("s2_faults_access_flag", "Stage-2 access-flag faults", "stage-2 access-flag faults",
            r -> (double) r.s2FaultsAccessFlag()),
    S2_FAULTS_MMIO("s2_faults_mmio", "MMIO exits", "stage-2 aborts handled as emulated MMIO",
            r -> (double) r.s2FaultsMmio()),
    IRQ_P50_US("irq_p50_us", "Interrupt p50 (µs)", "median virtual-interrupt latency", SweepResultRow::irqP50Us),
    IRQ_P99_US("irq_p99_us", "Interrupt p99 (µs)", "99th percentile of virtual-interrupt latency",
            SweepResultRow::irqP99Us),
    IRQ_P999_US("irq_p999_us", "Interrupt p99.9 (µs)", "99.9th percentile of virtual-interrupt latency",
            SweepResultRow::irqP999Us),
    IRQ_MAX_US("irq_max_us", "Interrupt max (µs)", "largest virtual-interrupt latency", SweepResultRow::irqMaxUs);

    private final String column;
    private final String title;
    private final String help;
    private final Function<SweepResultRow, Double> get;

    Metric(String column, String title, String help, Function<SweepResultRow, Double> get) {
        this.column = column;
        this.title = title;
        this.help = help;
        this.get = get;
    }

    public String column() {
        return column;
    }

    public String title() {
        return title;
    }

    public String help() {
        return help;
    }

    /** True for the interrupt-latency percentiles (µs), whose study axes turn logarithmic over wide spans. */
    public boolean latency() {
        return column.endsWith("_us");
    }

    /** The VM's value, or null when undefined (no translations, no interrupts). */
    public Double of(SweepResultRow r) {
        return get.apply(r);
    }

    /** The metric whose column is {@code name}, or null. */
    public static Metric byColumn(String name) {
        for (Metric m : values()) {
            if (m.column.equals(name)) {
                return m;
            }
        }
        return null;
    }

    public static List<String> columns() {
        List<String> l = new ArrayList<>();
        for (Metric m : values()) {
            l.add(m.column);
        }
        return l;
    }

    /** The metrics the study charts (the per-kind fault counts are in the table only). */
    public static List<Metric> charted() {
        return List.of(TLB_HIT_RATE, TLB_MPKA, WALK_READS_PER_ACCESS, WALK_READS_PER_WALK, S2_FAULTS, IRQ_P50_US,
                IRQ_P99_US, IRQ_P999_US);
    }
}
