package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.observe.ObservationEmitter;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * {@code replay --emit-observations} on traces/exits with the costs of {@link ExitStatsReplayTest}
 * (1000 MHz: a cycle is a ns), plus a second assertion of SPI 40 at 100,500 while the first is
 * pending on the vCPU's ap_list. Expected rows derived by hand there: each exit's {@code ts} is its kvm_exit (the
 * trap + exit 100) and {@code duration_ns} its handled time. The SPI asserted at 100,000 is queued
 * at 100,340 (device host 300 + inject 40), kicks at 100,360 (IPI 20), exits (kvm_exit 100,460),
 * flushes (10) and enters (200) at 100,670, and the guest acknowledges after guest_ack 300 (the
 * default cycles): ack_ts 100,970. The second assertion is coalesced onto the pending one: no ack_ts.
 */
class EmitObservationsTest {
    @TempDir
    Path tmp;

    private Path traceWithCoalesced() throws IOException {
        Path t = tmp.resolve("trace");
        Files.createDirectories(t);
        try (Stream<Path> s = Files.list(ReplayScenarioTest.trace("exits"))) {
            for (Path f : s.toList()) {
                Files.copy(f, t.resolve(f.getFileName()));
            }
        }
        Files.writeString(t.resolve("irq.csv"), "100500,40,0,0,device,-1,edge,assert,,,\n",
                java.nio.file.StandardOpenOption.APPEND);
        return t;
    }

    private static ReplayJob.Options options(Path trace, Path out) {
        Scenario sc = Scenario.defaults();
        for (String s : ExitStatsReplayTest.COSTS) {
            int eq = s.indexOf('=');
            sc = sc.with(Scenario.key(s.substring(0, eq)), s.substring(eq + 1));
        }
        return new ReplayJob.Options(trace, out, sc, "test", 1_000_000L, false, true, false, "test", Map.of());
    }

    private static List<String> rows(Path trace, TableKind kind, String... cols) {
        List<String> out = new ArrayList<>();
        try (TableCursor c = Trace.open(trace).cursor(kind)) {
            while (c.next()) {
                Row r = c.row();
                StringBuilder b = new StringBuilder();
                for (String col : cols) {
                    b.append(b.length() == 0 ? "" : ",").append(r.format(kind.indexOf(col)));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void everyModelledExitIsARowAndTheAcknowledgeFillsAckTs() throws Exception {
        Path trace = traceWithCoalesced();
        Path obs = tmp.resolve("obs");
        ObservationEmitter.replay(options(trace, tmp.resolve("m")), Stage2Ports.kvm(), obs);
        assertEquals(List.of(
                "1100,0,0,0,TRAP,0x24,DABT_LOW,0x40000000,1010",
                "20100,0,0,0,TRAP,0x24,DABT_LOW,0x40001000,1010",
                "30100,0,0,0,TRAP,0x24,DABT_LOW,0x9000000,2010",
                "40100,0,0,0,TRAP,0x24,DABT_LOW,0x9000000,2010",
                "60100,0,0,0,TRAP,0x18,SYS64,,40",
                "70100,0,0,0,TRAP,0x1,WFx,,19910",
                "100460,0,0,0,IRQ,,,,10"),
                rows(obs, TableKind.EXITS, "ts", "vm", "vcpu", "pe", "type", "ec", "ec_name", "ipa", "duration_ns"));
        assertEquals(List.of("100000,40,100970,", "100500,40,,"),
                rows(obs, TableKind.IRQ, "ts", "intid", "ack_ts", "eoi_ts"));
        // The other tables are copied row for row.
        for (TableKind k : new TableKind[] {TableKind.MEM, TableKind.MAP, TableKind.SCHED, TableKind.SYSREG}) {
            String[] cols = k.columns().stream().map(c -> c.name()).toArray(String[]::new);
            assertEquals(rows(trace, k, cols), rows(obs, k, cols), k.tableName());
        }

        // The emitted trace replays as the trace did (the observations are not replay input), and
        // emitting again gives the same bytes.
        Path obs2 = tmp.resolve("obs2");
        ObservationEmitter.replay(options(obs, tmp.resolve("m2")), Stage2Ports.kvm(), obs2);
        assertEquals(RunOutput.open(tmp.resolve("m")).readAll(MetricTables.EXIT_STATS),
                RunOutput.open(tmp.resolve("m2")).readAll(MetricTables.EXIT_STATS));
        assertEquals(RunOutput.open(tmp.resolve("m")).readAll(MetricTables.IRQ_LATENCY),
                RunOutput.open(tmp.resolve("m2")).readAll(MetricTables.IRQ_LATENCY));
        for (String f : new String[] {"exits.parquet", "irq.parquet", "mem.parquet"}) {
            assertArrayEquals(Files.readAllBytes(obs.resolve(f)), Files.readAllBytes(obs2.resolve(f)), f);
        }
    }

    /**
     * A read at 80,000 of a page not yet mapped at stage 2 while the vCPU is blocked in WFI (70,000
     * to 90,000): its abort is counted at once (kvm_exit 80,100, handled 1,010, IPA 0x4000_2000),
     * before the WFx exit that opened at 70,100 ends. The rows are still in time order.
     */
    @Test
    void anExitCountedWhileAnotherIsOpenWaitsForIt() throws Exception {
        Path trace = traceWithCoalesced();
        Files.writeString(trace.resolve("map.csv"),
                "0,0,1,0x41000000,1,0x80002000,0x40002000,4096,rwu,normal_wb,1,map\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(trace.resolve("mem.csv"), "80000,0,0,0,r,0x80002000,8\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path obs = tmp.resolve("obs");
        ObservationEmitter.replay(options(trace, tmp.resolve("m")), Stage2Ports.kvm(), obs);
        assertEquals(List.of(
                "1100,TRAP,DABT_LOW,0x40000000,1010",
                "20100,TRAP,DABT_LOW,0x40001000,1010",
                "30100,TRAP,DABT_LOW,0x9000000,2010",
                "40100,TRAP,DABT_LOW,0x9000000,2010",
                "60100,TRAP,SYS64,,40",
                "70100,TRAP,WFx,,19910",
                "80100,TRAP,DABT_LOW,0x40002000,1010",
                "100460,IRQ,,,10"),
                rows(obs, TableKind.EXITS, "ts", "type", "ec_name", "ipa", "duration_ns"));
    }
}
