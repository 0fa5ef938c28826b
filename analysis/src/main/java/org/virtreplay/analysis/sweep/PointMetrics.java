package org.virtreplay.analysis.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.stats.LogLinearHistogram;
import org.virtreplay.engine.tlb.TlbGeometry;

/**
 * Turns one point's replay output into its {@code sweep_results} rows: one per VM of the host,
 * in VM id order.
 *
 * <p>Definitions (docs/sweep.md): a VM's <em>translations</em> are the lookups of its level-1
 * TLBs (L1I + L1D, every PE and vCPU); its <em>TLB misses</em> are its walks, i.e. translations
 * that missed every TLB level; hit rate = 1 − misses / translations; misses per 1000 accesses
 * = 1000 · misses / translations; walk reads are descriptor reads of both stages. Interrupt
 * percentiles pool every interrupt of the VM (all vCPUs and classes) from {@code irq_events}:
 * percentiles of the per-vCPU rows of {@code irq_latency} cannot be merged.
 */
public final class PointMetrics {
    private PointMetrics() {
    }

    /** The rows of one point whose replay wrote {@code dir} (with {@code --events}). */
    public static List<SweepResultRow> rows(Path dir, PointSetup setup) {
        RunOutput run = RunOutput.open(dir);
        Map<Integer, String> names = new TreeMap<>();
        for (var e : run.runInfo().entrySet()) {
            String k = e.getKey();
            if (k.startsWith(RunInfo.VM_PREFIX) && k.endsWith(".name")) {
                try {
                    names.put(Integer.parseInt(k.substring(RunInfo.VM_PREFIX.length(), k.length() - 5)), e.getValue());
                } catch (NumberFormatException ex) {
                    // not a vm.<id>.name key
                }
            }
        }
        Map<Integer, long[]> tlb = new TreeMap<>(); // translations, walks, reads
        for (TlbStatsRow r : run.readAll(MetricTables.TLB_STATS)) {
            long[] a = tlb.computeIfAbsent(r.vm(), k -> new long[3]);
            if (r.tlbLevel() == 1) {
                a[0] += r.lookups();
            }
            a[1] += r.walks();
            a[2] += r.descriptorReads();
        }
        Map<Integer, long[]> faults = new TreeMap<>(); // total, translation, access_flag, permission, address_size, mmio
        for (Stage2FaultRow r : run.readAll(MetricTables.STAGE2_FAULTS)) {
            long[] a = faults.computeIfAbsent(r.vm(), k -> new long[6]);
            a[0] += r.count();
            switch (r.kind()) {
                case "translation" -> a[1] += r.count();
                case "access_flag" -> a[2] += r.count();
                case "permission" -> a[3] += r.count();
                case "address_size" -> a[4] += r.count();
                default -> {
                    // a kind this version does not split out still counts in the total
                }
            }
            if (r.cause().equals("mmio")) {
                a[5] += r.count();
            }
        }
        Map<Integer, LogLinearHistogram> irq = new TreeMap<>();
        run.forEach(MetricTables.IRQ_EVENTS,
                r -> irq.computeIfAbsent(r.vm(), k -> new LogLinearHistogram()).record(r.latencyNs()));

        Scenario sc = setup.scenario();
        ReplayConfig cfg = ReplayJob.config(sc, setup.pes());
        List<SweepResultRow> rows = new ArrayList<>();
        for (var e : names.entrySet()) {
            int vm = e.getKey();
            long[] t = tlb.getOrDefault(vm, new long[3]);
            long[] f = faults.getOrDefault(vm, new long[6]);
            LogLinearHistogram h = irq.get(vm);
            boolean hasIrq = h != null && h.count() > 0;
            rows.add(new SweepResultRow(setup.point().index(), setup.point().label(), vm, e.getValue(),
                    setup.vms(), setup.vcpus(), cfg.peCount(), cfg.peCount() == 0 ? 0 : setup.vcpus() / (double) cfg.peCount(),
                    cfg.core().name(), entries(cfg.core().l1i()), entries(cfg.core().l1d()), entries(cfg.core().l2()),
                    cfg.replacement().name().toLowerCase(java.util.Locale.ROOT), sc.getInt(Scenario.Key.GIC_LIST_REGISTERS), sc.getBool(Scenario.Key.GIC_V4),
                    sc.get(Scenario.Key.SCHED_POLICY), sc.getLong(Scenario.Key.SCHED_QUANTUM_US), setup.scheduleReplaced(),
                    sc.get(Scenario.Key.S2_BACKING), sc.getLong(Scenario.Key.SEED),
                    t[0], t[1], t[0] == 0 ? null : 1.0 - t[1] / (double) t[0],
                    t[0] == 0 ? null : 1000.0 * t[1] / t[0], t[2],
                    t[0] == 0 ? null : t[2] / (double) t[0], t[1] == 0 ? null : t[2] / (double) t[1],
                    f[0], f[1], f[2], f[3], f[4], f[5],
                    hasIrq ? h.count() : 0, hasIrq ? h.percentile(50) / 1000.0 : null,
                    hasIrq ? h.percentile(99) / 1000.0 : null, hasIrq ? h.percentile(99.9) / 1000.0 : null,
                    hasIrq ? h.max() / 1000.0 : null));
        }
        return rows;
    }

    private static int entries(TlbGeometry g) {
        return g == null ? 0 : g.entries();
    }
}
