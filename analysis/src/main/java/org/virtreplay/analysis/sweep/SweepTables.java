package org.virtreplay.analysis.sweep;

import java.lang.reflect.Constructor;
import org.virtreplay.analysis.metrics.MetricTable;

/** The tables a sweep writes into its output directory, beside the per-point replays. */
public final class SweepTables {
    private SweepTables() {
    }

    /** One row per point x VM; written sorted by point, then VM id. */
    public static final MetricTable<SweepResultRow> SWEEP_RESULTS = table("sweep_results", SweepResultRow.class,
            "Sweep: one row per point x VM with the point's host configuration and the VM's key metrics.");

    // MetricTable's constructor is package-private (a public factory is requested of its owner);
    // until then it is reached reflectively, here only.
    private static <R extends Record> MetricTable<R> table(String name, Class<R> type, String doc) {
        try {
            @SuppressWarnings("unchecked")
            Constructor<MetricTable<R>> c = (Constructor<MetricTable<R>>) (Constructor<?>) MetricTable.class
                    .getDeclaredConstructor(String.class, boolean.class, Class.class, String.class);
            c.setAccessible(true);
            return c.newInstance(name, false, type, doc);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build the " + name + " table", e);
        }
    }
}
