package org.virtreplay.engine.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;

/** Build tables with {@link TableBuilder}, walk them with {@link Mmu}, and check the hand-derived result. */
class TableBuilderTest {
    static final long MAIR = 0x0000_0000_0004_44FFL; // Attr0 0xFF, Attr1 0x44, Attr2 0x04

    @Test
    void fourPlusFourNestedMissReads24() {
        // Stage 2: 4K, 48-bit IPA, start L0 (4 levels): VTCR = T0SZ 16 | SL0 10 (<<6) | PS 101 (<<16) | RES1 bit 31
        // = 0x8005_0090. Stage 1: 4K, 48-bit VA, 4 levels. Tables of stage 1 live at IPAs 0x1000_0000.. that
        // stage 2 maps 4 KB by 4 KB to PA 0x2000_0000..; stage-2 tables come from PA 0x3000_0000..
        PhysicalMemory mem = new PhysicalMemory();
        assertEquals(0, TableBuilder.stage2StartLevel(Granule.K4, 48));
        TableBuilder s2 = TableBuilder.stage2(mem, Granule.K4, 48, 0, 0x3000_0000L, 0x3000_1000L, 1 << 20, false);
        s2.map(0x1000_0000L, 0x2000_0000L, 64 * 4096, "rw", MemType.NORMAL_WB, false); // the stage-1 table pool
        s2.map(0x5000_0000L, 0x7000_0000L, 4096, "rwx", MemType.NORMAL_WB, false); // the data page
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, 0x1000_0000L, 0x1000_1000L, 60 * 4096,
                new Mair(MAIR), s2::resolve);
        s1.map(0x0000_7F00_0000_0000L, 0x5000_0000L, 4096, "rwu", MemType.NORMAL_WB, true);

        MmuRegisters r = new MmuRegisters();
        r.set("TCR_EL1", 0x0000_0005_0080_3510L);
        r.set("MAIR_EL1", MAIR);
        r.set("SCTLR_EL1", 1);
        r.set("TTBR0_EL1", 0x0007_0000_1000_0000L);
        r.set("HCR_EL2", 1);
        r.set("VTCR_EL2", 0x8005_0090L);
        r.set("VTTBR_EL2", 0x3000_0000L);
        TranslationResult res = new TranslationResult();
        res.trace = new WalkTrace();
        assertTrue(new Mmu(mem).translate(r, 0x0000_7F00_0000_0123L, 0, AccessType.WRITE, false, res));
        assertEquals(0x7000_0123L, res.pa);
        // (4+1)(4+1)-1 = 24: 4 stage-1 reads, 4 stage-2 reads for each of them, 4 for the final IPA.
        assertEquals(24, res.reads);
        for (int lvl = 0; lvl < 4; lvl++) {
            assertEquals(1, res.reads(1, lvl));
            assertEquals(5, res.reads(2, lvl));
        }
        // Order: s2 L0..L3, s1 L0, ..., s2 L0..L3 (final).
        for (int i = 0; i < 24; i++) {
            int expectStage = i < 20 ? (i % 5 == 4 ? 1 : 2) : 2;
            assertEquals(expectStage, res.trace.stage(i), "read " + i);
        }
        assertTrue(res.notGlobal);
        assertEquals(7, res.asid);
        assertTrue(res.permRead && res.permWrite);
        assertFalse(res.permExec); // no 'x'
    }

    @Test
    void blocksChosenByAlignment() {
        // A 2 MB-aligned 2 MB + 4 KB map at 4K: one level-2 block then one level-3 page.
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x20_0000L, 1 << 20, new Mair(MAIR), null);
        s1.map(0x4000_0000L, 0x8000_0000L, (2 << 20) + 4096, "rw", MemType.NORMAL_WB, false);
        MmuRegisters r = stage1Regs(0x0000_0005_0080_3510L, 0x10_0000L);
        TranslationResult res = new TranslationResult();
        Mmu mmu = new Mmu(mem);
        assertTrue(mmu.translate(r, 0x4001_2345L, 1, AccessType.READ, false, res));
        assertEquals(0x8001_2345L, res.pa);
        assertEquals(2L << 20, res.size);
        assertEquals(3, res.reads);
        assertTrue(mmu.translate(r, 0x4020_0FFFL, 1, AccessType.READ, false, res));
        assertEquals(0x8020_0FFFL, res.pa);
        assertEquals(4096, res.size);
        // Unmap the page: translation fault at level 3.
        s1.unmap(0x4020_0000L, 4096);
        assertFalse(mmu.translate(r, 0x4020_0FFFL, 1, AccessType.READ, false, res));
        assertEquals(FaultKind.TRANSLATION, res.fault);
        assertEquals(3, res.faultLevel);
        // Unmapping half of the block is refused.
        assertThrows(BadInputException.class, () -> s1.unmap(0x4000_0000L, 4096));
    }

    @Test
    void sixteenAndSixtyFourKGranules() {
        // 16K, 47-bit (T0SZ 17, TG0 10): TCR 0x5_0080_8011; VA 0x7FFF_1234_5678 -> 16 KB page.
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder b16 = TableBuilder.stage1(mem, Granule.K16, 47, 0x100_0000L, 0x110_0000L, 1 << 20, new Mair(MAIR),
                null);
        b16.map(0x7FFF_1234_4000L, 0x5000_0000L, 16384, "rx", MemType.NORMAL_WB, false);
        TranslationResult res = new TranslationResult();
        Mmu mmu = new Mmu(mem);
        assertTrue(mmu.translate(stage1Regs(0x0000_0005_0080_8011L, 0x100_0000L), 0x7FFF_1234_5678L, 1,
                AccessType.FETCH, false, res));
        assertEquals(0x5000_1678L, res.pa); // offset VA[13:0] = 0x1678
        assertEquals(16384, res.size);
        assertEquals(3, res.reads); // start level 1 for 47 bits
        // 64K, 42-bit (T0SZ 22, TG0 01): TCR 0x5_0080_4016; a 512 MB block at level 2.
        TableBuilder b64 = TableBuilder.stage1(mem, Granule.K64, 42, 0x200_0000L, 0x210_0000L, 1 << 20, new Mair(MAIR),
                null);
        b64.map(0x3AA_0000_0000L, 0x4000_0000L, 512L << 20, "rw", MemType.DEVICE_NGNRE, false);
        assertTrue(mmu.translate(stage1Regs(0x0000_0005_0080_4016L, 0x200_0000L), 0x3AA_1234_5678L, 1,
                AccessType.READ, false, res));
        assertEquals(0x5234_5678L, res.pa); // 0x4000_0000 | VA[28:0] (0x1234_5678)
        assertEquals(512L << 20, res.size);
        assertEquals(0x04, res.attr);
        assertEquals(Attributes.OSH, res.sh);
        assertEquals(1, res.reads);
    }

    @Test
    void stage2With16kAnd16ConcatenatedRoots() {
        // KVM's 40-bit IPA at 16K: start level 2 with 2^(40-36) = 16 concatenated tables (256 KB root).
        assertEquals(2, TableBuilder.stage2StartLevel(Granule.K16, 40));
        assertEquals(1, TableBuilder.sl0For(Granule.K16, 2));
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s2 = TableBuilder.stage2(mem, Granule.K16, 40, 2, 0x4000_0000L, 0x4100_0000L, 1 << 20, false);
        s2.map(0xFF_FE00_0000L, 0x1_0000_0000L, 32L << 20, "rw", MemType.NORMAL_WB, false); // a 32 MB block
        MmuRegisters r = new MmuRegisters();
        // VTCR: T0SZ 24, SL0 01, TG0 10 (16K), PS 010 (40-bit), RES1: 0x8002_8058.
        r.set("VTCR_EL2", 0x8002_8058L);
        r.set("VTTBR_EL2", 0x4000_0000L);
        r.set("HCR_EL2", 1);
        TranslationResult res = new TranslationResult();
        assertTrue(new Mmu(mem).translate(r, 0xFF_FE12_3456L, 1, AccessType.WRITE, false, res));
        assertEquals(0x1_0012_3456L, res.pa);
        assertEquals(1, res.reads);
        assertEquals(32L << 20, res.size);
        // The root entry index is IPA[39:25] = 0x7FFF: the last entry of the 16th table.
        TranslationResult t = new TranslationResult();
        t.trace = new WalkTrace();
        new Mmu(mem).translate(r, 0xFF_FE12_3456L, 1, AccessType.READ, false, t);
        assertEquals(0x4000_0000L + 0x7FFF * 8L, t.trace.pa(0));
    }

    @Test
    void sixteenKStage1OverSixtyFourKStage2WithConcatenatedRoots() {
        // Stage 2: 64K, 44-bit IPA: KVM-style start level = 4 - ceil((44-4-16)/13) = 2; the root resolves
        // IPA[43:29] (15 bits) = 4 concatenated 64 KB tables, 256 KB-aligned at PA 0x1000_0000.
        // VTCR = T0SZ 20 (0x14) | SL0 01 (0x40) | TG0 01 (0x4000) | PS 100 (0x4_0000) | RES1 = 0x8004_4054.
        assertEquals(2, TableBuilder.stage2StartLevel(Granule.K64, 44));
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s2 = TableBuilder.stage2(mem, Granule.K64, 44, 2, 0x1000_0000L, 0x1100_0000L, 16 << 20, false);
        s2.map(0x4000_0000L, 0x2000_0000L, 1 << 20, "rw", MemType.NORMAL_WB, false); // stage-1 table pool
        s2.map(0x800_0000_0000L, 0x3000_0000L, 65536, "rw", MemType.NORMAL_WB, false); // data, IPA 2^43
        // Stage 1: 16K, 47-bit VA (3 levels, L1..L3), tables at IPA 0x4000_0000.. via stage 2.
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K16, 47, 0x4000_0000L, 0x4000_4000L, (1 << 20) - 16384,
                new Mair(MAIR), s2::resolve);
        s1.map(0x7FFF_1234_4000L, 0x800_0000_0000L, 16384, "rw", MemType.NORMAL_WB, false);
        MmuRegisters r = new MmuRegisters();
        r.set("TCR_EL1", 0x0000_0005_0080_8011L);
        r.set("MAIR_EL1", MAIR);
        r.set("SCTLR_EL1", 0x1005);
        r.set("TTBR0_EL1", 0x4000_0000L);
        r.set("HCR_EL2", 1);
        r.set("VTCR_EL2", 0x8004_4054L);
        r.set("VTTBR_EL2", 0x1000_0000L);
        TranslationResult res = new TranslationResult();
        res.trace = new WalkTrace();
        assertTrue(new Mmu(mem).translate(r, 0x7FFF_1234_5678L, 1, AccessType.READ, false, res));
        // VA offset within the 16 KB page 0x1678 -> IPA 0x800_0000_1678 -> PA 0x3000_1678 (64 KB stage-2 page).
        assertEquals(0x800_0000_1678L, res.ipa);
        assertEquals(0x3000_1678L, res.pa);
        // (3+1)(2+1)-1 = 11 reads; the final IPA's root index IPA[43:29] = 0x4000 lies in the third
        // concatenated table: PA 0x1000_0000 + 0x4000*8 = 0x1002_0000, read index 9 (after 3 x [2 stage-2 + 1 stage-1]).
        assertEquals(11, res.reads);
        assertEquals(0x1002_0000L, res.trace.pa(9));
        assertEquals(2, res.trace.stage(9));
        assertEquals(2, res.trace.level(9));
        // Entry size min(16 KB, 64 KB) = 16 KB.
        assertEquals(16384, res.size);
    }

    @Test
    void exactDescriptorBits() {
        // Stage 1, 4K page "rwu" normal_wb nG=1, MAIR 0x44FF (Attr0 = 0xFF -> AttrIndx 0):
        // page 0b11 | AP[1]=1 (0x40) | AP[2]=0 | SH=11 (0x300) | AF (0x400) | nG (0x800) = 0xF43; no 'x' -> PXN (53)
        // and UXN (54) = 0x0060_0000_0000_0000; OA 0x5000_0000 -> 0x0060_0000_5000_0F43.
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x20_0000L, 1 << 20,
                new Mair(0x44FF), null);
        s1.map(0x7000_0000L, 0x5000_0000L, 4096, "rwu", MemType.NORMAL_WB, true);
        assertEquals(0x0060_0000_5000_0F43L, mem.read(s1.leafDescriptorPa(0x7000_0000L)));
        // "rx" normal_nc (Attr1 -> AttrIndx 1 = 0x4), global: AP[2]=1 (0x80), the builder writes SH=ISH for all
        // Normal types (0x300; the walker forces NC to OSH), AF 0x400, kernel-executable -> UXN only (bit 54):
        // 0x0040_0000_5000_1787.
        s1.map(0x7000_1000L, 0x5000_1000L, 4096, "rx", MemType.NORMAL_NC, false);
        assertEquals(0x0040_0000_5000_1787L, mem.read(s1.leafDescriptorPa(0x7000_1000L)));
        // "rxu" (EL0 code): AP[1]=1, AP[2]=1 (0xC0), PXN only (bit 53): 0x0020_0000_5000_27C3.
        s1.map(0x7000_2000L, 0x5000_2000L, 4096, "rxu", MemType.NORMAL_WB, false);
        assertEquals(0x0020_0000_5000_27C3L, mem.read(s1.leafDescriptorPa(0x7000_2000L)));
        // Stage 2, "rw" device_ngnre, FWB=0: MemAttr 0001 (0x4) | S2AP 11 (0xC0) | SH=OSH (0x200) | AF (0x400) |
        // page 0b11 = 0x6C7; no 'x' -> XN[1:0]=10 (bit 54): 0x0040_0000_9000_06C7.
        TableBuilder s2 = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0x8000_0000L, 0x8100_0000L, 1 << 20, false);
        s2.map(0x9000_0000L, 0x9000_0000L, 4096, "rw", MemType.DEVICE_NGNRE, false);
        assertEquals(0x0040_0000_9000_06C7L, mem.read(s2.leafDescriptorPa(0x9000_0000L)));
        // Stage 2 FWB=1 normal_wb "rwx" as a 2 MB block: MemAttr 0110 (0x18) | 0xC0 | ISH 0x300 | AF 0x400 | block
        // 0b01 = 0x7D9: 0x0000_0001_0000_07D9.
        TableBuilder f = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0x8200_0000L, 0x8300_0000L, 1 << 20, true);
        f.map(0x4000_0000L, 0x1_0000_0000L, 2 << 20, "rwx", MemType.NORMAL_WB, false);
        assertEquals(0x0000_0001_0000_07D9L, mem.read(f.leafDescriptorPa(0x4000_0000L)));
    }

    @Test
    void refusals() {
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x20_0000L, 4096, new Mair(0xFF), null);
        assertThrows(BadInputException.class, () -> s1.map(0x1000, 0x2000, 4096, "rw", MemType.DEVICE_NGNRE, false));
        assertThrows(BadInputException.class, () -> s1.map(0x1001, 0x2000, 4096, "rw", MemType.NORMAL_WB, false));
        assertThrows(BadInputException.class, () -> s1.map(0x1000, 0x2000, 4096, "rq", MemType.NORMAL_WB, false));
        // Pool of one page: the L1 table fits, the L2 table does not.
        assertThrows(BadInputException.class, () -> s1.map(0x1000, 0x2000, 4096, "rw", MemType.NORMAL_WB, false));
    }

    @Test
    void rangesEndAtTheTopOfTheInputRangeAndNeverWrap() {
        // 48-bit input: the last page [2^48 - 4K, 2^48) maps and unmaps; a page at 2^64 - 4K, or a
        // two-page range from there whose end wraps to 4K (past 2^64), is outside the range.
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x20_0000L, 16 * 4096, new Mair(0xFF),
                null);
        s1.map(0xFFFF_FFFF_F000L, 0x3000, 4096, "rw", MemType.NORMAL_WB, false);
        assertEquals(0x3FF8L, s1.resolve(0xFFFF_FFFF_FFF8L));
        s1.unmap(0xFFFF_FFFF_F000L, 4096);
        assertEquals(-1, s1.resolve(0xFFFF_FFFF_FFF8L));
        assertThrows(BadInputException.class,
                () -> s1.map(0xFFFF_FFFF_FFFF_F000L, 0x3000, 4096, "rw", MemType.NORMAL_WB, false));
        assertThrows(BadInputException.class,
                () -> s1.map(0xFFFF_FFFF_FFFF_F000L, 0x3000, 0x2000, "rw", MemType.NORMAL_WB, false));
        assertThrows(BadInputException.class, () -> s1.unmap(0xFFFF_FFFF_FFFF_F000L, 0x2000));
    }

    private static MmuRegisters stage1Regs(long tcr, long ttbr0) {
        MmuRegisters r = new MmuRegisters();
        r.set("TCR_EL1", tcr);
        r.set("MAIR_EL1", MAIR);
        r.set("SCTLR_EL1", 1);
        r.set("TTBR0_EL1", ttbr0);
        return r;
    }
}
