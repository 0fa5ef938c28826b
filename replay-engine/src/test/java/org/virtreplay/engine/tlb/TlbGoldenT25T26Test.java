package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;

/**
 * Golden cases T25 (TLB maintenance after a stage-2 remap) and T26 (VMID / ASID tagging) of the
 * project's arm-reference notes §15, on ENV-S2 built descriptor by descriptor from §15.0 (not with
 * the project's TableBuilder, so that the environment is independent of the code under test).
 *
 * <p>ENV-S2: stage-1 tables at IPA 0x4000_0000.. which stage 2 maps with a 2 MB block to PA
 * 0x1_4000_0000, so the stage-1 descriptor at IPA 0x4000_0008 lives at PA 0x1_4000_0008, etc.
 * VA_A = 0x80_8060_4ABC -> IPA 0x9ABC_DABC -> PA 0x2_5555_5ABC (S2D3 default).
 */
class TlbGoldenT25T26Test {
    static final long VA_A = 0x0000_0080_8060_4ABCL;
    static final long S2D3_PA = 0x8000_4E68L;
    static final long D3_PA = 0x1_4000_3020L;

    PhysicalMemory mem;
    TranslationUnit pe0;
    TranslationUnit pe1;
    TlbHost host;

    void envS2(boolean ipas2RemovesCombined) {
        mem = new PhysicalMemory();
        // Stage 1 (ENV-S1 tables), at the PAs stage 2 gives their IPAs.
        mem.write(0x1_4000_0008L, 0x0000_0000_4000_1003L);
        mem.write(0x1_4000_1010L, 0x0000_0000_4000_2003L);
        mem.write(0x1_4000_2018L, 0x0000_0000_4000_3003L);
        mem.write(D3_PA, 0x0000_0000_9ABC_D703L);
        // Stage 2.
        mem.write(0x8000_0008L, 0x0000_0000_8000_2003L);
        mem.write(0x8000_2000L, 0x0000_0001_4000_07FDL);
        mem.write(0x8000_0010L, 0x0000_0000_8000_3003L);
        mem.write(0x8000_36A8L, 0x0000_0000_8000_4003L);
        mem.write(S2D3_PA, 0x0000_0002_5555_57FFL);
        CorePreset cfg = CorePreset.custom(TlbGeometry.of(32, 32), TlbGeometry.of(32, 32), TlbGeometry.of(1024, 4))
                .withIpas2RemovesCombined(ipas2RemovesCombined);
        pe0 = new TranslationUnit(0, cfg, regs(), new Mmu(mem), Replacement.LRU, 1);
        pe1 = new TranslationUnit(1, cfg, regs(), new Mmu(mem), Replacement.LRU, 1);
        host = new TlbHost(pe0, pe1);
    }

    static MmuRegisters regs() {
        MmuRegisters r = new MmuRegisters();
        r.set("TCR_EL1", 0x0000_0005_0080_3510L);
        r.set("MAIR_EL1", 0x0000_0000_0004_44FFL);
        r.set("TTBR0_EL1", 0x0000_0000_4000_0000L);
        r.set("SCTLR_EL1", 0x1005L);
        r.set("HCR_EL2", 0x8000_0001L);
        r.set("VTCR_EL2", 0x8002_3558L);
        r.set("VTTBR_EL2", 0x0005_0000_8000_0000L);
        return r;
    }

    static final int READ = TlbStudy.READ;

    @Test
    void t16BaselineNestedWalk() {
        envS2(false);
        assertTrue(pe0.access(VA_A, READ, 1));
        assertEquals(0x2_5555_5ABCL, pe0.lastPa);
        assertFalse(pe0.lastHit);
        // Each of the 4 stage-1 table IPAs (0x4000_xxxx) takes 2 stage-2 reads (L1 root entry 1,
        // L2 2 MB block); 4 stage-1 reads; the final IPA takes 3 (L1, L2, L3): 4*2 + 4 + 3 = 15.
        assertEquals(15, pe0.reads());
        assertTrue(pe0.access(VA_A, READ, 1));
        assertTrue(pe0.lastHit);
        assertEquals(1, pe0.walks());
    }

    /** BBM on S2D3 (invalid, TLBI IPAS2E1IS for IPA 0x9ABCD000, DSB, new value). */
    void remapS2D3() {
        mem.write(S2D3_PA, 0);
        host.tlbi(0, TlbiOp.DSB_ISH, 0, 2);
        host.tlbi(0, TlbiOp.IPAS2E1IS, 0x0000_0000_0009_ABCDL, 2);
        host.tlbi(0, TlbiOp.DSB_ISH, 0, 2);
        mem.write(S2D3_PA, 0x0000_0002_6666_67FFL);
    }

    @Test
    void t25CombinedEntrySurvivesIpas2e1UntilVmalle1() {
        envS2(false);
        pe0.setStaleCheckEvery(1);
        pe0.access(VA_A, READ, 1);
        pe1.access(VA_A, READ, 1);
        remapS2D3();
        // Combined entry kept (architecturally permitted): the stale PA, and the detector sees it.
        assertTrue(pe0.access(VA_A, READ, 1));
        assertTrue(pe0.lastHit);
        assertEquals(0x2_5555_5ABCL, pe0.lastPa);
        assertEquals(1, pe0.stale.count());
        assertEquals(0x2_6666_6ABCL, pe0.stale.hits().get(0).newPa());
        assertEquals(VA_A, pe0.stale.hits().get(0).va());
        // TLBI VMALLE1IS; DSB ISH; ISB -> the new PA on every PE.
        host.tlbi(0, TlbiOp.VMALLE1IS, 0, 2);
        host.tlbi(0, TlbiOp.DSB_ISH, 0, 2);
        assertTrue(pe0.access(VA_A, READ, 1));
        assertFalse(pe0.lastHit);
        assertEquals(0x2_6666_6ABCL, pe0.lastPa);
        assertTrue(pe1.access(VA_A, READ, 1));
        assertEquals(0x2_6666_6ABCL, pe1.lastPa);
    }

    @Test
    void t25ModelWhereIpas2e1RemovesCombinedGivesNewPaAtOnce() {
        envS2(true);
        pe0.access(VA_A, READ, 1);
        remapS2D3();
        assertTrue(pe0.access(VA_A, READ, 1));
        assertFalse(pe0.lastHit);
        assertEquals(0x2_6666_6ABCL, pe0.lastPa);
    }

    @Test
    void t26VmidTagging() {
        envS2(false);
        pe0.access(VA_A, READ, 1);
        int vm5 = TlbArray.ctx(0, false, 5);
        int vm6 = TlbArray.ctx(0, false, 6);
        // VMID 6, same stage-2 base: must miss and re-walk.
        pe0.setRegister("VTTBR_EL2", 0x0006_0000_8000_0000L);
        pe0.access(VA_A, READ, 1);
        assertFalse(pe0.lastHit);
        assertEquals(2, pe0.walks());
        assertTrue(pe0.l1d.find(VA_A, vm5, 0) >= 0 && pe0.l1d.find(VA_A, vm6, 0) >= 0);
        // VMALLS12E1IS with VMID 6 current: VMID 5 entries survive.
        host.tlbi(0, TlbiOp.VMALLS12E1IS, 0, 2);
        assertEquals(-1, pe0.l1d.find(VA_A, vm6, 0));
        assertEquals(-1, pe0.l2.find(VA_A, vm6, 0));
        assertTrue(pe0.l1d.find(VA_A, vm5, 0) >= 0);
        // ALLE1IS removes every VMID.
        pe0.access(VA_A, READ, 1);
        host.tlbi(0, TlbiOp.ALLE1IS, 0, 2);
        assertEquals(-1, pe0.l1d.find(VA_A, vm5, 0));
        assertEquals(-1, pe0.l1d.find(VA_A, vm6, 0));
        assertEquals(-1, pe0.l2.find(VA_A, vm5, 0));
    }

    @Test
    void t26AsidTagging() {
        envS2(false);
        int vm5 = TlbArray.ctx(0, false, 5);
        mem.write(D3_PA, 0x0000_0000_9ABC_DF03L); // nG = 1
        // A global neighbour page: VA_A + 0x1000 -> L3 entry 5 -> IPA 0x9ABC_E000 -> stage-2 L3 entry 0x1CE.
        mem.write(D3_PA + 8, 0x0000_0000_9ABC_E703L);
        mem.write(S2D3_PA + 8, 0x0000_0002_5555_67FFL);
        pe0.setRegister("TTBR0_EL1", 0x0007_0000_4000_0000L);
        pe0.access(VA_A, READ, 1);
        assertEquals(7, pe0.l1d.asidOf(pe0.l1d.find(VA_A, vm5, 7)));
        pe0.access(VA_A + 0x1000, READ, 1);
        assertEquals(-1, pe0.l1d.asidOf(pe0.l1d.find(VA_A + 0x1000, vm5, 7)), "nG=0: global entry");
        // Under ASID 8 the nG entry misses (a walk); under ASID 7 it hits.
        pe0.setRegister("TTBR0_EL1", 0x0008_0000_4000_0000L);
        long walks = pe0.walks();
        pe0.access(VA_A, READ, 1);
        assertEquals(walks + 1, pe0.walks());
        pe0.access(VA_A + 0x1000, READ, 1);
        assertTrue(pe0.lastHit, "global entries match any ASID");
        pe0.setRegister("TTBR0_EL1", 0x0007_0000_4000_0000L);
        pe0.access(VA_A, READ, 1);
        assertTrue(pe0.lastHit);
        // ASIDE1IS ASID 7: removes the ASID-7 entry, leaves the global one and the ASID-8 one.
        host.tlbi(0, TlbiOp.ASIDE1IS, 0x0007_0000_0000_0000L, 1);
        assertEquals(-1, exact(pe0.l1d, VA_A, vm5, 7));
        assertTrue(exact(pe0.l1d, VA_A, vm5, 8) >= 0);
        assertTrue(pe0.l1d.find(VA_A + 0x1000, vm5, 7) >= 0);
        // VAE1IS ASID 7, VA_A >> 12: removes the ASID-7 entry and any global entry for that page.
        pe0.access(VA_A, READ, 1);
        pe0.l1d.fill(VA_A, 12, vm5, -1, 0x2_5555_5000L, 0x9ABC_D000L, pe0.l1d.infoOf(exact(pe0.l1d, VA_A, vm5, 7)));
        host.tlbi(0, TlbiOp.VAE1IS, 0x0007_0000_0808_0604L, 1);
        assertEquals(-1, exact(pe0.l1d, VA_A, vm5, 7));
        assertEquals(-1, exact(pe0.l1d, VA_A, vm5, -1));
        assertTrue(exact(pe0.l1d, VA_A, vm5, 8) >= 0, "ASID 8 is another address space");
        // With a TTL hint for a 4K level-3 leaf (operand 0x0007_7000_0808_0604) the same happens.
        pe0.access(VA_A, READ, 1);
        assertTrue(exact(pe0.l1d, VA_A, vm5, 7) >= 0);
        host.tlbi(0, TlbiOp.VAE1IS, 0x0007_7000_0808_0604L, 1);
        assertEquals(-1, exact(pe0.l1d, VA_A, vm5, 7));
    }

    /** The entry with exactly this ASID tag ({@code -1} = global), or -1. */
    static int exact(TlbArray a, long va, int ctx, int asid) {
        for (int i = 0; i < a.entries; i++) {
            if (a.isValid(i) && a.ctxOf(i) == ctx && a.asidOf(i) == asid && a.baseOf(i) == (va & -(1L << a.sizeLogOf(i)))) {
                return i;
            }
        }
        return -1;
    }
}
