package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.Granule;

/** {@link TlbStudy}: how a trace access is split into page lookups. */
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
}
