package org.virtreplay.analysis.summary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTable;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.engine.stats.LogLinearHistogram;

/**
 * Builds a {@link RunSummary} from a replay's metric tables: the aggregate tables are summed per
 * VM, and {@code irq_events}, when present, is streamed into one histogram per VM and per VM and
 * class (a few KB each, whatever the trace's length). {@code exit_stats} is read when its file
 * exists; without it the summary has no exit figures.
 */
public final class SummaryReader {
    private SummaryReader() {
    }

    /** The exit-statistics table's file name; its absence is not an error. */
    public static final String EXIT_STATS_FILE = "exit_stats.parquet";

    /** The columns of {@code exit_stats} the summary reads (the file has more; they are ignored). */
    public static final MetricTable<ExitCountRow> EXIT_COUNTS = MetricTable.of("exit_stats", true, ExitCountRow.class,
            "Exits to EL2 per VM x vCPU x exit reason.");

    /** The summary of the output directory {@code dir} (the one holding {@code run_info.parquet}). */
    public static RunSummary read(Path dir) {
        return read(RunOutput.open(dir));
    }

    public static RunSummary read(RunOutput run) {
        Map<String, String> info = run.runInfo();
        TreeSet<Integer> ids = new TreeSet<>();
        for (String k : info.keySet()) {
            if (k.startsWith(RunInfo.VM_PREFIX) && k.endsWith(".name")) {
                try {
                    ids.add(Integer.parseInt(k.substring(RunInfo.VM_PREFIX.length(), k.length() - ".name".length())));
                } catch (NumberFormatException e) {
                    // not a vm.<id>.name key
                }
            }
        }
        Map<Integer, long[]> tlb = new TreeMap<>(); // translations, walks, descriptor reads
        run.forEach(MetricTables.TLB_STATS, (TlbStatsRow r) -> {
            long[] a = tlb.computeIfAbsent(r.vm(), k -> new long[3]);
            if (r.tlbLevel() == 1) {
                a[0] += r.lookups();
            }
            a[1] += r.walks();
            a[2] += r.descriptorReads();
        });
        Map<Integer, SortedMap<String, Long>> faults = new TreeMap<>();
        run.forEach(MetricTables.STAGE2_FAULTS, (Stage2FaultRow r) ->
                faults.computeIfAbsent(r.vm(), k -> new TreeMap<>()).merge(r.cause(), r.count(), Long::sum));
        Map<Integer, SortedMap<String, Long>> exits = null;
        Map<Integer, Long> el2 = new TreeMap<>();
        Path exitFile = run.dir().resolve(EXIT_STATS_FILE);
        if (Files.exists(exitFile)) {
            Map<Integer, SortedMap<String, Long>> ex = new TreeMap<>();
            MetricTableReader.forEach(exitFile, EXIT_COUNTS,
                    r -> {
                        ex.computeIfAbsent(r.vm(), k -> new TreeMap<>()).merge(r.reason(), r.count(), Long::sum);
                        el2.merge(r.vm(), r.el2Ns(), Long::sum);
                    });
            exits = ex;
        }
        // n exactly from irq_latency; percentiles pooled from the events when there are any
        Map<Integer, SortedMap<String, long[]>> irq = new TreeMap<>(); // class -> n, max p50, max p99, rows
        for (IrqLatencyRow r : run.readAll(MetricTables.IRQ_LATENCY)) {
            long[] a = irq.computeIfAbsent(r.vm(), k -> new TreeMap<>())
                    .computeIfAbsent(r.irqClass(), k -> new long[4]);
            a[0] += r.count();
            a[3]++;
            a[1] = Math.max(a[1], r.p50Ns());
            a[2] = Math.max(a[2], r.p99Ns());
        }
        boolean pooled = run.has(MetricTables.IRQ_EVENTS);
        Map<Integer, LogLinearHistogram> vmHist = new TreeMap<>();
        Map<Integer, Map<String, LogLinearHistogram>> classHist = new TreeMap<>();
        if (pooled) {
            run.forEach(MetricTables.IRQ_EVENTS, r -> {
                vmHist.computeIfAbsent(r.vm(), k -> new LogLinearHistogram()).record(r.latencyNs());
                classHist.computeIfAbsent(r.vm(), k -> new TreeMap<>())
                        .computeIfAbsent(r.irqClass(), k -> new LogLinearHistogram()).record(r.latencyNs());
            });
        }
        ids.addAll(tlb.keySet());
        ids.addAll(faults.keySet());
        ids.addAll(irq.keySet());
        if (exits != null) {
            ids.addAll(exits.keySet());
        }
        List<VmSummary> vms = new ArrayList<>();
        for (int vm : ids) {
            long[] t = tlb.getOrDefault(vm, new long[3]);
            SortedMap<String, Long> f = Collections.unmodifiableSortedMap(faults.getOrDefault(vm, new TreeMap<>()));
            long faultTotal = f.values().stream().mapToLong(Long::longValue).sum();
            Long exitTotal = null;
            SortedMap<String, Long> byReason = new TreeMap<>();
            if (exits != null) {
                byReason = exits.getOrDefault(vm, new TreeMap<>());
                exitTotal = byReason.values().stream().mapToLong(Long::longValue).sum();
            }
            SortedMap<String, Latency> byClass = new TreeMap<>();
            long n = 0;
            long p50 = 0;
            long p99 = 0;
            long rows = 0;
            for (var e : irq.getOrDefault(vm, new TreeMap<>()).entrySet()) {
                long[] a = e.getValue();
                n += a[0];
                p50 = Math.max(p50, a[1]);
                p99 = Math.max(p99, a[2]);
                rows += a[3];
                LogLinearHistogram h = pooled ? classHist.getOrDefault(vm, Map.of()).get(e.getKey()) : null;
                byClass.put(e.getKey(), latency(a[0], a[1], a[2], a[3], h));
            }
            Latency all = latency(n, p50, p99, rows, vmHist.get(vm));
            vms.add(new VmSummary(vm, run.vmName(vm), t[0], t[1], t[2], faultTotal, f, exitTotal,
                    Collections.unmodifiableSortedMap(byReason), all, Collections.unmodifiableSortedMap(byClass),
                    translationNs(info, vm), exits == null ? null : el2.getOrDefault(vm, 0L)));
        }
        return new RunSummary(info.getOrDefault(RunInfo.INPUT, ""), info.getOrDefault(RunInfo.INPUT_DIGEST, ""),
                Collections.unmodifiableMap(new TreeMap<>(info)), List.copyOf(vms), exits != null, pooled);
    }

    private static Long translationNs(Map<String, String> info, int vm) {
        try {
            String v = info.get(RunInfo.vmTranslationNsKey(vm));
            return v == null ? null : Long.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** From the events' histogram when there is one; else the rows' largest, exact for one row. */
    private static Latency latency(long n, long p50Bound, long p99Bound, long rows, LogLinearHistogram h) {
        if (n == 0) {
            return new Latency(0, 0, 0, true);
        }
        if (h != null && h.count() > 0) {
            return new Latency(n, h.percentile(50), h.percentile(99), true);
        }
        return new Latency(n, p50Bound, p99Bound, rows == 1);
    }
}
