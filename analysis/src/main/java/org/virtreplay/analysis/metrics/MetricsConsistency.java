package org.virtreplay.analysis.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The rules that tie the metric tables together, as a checker that both the replay job's tests and
 * {@code virtreplay report} use. Each method returns one line per violation (empty: consistent).
 *
 * <ul>
 *   <li>tlb_stats, per row: hits + misses = lookups; walks &le; misses; stale_hits &le; hits; no
 *       descriptor reads without walks; no negative counter.</li>
 *   <li>walk_lengths vs tlb_stats, per PE &times; VM &times; vCPU: &Sigma; walks and &Sigma;
 *       walks &times; descriptor_reads equal tlb_stats' &Sigma; walks and &Sigma; descriptor reads.</li>
 *   <li>stage2_faults vs fault_events, per key: count = number of events, first_ts/last_ts = their
 *       smallest/largest ts.</li>
 *   <li>irq_latency vs irq_events, per VM &times; vCPU &times; class: count = number of events,
 *       min/max/means equal the events'; percentiles non-decreasing; each event's components add up
 *       to its latency.</li>
 *   <li>timeline vs the others, per VM: &Sigma; tlb_lookups = &Sigma; tlb_stats lookups of the
 *       first-level structures (tlb_level 1); &Sigma; (tlb_lookups &minus; tlb_hits) = &Sigma;
 *       tlb_stats walks; &Sigma; stage2_faults = &Sigma; stage2_faults.count; &Sigma; interrupts =
 *       &Sigma; irq_latency.count; every window equally wide; tlb_hit_rate = hits / lookups.</li>
 * </ul>
 */
public final class MetricsConsistency {
    private MetricsConsistency() {
    }

    private static final double REL_TOL = 1e-9;
    /** Per-row findings of one table stop after this many (the sums are still checked). */
    private static final int MAX_ROW_PROBLEMS = 100;

    /** Runs every check on a run's output directory (optional tables are checked when present). */
    public static List<String> check(RunOutput out) {
        List<TlbStatsRow> tlb = out.readAll(MetricTables.TLB_STATS);
        List<Stage2FaultRow> faults = out.readAll(MetricTables.STAGE2_FAULTS);
        List<IrqLatencyRow> irq = out.readAll(MetricTables.IRQ_LATENCY);
        List<String> p = new ArrayList<>(checkTlb(tlb));
        if (out.has(MetricTables.WALK_LENGTHS)) {
            p.addAll(checkWalkLengths(tlb, out.readAll(MetricTables.WALK_LENGTHS)));
        }
        if (out.has(MetricTables.FAULT_EVENTS)) {
            p.addAll(checkFaults(faults, sink -> out.forEach(MetricTables.FAULT_EVENTS, sink)));
        }
        p.addAll(checkIrqRows(irq));
        if (out.has(MetricTables.IRQ_EVENTS)) {
            p.addAll(checkIrq(irq, sink -> out.forEach(MetricTables.IRQ_EVENTS, sink)));
        }
        if (out.has(MetricTables.EXIT_STATS)) {
            p.addAll(checkExits(out.readAll(MetricTables.EXIT_STATS), faults));
        }
        p.addAll(checkTimeline(sink -> out.forEach(MetricTables.TIMELINE, sink), tlb, faults, irq));
        if (out.has(MetricTables.VALIDATION) && out.has(MetricTables.EXIT_STATS)) {
            p.addAll(ValidationConsistency.check(out.readAll(MetricTables.VALIDATION),
                    out.readAll(MetricTables.EXIT_STATS), faults, irq));
        }
        if (out.has(MetricTables.STALE_TRANSLATIONS)) {
            p.addAll(checkStale(tlb, out.readAll(MetricTables.STALE_TRANSLATIONS), out.runInfo()));
        }
        return p;
    }

    /**
     * stale_translations against tlb_stats and run_info (docs/metrics.md rule 6): per VM &times;
     * vCPU, rows &le; &Sigma; stale_hits; rows + replay.stale_translations_beyond_cap =
     * replay.stale_translations; &Sigma; stale_hits &gt; 0 exactly when replay.stale_translations &gt; 0.
     */
    public static List<String> checkStale(List<TlbStatsRow> tlb, List<StaleTranslationRow> rows,
            Map<String, String> info) {
        List<String> p = new ArrayList<>();
        Map<String, long[]> byVcpu = new TreeMap<>(); // "vm.vcpu" -> {rows, stale_hits}
        long staleHits = 0;
        for (TlbStatsRow r : tlb) {
            byVcpu.computeIfAbsent(r.vm() + "." + r.vcpu(), k -> new long[2])[1] += r.staleHits();
            staleHits += r.staleHits();
        }
        for (StaleTranslationRow r : rows) {
            byVcpu.computeIfAbsent(r.vm() + "." + r.vcpu(), k -> new long[2])[0]++;
        }
        byVcpu.forEach((k, v) -> {
            if (v[0] > v[1]) {
                p.add("stale_translations vm.vcpu=" + k + ": " + v[0] + " rows > tlb_stats stale_hits " + v[1]);
            }
        });
        String total = info.get(RunInfo.STALE_TRANSLATIONS);
        String beyond = info.get(RunInfo.STALE_TRANSLATIONS_BEYOND_CAP);
        if (total == null || beyond == null) {
            p.add("stale_translations is present but run_info lacks " + RunInfo.STALE_TRANSLATIONS + " or "
                    + RunInfo.STALE_TRANSLATIONS_BEYOND_CAP);
            return p;
        }
        long t = Long.parseLong(total);
        long b = Long.parseLong(beyond);
        if (rows.size() + b != t) {
            p.add("stale_translations: " + rows.size() + " rows + " + b + " beyond the cap != run_info "
                    + RunInfo.STALE_TRANSLATIONS + " " + t);
        }
        if ((staleHits > 0) != (t > 0)) {
            p.add("tlb_stats stale_hits total " + staleHits + " but run_info " + RunInfo.STALE_TRANSLATIONS + " " + t);
        }
        return p;
    }

    /**
     * {@code exit_stats} on its own (one row per vCPU and reason, the reason named from the type and
     * EC, min ≤ mean ≤ max, total = mean × count, 0 ≤ stddev ≤ max - min, EL2 time at least the
     * handled time) and against
     * {@code stage2_faults}: every stage-2 abort is one DABT_LOW or IABT_LOW exit of its vCPU,
     * counted or still unfinished at the end.
     */
    public static List<String> checkExits(List<ExitStatsRow> exits, List<Stage2FaultRow> faults) {
        List<String> p = new ArrayList<>();
        Map<String, long[]> aborts = new TreeMap<>();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        int rowProblems = 0;
        for (ExitStatsRow r : exits) {
            String vcpu = "vm=" + r.vm() + " vcpu=" + r.vcpu();
            String where = "exit_stats " + vcpu + " reason=" + r.reason();
            List<String> rp = new ArrayList<>();
            if (!seen.add(vcpu + " " + r.reason())) {
                rp.add(where + ": duplicate row");
            }
            boolean trap = r.type().equals("TRAP");
            String expected = trap ? r.ecName() : r.type();
            if (!r.reason().equals(expected) || trap != (r.ec() >= 0) || trap == r.ecName().isEmpty()) {
                rp.add(where + ": reason must be the EC name of a trap (ec >= 0) and the type otherwise (ec -1, no "
                        + "ec_name); type=" + r.type() + " ec=" + r.ec() + " ec_name=" + r.ecName());
            }
            if (r.count() < 0 || r.unfinished() < 0 || r.count() + r.unfinished() == 0) {
                rp.add(where + ": count " + r.count() + " and unfinished " + r.unfinished()
                        + " must be >= 0 and not both 0");
            }
            if (r.count() > 0 && (r.minNs() > r.maxNs() || r.meanNs() < r.minNs() * (1 - REL_TOL)
                    || r.meanNs() > r.maxNs() * (1 + REL_TOL)
                    || !close(r.meanNs() * r.count(), r.totalNs()))) {
                rp.add(where + ": min " + r.minNs() + " <= mean " + r.meanNs() + " <= max " + r.maxNs()
                        + " and total " + r.totalNs() + " = mean x count " + r.count() + " must hold");
            }
            // A sample standard deviation is at most the range over the square root of 2 (Popoviciu's bound
            // on the variance, times n / (n - 1) <= 2), so within [0, max - min]; 0 for fewer than two exits.
            if (!(r.stddevNs() >= 0) || r.count() < 2 && r.stddevNs() != 0
                    || r.count() >= 2 && r.stddevNs() > (r.maxNs() - r.minNs()) * (1 + REL_TOL)) {
                rp.add(where + ": stddev_ns " + r.stddevNs() + " must be 0 for fewer than 2 exits and within [0, "
                        + "max - min] otherwise (count " + r.count() + ", max - min " + (r.maxNs() - r.minNs()) + ")");
            }
            if (r.el2Ns() < r.totalNs()) {
                rp.add(where + ": el2_ns " + r.el2Ns() + " below total_ns " + r.totalNs());
            }
            if (rowProblems < MAX_ROW_PROBLEMS) {
                p.addAll(rp);
            }
            rowProblems += rp.size();
            if (r.reason().equals("DABT_LOW") || r.reason().equals("IABT_LOW")) {
                aborts.computeIfAbsent(vcpu, k -> new long[2])[0] += r.count() + r.unfinished();
            }
        }
        for (Stage2FaultRow f : faults) {
            aborts.computeIfAbsent("vm=" + f.vm() + " vcpu=" + f.vcpu(), k -> new long[2])[1] += f.count();
        }
        aborts.forEach((k, a) -> {
            if (a[0] != a[1]) {
                p.add("exit_stats " + k + ": " + a[0] + " DABT_LOW/IABT_LOW exits, but stage2_faults counts " + a[1]
                        + " stage-2 aborts (each is one exit)");
            }
        });
        return p;
    }


    public static List<String> checkTlb(List<TlbStatsRow> rows) {
        List<String> p = new ArrayList<>();
        for (TlbStatsRow r : rows) {
            String where = "tlb_stats pe=" + r.pe() + " vm=" + r.vm() + " vcpu=" + r.vcpu() + " structure="
                    + r.structure() + " page_size=" + r.pageSize() + ": ";
            if (r.hits() + r.misses() != r.lookups()) {
                p.add(where + "hits + misses = " + (r.hits() + r.misses()) + ", but lookups = " + r.lookups());
            }
            if (r.walks() > r.misses()) {
                p.add(where + "walks " + r.walks() + " > misses " + r.misses());
            }
            if (r.staleHits() > r.hits()) {
                p.add(where + "stale_hits " + r.staleHits() + " > hits " + r.hits());
            }
            if (r.walks() == 0 && r.descriptorReads() != 0) {
                p.add(where + r.descriptorReads() + " descriptor reads but no walks");
            }
            long[] all = {r.lookups(), r.hits(), r.misses(), r.walks(), r.staleHits(), r.s1L0Reads(), r.s1L1Reads(),
                r.s1L2Reads(), r.s1L3Reads(), r.s2L0Reads(), r.s2L1Reads(), r.s2L2Reads(), r.s2L3Reads()};
            for (long v : all) {
                if (v < 0) {
                    p.add(where + "negative counter " + v);
                    break;
                }
            }
        }
        return p;
    }

    public static List<String> checkWalkLengths(List<TlbStatsRow> tlb, List<WalkLengthRow> lengths) {
        Map<String, long[]> fromTlb = new TreeMap<>();
        for (TlbStatsRow r : tlb) {
            long[] a = fromTlb.computeIfAbsent(r.pe() + " vm=" + r.vm() + " vcpu=" + r.vcpu(), k -> new long[2]);
            a[0] += r.walks();
            a[1] += r.descriptorReads();
        }
        Map<String, long[]> fromLengths = new TreeMap<>();
        for (WalkLengthRow r : lengths) {
            long[] a = fromLengths.computeIfAbsent(r.pe() + " vm=" + r.vm() + " vcpu=" + r.vcpu(), k -> new long[2]);
            a[0] += r.walks();
            a[1] += r.walks() * r.descriptorReads();
        }
        List<String> p = new ArrayList<>();
        TreeMap<String, Boolean> keys = new TreeMap<>();
        fromTlb.forEach((k, v) -> keys.put(k, true));
        fromLengths.forEach((k, v) -> keys.put(k, true));
        for (String k : keys.keySet()) {
            long[] a = fromTlb.getOrDefault(k, new long[2]);
            long[] b = fromLengths.getOrDefault(k, new long[2]);
            if (a[0] != b[0]) {
                p.add("walk_lengths pe=" + k + ": " + b[0] + " walks, but tlb_stats has " + a[0]);
            }
            if (a[1] != b[1]) {
                p.add("walk_lengths pe=" + k + ": " + b[1] + " descriptor reads, but tlb_stats has " + a[1]);
            }
        }
        return p;
    }

    private record FaultKey(int vm, int vcpu, String kind, int level, boolean s1ptw, String cause)
            implements Comparable<FaultKey> {
        @Override
        public int compareTo(FaultKey o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return "vm=" + vm + " vcpu=" + vcpu + " kind=" + kind + " level=" + level + " s1ptw=" + s1ptw
                    + " cause=" + cause;
        }
    }

    /** {@code events} streams the fault_events rows into the consumer it is given. */
    public static List<String> checkFaults(List<Stage2FaultRow> faults,
            Consumer<Consumer<? super FaultEventRow>> events) {
        Map<FaultKey, long[]> ev = new TreeMap<>();
        events.accept(e -> {
            long[] a = ev.computeIfAbsent(new FaultKey(e.vm(), e.vcpu(), e.kind(), e.level(), e.s1ptw(), e.cause()),
                    k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            a[0]++;
            a[1] = Math.min(a[1], e.ts());
            a[2] = Math.max(a[2], e.ts());
        });
        List<String> p = new ArrayList<>();
        Map<FaultKey, Boolean> seen = new TreeMap<>();
        for (Stage2FaultRow r : faults) {
            FaultKey k = new FaultKey(r.vm(), r.vcpu(), r.kind(), r.level(), r.s1ptw(), r.cause());
            if (seen.put(k, true) != null) {
                p.add("stage2_faults " + k + ": duplicate row");
                continue;
            }
            if (r.firstTs() > r.lastTs()) {
                p.add("stage2_faults " + k + ": first_ts " + r.firstTs() + " > last_ts " + r.lastTs());
            }
            long[] a = ev.get(k);
            long n = a == null ? 0 : a[0];
            if (n != r.count()) {
                p.add("stage2_faults " + k + ": count " + r.count() + ", but fault_events has " + n + " rows");
            } else if (a != null && (a[1] != r.firstTs() || a[2] != r.lastTs())) {
                p.add("stage2_faults " + k + ": first_ts/last_ts " + r.firstTs() + "/" + r.lastTs()
                        + ", but fault_events spans " + a[1] + "/" + a[2]);
            }
        }
        for (Map.Entry<FaultKey, long[]> e : ev.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                p.add("fault_events " + e.getKey() + ": " + e.getValue()[0] + " rows, but no stage2_faults row");
            }
        }
        return p;
    }

    /** Checks of irq_latency on its own: counts positive, percentiles ordered, mean within range. */
    public static List<String> checkIrqRows(List<IrqLatencyRow> irq) {
        List<String> p = new ArrayList<>();
        for (IrqLatencyRow r : irq) {
            String where = "irq_latency vm=" + r.vm() + " vcpu=" + r.vcpu() + " class=" + r.irqClass() + ": ";
            if (r.count() <= 0) {
                p.add(where + "count " + r.count() + " (a row needs at least one interrupt)");
            }
            if (!(r.minNs() <= r.p50Ns() && r.p50Ns() <= r.p90Ns() && r.p90Ns() <= r.p99Ns()
                    && r.p99Ns() <= r.p999Ns() && r.p999Ns() <= r.maxNs())) {
                p.add(where + "min <= p50 <= p90 <= p99 <= p99.9 <= max does not hold: " + r.minNs() + ", "
                        + r.p50Ns() + ", " + r.p90Ns() + ", " + r.p99Ns() + ", " + r.p999Ns() + ", " + r.maxNs());
            }
            if (r.meanNs() < r.minNs() || r.meanNs() > r.maxNs()) {
                p.add(where + "mean " + r.meanNs() + " outside [min, max]");
            }
        }
        return p;
    }

    private record IrqKey(int vm, int vcpu, String irqClass) implements Comparable<IrqKey> {
        @Override
        public int compareTo(IrqKey o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return "vm=" + vm + " vcpu=" + vcpu + " class=" + irqClass;
        }
    }

    /** {@code events} streams the irq_events rows into the consumer it is given. */
    public static List<String> checkIrq(List<IrqLatencyRow> irq, Consumer<Consumer<? super IrqEventRow>> events) {
        // per key: count, min, max, sum latency, sums of the five components
        Map<IrqKey, double[]> ev = new TreeMap<>();
        List<String> p = new ArrayList<>();
        long[] rowNo = {0};
        events.accept(e -> {
            rowNo[0]++;
            if (e.componentSum() != e.latencyNs() && p.size() < 20) {
                p.add("irq_events row " + rowNo[0] + " (vm=" + e.vm() + " vcpu=" + e.vcpu() + " ts=" + e.ts()
                        + "): components add up to " + e.componentSum() + ", but latency_ns = " + e.latencyNs());
            }
            double[] a = ev.computeIfAbsent(new IrqKey(e.vm(), e.vcpu(), e.irqClass()),
                    k -> new double[] {0, Double.MAX_VALUE, -Double.MAX_VALUE, 0, 0, 0, 0, 0, 0});
            a[0]++;
            a[1] = Math.min(a[1], e.latencyNs());
            a[2] = Math.max(a[2], e.latencyNs());
            a[3] += e.latencyNs();
            a[4] += e.exitNs();
            a[5] += e.injectNs();
            a[6] += e.schedWaitNs();
            a[7] += e.lrWaitNs();
            a[8] += e.maskWaitNs();
        });
        Map<IrqKey, Boolean> seen = new TreeMap<>();
        for (IrqLatencyRow r : irq) {
            IrqKey k = new IrqKey(r.vm(), r.vcpu(), r.irqClass());
            if (seen.put(k, true) != null) {
                p.add("irq_latency " + k + ": duplicate row");
                continue;
            }
            double[] a = ev.get(k);
            long n = a == null ? 0 : (long) a[0];
            if (n != r.count()) {
                p.add("irq_latency " + k + ": count " + r.count() + ", but irq_events has " + n + " rows");
                continue;
            }
            if (a == null) {
                continue;
            }
            if ((long) a[1] != r.minNs() || (long) a[2] != r.maxNs()) {
                p.add("irq_latency " + k + ": min/max " + r.minNs() + "/" + r.maxNs() + ", but irq_events gives "
                        + (long) a[1] + "/" + (long) a[2]);
            }
            String[] names = {"mean_ns", "mean_exit_ns", "mean_inject_ns", "mean_sched_wait_ns", "mean_lr_wait_ns",
                "mean_mask_wait_ns"};
            double[] means = {r.meanNs(), r.meanExitNs(), r.meanInjectNs(), r.meanSchedWaitNs(), r.meanLrWaitNs(),
                r.meanMaskWaitNs()};
            for (int i = 0; i < names.length; i++) {
                double want = a[3 + i] / n;
                if (!close(means[i], want)) {
                    p.add("irq_latency " + k + ": " + names[i] + " " + means[i] + ", but irq_events gives " + want);
                }
            }
        }
        for (Map.Entry<IrqKey, double[]> e : ev.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                p.add("irq_events " + e.getKey() + ": " + (long) e.getValue()[0] + " rows, but no irq_latency row");
            }
        }
        return p;
    }

    public static List<String> checkTimeline(List<TimelineRow> timeline, List<TlbStatsRow> tlb,
            List<Stage2FaultRow> faults, List<IrqLatencyRow> irq) {
        return checkTimeline(timeline::forEach, tlb, faults, irq);
    }

    /** As above, with {@code timeline} streaming its rows into the consumer it is given (bounded memory). */
    public static List<String> checkTimeline(Consumer<Consumer<? super TimelineRow>> timeline, List<TlbStatsRow> tlb,
            List<Stage2FaultRow> faults, List<IrqLatencyRow> irq) {
        List<String> p = new ArrayList<>();
        // per vm: timeline lookups, misses, faults, interrupts | tables' lookups(level 1), walks, faults, irqs
        Map<Integer, long[]> sums = new TreeMap<>();
        long[] width = {-1};
        timeline.accept(r -> {
            if (p.size() >= MAX_ROW_PROBLEMS) {
                long[] a = sums.computeIfAbsent(r.vm(), k -> new long[8]);
                a[0] += r.tlbLookups();
                a[1] += r.tlbLookups() - r.tlbHits();
                a[2] += r.stage2Faults();
                a[3] += r.interrupts();
                return;
            }
            String where = "timeline window_start_ns=" + r.windowStartNs() + " vm=" + r.vm() + ": ";
            long w = r.windowEndNs() - r.windowStartNs();
            if (w <= 0) {
                p.add(where + "window_end_ns " + r.windowEndNs() + " not after window_start_ns");
            } else if (width[0] < 0) {
                width[0] = w;
            } else if (w != width[0] && p.size() < MAX_ROW_PROBLEMS) {
                p.add(where + "window is " + w + " ns wide, others " + width[0] + " ns");
            }
            if (r.tlbHits() > r.tlbLookups() || r.tlbHits() < 0) {
                p.add(where + "tlb_hits " + r.tlbHits() + " outside [0, tlb_lookups " + r.tlbLookups() + "]");
            }
            if (r.tlbLookups() == 0 ? r.tlbHitRate() != null
                    : r.tlbHitRate() == null || !close(r.tlbHitRate(), (double) r.tlbHits() / r.tlbLookups())) {
                p.add(where + "tlb_hit_rate " + r.tlbHitRate() + " is not tlb_hits / tlb_lookups (null when 0)");
            }
            if ((r.interrupts() == 0) != (r.irqP99Ns() == null)) {
                p.add(where + "irq_p99_ns " + r.irqP99Ns() + " must be null exactly when interrupts = 0 (is "
                        + r.interrupts() + ")");
            }
            long[] a = sums.computeIfAbsent(r.vm(), k -> new long[8]);
            a[0] += r.tlbLookups();
            a[1] += r.tlbLookups() - r.tlbHits();
            a[2] += r.stage2Faults();
            a[3] += r.interrupts();
        });
        for (TlbStatsRow r : tlb) {
            long[] a = sums.computeIfAbsent(r.vm(), k -> new long[8]);
            if (r.tlbLevel() == 1) {
                a[4] += r.lookups();
            }
            a[5] += r.walks();
        }
        for (Stage2FaultRow r : faults) {
            sums.computeIfAbsent(r.vm(), k -> new long[8])[6] += r.count();
        }
        for (IrqLatencyRow r : irq) {
            sums.computeIfAbsent(r.vm(), k -> new long[8])[7] += r.count();
        }
        for (Map.Entry<Integer, long[]> e : sums.entrySet()) {
            long[] a = e.getValue();
            String where = "timeline vm=" + e.getKey() + ": ";
            if (a[0] != a[4]) {
                p.add(where + "sum of tlb_lookups " + a[0] + ", but tlb_stats has " + a[4]
                        + " lookups of first-level structures");
            }
            if (a[1] != a[5]) {
                p.add(where + "sum of tlb_lookups - tlb_hits " + a[1] + ", but tlb_stats has " + a[5] + " walks");
            }
            if (a[2] != a[6]) {
                p.add(where + "sum of stage2_faults " + a[2] + ", but stage2_faults counts " + a[6]);
            }
            if (a[3] != a[7]) {
                p.add(where + "sum of interrupts " + a[3] + ", but irq_latency counts " + a[7]);
            }
        }
        return p;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= REL_TOL * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
}
