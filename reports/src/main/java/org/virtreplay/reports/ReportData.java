package org.virtreplay.reports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.MetricsConsistency;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.metrics.WalkLengthRow;

/**
 * What the HTML report needs from a run, gathered in one place: the aggregate tables in memory,
 * the per-event tables streamed into bounded summaries (latency histograms per vCPU and class,
 * fault counts per time bin and cause), VM labels and the consistency check's findings.
 */
final class ReportData {
    /** (vm, vcpu, irq class), ordered. */
    record IrqKey(int vm, int vcpu, String irqClass) implements Comparable<IrqKey> {
        @Override
        public int compareTo(IrqKey o) {
            int c = Integer.compare(vm, o.vm);
            if (c == 0) {
                c = Integer.compare(vcpu, o.vcpu);
            }
            return c != 0 ? c : irqClass.compareTo(o.irqClass);
        }
    }

    final RunOutput run;
    final Map<String, String> runInfo;
    final List<TlbStatsRow> tlb;
    final List<Stage2FaultRow> faults;
    final List<IrqLatencyRow> irq;
    /** The timeline table's width of a window, ns. */
    final long windowNs;
    /**
     * Width of one point of the time charts, ns: the timeline window, or a whole multiple of it
     * chosen so that a chart has at most {@link #MAX_BINS} points (a long run at 1 ms windows
     * would otherwise put millions of points into the page).
     */
    final long binNs;
    /** Per VM: bin start -> {tlb lookups, tlb hits, stage-2 faults, interrupts, max irq p99 (-1: none)}. */
    final TreeMap<Integer, TreeMap<Long, long[]>> timeline = new TreeMap<>();
    final boolean timelineEmpty;
    long timelineLookups;
    long timelineHits;
    static final int MAX_BINS = 1000;
    final List<WalkLengthRow> walkLengths;
    final boolean hasWalkLengths;
    final boolean hasFaultEvents;
    final boolean hasIrqEvents;
    /** fault_events: bin start -> cause -> count (bins of {@link #binNs}). */
    final TreeMap<Long, TreeMap<String, Long>> faultBins = new TreeMap<>();
    /** irq_events: exact latency distribution per (vm, vcpu, class), 3 significant digits. */
    final TreeMap<IrqKey, Histogram> irqHist = new TreeMap<>();
    final TreeSet<Integer> vms = new TreeSet<>();
    /** (vm, vcpu) pairs seen anywhere, as vm * 2^20 + vcpu for ordering. */
    final TreeSet<Long> vcpus = new TreeSet<>();
    final List<String> consistency;
    /** The interrupt latency threshold of the report ({@code --latency-threshold-us}), ns. */
    long latencyThresholdNs = DEFAULT_LATENCY_THRESHOLD_US * 1000;
    static final long DEFAULT_LATENCY_THRESHOLD_US = 50;
    private final Map<Integer, String> chartVmLabels = new HashMap<>();

    ReportData(RunOutput run) {
        this.run = run;
        this.runInfo = run.runInfo();
        this.tlb = run.readAll(MetricTables.TLB_STATS);
        this.faults = run.readAll(MetricTables.STAGE2_FAULTS);
        this.irq = run.readAll(MetricTables.IRQ_LATENCY);
        // two streaming passes over the timeline: its span, then its points per display bin
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE, 0};
        run.forEach(MetricTables.TIMELINE, r -> {
            span[0] = Math.min(span[0], r.windowStartNs());
            span[1] = Math.max(span[1], r.windowEndNs());
            if (span[2] == 0 && r.windowEndNs() > r.windowStartNs()) {
                span[2] = r.windowEndNs() - r.windowStartNs();
            }
        });
        this.timelineEmpty = span[0] == Long.MAX_VALUE;
        this.windowNs = windowNs(span[2]);
        long windows = timelineEmpty ? 0 : (span[1] - span[0] + windowNs - 1) / windowNs;
        this.binNs = windows > MAX_BINS ? ((windows + MAX_BINS - 1) / MAX_BINS) * windowNs : windowNs;
        run.forEach(MetricTables.TIMELINE, r -> {
            vms.add(r.vm());
            timelineLookups += r.tlbLookups();
            timelineHits += r.tlbHits();
            long[] a = timeline.computeIfAbsent(r.vm(), k -> new TreeMap<>())
                    .computeIfAbsent(Math.floorDiv(r.windowStartNs(), binNs) * binNs, k -> new long[] {0, 0, 0, 0, -1});
            a[0] += r.tlbLookups();
            a[1] += r.tlbHits();
            a[2] += r.stage2Faults();
            a[3] += r.interrupts();
            if (r.irqP99Ns() != null) {
                a[4] = Math.max(a[4], r.irqP99Ns());
            }
        });
        this.hasWalkLengths = run.has(MetricTables.WALK_LENGTHS);
        this.walkLengths = run.readAll(MetricTables.WALK_LENGTHS);
        this.hasFaultEvents = run.has(MetricTables.FAULT_EVENTS);
        this.hasIrqEvents = run.has(MetricTables.IRQ_EVENTS);
        run.forEach(MetricTables.FAULT_EVENTS, e -> {
            long bin = Math.floorDiv(e.ts(), binNs) * binNs;
            faultBins.computeIfAbsent(bin, k -> new TreeMap<>()).merge(e.cause(), 1L, Long::sum);
        });
        run.forEach(MetricTables.IRQ_EVENTS, e -> irqHist
                .computeIfAbsent(new IrqKey(e.vm(), e.vcpu(), e.irqClass()), k -> new Histogram(3))
                .recordValue(Math.max(0, e.latencyNs())));
        for (TlbStatsRow r : tlb) {
            seen(r.vm(), r.vcpu());
        }
        for (Stage2FaultRow r : faults) {
            seen(r.vm(), r.vcpu());
        }
        for (IrqLatencyRow r : irq) {
            seen(r.vm(), r.vcpu());
        }
        for (String k : runInfo.keySet()) {
            if (k.startsWith(RunInfo.VM_PREFIX) && k.endsWith(".name")) {
                try {
                    vms.add(Integer.parseInt(k.substring(RunInfo.VM_PREFIX.length(), k.length() - 5)));
                } catch (NumberFormatException ignored) {
                    // a key we did not write; not a VM
                }
            }
        }
        Map<Integer, String> names = new java.util.LinkedHashMap<>();
        for (int vm : vms) {
            names.put(vm, run.vmName(vm));
        }
        chartVmLabels.putAll(ChartLabels.unique(names, ReportData::vmTag));
        this.consistency = MetricsConsistency.check(run);
    }

    private org.virtreplay.analysis.summary.RunSummary summary;
    private org.virtreplay.analysis.summary.FaultAttribution attribution;

    /** The terminal summary's figures (read once, on first use). */
    org.virtreplay.analysis.summary.RunSummary summary() {
        if (summary == null) {
            summary = org.virtreplay.analysis.summary.SummaryReader.read(run);
        }
        return summary;
    }

    /** fault_events placed in run_info's memslots (read once, on first use). */
    org.virtreplay.analysis.summary.FaultAttribution faultAttribution() {
        if (attribution == null) {
            attribution = org.virtreplay.analysis.summary.FaultAttribution.read(run);
        }
        return attribution;
    }

    private void seen(int vm, int vcpu) {
        vms.add(vm);
        vcpus.add(((long) vm << 20) + vcpu);
    }

    /** The timeline window width: from run_info, else from the timeline rows, else 1 ms. */
    private long windowNs(long fromRows) {
        try {
            long w = Long.parseLong(runInfo.getOrDefault(RunInfo.WINDOW_NS, ""));
            if (w > 0) {
                return w;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        return fromRows > 0 ? fromRows : 1_000_000L;
    }

    /** The VM's full name, as the trace gave it (the page shows it once, in its list of VMs). */
    String vmName(int vm) {
        return run.vmName(vm);
    }

    /**
     * The VM's label in tables: its name when short and unique, else cut like its chart label
     * ({@link #chartVmLabel}), which it is. A table cell links it to the VM's row in the list of
     * VMs, where the full name is: a name of megabytes (valid in a trace) is written once, not in
     * every row.
     */
    String vmLabel(int vm) {
        return chartVmLabel(vm);
    }

    String vcpuLabel(int vm, int vcpu) {
        return chartVcpuLabel(vm, vcpu);
    }

    private static String vmTag(int vm) {
        return " (vm " + vm + ")";
    }

    /**
     * The VM's label in charts: its name cut to {@link ChartLabels#MAX} characters, with the id
     * where two labels would be equal (tables use the same label, linked to the full name).
     */
    String chartVmLabel(int vm) {
        return chartVmLabels.computeIfAbsent(vm,
                k -> ChartLabels.shorten(run.vmName(k), ChartLabels.MAX - vmTag(k).length()) + vmTag(k));
    }

    /** A vCPU's label in charts: {@link #chartVmLabel} and the vCPU number. */
    String chartVcpuLabel(int vm, int vcpu) {
        return chartVmLabel(vm) + " / vCPU " + vcpu;
    }

    /** Translation requests (level-1 lookups) and walks per (vm, vcpu) key, from tlb_stats. */
    Map<Long, long[]> translationsPerVcpu() {
        Map<Long, long[]> m = new TreeMap<>();
        for (TlbStatsRow r : tlb) {
            long[] a = m.computeIfAbsent(((long) r.vm() << 20) + r.vcpu(), k -> new long[2]);
            if (r.tlbLevel() == 1) {
                a[0] += r.lookups();
            }
            a[1] += r.walks();
        }
        return m;
    }

    List<String> irqClasses() {
        TreeSet<String> s = new TreeSet<>();
        irq.forEach(r -> s.add(r.irqClass()));
        irqHist.keySet().forEach(k -> s.add(k.irqClass()));
        return new ArrayList<>(s);
    }
}
