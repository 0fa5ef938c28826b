package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.FaultEventRow;
import org.virtreplay.analysis.metrics.IrqEventRow;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.MetricsConsistency;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.Stage2FaultRow;
import org.virtreplay.analysis.metrics.TimelineRow;
import org.virtreplay.analysis.metrics.TlbStatsRow;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.replay.Stage2Ports;

/**
 * Scenario tests of the replay job on hand-made canonical traces
 * ({@code src/test/resources/traces/*}); every expected number is worked out by hand in the
 * comments, from the Arm rules (TLB tagging by VMID/ASID/nG, TLBI scope, stage-2 fault reporting)
 * and from docs/costs.md, not from the program's output.
 *
 * <p>Common guest set-up of the traces: TCR_EL1 = 0x2_B510_3510 (T0SZ 16: 48-bit VA, TG0 4 KB,
 * IPS 40-bit), MAIR_EL1 = 0x4404FF (Attr0 Normal WB, Attr1 Device-nGnRE), SCTLR_EL1.M = 1, so the
 * guest's stage 1 is a 4-level 4 KB walk (levels 0..3) built from the {@code map} records.
 */
class ReplayScenarioTest {
    @TempDir
    Path tmp;

    static Path trace(String name) {
        Path p = Path.of("src", "test", "resources", "traces", name).toAbsolutePath();
        assertTrue(Files.isDirectory(p), p.toString());
        return p;
    }

    static RunOutput replay(Path trace, Path out, boolean events, String... sets) throws IOException {
        return replay(trace, out, events, 1_000_000L, sets);
    }

    static RunOutput replay(Path trace, Path out, boolean events, long windowNs, String... sets) throws IOException {
        Scenario sc = Scenario.defaults();
        for (String s : sets) {
            int eq = s.indexOf('=');
            sc = sc.with(Scenario.key(s.substring(0, eq)), s.substring(eq + 1));
        }
        ReplayJob.run(new ReplayJob.Options(trace, out, sc, "test", windowNs, events, true, false, "test",
                Map.of()), Stage2Ports.kvm());
        return RunOutput.open(out);
    }

    /**
     * The sum of a VM's rows of one structure (tlb_stats may split a structure by page size; all
     * pages here are 4 KB, but a row per size or a single row are both fine for these sums).
     */
    private static TlbStatsRow row(List<TlbStatsRow> rows, int vm, String structure) {
        List<TlbStatsRow> r = rows.stream().filter(x -> x.vm() == vm && x.structure().equals(structure)).toList();
        long[] a = new long[13];
        for (TlbStatsRow x : r) {
            long[] v = {x.lookups(), x.hits(), x.misses(), x.walks(), x.s1L0Reads(), x.s1L1Reads(), x.s1L2Reads(),
                x.s1L3Reads(), x.s2L0Reads(), x.s2L1Reads(), x.s2L2Reads(), x.s2L3Reads(), x.staleHits()};
            for (int i = 0; i < 13; i++) {
                a[i] += v[i];
            }
        }
        return new TlbStatsRow(0, vm, 0, structure, 1, 0, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9],
                a[10], a[11], a[12]);
    }

    /**
     * traces/tlb: one PE, L1 D-TLB of 2 entries, fully associative, LRU, no L2 (so every L1 miss
     * walks). VM 0's pages A=0x8000_0000, B=0x8000_1000, C=0x8000_2000 are nG with ASID 1;
     * G=0x8000_3000 is global. VM 1 maps the same G.
     *
     * <pre>
     *  t    VM.ASID access   TLB before        result  TLB after (LRU first)
     *  100  0.1  A           {}                miss    A1
     *  110  0.1  A           A1                hit     A1
     *  120  0.1  B           A1                miss    A1 B1
     *  130  0.1  A           A1 B1             hit     B1 A1
     *  140  0.1  C           B1 A1             miss    A1 C1     (B1 evicted)
     *  150  0.1  B           A1 C1             miss    C1 B1     (A1 evicted)
     *  200  TTBR0_EL1 := ASID 2 (no invalidation: entries stay, tagged ASID 1)
     *  210  0.2  B           C1 B1             miss    B1 B2     (nG entry of ASID 1 does not match ASID 2)
     *  220  0.2  B           B1 B2             hit     B1 B2
     *  230  0.2  G           B1 B2             miss    B2 G      (global entry)
     *  240  TTBR0_EL1 := ASID 1
     *  250  0.1  G           B2 G              hit     B2 G      (global: matches any ASID)
     *  260  TLBI VAE1IS ASID 2, VA B: removes B2 only (G has another VA)
     *  270  0.1  G           G                 hit     G
     *  280  TTBR0_EL1 := ASID 2
     *  290  0.2  B           G                 miss    G B2      (B2 really was removed)
     *  300  1.1  G           G(vm0) B2(vm0)    miss    B2 G'     (VMID differs: VM 0's global G does not match)
     *  310  1.1  G           B2 G'             hit
     * </pre>
     * VM 0: 12 lookups, 5 hits, 7 misses, 7 walks. VM 1: 2 lookups, 1 hit, 1 miss, 1 walk.
     * Accesses at offsets within a page (0x8, 0x10) are the same page. No stage-2 fault: the data
     * pages sit in a stage-2 block mapped by a map record, the table pages are mapped when the
     * tables are realised.
     */
    @Test
    void tlbHitsAndMissesWithAsidSwitchTlbiAndTwoVms() throws IOException {
        RunOutput out = replay(trace("tlb"), tmp.resolve("out"), true, "tlb.l1d.entries=2", "tlb.l1d.assoc=2",
                "tlb.l2.entries=0", "core=neoverse-n1");
        List<TlbStatsRow> rows = out.readAll(MetricTables.TLB_STATS);
        TlbStatsRow a = row(rows, 0, "l1d");
        assertEquals(List.of(12L, 5L, 7L, 7L), List.of(a.lookups(), a.hits(), a.misses(), a.walks()), a.toString());
        TlbStatsRow b = row(rows, 1, "l1d");
        assertEquals(List.of(2L, 1L, 1L, 1L), List.of(b.lookups(), b.hits(), b.misses(), b.walks()), b.toString());
        assertEquals(0, row(rows, 0, "l1i").lookups());
        // A 4 KB walk of a 4-level stage 1 under a 4 KB stage 2: 4 stage-1 reads per walk, and at
        // least one stage-2 walk (for the final IPA) per translation; without walk caches 24 reads.
        assertEquals(4 * 7, a.s1L0Reads() + a.s1L1Reads() + a.s1L2Reads() + a.s1L3Reads(), a.toString());
        assertEquals(7, a.s1L0Reads());
        assertEquals(7, a.s1L3Reads());
        // Stage 2 (KVM's layout for a 40-bit IPA with 4 KB granules: 3 levels, start level 1; the
        // RAM is 2 MB blocks at level 2): each stage-1 walk makes 5 stage-2 translations (its 4
        // table addresses and the final IPA), each reading a level-1 and a level-2 descriptor.
        assertEquals(List.of(0L, 35L, 35L, 0L), List.of(a.s2L0Reads(), a.s2L1Reads(), a.s2L2Reads(), a.s2L3Reads()),
                a.toString());
        assertEquals(List.of(), out.readAll(MetricTables.STAGE2_FAULTS));
        assertEquals(List.of(), MetricsConsistency.check(out));
    }

    /**
     * traces/stale: VM 0 maps VA 0x8000_0000 to IPA 0x4000_0000 (stage 1, ASID 1) and reads it at
     * 100 (miss, walk, fill) and 110 (hit); at 150 a map row points the same VA at 0x4000_5000 with
     * no TLBI; the reads at 160 and 170 hit the entry filled at 100, which no longer matches the
     * tables: with {@code tlb.stale_check=1} (every hit checked) 2 stale hits; 4 lookups, 3 hits, 1
     * miss whether the check is on or off (the check re-walks apart and changes no state). With a
     * {@code TLBI VAE1IS} of ASID 1 at that VA at 155, the read at 160 misses and walks to the new
     * mapping: 0 stale hits, 2 hits, 2 misses.
     */
    @Test
    void staleCheckKeyFindsARemapWithoutTlbi() throws IOException {
        TlbStatsRow off = row(replay(trace("stale"), tmp.resolve("off"), true, "tlb.l2.entries=0", "core=neoverse-n1",
                "tlb.stale_check=off")
                .readAll(MetricTables.TLB_STATS), 0, "l1d");
        TlbStatsRow on = row(replay(trace("stale"), tmp.resolve("on"), true, "tlb.l2.entries=0", "core=neoverse-n1",
                "tlb.stale_check=1").readAll(MetricTables.TLB_STATS), 0, "l1d");
        assertEquals(List.of(4L, 3L, 1L, 0L), List.of(off.lookups(), off.hits(), off.misses(), off.staleHits()),
                off.toString());
        assertEquals(List.of(4L, 3L, 1L, 2L), List.of(on.lookups(), on.hits(), on.misses(), on.staleHits()),
                on.toString());

        Path fixed = tmp.resolve("stale-with-tlbi");
        Files.createDirectories(fixed);
        try (var files = Files.list(trace("stale"))) {
            for (Path f : files.toList()) {
                Files.copy(f, fixed.resolve(f.getFileName()));
            }
        }
        Files.writeString(fixed.resolve("tlbi.csv"), "ts,pe,vm,vcpu,op,asid,addr,ttl,pages\n"
                + "155,0,0,0,VAE1IS,1,0x80000000,,\n156,0,0,0,DSB_ISH,,,,\n");
        TlbStatsRow ok = row(replay(fixed, tmp.resolve("tlbi"), true, "tlb.l2.entries=0", "core=neoverse-n1",
                "tlb.stale_check=1").readAll(MetricTables.TLB_STATS), 0, "l1d");
        assertEquals(List.of(4L, 2L, 2L, 0L), List.of(ok.lookups(), ok.hits(), ok.misses(), ok.staleHits()),
                ok.toString());
    }

    /**
     * traces/faults: one vCPU, RAM memslot 0x4000_0000 + 64 MiB with 2 MB stage-2 backing and no
     * stage-2 map records (lazy), an MMIO slot at 0x0A00_0000, a pass-through device slot at
     * 0x1000_0000. The stage-1 tables (root 0x43C0_0000, pool 0x43C0_1000..0x4400_0000) are in one
     * 2 MB region.
     *
     * <p>Data: for each of 4 regions i (IPA 0x4000_0000 + i·2 MB): read page 0, write page 1, read
     * page 0 again. Only the first touch of a region faults: KVM maps the whole 2 MB block, so the
     * write to page 1 of the same region and the re-read find it mapped. Expected: exactly 4
     * {@code lazy_map} aborts, kind translation, s1ptw false, at the IPA of the region's start.
     *
     * <p>Level 2: the table pages at 0x43C0_0000 lie in the same 1 GB region as the data, and were
     * mapped at stage 2 (2 MB block) when the guest's tables were realised, so that 1 GB region
     * already has a level-2 table; the data IPA misses at its level-2 entry.
     *
     * <p>S1PTW: none. A stage-2 fault on a stage-1 table walk needs a table page unmapped at stage
     * 2; the tables here were realised through the hypervisor (the guest wrote them, touching the
     * pages first: in a real VM those writes would have been the lazy faults, before this trace),
     * so every walk's table reads find their stage-2 mapping.
     *
     * <p>MMIO: 4 accesses to the emulated slot, each an exit ({@code mmio}), never mapped, so 4
     * aborts. Device: 3 accesses to the pass-through slot, mapped at stage 2 as Device memory: 0.
     */
    @Test
    void lazyMapOnePerTwoMegabytesMmioAlwaysExitsPassThroughNever() throws IOException {
        RunOutput out = replay(trace("faults"), tmp.resolve("out"), true);
        List<Stage2FaultRow> agg = out.readAll(MetricTables.STAGE2_FAULTS);
        List<FaultEventRow> ev = out.readAll(MetricTables.FAULT_EVENTS);
        List<FaultEventRow> lazy = ev.stream().filter(e -> e.cause().equals("lazy_map")).toList();
        assertEquals(4, lazy.size(), ev.toString());
        for (int i = 0; i < 4; i++) {
            FaultEventRow e = lazy.get(i);
            assertEquals(1000 + 300L * i, e.ts(), e.toString());
            assertEquals(0x8000_0000L + i * 0x20_0000L, e.va(), e.toString());
            assertEquals(0x4000_0000L + i * 0x20_0000L, e.ipa(), e.toString());
            assertEquals("translation", e.kind());
            assertEquals(2, e.level(), e.toString());
            assertEquals(false, e.s1ptw());
        }
        assertEquals(0, ev.stream().filter(FaultEventRow::s1ptw).count(), ev.toString());
        List<FaultEventRow> mmio = ev.stream().filter(e -> e.cause().equals("mmio")).toList();
        assertEquals(4, mmio.size(), ev.toString());
        for (FaultEventRow e : mmio) {
            assertEquals(0x0A00_0010L, e.ipa(), e.toString());
            assertEquals("translation", e.kind());
        }
        assertEquals(8, ev.size(), "no fault on the pass-through device: " + ev);
        assertEquals(8, agg.stream().mapToLong(Stage2FaultRow::count).sum(), agg.toString());
        assertEquals(List.of(), MetricsConsistency.check(out));
    }

    /**
     * traces/faults with 500 ns windows. Windows are aligned to multiples of the width from 0 and
     * run from the first event (the set-up at t=0) to the last (t=2800): 6 windows. Per access
     * (default neoverse-n1 TLBs; "miss" = a walk; a lazy-map fault re-executes the access, which
     * looks up and walks again, so it counts 2 lookups and 2 misses; an MMIO access faults once and
     * is not retried; a failed walk fills no TLB entry):
     * <pre>
     *  [1000,1500): 1000 r0 region0 fault (2 lookups), 1100 w1 miss, 1200 r0 hit, 1300 r0 region1 fault (2),
     *               1400 w1 miss                               → 7 lookups, 1 hit, 2 faults
     *  [1500,2000): 1500 hit, 1600 region2 fault (2), 1700 miss, 1800 hit, 1900 region3 fault (2)
     *                                                          → 7 lookups, 2 hits, 2 faults
     *  [2000,2500): 2000 miss, 2100 hit, 2200/2300/2400 MMIO   → 5 lookups, 1 hit, 3 faults
     *  [2500,3000): 2500 MMIO, 2600 device miss, 2700 hit, 2800 hit → 4 lookups, 2 hits, 1 fault
     * </pre>
     * [0,500) and [500,1000) have no lookups: hit rate null. No interrupts: p99 null.
     */
    @Test
    void timelineWindowsByHand() throws IOException {
        RunOutput out = replay(trace("faults"), tmp.resolve("out"), false, 500L);
        List<TimelineRow> rows = out.readAll(MetricTables.TIMELINE);
        long[][] expected = {{0, 500, 0, 0, 0}, {500, 1000, 0, 0, 0}, {1000, 1500, 7, 1, 2}, {1500, 2000, 7, 2, 2},
            {2000, 2500, 5, 1, 3}, {2500, 3000, 4, 2, 1}};
        assertEquals(expected.length, rows.size(), rows.toString());
        for (int i = 0; i < expected.length; i++) {
            TimelineRow r = rows.get(i);
            long[] x = expected[i];
            assertEquals(List.of(x[0], x[1], x[2], x[3], x[4], 0L),
                    List.of(r.windowStartNs(), r.windowEndNs(), r.tlbLookups(), r.tlbHits(), r.stage2Faults(),
                            r.interrupts()), r.toString());
            assertEquals(x[2] == 0 ? null : (double) x[3] / x[2], r.tlbHitRate(), r.toString());
            assertEquals(null, r.irqP99Ns(), r.toString());
        }
    }

    /**
     * traces/s1ptw: the guest's stage-1 tables are written as raw descriptors ({@code pte} rows, at
     * host PA = memslot PA 0x1_0000_0000 + (IPA − 0x4000_0000)) and never touched through the
     * hypervisor, so their pages are not mapped at stage 2. The four tables sit in four different
     * 2 MB regions: L0 (root, TTBR0_EL1) at IPA 0x4100_0000, L1 at 0x4120_0000, L2 at 0x4140_0000,
     * L3 at 0x4160_0000; the data page at IPA 0x4000_0000 is in a fifth.
     *
     * <p>The first read of VA 0x8000_0000 (indices L0 0, L1 2, L2 0, L3 0): the stage-1 walk's read
     * of the L0 descriptor needs a stage-2 translation of 0x4100_0000: unmapped, so a stage-2
     * translation fault with S1PTW = 1 (Arm ARM: ESR_ELx.ISS.S1PTW, the fault was on the stage-2
     * translation of a stage-1 table walk); KVM maps the 2 MB block and the access is re-executed;
     * the walk then faults the same way on the L1 table (descriptor at 0x4120_0010: index 2 × 8),
     * the L2 and the L3 table; then the final IPA 0x4000_0000 faults with S1PTW = 0. So 5 lazy
     * maps, 4 of them S1PTW, in walk order. The next read (same page) and the write to the next
     * page (L3 index 1, IPA 0x4000_1000, the same 2 MB region) fault no more.
     */
    @Test
    void stage1TablePagesUnmappedAtStage2FaultWithS1ptwInWalkOrder() throws IOException {
        RunOutput out = replay(trace("s1ptw"), tmp.resolve("out"), true);
        List<FaultEventRow> ev = out.readAll(MetricTables.FAULT_EVENTS);
        assertEquals(5, ev.size(), ev.toString());
        long[] pages = {0x4100_0000L, 0x4120_0000L, 0x4140_0000L, 0x4160_0000L, 0x4000_0000L};
        for (int i = 0; i < 5; i++) {
            FaultEventRow e = ev.get(i);
            assertEquals(1000, e.ts(), e.toString());
            assertEquals("lazy_map", e.cause(), e.toString());
            assertEquals("translation", e.kind(), e.toString());
            assertEquals(i < 4, e.s1ptw(), e.toString());
            assertEquals(pages[i], e.ipa() & ~0xFFFL, e.toString());
            assertEquals(0x8000_0000L, e.va(), e.toString());
            // ESR_EL2.ISS bit 7 is S1PTW.
            assertEquals(i < 4, (e.esr() & (1L << 7)) != 0, Long.toHexString(e.esr()));
            if (i > 0) {
                // After the first block in this 1 GB region, it has a level-2 table: faults at level 2.
                assertEquals(2, e.level(), e.toString());
            }
        }
        assertEquals(List.of(), MetricsConsistency.check(out));
    }

    /**
     * traces/spi: vCPU 0 runs on PE 1 from t=0, unmasked; SPI 40 (edge, device, default priority
     * 0xA0) asserted at t=100 000. docs/costs.md, "I/O latency in", at 2.4 GHz with each step
     * rounded to the nearest ns: device host 5572 → 2322, inject 1000 → 417, IPI 500 → 208,
     * receiver exit 3250 → 1354, LR flush 250 → 104, entry 3000 → 1250, guest ack 300 → 125;
     * total 5780 ns. Nothing waits: sched, LR and mask components are 0.
     */
    @Test
    void spiToARunningUnmaskedVcpuCostsExactlyTheConfiguredPath() throws IOException {
        CostModel c = CostModel.defaults();
        assertEquals(2400, c.clockMhz());
        long expected = c.ns(c.deviceHostCycles()) + c.ns(c.injectCycles()) + c.ns(c.ipiCycles())
                + c.ns(c.exitCycles()) + c.ns(c.lrFlushCycles()) + c.ns(c.entryCycles()) + c.ns(c.guestAckCycles());
        assertEquals(5780, expected, "docs/costs.md: 5,780 ns at the default clock");
        RunOutput out = replay(trace("spi"), tmp.resolve("out"), true);
        List<IrqEventRow> ev = out.readAll(MetricTables.IRQ_EVENTS);
        assertEquals(1, ev.size(), ev.toString());
        IrqEventRow e = ev.get(0);
        assertEquals(100_000, e.ts());
        assertEquals("spi", e.irqClass());
        assertEquals(40, e.intid());
        assertEquals(5780, e.latencyNs(), e.toString());
        assertEquals(0, e.schedWaitNs(), e.toString());
        assertEquals(0, e.lrWaitNs(), e.toString());
        assertEquals(0, e.maskWaitNs(), e.toString());
        assertEquals(5780, e.exitNs() + e.injectNs(), e.toString());
        assertEquals(List.of(), MetricsConsistency.check(out));
    }

    /**
     * traces/desched: as traces/spi, but the vCPU is preempted at t=50 000 and runs again on the
     * same PE at t=2 050 000 (2 ms later); the SPI comes at t=100 000, while it is out. The
     * hypervisor queues it (no kick: nothing to exit), and the vCPU sees it when it is next
     * entered: LR flush 104 + entry 1250 + guest ack 125 ns after t=2 050 000 (no vCPU-switch cost:
     * the PE last ran this same vCPU, docs/costs.md "Scheduling"). Acknowledge at 2 051 479, latency
     * 1 951 479 ns, of which most is sched wait; no exit (the vCPU was not in the guest).
     */
    @Test
    void spiToADescheduledVcpuWaitsUntilItRunsAgain() throws IOException {
        CostModel c = CostModel.defaults();
        long ack = 2_050_000 + c.ns(c.lrFlushCycles()) + c.ns(c.entryCycles()) + c.ns(c.guestAckCycles());
        assertEquals(2_051_479, ack);
        RunOutput out = replay(trace("desched"), tmp.resolve("out"), true);
        List<IrqEventRow> ev = out.readAll(MetricTables.IRQ_EVENTS);
        assertEquals(1, ev.size(), ev.toString());
        IrqEventRow e = ev.get(0);
        assertEquals(ack - 100_000, e.latencyNs(), e.toString());
        assertEquals(0, e.exitNs(), e.toString());
        assertTrue(e.schedWaitNs() >= 2_050_000 - 100_000 - c.ns(c.deviceHostCycles()) - c.ns(c.injectCycles()),
                e.toString());
        assertEquals(0, e.maskWaitNs(), e.toString());
        assertEquals(List.of(), MetricsConsistency.check(out));
    }

    /**
     * traces/masked: as traces/spi, but the guest masks interrupts (PSTATE.I) from t=90 000 to
     * t=200 000. The SPI at t=100 000 reaches the list register after device host 2322 + inject
     * 417 + IPI 208 + exit 1354 + flush 104 + entry 1250 = 5655 ns (t=105 655), then waits for the
     * unmask; the guest acknowledges 125 ns (guest ack) after it: t=200 125, latency 100 125 ns, of
     * which 200 000 − 105 655 = 94 345 ns mask wait.
     */
    @Test
    void spiToAMaskedVcpuWaitsForTheUnmask() throws IOException {
        RunOutput out = replay(trace("masked"), tmp.resolve("out"), true);
        List<IrqEventRow> ev = out.readAll(MetricTables.IRQ_EVENTS);
        assertEquals(1, ev.size(), ev.toString());
        IrqEventRow e = ev.get(0);
        assertEquals(100_125, e.latencyNs(), e.toString());
        assertEquals(94_345, e.maskWaitNs(), e.toString());
        assertEquals(0, e.schedWaitNs(), e.toString());
        assertEquals(0, e.lrWaitNs(), e.toString());
        assertEquals(List.of(), MetricsConsistency.check(out));
    }

    /** The job leaves nothing beside the output (its temporary directory is renamed or deleted). */
    @Test
    void noTemporaryLeftBeside() throws IOException {
        replay(trace("spi"), tmp.resolve("out"), false);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("out"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(!Files.exists(tmp.resolve("out/fault_events.parquet")), "--events off: no fault_events");
    }
}
