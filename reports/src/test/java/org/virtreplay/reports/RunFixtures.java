package org.virtreplay.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.FaultEventRow;
import org.virtreplay.analysis.metrics.IrqEventRow;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.metrics.ValidationRow;
import org.virtreplay.analysis.metrics.WalkLengthRow;

/** Metric tables built by hand (small) or from a seeded generator (bigger), for report tests. */
final class RunFixtures {
    private RunFixtures() {
    }

    static final String EVIL = "<script>alert(1)</script> & \"dq\" 'sq'";

    /**
     * One VM named {@link #EVIL}, one vCPU. By hand: 100 translations, 96 without a walk (timeline
     * 57 of 60 + 39 of 40) -> hit rate 96.00 %; 3 stage-2 faults; 2 timer interrupts of 1000 and
     * 3000 ns -> p99 (nearest rank) 3000 ns = 3.00 µs.
     */
    static void small(Path dir, boolean events) throws IOException {
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(Map.of(RunInfo.TOOL_VERSION, "0.1.0",
                RunInfo.INPUT, "evil-trace", RunInfo.EVENTS_PROCESSED, "105", RunInfo.WINDOW_NS, "1000000",
                RunInfo.vmNameKey(1), EVIL, "option.note", "a,b \"c\"")));
        MetricTableWriter.writeAll(dir, MetricTables.TLB_STATS, List.of(
                new TlbStatsRow(0, 1, 0, "l1d", 1, 4096, 100, 90, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new TlbStatsRow(0, 1, 0, "l2", 2, 4096, 10, 6, 4, 4, 1, 1, 2, 4, 0, 2, 2, 4, 1)));
        MetricTableWriter.writeAll(dir, MetricTables.STAGE2_FAULTS, List.of(
                new Stage2FaultRow(1, 0, "translation", 3, false, "lazy_map", 2, 100, 1_500_000),
                new Stage2FaultRow(1, 0, "permission", 3, false, "dirty_log", 1, 1_200_000, 1_200_000)));
        MetricTableWriter.writeAll(dir, MetricTables.IRQ_LATENCY, List.of(new IrqLatencyRow(1, 0, "timer", 2, 1000,
                1000, 3000, 3000, 3000, 3000, 2000.0, 500.0, 200.0, 750.0, 300.0, 250.0)));
        MetricTableWriter.writeAll(dir, MetricTables.TIMELINE, List.of(
                new TimelineRow(0, 1_000_000, 1, 60, 57, 57 / 60.0, 1, 1, 1000L),
                new TimelineRow(1_000_000, 2_000_000, 1, 40, 39, 39 / 40.0, 2, 1, 3000L)));
        if (events) {
            MetricTableWriter.writeAll(dir, MetricTables.WALK_LENGTHS, List.of(new WalkLengthRow(0, 1, 0, 2, 2),
                    new WalkLengthRow(0, 1, 0, 6, 2)));
            MetricTableWriter.writeAll(dir, MetricTables.FAULT_EVENTS, List.of(
                    new FaultEventRow(100, 0, 1, 0, "translation", 3, false, "lazy_map", 0x1000, 0x8000_1000L, 0x47),
                    new FaultEventRow(1_200_000, 0, 1, 0, "permission", 3, false, "dirty_log", 0x2000, 0x8000_2000L,
                            0x4f),
                    new FaultEventRow(1_500_000, 0, 1, 0, "translation", 3, false, "lazy_map", 0x3000, 0x8000_3000L,
                            0x47)));
            MetricTableWriter.writeAll(dir, MetricTables.IRQ_EVENTS, List.of(
                    new IrqEventRow(500_000, 1, 0, "timer", 27, 1000, 0, 200, 0, 300, 500),
                    new IrqEventRow(1_100_000, 1, 0, "timer", 27, 3000, 1000, 200, 1500, 300, 0)));
        }
    }

    /**
     * A seeded, consistent run of three VMs (one with {@link #EVIL} as its name), ten vCPUs on four
     * PEs over 20 windows of 1 ms: the aggregate tables are computed from generated events here,
     * independently of the code under test.
     */
    static void generated(Path dir, boolean events) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        int[] vms = {1, 2, 3};
        int[] vcpusOf = {4, 2, 4};
        String[] names = {"web-frontend", EVIL, "db"};
        String[] classes = {"timer", "spi", "ipi", "lpi"};
        int windows = 20;
        long win = 1_000_000;
        Map<String, String> info = new TreeMap<>(Map.of(RunInfo.TOOL_VERSION, "0.1.0", RunInfo.INPUT, "fleet.trace",
                RunInfo.INPUT_DIGEST, "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                RunInfo.WINDOW_NS, Long.toString(win), RunInfo.SCENARIO, "n1-4pe.scenario", "scenario.pes", "4",
                "scenario.core", "neoverse-n1", "scenario.gicv4", "false", "option.events", "true"));
        List<TlbStatsRow> tlb = new ArrayList<>();
        List<WalkLengthRow> wl = new ArrayList<>();
        List<FaultEventRow> fev = new ArrayList<>();
        List<IrqEventRow> iev = new ArrayList<>();
        // per VM per window: lookups, misses, faults, interrupts
        long[][][] tw = new long[vms.length][windows][4];
        List<List<List<Long>>> twLat = new ArrayList<>();
        long totalEvents = 0;
        for (int v = 0; v < vms.length; v++) {
            int vm = vms[v];
            info.put(RunInfo.vmNameKey(vm), names[v]);
            info.put(RunInfo.vmVcpusKey(vm), Integer.toString(vcpusOf[v]));
            List<List<Long>> lat = new ArrayList<>();
            for (int w = 0; w < windows; w++) {
                lat.add(new ArrayList<>());
            }
            twLat.add(lat);
            for (int c = 0; c < vcpusOf[v]; c++) {
                int pe = (vm + c) % 4;
                long l1dLookups = 20_000 + rnd.nextInt(20_000);
                long l1dMiss = l1dLookups * (5 + rnd.nextInt(40 * v + 10)) / 1000;
                long l1iLookups = 8_000 + rnd.nextInt(8_000);
                long l1iMiss = l1iLookups * (2 + rnd.nextInt(10)) / 1000;
                long l2Lookups = l1dMiss + l1iMiss;
                long walks = l2Lookups * (20 + rnd.nextInt(40 + 20 * v)) / 100;
                long[] lens = new long[25];
                long[] lv = new long[8];
                for (long k = 0; k < walks; k++) {
                    int n = 4 + rnd.nextInt(v == 1 ? 21 : 9);
                    lens[n]++;
                    int s1 = Math.max(1, n / 5);
                    for (int i = 0; i < s1; i++) {
                        lv[3 - (i % 4)]++;
                    }
                    for (int i = 0; i < n - s1; i++) {
                        lv[4 + 3 - (i % 4)]++;
                    }
                }
                for (int n = 0; n < lens.length; n++) {
                    if (lens[n] > 0) {
                        wl.add(new WalkLengthRow(pe, vm, c, n, lens[n]));
                    }
                }
                long l1dHits = l1dLookups - l1dMiss;
                long l1iHits = l1iLookups - l1iMiss;
                tlb.add(new TlbStatsRow(pe, vm, c, "l1d", 1, 4096, l1dLookups, l1dHits, l1dMiss, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0));
                tlb.add(new TlbStatsRow(pe, vm, c, "l1i", 1, 4096, l1iLookups, l1iHits, l1iMiss, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0));
                tlb.add(new TlbStatsRow(pe, vm, c, "l2", 2, 4096, l2Lookups, l2Lookups - walks, walks, walks, lv[0],
                        lv[1], lv[2], lv[3], lv[4], lv[5], lv[6], lv[7], rnd.nextInt(3)));
                long wcLookups = walks * 3;
                long wcHits = wcLookups * (30 + rnd.nextInt(50)) / 100;
                tlb.add(new TlbStatsRow(pe, vm, c, "walk_cache_s2", 0, 4096, wcLookups, wcHits, wcLookups - wcHits, 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0));
                totalEvents += l1dLookups + l1iLookups;
                // spread translations and walks over the windows
                long translations = l1dLookups + l1iLookups;
                long[] tSplit = split(rnd, translations, windows);
                long[] wSplit = split(rnd, walks, windows);
                for (int w = 0; w < windows; w++) {
                    tw[v][w][0] += tSplit[w];
                    tw[v][w][1] += Math.min(wSplit[w], tSplit[w]);
                }
                // fix up so that the window sums stay exact even after the min above
                long missSum = 0;
                for (int w = 0; w < windows; w++) {
                    missSum += Math.min(wSplit[w], tSplit[w]);
                }
                tw[v][0][1] += walks - missSum;
                // faults
                int nf = 3 + rnd.nextInt(20 + 30 * v);
                for (int k = 0; k < nf; k++) {
                    long ts = rnd.nextLong(windows * win);
                    String cause = new String[] {"lazy_map", "lazy_map", "mmio", "dirty_log", "permission"}[rnd
                            .nextInt(5)];
                    String kind = cause.equals("dirty_log") || cause.equals("permission") ? "permission"
                            : "translation";
                    int level = cause.equals("mmio") ? 2 : 3;
                    boolean s1ptw = cause.equals("lazy_map") && rnd.nextInt(4) == 0;
                    fev.add(new FaultEventRow(ts, pe, vm, c, kind, s1ptw ? 1 : level, s1ptw, cause,
                            0x4000_0000L + rnd.nextInt(1 << 20) * 4096L, 0x8000_0000L + rnd.nextInt(1 << 20) * 4096L,
                            0x9200_0000L + (kind.equals("permission") ? 0x4F : 0x47)));
                    tw[v][(int) (ts / win)][2]++;
                }
                // interrupts
                for (String cls : classes) {
                    if (cls.equals("lpi") && v != 2) {
                        continue;
                    }
                    int ni = 20 + rnd.nextInt(200);
                    for (int k = 0; k < ni; k++) {
                        long ts = rnd.nextLong(windows * win);
                        long exit = cls.equals("timer") ? 0 : 600 + rnd.nextInt(400);
                        long inject = 300 + rnd.nextInt(300);
                        long sched = rnd.nextInt(10) < 2 ? rnd.nextInt(30_000 * (v + 1)) : 0;
                        long lr = rnd.nextInt(20) == 0 ? rnd.nextInt(5_000) : 0;
                        long mask = rnd.nextInt(4) == 0 ? rnd.nextInt(8_000) : 0;
                        long latency = exit + inject + sched + lr + mask;
                        iev.add(new IrqEventRow(ts, vm, c, cls, cls.equals("timer") ? 27 : cls.equals("ipi") ? 1
                                : cls.equals("spi") ? 40 : 8192, latency, exit, inject, sched, lr, mask));
                        tw[v][(int) (ts / win)][3]++;
                        twLat.get(v).get((int) (ts / win)).add(latency);
                    }
                }
            }
        }
        fev.sort((a, b) -> Long.compare(a.ts(), b.ts()));
        iev.sort((a, b) -> Long.compare(a.ts(), b.ts()));
        // aggregate faults
        Map<String, long[]> fk = new TreeMap<>();
        Map<String, FaultEventRow> fproto = new TreeMap<>();
        for (FaultEventRow e : fev) {
            String k = String.format("%05d/%05d/%s/%d/%b/%s", e.vm(), e.vcpu(), e.kind(), e.level(), e.s1ptw(),
                    e.cause());
            long[] a = fk.computeIfAbsent(k, x -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            a[0]++;
            a[1] = Math.min(a[1], e.ts());
            a[2] = Math.max(a[2], e.ts());
            fproto.putIfAbsent(k, e);
        }
        List<Stage2FaultRow> faults = new ArrayList<>();
        fk.forEach((k, a) -> {
            FaultEventRow e = fproto.get(k);
            faults.add(new Stage2FaultRow(e.vm(), e.vcpu(), e.kind(), e.level(), e.s1ptw(), e.cause(), a[0], a[1],
                    a[2]));
        });
        // aggregate interrupts: nearest-rank percentiles, exact means
        Map<String, List<IrqEventRow>> ik = new TreeMap<>();
        for (IrqEventRow e : iev) {
            ik.computeIfAbsent(String.format("%05d/%05d/%s", e.vm(), e.vcpu(), e.irqClass()), x -> new ArrayList<>())
                    .add(e);
        }
        List<IrqLatencyRow> irq = new ArrayList<>();
        ik.forEach((k, list) -> {
            long[] lat = list.stream().mapToLong(IrqEventRow::latencyNs).sorted().toArray();
            double n = list.size();
            IrqEventRow f = list.get(0);
            irq.add(new IrqLatencyRow(f.vm(), f.vcpu(), f.irqClass(), list.size(), lat[0], rank(lat, 0.5),
                    rank(lat, 0.9), rank(lat, 0.99), rank(lat, 0.999), lat[lat.length - 1],
                    list.stream().mapToLong(IrqEventRow::latencyNs).sum() / n,
                    list.stream().mapToLong(IrqEventRow::exitNs).sum() / n,
                    list.stream().mapToLong(IrqEventRow::injectNs).sum() / n,
                    list.stream().mapToLong(IrqEventRow::schedWaitNs).sum() / n,
                    list.stream().mapToLong(IrqEventRow::lrWaitNs).sum() / n,
                    list.stream().mapToLong(IrqEventRow::maskWaitNs).sum() / n));
        });
        List<TimelineRow> timeline = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            for (int v = 0; v < vms.length; v++) {
                long[] a = tw[v][w];
                long hits = a[0] - a[1];
                long[] lat = twLat.get(v).get(w).stream().mapToLong(Long::longValue).sorted().toArray();
                timeline.add(new TimelineRow(w * win, (w + 1) * win, vms[v], a[0], hits,
                        a[0] == 0 ? null : (double) hits / a[0], a[2], a[3], lat.length == 0 ? null : rank(lat, 0.99)));
            }
        }
        totalEvents += fev.size() + iev.size();
        info.put(RunInfo.EVENTS_PROCESSED, Long.toString(totalEvents));
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(info));
        MetricTableWriter.writeAll(dir, MetricTables.TLB_STATS, tlb);
        MetricTableWriter.writeAll(dir, MetricTables.STAGE2_FAULTS, faults);
        MetricTableWriter.writeAll(dir, MetricTables.IRQ_LATENCY, irq);
        MetricTableWriter.writeAll(dir, MetricTables.TIMELINE, timeline);
        if (events) {
            MetricTableWriter.writeAll(dir, MetricTables.WALK_LENGTHS, wl);
            MetricTableWriter.writeAll(dir, MetricTables.FAULT_EVENTS, fev);
            MetricTableWriter.writeAll(dir, MetricTables.IRQ_EVENTS, iev);
        }
        new RunTiming(1_250_000_000L, totalEvents).write(dir);
    }

    /** Nearest-rank percentile of sorted values: the ceil(q * n)-th smallest. */
    /**
     * A {@code validation} table for a run of {@link #generated}: judged and unjudged rows of every
     * quantity, a reason named {@link #EVIL} (escaping), a row without a modelled value.
     */
    static void validation(Path dir) throws IOException {
        String few = "too few observations to judge: ";
        MetricTableWriter.writeAll(dir, MetricTables.VALIDATION, List.of(
                new ValidationRow("exits", 1, "vm=1 reason=DABT_LOW", 1200, 1100.0, 100.0, 100.0 / 1200, 1200, 1100,
                        true, ""),
                new ValidationRow("exits", 1, "vm=1 reason=WFx", 0, 5.0, 5.0, null, 0, 5, false, few + "0 (at least 30)"),
                new ValidationRow("exits", 2, "vm=2 reason=" + EVIL, 40, 0.0, 40.0, 1.0, 40, 0, true, ""),
                new ValidationRow("exit_mean_ns", 1, "vm=1 reason=DABT_LOW", 1600, 1510.0, 90.0, 90.0 / 1600, 1150,
                        1100, true, ""),
                new ValidationRow("exit_mean_ns", 1, "vm=1 reason=IABT_LOW", 500, null, null, null, 3, 0, false,
                        "the model took no finished exit of this reason"),
                new ValidationRow("stage2_aborts", 2, "vm=2", 40, 38.0, 2.0, 0.05, 40, 38, true, ""),
                new ValidationRow("stage2_aborts", 2, "vm=2 memslot=0", 25, 30.0, 5.0, 0.2, 25, 30, false,
                        few + "25 (at least 30)"),
                new ValidationRow("stage2_aborts", 2, "vm=2 memslot=none", 15, 8.0, 7.0, 7.0 / 15, 15, 8, false,
                        few + "15 (at least 30)"),
                new ValidationRow("irq_latency_p50_ns", 3, "vm=3 vcpu=0 class=timer", 5000, 4800.0, 200.0, 0.04, 200,
                        180, true, ""),
                new ValidationRow("irq_latency_p99_ns", 3, "vm=3 vcpu=0 class=timer", 9000, 12000.0, 3000.0, 1.0 / 3,
                        200, 180, true, ""),
                new ValidationRow("tlb_miss_ratio", 3, "vm=3", 0.02, 0.015, 0.005, 0.25, 10, 10, false,
                        few + "10 (at least 30)")));
    }

    static long rank(long[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static long[] split(SplittableRandom rnd, long total, int parts) {
        double[] wts = new double[parts];
        double sum = 0;
        for (int i = 0; i < parts; i++) {
            wts[i] = 0.5 + rnd.nextDouble() + (i < 3 ? 1.5 : 0); // a warm-up burst
            sum += wts[i];
        }
        long[] out = new long[parts];
        long given = 0;
        for (int i = 0; i < parts; i++) {
            out[i] = (long) Math.floor(total * wts[i] / sum);
            given += out[i];
        }
        out[parts - 1] += total - given;
        Arrays.stream(out).sum();
        return out;
    }
}
