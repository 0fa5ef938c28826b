package org.virtreplay.engine.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.mmu.MmuTestSupport.D3_DEFAULT;
import static org.virtreplay.engine.mmu.MmuTestSupport.ENV_S1_REGS;
import static org.virtreplay.engine.mmu.MmuTestSupport.VA_A;
import static org.virtreplay.engine.mmu.MmuTestSupport.envS1Memory;
import static org.virtreplay.engine.mmu.MmuTestSupport.run;
import static org.virtreplay.engine.mmu.WalkTwoStageTest.ENV_S2_REGS;
import static org.virtreplay.engine.mmu.WalkTwoStageTest.S2D3_DEFAULT;
import static org.virtreplay.engine.mmu.WalkTwoStageTest.mem;

import org.junit.jupiter.api.Test;

/** One test per rule of §1–§7 not covered by the golden cases; expected values derived in comments. */
class WalkRulesTest {
    private static final long PA_A = 0x9ABC_DABCL;

    private static void fault(TranslationResult r, FaultKind kind, int stage, int level, long esr) {
        assertFalse(r.ok, "expected a fault");
        assertEquals(kind, r.fault);
        assertEquals(stage, r.faultStage);
        assertEquals(level, r.faultLevel);
        assertEquals(esr, r.esr, () -> "ESR was 0x" + Long.toHexString(r.esr));
    }

    @Test
    void ttbr1Range() {
        // TCR = T0SZ 16 | T1SZ 16 (0x10_0000) | TG1=10 4K (0x8000_0000) | SH0/ORGN/IRGN | IPS 101, EPD1=0.
        String regs = ENV_S1_REGS + "TCR_EL1 = 0x5_8010_3510\nTTBR1_EL1 = 0x40000000\n";
        // VA[55]=1 and VA[63:48] all ones -> TTBR1; VA[47:0] = VA_A's, same tables -> PA 0x9ABC_DABC.
        TranslationResult r = run(regs, envS1Memory(D3_DEFAULT), 0xFFFF_0080_8060_4ABCL, 1, AccessType.READ);
        assertEquals(PA_A, r.pa);
        assertEquals(4, r.reads);
        // VA[55]=1 but VA[48]=0: in neither range -> Translation L0.
        fault(run(regs, envS1Memory(D3_DEFAULT), 0xFFFE_0080_8060_4ABCL, 1, AccessType.READ), FaultKind.TRANSLATION,
                1, 0, 0x9600_0004L);
        // ENV-S1 has EPD1=1: the TTBR1 range faults at level 0 without a walk.
        TranslationResult e = run(ENV_S1_REGS + "TTBR1_EL1 = 0x40000000\n", envS1Memory(D3_DEFAULT),
                0xFFFF_0080_8060_4ABCL, 1, AccessType.READ);
        fault(e, FaultKind.TRANSLATION, 1, 0, 0x9600_0004L);
        assertEquals(0, e.reads);
    }

    @Test
    void topByteIgnore() {
        long tagged = 0x5A00_0080_8060_4ABCL;
        // TBI0 (bit 37): the top byte is ignored for the range check and the walk.
        assertEquals(PA_A, run(ENV_S1_REGS + "TCR_EL1 = 0x25_0080_3510\n", envS1Memory(D3_DEFAULT), tagged, 1,
                AccessType.READ).pa);
        // Without TBI the tag bits make the VA non-canonical: Translation L0, FAR = the full VA.
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), tagged, 1, AccessType.READ);
        fault(r, FaultKind.TRANSLATION, 1, 0, 0x9600_0004L);
        assertEquals(tagged, r.far);
        // TBID0 (bit 51): TBI for data only; a tagged fetch faults (IABT same EL, IFSC 0x04): 0x8600_0004.
        String tbid = ENV_S1_REGS + "TCR_EL1 = 0x8_0025_0080_3510\n";
        fault(run(tbid, envS1Memory(D3_DEFAULT), tagged, 1, AccessType.FETCH), FaultKind.TRANSLATION, 1, 0,
                0x8600_0004L);
        assertTrue(run(tbid, envS1Memory(D3_DEFAULT), tagged, 1, AccessType.READ).ok);
    }

    @Test
    void epd0AndTxszLimits() {
        // EPD0 (bit 7): no walk, Translation L0.
        TranslationResult r = run(ENV_S1_REGS + "TCR_EL1 = 0x5_0080_3590\n", envS1Memory(D3_DEFAULT), VA_A, 1,
                AccessType.READ);
        fault(r, FaultKind.TRANSLATION, 1, 0, 0x9600_0004L);
        assertEquals(0, r.reads);
        // T0SZ 12 and 40 are outside 16..39 (no LVA/LPA2/TTST): Translation L0 (docs/fidelity.md).
        fault(run(ENV_S1_REGS + "TCR_EL1 = 0x5_0080_350C\n", envS1Memory(D3_DEFAULT), 0x1000, 1, AccessType.READ),
                FaultKind.TRANSLATION, 1, 0, 0x9600_0004L);
        fault(run(ENV_S1_REGS + "TCR_EL1 = 0x5_0080_3528\n", envS1Memory(D3_DEFAULT), 0x1000, 1, AccessType.READ),
                FaultKind.TRANSLATION, 1, 0, 0x9600_0004L);
    }

    @Test
    void addressSizeOfTtbrAndTable() {
        // IPS=000 (32 bits). TTBR0 = 0x1_0000_0000 is beyond it: Address size L0 before any read: 0x9600_0000.
        String ips32 = ENV_S1_REGS + "TCR_EL1 = 0x0080_3510\n";
        TranslationResult t = run(ips32 + "TTBR0_EL1 = 0x1_0000_0000\n", envS1Memory(D3_DEFAULT), VA_A, 1,
                AccessType.READ);
        fault(t, FaultKind.ADDRESS_SIZE, 1, 0, 0x9600_0000L);
        assertEquals(0, t.reads);
        // The L1 entry points at a table at 0x1_4000_2000: the fault is at level 1, the level of the
        // descriptor that produced the address: 0x9600_0001 after 2 reads.
        TranslationResult l = run(ips32, envS1Memory(0x1_4000_2003L, 0x4000_3003L, D3_DEFAULT), VA_A, 1,
                AccessType.READ);
        fault(l, FaultKind.ADDRESS_SIZE, 1, 1, 0x9600_0001L);
        assertEquals(2, l.reads);
    }

    @Test
    void hierarchicalXnTables() {
        // UXNTable (bit 60) at L1: the EL0-executable page (AP=01, UXN=0) becomes UXN; EL0 fetch -> IABT from
        // a lower EL to EL1 (EC 0x20), IFSC 0x0F: 0x8200_000F.
        String uxn = envS1Memory(0x1000_0000_4000_2003L, 0x4000_3003L, 0x9ABC_D743L);
        fault(run(ENV_S1_REGS, uxn, VA_A, 0, AccessType.FETCH), FaultKind.PERMISSION, 1, 3, 0x8200_000FL);
        // PXNTable (bit 59) at L2: EL1 fetch of the default kernel page -> 0x8600_000F; HPD0 (bit 41) ignores it.
        String pxn = envS1Memory(0x4000_2003L, 0x0800_0000_4000_3003L, D3_DEFAULT);
        fault(run(ENV_S1_REGS, pxn, VA_A, 1, AccessType.FETCH), FaultKind.PERMISSION, 1, 3, 0x8600_000FL);
        assertTrue(run(ENV_S1_REGS + "TCR_EL1 = 0x0000_0205_0080_3510\n", pxn, VA_A, 1, AccessType.FETCH).ok);
        // APTable[0] (bit 61) at L1: no EL0 access below: EL0 read of an AP=01 page -> 0x9200_000F; EL1 fine.
        String apt0 = envS1Memory(0x2000_0000_4000_2003L, 0x4000_3003L, 0x9ABC_D743L);
        fault(run(ENV_S1_REGS, apt0, VA_A, 0, AccessType.READ), FaultKind.PERMISSION, 1, 3, 0x9200_000FL);
        assertTrue(run(ENV_S1_REGS, apt0, VA_A, 1, AccessType.READ).ok);
    }

    @Test
    void unprivilegedAccesses() {
        // LDTR at EL1 to the kernel-only default page (AP=00) is checked as EL0: Permission, taken to EL1
        // from EL1 (EC 0x25): 0x9600_000F. The normal LDR succeeds.
        fault(run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.READ, true), FaultKind.PERMISSION, 1, 3,
                0x9600_000FL);
        // STTR to an EL0 read-only page (AP=11, 0x...7C3): 0x9600_004F.
        fault(run(ENV_S1_REGS, envS1Memory(0x9ABC_D7C3L), VA_A, 1, AccessType.WRITE, true), FaultKind.PERMISSION, 1,
                3, 0x9600_004FL);
        // STTR to an EL0 RW page under PAN=1 succeeds (PAN does not apply to unprivileged accesses).
        assertTrue(run(ENV_S1_REGS + "PSTATE.PAN = 1\n", envS1Memory(0x9ABC_D743L), VA_A, 1, AccessType.WRITE, true)
                .ok);
    }

    @Test
    void el2SingleRangeRegime() {
        // TCR_EL2 (E2H=0) = 0x8085_3510: T0SZ 16, 4K, SH0 11, PS=101 in [18:16], RES1 bits 31/23.
        String el2 = ENV_S1_REGS + "TTBR0_EL2 = 0x40000000\nTCR_EL2 = 0x8085_3510\nMAIR_EL2 = 0x44ff\n";
        // AP=01: AP[1] is ignored at EL2, AP[2]=0 -> writable; no "EL0-writable => PXN" rule: fetch allowed.
        assertTrue(run(el2, envS1Memory(0x9ABC_D743L), VA_A, 2, AccessType.WRITE).ok);
        assertTrue(run(el2, envS1Memory(0x9ABC_D743L), VA_A, 2, AccessType.FETCH).ok);
        // AP=10 read-only: write -> Permission L3 to EL2, EC 0x25: 0x9600_004F.
        TranslationResult w = run(el2, envS1Memory(0x9ABC_D783L), VA_A, 2, AccessType.WRITE);
        fault(w, FaultKind.PERMISSION, 1, 3, 0x9600_004FL);
        assertEquals(2, w.targetEl);
        // XN (bit 54): EL2 fetch -> 0x8600_000F.
        fault(run(el2, envS1Memory(0x0040_0000_9ABC_D703L), VA_A, 2, AccessType.FETCH), FaultKind.PERMISSION, 1, 3,
                0x8600_000FL);
        // One VA range only: VA[55]=1 -> Translation L0.
        fault(run(el2, envS1Memory(D3_DEFAULT), 0xFFFF_0080_8060_4ABCL, 2, AccessType.READ), FaultKind.TRANSLATION, 1,
                0, 0x9600_0004L);
    }

    @Test
    void vheEl2HasTwoRanges() {
        // HCR_EL2 = RW | E2H (0x4_8000_0000): EL2 uses EL2&0 with TCR_EL2 in the TCR_EL1 layout
        // (0x5_8010_3510: T0SZ=T1SZ=16, TG1=4K, EPD1=0). TTBR1_EL2 = the ENV-S1 tables: the upper-range VA
        // 0xFFFF_0080_8060_4ABC walks them -> PA 0x9ABC_DABC, regime EL2&0.
        String vhe = ENV_S1_REGS + "HCR_EL2 = 0x4_8000_0000\nTCR_EL2 = 0x5_8010_3510\nTTBR1_EL2 = 0x40000000\n"
                + "MAIR_EL2 = 0xff\n";
        TranslationResult r = run(vhe, envS1Memory(D3_DEFAULT), 0xFFFF_0080_8060_4ABCL, 2, AccessType.READ);
        assertEquals(PA_A, r.pa);
        assertEquals(Regime.EL20, r.regime);
        // Without E2H the same TCR_EL2 is single-range: an upper-range VA is outside it -> Translation L0.
        String nvhe = ENV_S1_REGS + "HCR_EL2 = 0x8000_0000\nTCR_EL2 = 0x5_8010_3510\nTTBR1_EL2 = 0x40000000\n";
        fault(run(nvhe, envS1Memory(D3_DEFAULT), 0xFFFF_0080_8060_4ABCL, 2, AccessType.READ), FaultKind.TRANSLATION,
                1, 0, 0x9600_0004L);
    }

    @Test
    void e0pdAndEpan() {
        // TCR_EL1.E0PD0 (bit 55): EL0 accesses to the TTBR0 range take a level-0 Translation fault (to EL1,
        // EC 0x24): 0x9200_0004, no reads; EL1 accesses walk as usual.
        String e0pd = ENV_S1_REGS + "TCR_EL1 = 0x0080_0005_0080_3510\n";
        TranslationResult r = run(e0pd, envS1Memory(0x9ABC_D743L), VA_A, 0, AccessType.READ);
        fault(r, FaultKind.TRANSLATION, 1, 0, 0x9200_0004L);
        assertEquals(0, r.reads);
        assertTrue(run(e0pd, envS1Memory(0x9ABC_D743L), VA_A, 1, AccessType.READ).ok);
        // FEAT_PAN3: SCTLR_EL1.EPAN (bit 57) with PAN=1 also blocks EL1 data access to an EL0-executable page
        // that EL0 cannot read (AP=00, UXN=0: the default D3): 0x9600_000F; without EPAN it is allowed.
        String epan = ENV_S1_REGS + "SCTLR_EL1 = 0x0200_0000_0000_1005\nPSTATE.PAN = 1\n";
        fault(run(epan, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.READ), FaultKind.PERMISSION, 1, 3,
                0x9600_000FL);
        assertTrue(run(ENV_S1_REGS + "PSTATE.PAN = 1\n", envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.READ).ok);
        // With UXN=1 (bit 54) the page is not EL0-executable: allowed under EPAN.
        assertTrue(run(epan, envS1Memory(0x0040_0000_9ABC_D703L), VA_A, 1, AccessType.READ).ok);
    }

    @Test
    void tgeWithoutE2hTurnsEl0Stage1Off() {
        // HCR_EL2 = RW | TGE (0x8800_0000), E2H=0: EL0 uses EL1&0 with stage 1 disabled: VA = PA, data Device-nGnRnE
        // (0x00, OSH), no reads.
        TranslationResult r = run(ENV_S1_REGS + "HCR_EL2 = 0x8800_0000\n", envS1Memory(D3_DEFAULT), 0x1234_5678L, 0,
                AccessType.READ);
        assertTrue(r.ok);
        assertEquals(0x1234_5678L, r.pa);
        assertEquals(0x00, r.attr);
        assertEquals(Attributes.OSH, r.sh);
        assertEquals(0, r.reads);
        assertFalse(r.stage1Enabled);
    }

    @Test
    void stage2AccessFlagAndHardwareUpdate() {
        // S2D3 with AF=0 (0x2_5555_53FF), VTCR.HA=0: stage-2 Access flag L3 -> 0x9200_000B, HPFAR 0x9ABC_D0.
        TranslationResult r = run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x2_5555_53FFL), VA_A, 1, AccessType.READ);
        fault(r, FaultKind.ACCESS_FLAG, 2, 3, 0x9200_000BL);
        assertEquals(0x9ABC_D0L, r.hpfar);
        // VTCR.HA (bit 21): AF set by hardware at PA 0x8000_4E68 -> 0x2_5555_57FF, one update.
        TranslateRequest req = MmuTestSupport.request(ENV_S2_REGS + "VTCR_EL2 = 0x8022_3558\n",
                mem(0x9ABC_D703L, 0x2_5555_53FFL), VA_A, 1, AccessType.READ, false);
        TranslationResult ok = TranslateTool.run(req);
        assertTrue(ok.ok);
        assertEquals(1, ok.updates);
        assertEquals(0x2_5555_57FFL, req.memory().read(0x8000_4E68L));
    }

    @Test
    void stage2DirtyBitModifier() {
        // S2D3 read-only (S2AP=01) with DBM (bit 51): 0x0008_0002_5555_577F. VTCR HA|HD (0x8062_3558), write:
        // S2AP[1] set -> 0x0008_0002_5555_57FF.
        TranslateRequest req = MmuTestSupport.request(ENV_S2_REGS + "VTCR_EL2 = 0x8062_3558\n",
                mem(0x9ABC_D703L, 0x0008_0002_5555_577FL), VA_A, 1, AccessType.WRITE, false);
        assertTrue(TranslateTool.run(req).ok);
        assertEquals(0x0008_0002_5555_57FFL, req.memory().read(0x8000_4E68L));
        // HD=0: stays read-only -> stage-2 Permission L3, WnR: 0x9200_004F.
        fault(run(ENV_S2_REGS + "VTCR_EL2 = 0x8022_3558\n", mem(0x9ABC_D703L, 0x0008_0002_5555_577FL), VA_A, 1,
                AccessType.WRITE), FaultKind.PERMISSION, 2, 3, 0x9200_004FL);
    }

    @Test
    void stage2AddressSizeFaults() {
        // VTCR.PS = 40 bits; S2D3's OA 0x100_5555_5000 has bit 40 set: stage-2 Address size L3: 0x9200_0003.
        fault(run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x100_5555_57FFL), VA_A, 1, AccessType.READ),
                FaultKind.ADDRESS_SIZE, 2, 3, 0x9200_0003L);
        // VTTBR BADDR 0x100_0000_0000 beyond 40 bits: stage-2 Address size L0 on the first walk access,
        // S1PTW: 0x9200_0080; HPFAR = descriptor IPA 0x4000_0008 -> 0x40_0000.
        TranslationResult r = run(ENV_S2_REGS + "VTTBR_EL2 = 0x0005_0100_0000_0000\n", WalkTwoStageTest.MEM, VA_A, 1,
                AccessType.READ);
        fault(r, FaultKind.ADDRESS_SIZE, 2, 0, 0x9200_0080L);
        assertTrue(r.s1ptw);
        assertEquals(0x40_0000L, r.hpfar);
    }

    @Test
    void contiguousSpansInAllGranules() {
        // 4K level-2 block with the contiguous bit: 16 x 2 MB = 32 MB; OA 0xC000_0000 (32 MB aligned);
        // PA = 0xC000_0000 | VA[20:0] = 0xC000_4ABC.
        TranslationResult b = run(ENV_S1_REGS, envS1Memory(0x4000_2003L, 0x0010_0000_C000_0701L, D3_DEFAULT), VA_A,
                1, AccessType.READ);
        assertEquals(0xC000_4ABCL, b.pa);
        assertEquals(32L << 20, b.size);
        // 4K page: 16 x 4 KB = 64 KB.
        TranslationResult p = run(ENV_S1_REGS, envS1Memory(0x0010_0000_9ABC_0703L), VA_A, 1, AccessType.READ);
        assertEquals(0x9ABC_0ABCL, p.pa);
        assertEquals(64L << 10, p.size);
        Mmu mmu;
        TranslationResult r = new TranslationResult();
        // 16K page: 128 x 16 KB = 2 MB. 16K, 47-bit (TCR 0x5_0080_8011); VA 0x7FFF_1220_0000 is 2 MB aligned.
        PhysicalMemory m16 = new PhysicalMemory();
        TableBuilder b16 = TableBuilder.stage1(m16, Granule.K16, 47, 0x100_0000L, 0x110_0000L, 1 << 20,
                new Mair(0xFF), null);
        b16.map(0x7FFF_1220_0000L, 0x5000_0000L, 16384, "rw", MemType.NORMAL_WB, false);
        long leaf16 = b16.leafDescriptorPa(0x7FFF_1220_0000L);
        m16.write(leaf16, m16.read(leaf16) | StageWalker.CONTIG);
        mmu = new Mmu(m16);
        assertTrue(mmu.translate(regs(0x5_0080_8011L, 0x100_0000L), 0x7FFF_1220_1234L, 1, AccessType.READ, false, r));
        assertEquals(0x5000_1234L, r.pa);
        assertEquals(2L << 20, r.size);
        // 64K page: 32 x 64 KB = 2 MB. 64K, 42-bit (TCR 0x5_0080_4016).
        PhysicalMemory m64 = new PhysicalMemory();
        TableBuilder b64 = TableBuilder.stage1(m64, Granule.K64, 42, 0x200_0000L, 0x210_0000L, 1 << 20,
                new Mair(0xFF), null);
        b64.map(0x3AA_0020_0000L, 0x6000_0000L, 65536, "rw", MemType.NORMAL_WB, false);
        long leaf64 = b64.leafDescriptorPa(0x3AA_0020_0000L);
        m64.write(leaf64, m64.read(leaf64) | StageWalker.CONTIG);
        mmu = new Mmu(m64);
        assertTrue(mmu.translate(regs(0x5_0080_4016L, 0x200_0000L), 0x3AA_0020_5678L, 1, AccessType.READ, false, r));
        assertEquals(0x6000_5678L, r.pa);
        assertEquals(2L << 20, r.size);
    }

    @Test
    void blocksWhereNotAllowed() {
        // 16K, 47-bit: L1 (start level) entry 0x7FF for VA 0x7FFF_1234_5678 at 0x10_0000 + 0x7FF*8 = 0x10_3FF8
        // holds a block: 16K has no L1 blocks without DS -> Translation L1: 0x9600_0005, 1 read.
        String regs16 = "TCR_EL1 = 0x5_0080_8011\nMAIR_EL1 = 0xff\nTTBR0_EL1 = 0x100000\nSCTLR_EL1 = 0x1005\n";
        TranslationResult r = run(regs16, "0x103ff8 0x1000000701\n", 0x7FFF_1234_5678L, 1, AccessType.READ);
        fault(r, FaultKind.TRANSLATION, 1, 1, 0x9600_0005L);
        assertEquals(1, r.reads);
        // 64K, 48-bit (T0SZ 16, TG0=01: 0x5_0080_4010) starts at L1 (VA[47:42]); VA_A's L1 index is 0, a block
        // there needs 52-bit PA -> Translation L1.
        String regs64 = "TCR_EL1 = 0x5_0080_4010\nMAIR_EL1 = 0xff\nTTBR0_EL1 = 0x200000\nSCTLR_EL1 = 0x1005\n";
        fault(run(regs64, "0x200000 0x40000000701\n", VA_A, 1, AccessType.READ), FaultKind.TRANSLATION, 1, 1,
                0x9600_0005L);
        // 4K: a block at level 0 -> Translation L0 after 1 read: 0x9600_0004.
        fault(run(ENV_S1_REGS, "0x40000008 0x8000000701\n", VA_A, 1, AccessType.READ), FaultKind.TRANSLATION, 1, 0,
                0x9600_0004L);
    }

    @Test
    void permissionMaskForTlbEntries() {
        // Default page (AP=00, UXN=PXN=0): EL1 r,w,x; EL0 no data access, but UXN=0 lets EL0 execute
        // (execute-only memory, §4.2: EL0 fetch needs only UXN=0) -> 1|2|4 | 32 = 39.
        assertEquals(39, run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.READ).permMask);
        // AP=01: EL1 r,w but not x (EL0-writable => PXN); EL0 r,w,x; EL0-accessible so PAN blocks EL1 data:
        // 1|2 | 8|16|32 | 64 = 123.
        assertEquals(123, run(ENV_S1_REGS, envS1Memory(0x9ABC_D743L), VA_A, 1, AccessType.READ).permMask);
        // Two stages, stage-2 XN=11 (EL0 execution not permitted): 123 & ~32 = 91.
        assertEquals(91, run(ENV_S2_REGS, mem(0x9ABC_D743L, 0x0060_0002_5555_57FFL), VA_A, 1, AccessType.READ)
                .permMask);
        // Stage-2 read-only (S2AP=01): writes removed for both ELs: 39 & ~2 = 37.
        assertEquals(37, run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x2_5555_577FL), VA_A, 1, AccessType.READ).permMask);
    }

    private static MmuRegisters regs(long tcr, long ttbr0) {
        MmuRegisters r = new MmuRegisters();
        r.set("TCR_EL1", tcr);
        r.set("MAIR_EL1", 0xFF);
        r.set("SCTLR_EL1", 0x1005);
        r.set("TTBR0_EL1", ttbr0);
        return r;
    }
}
