package org.virtreplay.analysis.sweep;

/** Hand-made sweep_results rows for tests that need only a few metrics. */
final class Rows {
    private Rows() {
    }

    static SweepResultRow row(int point, int vm, Double irqP99Us, Double tlbHitRate) {
        return new SweepResultRow(point, "p" + point, vm, "vm" + vm, 1, 1, 1, 1.0, "neoverse-n1", 48, 48, 1280, "lru", 4,
                false, "fair", 4000, false, "trace", 1, 1000, 10, tlbHitRate, 10.0, 40, 0.04, 4.0, 0, 0, 0, 0, 0, 0, 10,
                irqP99Us == null ? null : irqP99Us / 2, irqP99Us, irqP99Us, irqP99Us);
    }
}
