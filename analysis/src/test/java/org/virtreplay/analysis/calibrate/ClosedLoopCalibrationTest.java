package org.virtreplay.analysis.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.ExitStatsRow;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.ValidationRow;
import org.virtreplay.analysis.observe.ObservationEmitter;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.IrqLatencyStats;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * The closed loop of issue 16: a generated trace (timer, device, IPI and ITS interrupts, lazily
 * mapped RAM and MMIO for stage-2 aborts, WFI blocks) replayed under known non-default costs with
 * its observations emitted; {@code calibrate} from the default costs recovers every fitted cost
 * within 2 %, and a replay of the emitted trace under the calibrated scenario reproduces the exits
 * per reason within 1 % and each vCPU's and class's latency p50 and p99 within 5 % of the
 * observations (computed here from the emitted tables, nearest rank).
 */
class ClosedLoopCalibrationTest {
    @TempDir
    Path tmp;

    /** The known costs: every fitted cost away from its default. */
    static final Map<String, Long> KNOWN = Map.of("exit_cycles", 4000L, "entry_cycles", 2600L, "lr_flush_cycles",
            400L, "inject_cycles", 1300L, "s2_fault_cycles", 6000L, "mmio_cycles", 3500L, "device_host_cycles", 4800L);

    private Path generate() throws IOException {
        GeneratorOptions g = new GeneratorOptions();
        g.seed = 7;
        g.vms = 2;
        g.vcpus = 2;
        g.pes = 4;
        g.accesses = 20_000;
        g.accessGapNs = 10_000;
        g.timerHz = 2000;
        g.spiHz = 2000;
        g.ipiHz = 2000;
        g.lpiHz = 1000;
        g.s2Premap = GeneratorOptions.S2Premap.NONE;
        g.mmio = 0.002;
        g.ram = "64M";
        g.footprint = "4M";
        Path dir = tmp.resolve("gen");
        GenerateJob.run(g, dir, Compression.NONE, false, null);
        return dir;
    }

    private static Scenario known() {
        Scenario sc = Scenario.defaults();
        for (Map.Entry<String, Long> e : KNOWN.entrySet()) {
            sc = sc.with(Scenario.key("cost." + e.getKey()), Long.toString(e.getValue()));
        }
        return sc;
    }

    private static ReplayJob.Options options(Path trace, Path out, Scenario sc) {
        return new ReplayJob.Options(trace, out, sc, "test", 1_000_000L, false, true, false, "test", Map.of());
    }

    @Test
    void calibrationRecoversTheCostsAndReproducesTheObservations() throws Exception {
        Path gen = generate();
        Path obs = tmp.resolve("obs");
        ObservationEmitter.replay(options(gen, tmp.resolve("m0"), known()), Stage2Ports.kvm(), obs);

        // The recording has no trapped register writes: trap_cycles is refused until held.
        BadInputException refused = assertThrows(BadInputException.class, () -> Calibrator.run(
                new Calibrator.Options(obs, tmp.resolve("refused.txt"), Scenario.defaults(), List.of(), false, null)));
        assertTrue(refused.getMessage().contains("does not constrain cost.trap_cycles"), refused.getMessage());

        Path fitted = tmp.resolve("fitted.txt");
        Calibrator.Result r = Calibrator.run(new Calibrator.Options(obs, fitted, Scenario.defaults(),
                List.of("trap_cycles"), false, null));
        assertEquals(List.of("lr_flush_cycles", "inject_cycles", "s2_fault_cycles", "mmio_cycles", "entry_cycles",
                "device_host_cycles", "exit_cycles"), r.fitted());
        CostModel c = ReplayJob.costModel(Scenario.read(fitted));
        for (String name : r.fitted()) {
            long want = KNOWN.get(name);
            assertTrue(Math.abs(c.get(name) - want) <= 0.02 * want, name + ": fitted " + c.get(name) + ", known " + want);
        }

        // Observed: exits per vCPU and reason, latencies per vCPU and class, from the emitted tables.
        Map<String, Long> exitsObserved = new TreeMap<>();
        Trace t = Trace.open(obs);
        try (TableCursor cur = t.cursor(TableKind.EXITS)) {
            while (cur.next()) {
                Row x = cur.row();
                if (!x.isNull(TableKind.EXITS.indexOf("duration_ns"))) {
                    String ec = x.text(TableKind.EXITS.indexOf("ec_name"));
                    String reason = ec != null ? ec : x.text(TableKind.EXITS.indexOf("type"));
                    exitsObserved.merge(x.get(1) + "/" + x.get(2) + " " + reason, 1L, Long::sum);
                }
            }
        }
        Map<String, List<Long>> latObserved = new TreeMap<>();
        long acks = 0;
        try (TableCursor cur = t.cursor(TableKind.IRQ)) {
            int ack = TableKind.IRQ.indexOf("ack_ts");
            while (cur.next()) {
                Row x = cur.row();
                if (!x.isNull(ack)) {
                    int cls = Calibrator.classOf(x.getInt(1), x.symbol(TableKind.IRQ.indexOf("source")));
                    int vcpu = x.getInt(3) < 0 ? 0 : x.getInt(3);
                    latObserved.computeIfAbsent(x.get(2) + "/" + vcpu + " " + IrqLatencyStats.CLASS_NAMES[cls],
                            k -> new ArrayList<>()).add(x.get(ack) - x.get(0));
                    acks++;
                }
            }
        }
        assertTrue(acks >= 1000, "interrupts acknowledged: " + acks);
        assertTrue(exitsObserved.keySet().stream().anyMatch(k -> k.endsWith("DABT_LOW")), exitsObserved.toString());
        assertTrue(exitsObserved.keySet().stream().anyMatch(k -> k.endsWith("WFx")), exitsObserved.toString());

        // Modelled, by the emitted trace replayed under the calibrated scenario.
        RunOutput m = replay(obs, tmp.resolve("m1"), Scenario.read(fitted));
        Map<String, Long> exitsModelled = new TreeMap<>();
        for (ExitStatsRow e : m.readAll(MetricTables.EXIT_STATS)) {
            if (e.count() > 0) {
                exitsModelled.put(e.vm() + "/" + e.vcpu() + " " + e.reason(), e.count());
            }
        }
        assertEquals(exitsObserved.keySet(), exitsModelled.keySet());
        for (String k : exitsObserved.keySet()) {
            long o = exitsObserved.get(k);
            assertTrue(Math.abs(exitsModelled.get(k) - o) <= 0.01 * o, k + ": modelled " + exitsModelled.get(k)
                    + " exits, observed " + o);
        }
        int compared = 0;
        for (IrqLatencyRow l : m.readAll(MetricTables.IRQ_LATENCY)) {
            List<Long> o = latObserved.get(l.vm() + "/" + l.vcpu() + " " + l.irqClass());
            if (o == null || o.size() < 20) {
                continue;
            }
            o.sort(null);
            long p50 = o.get((int) Math.ceil(0.50 * o.size()) - 1);
            long p99 = o.get((int) Math.ceil(0.99 * o.size()) - 1);
            String what = l.vm() + "/" + l.vcpu() + " " + l.irqClass();
            assertTrue(Math.abs(l.p50Ns() - p50) <= 0.05 * p50, what + " p50 " + l.p50Ns() + " vs " + p50);
            assertTrue(Math.abs(l.p99Ns() - p99) <= 0.05 * p99, what + " p99 " + l.p99Ns() + " vs " + p99);
            compared++;
        }
        assertTrue(compared >= 8, "latency rows compared: " + compared);

        // The replay's own validation table says the same: exits per reason within 1 %, latency
        // p50/p99 within 5 % wherever the observations are enough to judge; and the calibrated
        // scenario has a smaller error than the defaults on the same recording.
        List<ValidationRow> after = m.readAll(MetricTables.VALIDATION);
        int judged = 0;
        for (ValidationRow v : after) {
            if (!v.judged() || v.relError() == null) {
                continue;
            }
            String what = v.quantity() + " vm=" + v.vm() + " " + v.scope() + ": " + v.relError();
            if (v.quantity().equals("exits")) {
                assertTrue(v.relError() < 0.01, what);
                judged++;
            } else if (v.quantity().startsWith("irq_latency_p")) {
                assertTrue(v.relError() < 0.05, what);
                judged++;
            }
        }
        assertTrue(judged >= 8, "judged validation rows: " + judged);
        RunOutput d = replay(obs, tmp.resolve("m2"), Scenario.defaults());
        assertTrue(latencyError(d.readAll(MetricTables.VALIDATION)) > latencyError(after),
                "defaults " + latencyError(d.readAll(MetricTables.VALIDATION)) + " vs calibrated " + latencyError(after));
    }

    /** Σ relative error of the judged latency rows of a validation table. */
    private static double latencyError(List<ValidationRow> rows) {
        double sum = 0;
        for (ValidationRow v : rows) {
            if (v.judged() && v.relError() != null && v.quantity().startsWith("irq_latency_p")) {
                sum += v.relError();
            }
        }
        return sum;
    }

    private static RunOutput replay(Path trace, Path out, Scenario sc) throws IOException {
        ReplayJob.run(options(trace, out, sc), Stage2Ports.kvm());
        return RunOutput.open(out);
    }
}
