package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.trace.Trace;

/**
 * The bound on timeline windows: counting, the suggested width, the span from Parquet footers, and
 * the refusal before (Parquet) or during (CSV) the replay. Numbers worked out by hand.
 */
class TimelineWindowsTest {
    @TempDir
    Path tmp;

    /**
     * One VM, one vCPU at EL1 with its MMU off over a 1 GiB RAM slot at IPA 0, and two accesses at ts 1
     * and ts 2,000,000 (plus {@code extra} rows).
     */
    private Path csvTrace(String extraMem) throws Exception {
        Path t = tmp.resolve("t");
        Files.createDirectories(t);
        Files.writeString(t.resolve("manifest.csv"), "key,value\nformat_version,1\ntime_unit,ns\nclock,synthetic\n"
                + "pe_count,1\n");
        Files.writeString(t.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\n0,a,1,40,\n");
        Files.writeString(t.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n"
                + "0,0,0x0,0x40000000,ram,,4096\n");
        Files.writeString(t.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n1,0,0,1,r,0x1000,8\n"
                + "2000000,0,0,1,r,0x2000,8\n" + extraMem);
        return t;
    }

    private static void replay(Path trace, Path out, long windowNs) throws Exception {
        ReplayJob.run(new ReplayJob.Options(trace, out, Scenario.defaults(), "test", windowNs, false, true, false,
                "test", Map.of()), Stage2Ports.kvm());
    }

    /**
     * ts 1 .. 2,000,000 with 1 ns windows: windows 1 .. 2,000,000 = 2,000,000 of them. The series:
     * 2 ns gives windows 0 .. 1,000,000 = 1,000,001 (too many); 5 ns gives 0 .. 400,000 = 400,001.
     * The span 1,999,999 ns is 1.999999 ms, printed with 3 decimals as 2 ms.
     */
    static final String REFUSAL = "--window 1ns: the trace's events span 2 ms (ts 1 to 2000000), which makes "
            + "2,000,000 timeline windows; at most 1,000,000 are allowed: use --window 5ns or wider";

    @Test
    void countsAndWidths() {
        assertEquals(2_000_000, TimelineWindows.count(1, 2_000_000, 1));
        assertEquals(1_000_001, TimelineWindows.count(1, 2_000_000, 2));
        assertEquals(400_001, TimelineWindows.count(1, 2_000_000, 5));
        assertEquals(5, TimelineWindows.fit(1, 2_000_000, 1));
        // Already within the bound: kept as asked, even off the series.
        assertEquals(7, TimelineWindows.fit(1, 2_000_000, 7));
        // 1500 s at 1 ms: 1,500,001 windows; 2 ms: 750,001.
        assertEquals(2_000_000, TimelineWindows.fit(0, 1_500_000_000_000L, 1_000_000));
        // The whole int64 range: 1e13 ns windows would be 922,338 (0 .. 922,337); 5e12 ns 1,844,675.
        assertEquals(10_000_000_000_000L, TimelineWindows.fit(0, Long.MAX_VALUE, 1));
        assertEquals(Long.MAX_VALUE, TimelineWindows.count(0, Long.MAX_VALUE, 1), "saturates instead of wrapping");
        assertEquals("20us", TimelineWindows.duration(20_000));
        assertEquals("5ms", TimelineWindows.duration(5_000_000));
        assertEquals("2s", TimelineWindows.duration(2_000_000_000));
        assertEquals("1500ns", TimelineWindows.duration(1500));
        assertEquals(REFUSAL, TimelineWindows.tooMany(1, 2_000_000, 1).getMessage());
    }

    @Test
    void csvTraceIsRefusedDuringTheReplayBeforeTheGapIsWritten() throws Exception {
        // A CSV table has no footer: the span is unknown before the replay, which stops when the
        // next event (ts 2,000,000) would take the timeline past the bound, and names the span.
        Path t = csvTrace("");
        assertNull(TimelineWindows.spanFromFooters(Trace.open(t)));
        Path out = tmp.resolve("out");
        BadInputException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(BadInputException.class, () -> replay(t, out, 1)));
        assertEquals(REFUSAL, e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void csvRefusalNamesTheSpanOfTheWholeTrace() throws Exception {
        // Rows after the one that trips the bound still count: the span ends at 3,000,000, so 1 ns
        // makes 3,000,000 windows; 2 ns 1,500,001, 5 ns 600,001.
        Path t = csvTrace("3000000,0,0,1,r,0x3000,8\n");
        BadInputException e = assertThrows(BadInputException.class, () -> replay(t, tmp.resolve("out"), 1));
        assertEquals("--window 1ns: the trace's events span 3 ms (ts 1 to 3000000), which makes 3,000,000 timeline "
                + "windows; at most 1,000,000 are allowed: use --window 5ns or wider", e.getMessage());
    }

    @Test
    void parquetTraceIsRefusedBeforeTheReplayFromItsFooters() throws Exception {
        Path pq = tmp.resolve("pq");
        TraceConverter.convert(csvTrace(""), pq, TraceConverter.Form.PARQUET, 20, false);
        assertArrayEquals(new long[] {1, 2_000_000}, TimelineWindows.spanFromFooters(Trace.open(pq)));
        BadInputException e = assertThrows(BadInputException.class, () -> replay(pq, tmp.resolve("out"), 1));
        assertEquals(REFUSAL, e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void timestampsNearTwoToThe63EndTheLastWindowThereInsteadOfWrapping() throws Exception {
        // Windows of 3e18 ns: [0, 3e18), [3e18, 6e18), [6e18, 9e18), [9e18, 2^63-1): the last one
        // would end at 1.2e19, past 2^63-1; it ends at 2^63-1 and holds the access at that very time.
        Path t = csvTrace("9223372036854775807,0,0,1,r,0x3000,8\n");
        Path out = tmp.resolve("out");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> replay(t, out, 3_000_000_000_000_000_000L));
        List<TimelineRow> rows = new java.util.ArrayList<>();
        RunOutput.open(out).forEach(MetricTables.TIMELINE, rows::add);
        assertEquals(4, rows.size());
        assertEquals(9_000_000_000_000_000_000L, rows.get(3).windowStartNs());
        assertEquals(Long.MAX_VALUE, rows.get(3).windowEndNs());
        // Each access is to a new 4 KB page of RAM backed by 4 KB pages: a lazy-map stage-2 fault,
        // then the retried lookup, so 2 lookups each: the accesses at 1 and 2,000,000 in window 0
        // (4), none in the two middle windows, the one at 2^63-1 in the last (2).
        assertEquals(List.of(4L, 0L, 0L, 2L), rows.stream().map(TimelineRow::tlbLookups).toList());
    }

    @Test
    void eventAtTwoToThe63MinusOneInAnotherTableIsReplayed() throws Exception {
        // 2^63-1 is a valid ts; a pte row at that time is an event like any other: 2 accesses + 1.
        Path t = csvTrace("");
        Files.writeString(t.resolve("pte.csv"), "ts,vm,pa,value\n9223372036854775807,,0x100000,0x0\n");
        ReplayJob.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> ReplayJob.run(new ReplayJob.Options(t, tmp.resolve("out"), Scenario.defaults(), "test",
                        3_000_000_000_000_000_000L, false, true, false, "test", Map.of()), Stage2Ports.kvm()));
        assertEquals(3, r.events());
    }

    @Test
    void sweepPointsWidenTheirWindowsForALongTrace() throws Exception {
        // Events at ts 1, 2,000,000 and 1,500 s: 1 ms windows would be 1,500,001; 2 ms ones 750,001.
        Path pq = tmp.resolve("pq");
        TraceConverter.convert(csvTrace("1500000000000,0,0,1,r,0x3000,8\n"), pq, TraceConverter.Form.PARQUET, 20,
                false);
        assertEquals(2_000_000, TimelineWindows.widthFor(pq, 1_000_000));
        // A short trace keeps the sweep's 1 ms.
        Path pq2 = tmp.resolve("pq2");
        Files.delete(tmp.resolve("t").resolve("mem.csv"));
        TraceConverter.convert(csvTrace(""), pq2, TraceConverter.Form.PARQUET, 20, false);
        assertEquals(1_000_000, TimelineWindows.widthFor(pq2, 1_000_000));
    }
}
