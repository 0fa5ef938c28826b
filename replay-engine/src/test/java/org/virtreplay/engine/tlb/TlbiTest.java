package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;

/**
 * One test per TLBI operation and scope rule. Entries are placed directly in the structures of two
 * PEs (no walks), each test runs one TLBI on PE 0 and checks, entry by entry, what the rules of
 * the Arm ARM (C5.5; project notes §8.2-8.3) say must go and what must stay.
 *
 * <p>PE 0 registers: VTTBR_EL2.VMID = 5, TTBR0_EL1.ASID = 7, HCR_EL2.VM = 1 (E2H = TGE = 0).
 */
class TlbiTest {
    static final long VA = 0x0000_0080_8060_4000L;   // VA_A's page (§15.0)
    static final long VA2 = 0x0000_0000_1234_5000L;  // an unrelated page
    static final long IPA = 0x9ABC_D000L;
    static final int VM5 = TlbArray.ctx(0, false, 5);
    static final int VM6 = TlbArray.ctx(0, false, 6);
    static final int EL2 = TlbArray.ctx(1, false, 0);
    /** Leaf info: stage-1 level 3, 4K granule; stage-2 level 3, 4K granule. */
    static final int LEAF = TlbArray.info(true, true, true, 3, 12, 3, 12);

    TlbHost host;
    TranslationUnit pe0;
    TranslationUnit pe1;

    static TranslationUnit unit(int index, boolean ipas2RemovesCombined) {
        CorePreset cfg = CorePreset.custom(TlbGeometry.of(16, 16), TlbGeometry.of(16, 16), TlbGeometry.of(64, 4))
                .withWalkCaches(TlbGeometry.of(16, 4), TlbGeometry.of(16, 4), TlbGeometry.of(16, 4))
                .withIpas2RemovesCombined(ipas2RemovesCombined);
        MmuRegisters r = new MmuRegisters();
        r.set("VTTBR_EL2", 0x0005_0000_0000_0000L);
        r.set("TTBR0_EL1", 0x0007_0000_4000_0000L);
        r.set("HCR_EL2", 1);
        return new TranslationUnit(index, cfg, r, new Mmu(new PhysicalMemory()), Replacement.LRU, 1);
    }

    @BeforeEach
    void setUp() {
        pe0 = unit(0, false);
        pe1 = unit(1, false);
        host = new TlbHost(pe0, pe1);
    }

    /** Puts the standard set of entries into a PE. */
    static void populate(TranslationUnit u) {
        // Combined entries in the L1 D-TLB and the L2.
        for (TlbArray a : new TlbArray[] {u.l1d, u.l2}) {
            a.fill(VA, 12, VM5, 7, 0x2_5555_5000L, IPA, LEAF);          // ASID 7, VMID 5
            a.fill(VA + 0x1000, 12, VM5, -1, 0x2_5555_6000L, IPA + 0x1000, LEAF); // global, VMID 5
            a.fill(VA + 0x2000, 12, VM5, 8, 0x2_5555_7000L, IPA + 0x2000, LEAF);  // ASID 8, VMID 5
            a.fill(VA2, 12, VM5, 7, 0x3_0000_0000L, 0x7000_0000L, LEAF);  // other page, ASID 7
            a.fill(VA, 12, VM6, 7, 0x4_0000_0000L, IPA, LEAF);           // VMID 6
            a.fill(VA, 12, EL2, -1, 0x5_0000_0000L, 0, LEAF);             // EL2 regime
        }
        // Stage-1 walk cache: level-2 table entry covering VA (2 MB), ASID 7, VMID 5; and one of VMID 6.
        u.s1wc.fill(VA, 21, VM5, 7, 0, 0, TlbArray.info(false, false, false, 2, 12, -1, 0));
        u.s1wc.fill(VA, 21, VM6, 7, 0, 0, TlbArray.info(false, false, false, 2, 12, -1, 0));
        // Stage-2 walk cache (level 2, 2 MB of IPA) and IPA cache (4K leaf) for IPA, VMID 5 and 6.
        u.s2wc.fill(IPA, 21, VM5, -1, 0, 0, TlbArray.info(false, false, false, -1, 0, 2, 12));
        u.s2wc.fill(IPA, 21, VM6, -1, 0, 0, TlbArray.info(false, false, false, -1, 0, 2, 12));
        u.ipac.fill(IPA, 12, VM5, -1, 0x2_5555_5000L, IPA, LEAF);
        u.ipac.fill(IPA, 12, VM6, -1, 0x2_5555_5000L, IPA, LEAF);
    }

    static boolean l2Has(TranslationUnit u, long va, int ctx, int asid) {
        int i = u.l2.find(va, ctx, asid);
        // find() treats a global entry as matching any ASID; insist on the exact entry.
        return i >= 0 && (u.l2.asidOf(i) == asid || (asid == -1 && u.l2.asidOf(i) == -1));
    }

    static boolean s1wcHas(TranslationUnit u, int ctx) {
        return u.s1wc.find(VA, ctx, 7) >= 0;
    }

    static boolean s2wcHas(TranslationUnit u, int ctx) {
        return u.s2wc.find(IPA, ctx, -1) >= 0;
    }

    static boolean ipacHas(TranslationUnit u, int ctx) {
        return u.ipac.find(IPA, ctx, -1) >= 0;
    }

    static long vaOperand(int asid, long va, int ttl) {
        return ((long) asid << 48) | ((long) ttl << 44) | ((va >>> 12) & 0xFFF_FFFF_FFFFL);
    }

    @Test
    void vmalle1RemovesStage1OfCurrentVmidOnly() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VMALLE1, 0, 1);
        // All ASIDs and global entries of VMID 5 go, with its stage-1 walk-cache entries.
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertFalse(l2Has(pe0, VA + 0x1000, VM5, -1));
        assertFalse(l2Has(pe0, VA2, VM5, 7));
        assertFalse(s1wcHas(pe0, VM5));
        assertEquals(-1, pe0.l1d.find(VA, VM5, 7));
        // VMID 6, the EL2 regime and stage-2-only structures stay.
        assertTrue(l2Has(pe0, VA, VM6, 7));
        assertTrue(l2Has(pe0, VA, EL2, -1));
        assertTrue(s1wcHas(pe0, VM6));
        assertTrue(s2wcHas(pe0, VM5) && ipacHas(pe0, VM5));
    }

    @Test
    void vae1RemovesThatAsidAndGlobalForThePageAndWalkCache() {
        populate(pe0);
        // VAE1 with ASID 7 for VA+0x1000 (the global entry's page) and for VA.
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA, 0), 1);
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA + 0x1000, 0), 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertFalse(l2Has(pe0, VA + 0x1000, VM5, -1), "global entries match any ASID");
        assertTrue(l2Has(pe0, VA + 0x2000, VM5, 8), "another page");
        assertTrue(l2Has(pe0, VA2, VM5, 7), "another page");
        assertTrue(l2Has(pe0, VA, VM6, 7), "another VMID");
        assertFalse(s1wcHas(pe0, VM5), "VAE1 also drops walk-cache entries used for the VA");
        assertTrue(s1wcHas(pe0, VM6));
    }

    @Test
    void vae1DoesNotRemoveAnotherAsid() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA + 0x2000, 0), 1);
        assertTrue(l2Has(pe0, VA + 0x2000, VM5, 8), "the entry is ASID 8, the operation ASID 7");
        host.tlbi(0, TlbiOp.VAE1, vaOperand(8, VA + 0x2000, 0), 1);
        assertFalse(l2Has(pe0, VA + 0x2000, VM5, 8));
    }

    @Test
    void vale1LeavesWalkCaches() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VALE1, vaOperand(7, VA, 0), 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertTrue(s1wcHas(pe0, VM5), "last-level form: walk cache survives");
    }

    @Test
    void vaae1AllAsids() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VAAE1, vaOperand(0, VA + 0x2000, 0), 1);
        assertFalse(l2Has(pe0, VA + 0x2000, VM5, 8));
        host.tlbi(0, TlbiOp.VAAE1, vaOperand(0, VA, 0), 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertFalse(s1wcHas(pe0, VM5));
        assertTrue(l2Has(pe0, VA, VM6, 7));
    }

    @Test
    void vaale1AllAsidsLastLevel() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VAALE1, vaOperand(0, VA, 0), 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertTrue(s1wcHas(pe0, VM5));
    }

    @Test
    void aside1RemovesNonGlobalOfThatAsid() {
        populate(pe0);
        host.tlbi(0, TlbiOp.ASIDE1, 0x0007_0000_0000_0000L, 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertFalse(l2Has(pe0, VA2, VM5, 7));
        assertTrue(l2Has(pe0, VA + 0x1000, VM5, -1), "global survives ASIDE1");
        assertTrue(l2Has(pe0, VA + 0x2000, VM5, 8), "ASID 8 survives");
        assertTrue(l2Has(pe0, VA, VM6, 7), "VMID 6 survives");
        assertFalse(s1wcHas(pe0, VM5));
    }

    @Test
    void ipas2e1RemovesStage2OnlyInformationNotCombinedByDefault() {
        populate(pe0);
        host.tlbi(0, TlbiOp.IPAS2E1, IPA >>> 12, 2);
        assertFalse(ipacHas(pe0, VM5));
        assertFalse(s2wcHas(pe0, VM5));
        assertTrue(ipacHas(pe0, VM6) && s2wcHas(pe0, VM6));
        assertTrue(l2Has(pe0, VA, VM5, 7), "combined entries need not be removed (default)");
    }

    @Test
    void ipas2e1RemovesCombinedWhenTheCoreDoes() {
        pe0 = unit(0, true);
        host = new TlbHost(pe0, pe1);
        populate(pe0);
        host.tlbi(0, TlbiOp.IPAS2E1, IPA >>> 12, 2);
        assertFalse(l2Has(pe0, VA, VM5, 7), "combined entry whose IPA is 0x9abcd000");
        assertTrue(l2Has(pe0, VA + 0x1000, VM5, -1), "IPA 0x9abce000 is another page");
        assertTrue(l2Has(pe0, VA, VM6, 7));
    }

    @Test
    void ipas2le1LeavesStage2WalkCache() {
        populate(pe0);
        host.tlbi(0, TlbiOp.IPAS2LE1, IPA >>> 12, 2);
        assertFalse(ipacHas(pe0, VM5));
        assertTrue(s2wcHas(pe0, VM5));
    }

    @Test
    void vmalls12e1RemovesBothStagesOfCurrentVmid() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VMALLS12E1, 0, 2);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertFalse(s1wcHas(pe0, VM5) || s2wcHas(pe0, VM5) || ipacHas(pe0, VM5));
        assertTrue(l2Has(pe0, VA, VM6, 7) && s1wcHas(pe0, VM6) && s2wcHas(pe0, VM6) && ipacHas(pe0, VM6));
        assertTrue(l2Has(pe0, VA, EL2, -1));
    }

    @Test
    void alle1RemovesEveryVmidButNotEl2() {
        populate(pe0);
        host.tlbi(0, TlbiOp.ALLE1, 0, 2);
        assertFalse(l2Has(pe0, VA, VM5, 7) || l2Has(pe0, VA, VM6, 7));
        assertFalse(s1wcHas(pe0, VM6) || s2wcHas(pe0, VM6) || ipacHas(pe0, VM6));
        assertTrue(l2Has(pe0, VA, EL2, -1));
    }

    @Test
    void alle2AndVae2TouchOnlyTheEl2Regime() {
        populate(pe0);
        host.tlbi(0, TlbiOp.VAE2, vaOperand(0, VA2, 0), 2);
        assertTrue(l2Has(pe0, VA, EL2, -1), "another page");
        assertTrue(l2Has(pe0, VA2, VM5, 7), "EL1&0 entries are not EL2 ones");
        host.tlbi(0, TlbiOp.VAE2, vaOperand(0, VA, 0), 2);
        assertFalse(l2Has(pe0, VA, EL2, -1));
        populate(pe0);
        host.tlbi(0, TlbiOp.ALLE2, 0, 2);
        assertFalse(l2Has(pe0, VA, EL2, -1));
        assertTrue(l2Has(pe0, VA, VM5, 7) && l2Has(pe0, VA, VM6, 7));
    }

    @Test
    void localAffectsOnlyTheIssuingPeBroadcastAffectsAll() {
        populate(pe0);
        populate(pe1);
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA, 0), 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertTrue(l2Has(pe1, VA, VM5, 7), "local op: other PE untouched");
        host.tlbi(0, TlbiOp.VAE1IS, vaOperand(7, VA2, 0), 1);
        assertFalse(l2Has(pe0, VA2, VM5, 7) || l2Has(pe1, VA2, VM5, 7));
        host.tlbi(0, TlbiOp.VMALLE1OS, 0, 1);
        assertFalse(l2Has(pe1, VA + 0x1000, VM5, -1));
    }

    @Test
    void hcrFbUpgradesEl1LocalToBroadcast() {
        populate(pe0);
        populate(pe1);
        pe0.setRegister("HCR_EL2", 1 | (1L << 9)); // VM, FB
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA, 0), 1);
        assertFalse(l2Has(pe1, VA, VM5, 7));
    }

    @Test
    void ttlHintLimitsToTheHintedLevel() {
        populate(pe0);
        // TTL = 0b0110: 4K granule, level 2 -> the level-3 leaf is not removed (a wrong hint).
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA, 0b0110), 1);
        assertTrue(l2Has(pe0, VA, VM5, 7));
        // TTL = 0b0111: 4K, level 3 (T26's operand 0x0007_7000_0808_0604 for VA_A) -> removed.
        host.tlbi(0, TlbiOp.VAE1, 0x0007_7000_0808_0604L, 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
    }

    @Test
    void rangeFormDecodesNumScaleAndGranule() {
        // RVAE1, TG=01 (4K), SCALE=0, NUM=1: (1+1) * 2^(5*0+1) = 4 pages from BaseADDR = VA>>12.
        // Entries at VA, VA+0x1000, VA+0x2000 (< VA+0x4000) all go; VA2 stays.
        populate(pe0);
        long xt = (7L << 48) | (1L << 46) | (0L << 44) | (1L << 39) | (VA >>> 12);
        host.tlbi(0, TlbiOp.RVAE1, xt, 1);
        assertFalse(l2Has(pe0, VA, VM5, 7));
        assertFalse(l2Has(pe0, VA + 0x1000, VM5, -1));
        assertTrue(l2Has(pe0, VA + 0x2000, VM5, 8), "ASID 8 is not the operand's ASID");
        assertTrue(l2Has(pe0, VA2, VM5, 7));
        // Range ending just before a page: base = VA - 4 pages, 4 pages -> VA itself is outside.
        populate(pe0);
        long xt2 = (7L << 48) | (1L << 46) | (1L << 39) | ((VA - 0x4000) >>> 12);
        host.tlbi(0, TlbiOp.RVAAE1, xt2, 1);
        assertTrue(l2Has(pe0, VA, VM5, 7));
        assertEquals(64, TlbHost.decodeRange((1L << 46) | (1L << 44), false).hi() + 1 >>> 12,
                "SCALE=1, NUM=0: (0+1) * 2^6 = 64 pages from 0");
        assertFalse(TlbHost.decodeRange(0, false).valid(), "TG=00 is reserved: no invalidation");
    }

    @Test
    void rangeIpaForm() {
        populate(pe0);
        long xt = (1L << 46) | (0L << 39) | (IPA >>> 12); // 2 pages from IPA
        host.tlbi(0, TlbiOp.RIPAS2E1, xt, 2);
        assertFalse(ipacHas(pe0, VM5));
        assertFalse(s2wcHas(pe0, VM5));
    }

    @Test
    void vaOperandSignExtendsForTtbr1Addresses() {
        // VA 0xFFFF_0000_1234_5000: Xt[43:0] = VA[55:12] = 0xFF0_0001_2345; bit 55 set -> sign-extended.
        TlbHost.Range r = TlbHost.decodeVa(0xFF0_0001_2345L);
        assertEquals(0xFFFF_0000_1234_5000L, r.lo());
        assertEquals(0xFFFF_0000_1234_5FFFL, r.hi());
    }

    @Test
    void withoutStage2TheVmidTagIsZero() {
        // HCR_EL2.VM=0: walks tag EL1&0 entries with VMID 0, and VAE1 must reach them although
        // VTTBR_EL2 still holds VMID 5.
        pe0.setRegister("HCR_EL2", 0);
        int vm0 = TlbArray.ctx(0, false, 0);
        pe0.l2.fill(VA, 12, vm0, 7, 0x1000L, VA, LEAF);
        host.tlbi(0, TlbiOp.VAE1, vaOperand(7, VA, 0), 1);
        assertEquals(-1, pe0.l2.find(VA, vm0, 7));
    }

    @Test
    void barriersDoNothing() {
        populate(pe0);
        assertEquals(0, host.tlbi(0, TlbiOp.DSB_ISH, 0, 1));
        assertTrue(l2Has(pe0, VA, VM5, 7));
    }
}
