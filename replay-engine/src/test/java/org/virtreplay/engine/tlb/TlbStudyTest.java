package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.Granule;

/** {@link TlbStudy}: how a trace access is split into page lookups, and its same-entry fast path. */
class TlbStudyTest {
    private static TlbStudy study() {
        return new TlbStudy(CorePreset.byName("cortex-a76"), Granule.K4, Granule.K4, 0, Replacement.LRU, 1);
    }

    @Test
    void accessCrossingTwoToThe64ContinuesAtVaZero() {
        // 8 bytes at 2^64 - 1 (lackey " L ffffffffffffffff,8"): byte 0 is in the last page of the VA
        // space, bytes 1..7 at VA 0..6 (64-bit address arithmetic wraps). Two page lookups: the
        // first is outside the lackey VM's only range (TTBR0, 48 bits; EPD1 = 1), so its walk takes
        // a level-0 Translation fault and nothing is mapped for it; page 0 is mapped on first touch
        // and translates.
        TlbStudy s = study();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> s.access(TlbStudy.READ, 0xFFFF_FFFF_FFFF_FFFFL, 8));
        assertEquals(1, s.loads);
        assertEquals(2, s.pageLookups);
        assertEquals(2, s.unit.walks());
        assertEquals(1, s.unit.faults);
        assertEquals(1, s.vm.pagesMapped());
        // Page 0 is the first data page: IPA 0x1_0000_0000, PA 0x10_0000_0000 (first touch), offset 0.
        assertEquals(FirstTouchVm.DATA_PA_BASE, s.unit.lastPa);
    }

    @Test
    void accessEndingExactlyAtTwoToThe64IsOnePage() {
        // 4 bytes at 2^64 - 4 end exactly at 2^64: one page, nothing wraps.
        TlbStudy s = study();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> s.access(TlbStudy.WRITE, 0xFFFF_FFFF_FFFF_FFFCL, 4));
        assertEquals(1, s.pageLookups);
        assertEquals(1, s.unit.faults);
        assertEquals(0, s.vm.pagesMapped());
    }

    @Test
    void accessCrossingAPageBoundaryIsTwoLookupsLowestFirst() {
        TlbStudy s = study();
        s.access(TlbStudy.READ, 0x1FFE, 4);
        assertEquals(2, s.pageLookups);
        assertEquals(0, s.unit.faults);
        // Page 0x1000 was touched first (IPA/PA base), page 0x2000 second: the last PA is the second data page.
        assertEquals(FirstTouchVm.DATA_PA_BASE + 0x1000, s.unit.lastPa);
    }

    /**
     * The same-entry fast path changes nothing a study can observe: random traces (all four access
     * kinds, sizes that cross pages, a hot set that mostly hits the L1 and a larger one that evicts
     * from it and from the L2) replayed with and without it give the same counters of every
     * structure, the same walks, descriptor reads, cycles and faults, and the same entries in
     * every way at the end, under every replacement policy, with and without walk caches and the
     * stale-translation check.
     */
    @Test
    void fastPathLeavesEveryCounterAndEntryAsTheFullLookup() {
        CorePreset small = CorePreset.custom(TlbGeometry.of(8, 8), TlbGeometry.of(16, 4), TlbGeometry.of(64, 4));
        int cases = 0;
        for (CorePreset core : new CorePreset[] {small, CorePreset.byName("cortex-a76")}) {
            for (Replacement policy : Replacement.values()) {
                for (int stale : new int[] {0, 7}) {
                    for (long seed = 1; seed <= 3; seed++) {
                        TlbStudy with = new TlbStudy(core, Granule.K4, Granule.K4, 0, policy, seed);
                        TlbStudy without = new TlbStudy(core, Granule.K4, Granule.K4, 0, policy, seed);
                        without.setFastPath(false);
                        with.unit.setStaleCheck(stale, null);
                        without.unit.setStaleCheck(stale, null);
                        SplittableRandom r = new SplittableRandom(seed * 1000 + policy.ordinal() * 10 + stale);
                        for (int n = 0; n < 20_000; n++) {
                            int kind = r.nextInt(10) < 6 ? TlbStudy.FETCH : r.nextInt(3);
                            // 70 %: one of 6 hot pages; else one of 400 pages (more than any TLB here holds).
                            long page = r.nextInt(10) < 7 ? r.nextInt(6) : 16 + r.nextInt(400);
                            long addr = (kind == TlbStudy.FETCH ? 0x40_0000L : 0x7F00_0000L) + (page << 12)
                                    + (r.nextInt(8) == 0 ? 4096 - r.nextInt(1, 8) : r.nextInt(4096));
                            int size = 1 + r.nextInt(16);
                            // Runs of the same access, as a loop's fetches make them.
                            for (int k = r.nextInt(1, 5); k > 0; k--) {
                                with.access(kind, addr, size);
                                without.access(kind, addr, size);
                            }
                        }
                        String what = core.name() + " " + policy + " stale=" + stale + " seed=" + seed;
                        // Counters alone would not show a different victim choice: these traces must evict.
                        assertTrue(without.unit.l1i.evictions > 0 && without.unit.l1d.evictions > 0, what);
                        assertEquals(snapshot(without), snapshot(with), what);
                        assertEquals(without.pageLookups, with.pageLookups, what);
                        cases++;
                    }
                }
            }
        }
        assertEquals(2 * Replacement.values().length * 2 * 3, cases);
    }

    /** Everything a study's results are made of, and the entries of every structure, as text. */
    private static List<String> snapshot(TlbStudy s) {
        TranslationUnit u = s.unit;
        List<String> out = new ArrayList<>();
        out.add("walks " + u.walksI + "/" + u.walksD + " reads " + u.readsI + "/" + u.readsD + " uncached "
                + u.readsUncached + " faults " + u.faults + " cycles " + u.cycles + " instr " + u.instructions
                + " stale " + u.stale.count() + " pages " + s.vm.pagesMapped());
        for (TlbArray a : new TlbArray[] {u.l1i, u.l1d, u.l2, u.s1wc, u.s2wc, u.ipac}) {
            if (a == null) {
                continue;
            }
            out.add(a.toString() + " lookups " + a.lookups + " hits " + a.hits + " misses " + a.misses + " fills "
                    + a.fills + " evictions " + a.evictions);
            StringBuilder e = new StringBuilder();
            for (int i = 0; i < a.entries; i++) {
                e.append(a.isValid(i) ? Long.toHexString(a.baseOf(i)) + "/" + a.sizeLogOf(i) : "-").append(' ');
            }
            out.add(e.toString());
        }
        return out;
    }
}
