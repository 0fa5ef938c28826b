package org.virtreplay.analysis.validation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.virtreplay.analysis.kvmstat.ExitReasons;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.ValidationRow;
import org.virtreplay.engine.hyp.ExitReason;
import org.virtreplay.engine.hyp.ExitStats;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.stats.LogLinearHistogram;
import org.virtreplay.ingest.trace.IrqRecord;
import org.virtreplay.ingest.trace.RecordReader;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * The rows of the {@code validation} table (docs/metrics.md): the trace's observations, read
 * once each after the replay (streamed; memory grows with the reasons, memslots and vCPUs, not with
 * the recording), against the finished model. Quantities the trace has no observation of get no
 * rows, so a trace without observations gets none.
 */
public final class Validation {
    /** The fewest observations a row is judged on. */
    public static final long MIN_SAMPLES = 30;
    /** The fewest observations a p99 is judged on: with fewer than 100, the nearest-rank p99 is the maximum. */
    public static final long MIN_SAMPLES_P99 = 100;

    // exits columns (docs/trace-format.md; ingest TableKind.EXITS)
    private static final int E_VM = 1, E_EC_NAME = 6, E_IPA = 9, E_DURATION = 11;

    private Validation() {
    }

    /** The rows for {@code trace} replayed into {@code rp} (after {@link Replayer#finish}) with {@code probes}. */
    public static List<ValidationRow> rows(Trace trace, Replayer rp, ValidationProbes probes) {
        List<ValidationRow> rows = new ArrayList<>();
        if (trace.has(TableKind.EXITS)) {
            exits(trace, rp, probes, rows);
        }
        if (trace.has(TableKind.IRQ)) {
            irqLatency(trace, rp, rows);
        }
        for (int vm = 0; vm < probes.speSamples.length; vm++) {
            long n = probes.speSamples[vm];
            if (n > 0) {
                rows.add(row("tlb_miss_ratio", vm, "vm=" + vm, (double) probes.speObservedMisses[vm] / n,
                        (double) probes.speModelledMisses[vm] / n, n, n, MIN_SAMPLES, ""));
            }
        }
        return rows;
    }

    /** Whether {@code rp} replays the trace's VM {@code vm} (as itself, not as a replica). */
    static boolean replayed(Replayer rp, int vm) {
        for (int d = 0; d < rp.vmCount(); d++) {
            if (rp.vmId(d) == vm) {
                return true;
            }
        }
        return false;
    }

    /** Writes the rows into {@code dir} as the {@code validation} table; nothing when there are none. */
    public static void write(Path dir, List<ValidationRow> rows) throws IOException {
        if (!rows.isEmpty()) {
            MetricTableWriter.writeAll(dir, MetricTables.VALIDATION, rows);
        }
    }

    /** Per VM observed: reason → {count, finished count, total ns}; aborts per memslot; aborts without IPA. */
    private static void exits(Trace trace, Replayer rp, ValidationProbes probes, List<ValidationRow> rows) {
        int ids = probes.abortsBySlot.length;
        List<Map<String, long[]>> byReason = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
            byReason.add(new TreeMap<>());
        }
        long[] aborts = new long[ids];
        long[][] abortsBySlot = new long[ids][];
        for (int i = 0; i < ids; i++) {
            abortsBySlot[i] = new long[probes.abortsBySlot[i].length];
        }
        boolean[] ipaSeen = new boolean[ids];
        try (TableCursor c = trace.cursor(TableKind.EXITS)) {
            while (c.next()) {
                Row r = c.row();
                int vm = r.getInt(E_VM);
                long[] s = byReason.get(vm).computeIfAbsent(ExitReasons.of(r), k -> new long[3]);
                s[0]++;
                if (!r.isNull(E_DURATION)) {
                    s[1]++;
                    s[2] += r.get(E_DURATION);
                }
                String ec = r.isNull(E_EC_NAME) ? "" : r.text(E_EC_NAME);
                if (ec.equals("DABT_LOW") || ec.equals("IABT_LOW")) {
                    aborts[vm]++;
                    if (!r.isNull(E_IPA)) {
                        ipaSeen[vm] = true;
                        abortsBySlot[vm][probes.slotOf(vm, r.get(E_IPA))]++;
                    }
                }
            }
        }
        ExitStats st = rp.hypervisor().exitStats();
        for (int d = 0; d < rp.vmCount(); d++) {
            int vm = rp.vmId(d);
            if (vm >= ids || byReason.get(vm).isEmpty()) {
                continue; // not recorded (or a replica): no observation to compare with
            }
            // Modelled per reason over the VM's vCPUs: {count incl. unfinished, finished, total ns}.
            Map<String, long[]> model = new TreeMap<>();
            for (int v = 0; v < rp.vcpuCount(d); v++) {
                for (int x = 0; x < ExitReason.COUNT; x++) {
                    long n = st.count(vm, v, x);
                    long open = st.unfinished(vm, v, x);
                    if (n + open > 0) {
                        long[] m = model.computeIfAbsent(ExitReason.key(x), k -> new long[3]);
                        m[0] += n + open;
                        m[1] += n;
                        m[2] += st.totalNs(vm, v, x);
                    }
                }
            }
            TreeSet<String> reasons = new TreeSet<>(byReason.get(vm).keySet());
            reasons.addAll(model.keySet());
            long[] none = new long[3];
            for (String reason : reasons) {
                long[] o = byReason.get(vm).getOrDefault(reason, none);
                long[] m = model.getOrDefault(reason, none);
                String scope = "vm=" + vm + " reason=" + reason;
                rows.add(row("exits", vm, scope, o[0], (double) m[0], o[0], m[0], MIN_SAMPLES, ""));
            }
            for (String reason : reasons) {
                long[] o = byReason.get(vm).getOrDefault(reason, none);
                long[] m = model.getOrDefault(reason, none);
                if (o[1] > 0) {
                    rows.add(row("exit_mean_ns", vm, "vm=" + vm + " reason=" + reason, (double) o[2] / o[1],
                            m[1] == 0 ? null : (double) m[2] / m[1], o[1], m[1], MIN_SAMPLES,
                            m[1] == 0 ? "the model took no finished exit of this reason" : ""));
                }
            }
            rows.add(row("stage2_aborts", vm, "vm=" + vm, aborts[vm], (double) rp.vmStage2Faults(d), aborts[vm],
                    rp.vmStage2Faults(d), MIN_SAMPLES, ""));
            if (ipaSeen[vm]) {
                long[] modelled = probes.abortsBySlot[vm];
                for (int j = 0; j < modelled.length; j++) {
                    long o = abortsBySlot[vm][j];
                    if (o == 0 && modelled[j] == 0) {
                        continue;
                    }
                    String slot = j < probes.slotNo[vm].length ? Integer.toString(probes.slotNo[vm][j]) : "none";
                    rows.add(row("stage2_aborts", vm, "vm=" + vm + " memslot=" + slot, o, (double) modelled[j], o,
                            modelled[j], MIN_SAMPLES, ""));
                }
            }
        }
    }

    /** Observed latency ack_ts - ts of every asserted interrupt with an ack_ts, per VM × vCPU × class. */
    private static void irqLatency(Trace trace, Replayer rp, List<ValidationRow> rows) {
        Map<Long, LogLinearHistogram> observed = new TreeMap<>();
        try (RecordReader<IrqRecord> in = trace.irqs()) {
            for (IrqRecord r = in.next(); r != null; r = in.next()) {
                if (r.deassert() || r.ackTs() < 0) {
                    continue;
                }
                int source = switch (r.source()) {
                    case DEVICE -> Hypervisor.SOURCE_DEVICE;
                    case TIMER -> Hypervisor.SOURCE_TIMER;
                    case IPI -> Hypervisor.SOURCE_IPI;
                    case ITS -> Hypervisor.SOURCE_ITS;
                };
                int cls = IrqLatencyStats.classOf(r.intid(), source);
                int vcpu = Math.max(r.vcpu(), 0); // the model routes a distributor-routed (-1) interrupt to vCPU 0
                long key = ((long) r.vm() << 32) | ((long) vcpu << 8) | cls;
                observed.computeIfAbsent(key, k -> new LogLinearHistogram()).record(r.ackTs() - r.ts());
            }
        }
        IrqLatencyStats st = rp.irqStats();
        for (Map.Entry<Long, LogLinearHistogram> e : observed.entrySet()) {
            int vm = (int) (e.getKey() >>> 32);
            if (!replayed(rp, vm)) {
                continue;
            }
            int vcpu = (int) (e.getKey() >>> 8 & 0xFFFFFF);
            int cls = (int) (e.getKey() & 0xFF);
            LogLinearHistogram o = e.getValue();
            long mn = st.count(vm, vcpu, cls);
            LogLinearHistogram m = mn == 0 ? null : st.histogram(vm, vcpu, cls);
            String scope = "vm=" + vm + " vcpu=" + vcpu + " class=" + IrqLatencyStats.CLASS_NAMES[cls];
            String none = m == null ? "the model delivered no interrupt of this class to this vCPU" : "";
            rows.add(row("irq_latency_p50_ns", vm, scope, o.percentile(50), m == null ? null
                    : (double) m.percentile(50), o.count(), mn, MIN_SAMPLES, none));
            rows.add(row("irq_latency_p99_ns", vm, scope, o.percentile(99), m == null ? null
                    : (double) m.percentile(99), o.count(), mn, MIN_SAMPLES_P99, none));
        }
    }

    static ValidationRow row(String quantity, int vm, String scope, double observed, Double modelled,
            long samples, long modelledSamples, long minSamples, String why) {
        Double abs = modelled == null ? null : Math.abs(modelled - observed);
        Double rel = modelled == null || observed == 0 ? null : abs / Math.abs(observed);
        boolean judged = modelled != null && samples >= minSamples;
        String note = !why.isEmpty() ? why
                : judged ? "" : "too few observations to judge: " + samples + " (at least " + minSamples + ")";
        return new ValidationRow(quantity, vm, scope, observed, modelled, abs, rel, samples, modelledSamples, judged,
                note);
    }
}
