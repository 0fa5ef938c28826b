package org.virtreplay.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consistency rules, on the hand-made run and on hand-broken copies of it. */
class MetricsConsistencyTest {
    @TempDir
    Path tmp;

    @Test
    void handMadeRunIsConsistentOnDisk() throws Exception {
        HandMadeRun.write(tmp, true);
        assertEquals(List.of(), MetricsConsistency.check(RunOutput.open(tmp)));
    }

    @Test
    void staleTranslationRowsMustAgreeWithStaleHitsAndRunInfo() {
        java.util.Map<String, String> info = HandMadeRun.INFO;
        assertEquals(List.of(), MetricsConsistency.checkStale(HandMadeRun.TLB, HandMadeRun.STALE, info));
        // a second row for vm 1 vcpu 0, whose tlb_stats rows hold one stale hit; run_info says 2
        List<StaleTranslationRow> two = new ArrayList<>(HandMadeRun.STALE);
        two.add(HandMadeRun.STALE.get(0));
        java.util.Map<String, String> info2 = new java.util.HashMap<>(info);
        info2.put(RunInfo.STALE_TRANSLATIONS, "2");
        assertEquals(List.of("stale_translations vm.vcpu=1.0: 2 rows > tlb_stats stale_hits 1"),
                MetricsConsistency.checkStale(HandMadeRun.TLB, two, info2));
        // one row, but run_info counts 3 entries of which 1 beyond the cap: 1 + 1 != 3
        java.util.Map<String, String> info3 = new java.util.HashMap<>(info);
        info3.put(RunInfo.STALE_TRANSLATIONS, "3");
        info3.put(RunInfo.STALE_TRANSLATIONS_BEYOND_CAP, "1");
        assertEquals(List.of("stale_translations: 1 rows + 1 beyond the cap != run_info replay.stale_translations 3"),
                MetricsConsistency.checkStale(HandMadeRun.TLB, HandMadeRun.STALE, info3));
        // stale hits but no stale entry (and so no row)
        java.util.Map<String, String> info4 = new java.util.HashMap<>(info);
        info4.put(RunInfo.STALE_TRANSLATIONS, "0");
        assertEquals(List.of("tlb_stats stale_hits total 1 but run_info replay.stale_translations 0"),
                MetricsConsistency.checkStale(HandMadeRun.TLB, List.of(), info4));
    }

    @Test
    void hitsPlusMissesMustBeLookups() {
        List<TlbStatsRow> tlb = new ArrayList<>(HandMadeRun.TLB);
        // 90 + 11 = 101 != 100
        tlb.set(0, new TlbStatsRow(0, 1, 0, "l1d", 1, 4096, 100, 90, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertEquals(List.of("tlb_stats pe=0 vm=1 vcpu=0 structure=l1d page_size=4096: hits + misses = 101, "
                + "but lookups = 100"), MetricsConsistency.checkTlb(tlb));
        // stale hits above hits, walks above misses, reads without walks
        assertEquals(3, MetricsConsistency.checkTlb(List.of(
                new TlbStatsRow(0, 1, 0, "l2", 2, 4096, 10, 2, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 3),
                new TlbStatsRow(0, 1, 0, "l2", 2, 65536, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0))).size());
    }

    @Test
    void walkLengthsMustAddUpToTlbWalksAndReads() {
        assertEquals(List.of(), MetricsConsistency.checkWalkLengths(HandMadeRun.TLB, HandMadeRun.WALKS));
        // one walk of 6 reads fewer: 3 walks, 2*2 + 6*1 = 10 reads against 4 and 16
        List<String> p = MetricsConsistency.checkWalkLengths(HandMadeRun.TLB,
                List.of(new WalkLengthRow(0, 1, 0, 2, 2), new WalkLengthRow(0, 1, 0, 6, 1)));
        assertEquals(List.of("walk_lengths pe=0 vm=1 vcpu=0: 3 walks, but tlb_stats has 4",
                "walk_lengths pe=0 vm=1 vcpu=0: 10 descriptor reads, but tlb_stats has 16"), p);
    }

    @Test
    void faultCountsMustEqualFaultEventRows() {
        assertEquals(List.of(), MetricsConsistency.checkFaults(HandMadeRun.FAULTS, HandMadeRun.FAULT_EVENTS::forEach));
        // drop the last lazy_map event: count 2 but 1 row
        List<FaultEventRow> fewer = HandMadeRun.FAULT_EVENTS.subList(0, 2);
        assertEquals(List.of("stage2_faults vm=1 vcpu=0 kind=translation level=3 s1ptw=false cause=lazy_map: "
                + "count 2, but fault_events has 1 rows"), MetricsConsistency.checkFaults(HandMadeRun.FAULTS, fewer::forEach));
        // an event with no aggregate row
        List<FaultEventRow> more = new ArrayList<>(HandMadeRun.FAULT_EVENTS);
        more.add(new FaultEventRow(5, 0, 1, 0, "translation", 2, true, "mmio", 0, 0, 0));
        assertEquals(List.of("fault_events vm=1 vcpu=0 kind=translation level=2 s1ptw=true cause=mmio: 1 rows, "
                + "but no stage2_faults row"), MetricsConsistency.checkFaults(HandMadeRun.FAULTS, more::forEach));
        // a wrong first_ts
        List<Stage2FaultRow> f = List.of(new Stage2FaultRow(1, 0, "translation", 3, false, "lazy_map", 2, 99, 1_500_000),
                HandMadeRun.FAULTS.get(1));
        assertEquals(1, MetricsConsistency.checkFaults(f, HandMadeRun.FAULT_EVENTS::forEach).size());
    }

    @Test
    void irqCountsAndMeansMustMatchIrqEvents() {
        assertEquals(List.of(), MetricsConsistency.checkIrq(HandMadeRun.IRQ, HandMadeRun.IRQ_EVENTS::forEach));
        assertEquals(List.of(), MetricsConsistency.checkIrqRows(HandMadeRun.IRQ));
        // one event fewer
        assertEquals(List.of("irq_latency vm=1 vcpu=0 class=timer: count 2, but irq_events has 1 rows"),
                MetricsConsistency.checkIrq(HandMadeRun.IRQ, HandMadeRun.IRQ_EVENTS.subList(0, 1)::forEach));
        // mean_sched_wait_ns 700 instead of (0 + 1500) / 2 = 750
        List<IrqLatencyRow> bad = List.of(new IrqLatencyRow(1, 0, "timer", 2, 1000, 1000, 3000, 3000, 3000, 3000,
                2000.0, 500.0, 200.0, 700.0, 300.0, 250.0));
        assertEquals(List.of("irq_latency vm=1 vcpu=0 class=timer: mean_sched_wait_ns 700.0, but irq_events gives 750.0"),
                MetricsConsistency.checkIrq(bad, HandMadeRun.IRQ_EVENTS::forEach));
        // components 0+200+0+300+400 = 900 != 1000
        List<IrqEventRow> ev = List.of(new IrqEventRow(500_000, 1, 0, "timer", 27, 1000, 0, 200, 0, 300, 400),
                HandMadeRun.IRQ_EVENTS.get(1));
        assertEquals(2, MetricsConsistency.checkIrq(HandMadeRun.IRQ, ev::forEach).size()); // sum + mean_mask
        // percentiles out of order
        assertEquals(1, MetricsConsistency.checkIrqRows(List.of(new IrqLatencyRow(1, 0, "spi", 3, 10, 30, 20, 30, 30,
                30, 20, 0, 0, 0, 0, 0))).size());
    }

    @Test
    void everyStage2AbortMustBeOneAbortExit() {
        assertEquals(List.of(), MetricsConsistency.checkExits(HandMadeRun.EXITS, HandMadeRun.FAULTS));
        // 2 completed + 0 open against the 3 aborts of stage2_faults
        List<ExitStatsRow> fewer = List.of(
                new ExitStatsRow(1, 0, "TRAP", 0x24, "DABT_LOW", "DABT_LOW", 2, 3000, 1000, 2000, 1500.0, 500 * Math.sqrt(2), 8000, 0.001, 0),
                HandMadeRun.EXITS.get(1));
        assertEquals(List.of("exit_stats vm=1 vcpu=0: 2 DABT_LOW/IABT_LOW exits, but stage2_faults counts 3 stage-2 "
                + "aborts (each is one exit)"), MetricsConsistency.checkExits(fewer, HandMadeRun.FAULTS));
    }

    @Test
    void exitRowsMustNameTheirReasonAndHaveOrderedTimes() {
        List<ExitStatsRow> bad = List.of(
                // a trap named by its type, and a mean outside [min, max]
                new ExitStatsRow(1, 0, "TRAP", 0x24, "DABT_LOW", "TRAP", 3, 3000, 1000, 1000, 1000.0, 0.0, 8000, 0.001, 0),
                new ExitStatsRow(1, 0, "IRQ", -1, "", "IRQ", 2, 100, 60, 70, 50.0, 5 * Math.sqrt(2), 2708, 0.00005, 0));
        List<String> p = MetricsConsistency.checkExits(bad, HandMadeRun.FAULTS);
        // ... and, named TRAP, the three aborts have no DABT_LOW exit
        assertEquals(3, p.size(), p.toString());
        assertEquals(true, p.get(2).startsWith("exit_stats vm=1 vcpu=0: 0 DABT_LOW/IABT_LOW exits"), p.get(2));
        assertEquals(true, p.get(0).startsWith("exit_stats vm=1 vcpu=0 reason=TRAP: reason must be the EC name"), p.get(0));
        assertEquals(true, p.get(1).startsWith("exit_stats vm=1 vcpu=0 reason=IRQ: min 60 <= mean 50.0"), p.get(1));
    }

    /** Times 1,000 and 2,000 ns have a sample standard deviation of 707.1; it cannot exceed the range 1,000. */
    @Test
    void exitSpreadMustFitTheRange() {
        List<ExitStatsRow> bad = List.of(
                new ExitStatsRow(1, 0, "TRAP", 0x24, "DABT_LOW", "DABT_LOW", 3, 3000, 1000, 1000, 1000.0, 1500.0, 8000,
                        0.001, 0),
                new ExitStatsRow(1, 0, "IRQ", -1, "", "IRQ", 1, 104, 104, 104, 104.0, 5.0, 2708, 0.00005, 0));
        List<String> p = MetricsConsistency.checkExits(bad, HandMadeRun.FAULTS);
        assertEquals(List.of("exit_stats vm=1 vcpu=0 reason=DABT_LOW: stddev_ns 1500.0 must be 0 for fewer than 2 "
                + "exits and within [0, max - min] otherwise (count 3, max - min 0)", "exit_stats vm=1 vcpu=0 "
                + "reason=IRQ: stddev_ns 5.0 must be 0 for fewer than 2 exits and within [0, max - min] otherwise "
                + "(count 1, max - min 0)"), p);
    }

    @Test
    void timelineMustAgreeWithTheOtherTables() {
        assertEquals(List.of(), MetricsConsistency.checkTimeline(HandMadeRun.TIMELINE, HandMadeRun.TLB,
                HandMadeRun.FAULTS, HandMadeRun.IRQ));
        // second window: 41 lookups, 39 hits -> 101 lookups and 5 misses against 100 and 4 walks
        List<TimelineRow> t = List.of(HandMadeRun.TIMELINE.get(0),
                new TimelineRow(1_000_000, 2_000_000, 1, 41, 39, 39 / 41.0, 2, 1, 3000L));
        assertEquals(List.of("timeline vm=1: sum of tlb_lookups 101, but tlb_stats has 100 lookups of first-level "
                        + "structures", "timeline vm=1: sum of tlb_lookups - tlb_hits 5, but tlb_stats has 4 walks"),
                MetricsConsistency.checkTimeline(t, HandMadeRun.TLB, HandMadeRun.FAULTS, HandMadeRun.IRQ));
        // null p99 with an interrupt, wrong rate, uneven window
        t = List.of(new TimelineRow(0, 1_000_000, 1, 60, 57, 0.5, 1, 1, null),
                new TimelineRow(1_000_000, 2_500_000, 1, 40, 39, 39 / 40.0, 2, 1, 3000L));
        assertEquals(3, MetricsConsistency.checkTimeline(t, HandMadeRun.TLB, HandMadeRun.FAULTS, HandMadeRun.IRQ).size());
    }
}
