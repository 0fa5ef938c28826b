package org.virtreplay.analysis.sweep;

import org.virtreplay.analysis.metrics.MetricTable;

/** The tables a sweep writes into its output directory, beside the per-point replays. */
public final class SweepTables {
    private SweepTables() {
    }

    /** One row per point x VM; written sorted by point, then VM id. */
    public static final MetricTable<SweepResultRow> SWEEP_RESULTS = MetricTable.of("sweep_results", false,
            SweepResultRow.class,
            "Sweep: one row per point x VM with the point's host configuration and the VM's key metrics.");
}
