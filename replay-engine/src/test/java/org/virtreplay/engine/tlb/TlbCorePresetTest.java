package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.Granule;

/** Core presets: the TRM numbers of docs/cores.md and the page-size rules they imply. */
class TlbCorePresetTest {
    @Test
    void allSixPresetsExist() {
        for (String n : new String[] {"cortex-a72", "cortex-a76", "neoverse-n1", "neoverse-n2", "neoverse-v1",
            "neoverse-v2"}) {
            assertNotNull(CorePreset.byName(n), n);
        }
    }

    @Test
    void a76FromTrm() {
        // TRM 100798 A5.2: L1I 48 FA, L1D 48 FA, L2 1280 5-way.
        CorePreset p = CorePreset.byName("cortex-a76");
        assertEquals(48, p.l1i().entries());
        assertEquals(48, p.l1i().ways());
        assertEquals(48, p.l1d().entries());
        assertEquals(1280, p.l2().entries());
        assertEquals(5, p.l2().ways());
        assertFalse(p.ipas2RemovesCombined());
    }

    @Test
    void a72L2FromTrmAndL1Splitting() {
        // TRM 100095 5.2.3: L2 1024 4-way. The L1s hold 4K/64K/1M only, so a 16K page is stored as
        // the 4K piece accessed; a 2M block as a 1M piece.
        CorePreset p = CorePreset.byName("cortex-a72");
        assertEquals(1024, p.l2().entries());
        assertEquals(4, p.l2().ways());
        TlbArray l1d = p.l1d().build("l1d", Replacement.LRU, 1);
        assertEquals(32, l1d.entries);
        assertEquals(12, l1d.storeSizeLog(14));
        assertEquals(20, l1d.storeSizeLog(21));
        assertEquals(16, l1d.storeSizeLog(16));
    }

    @Test
    void a76IpaCacheHoldsOnlyLargeStage2Blocks() {
        // TRM A5.2.3: IPA->PA entries only for 2M, 1G (4K), 32M (16K), 512M (64K).
        TlbArray ipac = CorePreset.byName("neoverse-n1").ipaCache().build("ipac", Replacement.LRU, 1);
        assertEquals(-1, ipac.storeSizeLog(12));
        assertEquals(21, ipac.storeSizeLog(21));
        assertEquals(29, ipac.storeSizeLog(29));
    }

    @Test
    void a76IpaCacheHitsWithTwoMegabyteStage2Blocks() {
        // With --s2-block 2m the stage-2 leaves are 2 MB blocks, so the IPA cache can hold them:
        // the second page's walk finds its data IPA's stage-2 translation there.
        TlbStudy s = new TlbStudy(CorePreset.byName("cortex-a76"), Granule.K4, Granule.K4, 2 << 20,
                Replacement.LRU, 1);
        s.access(TlbStudy.READ, 0x10000, 4);
        s.access(TlbStudy.READ, 0x11000, 4);
        assertTrue(s.unit.ipac.hits > 0);
        assertEquals(2, s.unit.walks());
    }
}
