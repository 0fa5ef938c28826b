package org.virtreplay.analysis.summary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.ExitStatsRow;
import org.virtreplay.analysis.metrics.IrqEventRow;
import org.virtreplay.analysis.metrics.IrqLatencyRow;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;

/**
 * Two small replay outputs built by hand; the figures each test expects are worked out in the
 * comments from these rows.
 */
final class Outputs {
    private Outputs() {
    }

    static final String DIGEST = "sha256:0123456789abcdef0123";

    // A, vm 0 "web": L1D 100 lookups, L1I 50: 150 translations; the L2 saw the 10 L1D misses and
    // 4 of them walked, reading s1 4+4+4+4 and s2 10+10+10+10 = 56 descriptors (14 per walk);
    // hit rate 1 - 4/150 = 97.33 %. vm 1 "db": no translations at all.
    static final List<TlbStatsRow> TLB_A = List.of(
            new TlbStatsRow(0, 0, 0, "l1d", 1, 4096, 100, 90, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            new TlbStatsRow(0, 0, 0, "l1i", 1, 4096, 50, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            new TlbStatsRow(0, 0, 0, "l2", 2, 4096, 10, 6, 4, 4, 4, 4, 4, 4, 10, 10, 10, 10, 0),
            new TlbStatsRow(1, 1, 0, "l1d", 1, 4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));

    // A, vm 0: lazy_map 2 (vCPU 0) + 1 (vCPU 1) = 3, mmio 5: 8 faults.
    static final List<Stage2FaultRow> FAULTS_A = List.of(
            new Stage2FaultRow(0, 0, "translation", 3, false, "lazy_map", 2, 10, 20),
            new Stage2FaultRow(0, 0, "translation", 3, false, "mmio", 5, 11, 30),
            new Stage2FaultRow(0, 1, "translation", 3, false, "lazy_map", 1, 12, 12));

    // vm 0's six interrupts (latencies below 256 ns, which the histogram keeps exactly):
    // timer 100, 110, 200 on vCPU 0 and 150, 180 on vCPU 1; spi 120 on vCPU 0.
    // Pooled, sorted 100 110 120 150 180 200: nearest-rank p50 = 3rd = 120, p99 = 6th = 200;
    // timer 100 110 150 180 200: p50 = 3rd = 150, p99 = 200; spi: 120.
    // Per-vCPU bounds (no events): p50 = max(110, 150, 120) = 150, p99 = max(200, 180, 120) = 200.
    static final List<IrqLatencyRow> IRQ = List.of(
            new IrqLatencyRow(0, 0, "spi", 1, 120, 120, 120, 120, 120, 120, 120.0, 0, 120, 0, 0, 0),
            new IrqLatencyRow(0, 0, "timer", 3, 100, 110, 200, 200, 200, 200, 410 / 3.0, 0, 410 / 3.0, 0, 0, 0),
            new IrqLatencyRow(0, 1, "timer", 2, 150, 150, 180, 180, 180, 180, 165.0, 0, 165.0, 0, 0, 0));

    static final List<IrqEventRow> IRQ_EVENTS = List.of(
            new IrqEventRow(1, 0, 0, "timer", 27, 100, 0, 100, 0, 0, 0),
            new IrqEventRow(2, 0, 0, "timer", 27, 110, 0, 110, 0, 0, 0),
            new IrqEventRow(3, 0, 0, "spi", 40, 120, 0, 120, 0, 0, 0),
            new IrqEventRow(4, 0, 1, "timer", 27, 150, 0, 150, 0, 0, 0),
            new IrqEventRow(5, 0, 1, "timer", 27, 180, 0, 180, 0, 0, 0),
            new IrqEventRow(6, 0, 0, "timer", 27, 200, 0, 200, 0, 0, 0));

    // vm 0: DABT_LOW 7 + 3 = 10, HVC64 4, IRQ 4: 18 exits; vm 1: A..F 6+5+4+3+2+1 = 21 exits.
    // Each exit 1000 ns handled, 1500 ns in EL2: vm 0 27,000 ns, vm 1 31,500 ns in EL2.
    static final List<ExitStatsRow> EXITS = List.of(
            exit(0, 0, "trap", 0x24, "DABT_LOW", 7),
            exit(0, 0, "trap", 0x16, "HVC64", 4),
            exit(0, 0, "irq", 0, "IRQ", 4),
            exit(0, 1, "trap", 0x24, "DABT_LOW", 3),
            exit(1, 0, "trap", 1, "A", 6),
            exit(1, 0, "trap", 2, "B", 5),
            exit(1, 0, "trap", 3, "C", 4),
            exit(1, 0, "trap", 4, "D", 3),
            exit(1, 0, "trap", 5, "E", 2),
            exit(1, 0, "trap", 6, "F", 1));

    private static ExitStatsRow exit(int vm, int vcpu, String type, int ec, String reason, long count) {
        return new ExitStatsRow(vm, vcpu, type, ec, reason, reason, count, 1000 * count, 1000, 1000, 1000.0, 0.0,
                1500 * count, 0.0, 0);
    }

    /** A: vm 0 "web" and vm 1 "db", s2.backing 4k; with or without events and exit_stats. */
    static Path a(Path dir, boolean events, boolean exits) throws IOException {
        Map<String, String> info = new TreeMap<>(Map.of(RunInfo.INPUT, "t.trace", RunInfo.INPUT_DIGEST, DIGEST,
                RunInfo.vmNameKey(0), "web", RunInfo.vmNameKey(1), "db", "scenario.s2.backing", "4k",
                "replay.page_lookups", "150"));
        write(dir, info, TLB_A, FAULTS_A, events);
        if (exits) {
            MetricTableWriter.writeAll(dir, MetricTables.EXIT_STATS, EXITS);
        }
        return dir;
    }

    // B, vm 0: L1D 110 lookups (105 hit), L1I 50: 160 translations; 2 walks reading s1 3+3+3+3
    // and s2 3+3+3+3 = 24 descriptors (12 per walk); hit rate 1 - 2/160 = 98.75 %; no lazy_map
    // faults, mmio 5. vm 2 "cache": 10 translations, all hits. Same trace, s2.backing 2m by --set.
    static final List<TlbStatsRow> TLB_B = List.of(
            new TlbStatsRow(0, 0, 0, "l1d", 1, 2097152, 110, 105, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            new TlbStatsRow(0, 0, 0, "l1i", 1, 2097152, 50, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            new TlbStatsRow(0, 0, 0, "l2", 2, 2097152, 5, 3, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 0),
            new TlbStatsRow(1, 2, 0, "l1d", 1, 4096, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));

    static final List<Stage2FaultRow> FAULTS_B = List.of(
            new Stage2FaultRow(0, 0, "translation", 3, false, "mmio", 5, 11, 30));

    static Path b(Path dir) throws IOException {
        Map<String, String> info = new TreeMap<>(Map.of(RunInfo.INPUT, "t.trace", RunInfo.INPUT_DIGEST, DIGEST,
                RunInfo.vmNameKey(0), "web", RunInfo.vmNameKey(2), "cache", "scenario.s2.backing", "2m",
                "option.set.s2.backing", "2m", "replay.page_lookups", "160"));
        write(dir, info, TLB_B, FAULTS_B, true);
        return dir;
    }

    private static void write(Path dir, Map<String, String> info, List<TlbStatsRow> tlb, List<Stage2FaultRow> faults,
            boolean events) throws IOException {
        MetricTableWriter.writeAll(dir, MetricTables.RUN_INFO, RunInfo.rows(info));
        MetricTableWriter.writeAll(dir, MetricTables.TLB_STATS, tlb);
        MetricTableWriter.writeAll(dir, MetricTables.STAGE2_FAULTS, faults);
        MetricTableWriter.writeAll(dir, MetricTables.IRQ_LATENCY, IRQ);
        MetricTableWriter.writeAll(dir, MetricTables.TIMELINE, List.of());
        if (events) {
            MetricTableWriter.writeAll(dir, MetricTables.IRQ_EVENTS, IRQ_EVENTS);
        }
    }
}
