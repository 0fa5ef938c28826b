package org.virtreplay.cli.golden;

import static org.virtreplay.cli.golden.Envs.D3_DEFAULT;
import static org.virtreplay.cli.golden.Envs.HCR_RW;
import static org.virtreplay.cli.golden.Envs.HCR_VM;
import static org.virtreplay.cli.golden.Envs.L0_DESC;
import static org.virtreplay.cli.golden.Envs.L0_E1;
import static org.virtreplay.cli.golden.Envs.L1_DESC;
import static org.virtreplay.cli.golden.Envs.L1_E2;
import static org.virtreplay.cli.golden.Envs.L2_DESC;
import static org.virtreplay.cli.golden.Envs.L2_E3;
import static org.virtreplay.cli.golden.Envs.L3_E4;
import static org.virtreplay.cli.golden.Envs.S1_TABLE_PA;
import static org.virtreplay.cli.golden.Envs.VA_A;
import static org.virtreplay.cli.golden.Envs.VTTBR_ENV;
import static org.virtreplay.cli.golden.Envs.envS1;
import static org.virtreplay.cli.golden.Envs.guestRegs;
import static org.virtreplay.cli.golden.Envs.guestTables;
import static org.virtreplay.cli.golden.Translate.s1;
import static org.virtreplay.cli.golden.Translate.s2;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks in the 16 KB and 64 KB granules (stage 1 alone and two-stage, with tables built here by hand),
 * the 4+4-level nested walk (24 reads), other 4 KB start levels and the TTBR1 range. Indices per
 * arm-reference §2.1: at level L the index is input bits [g + s*(4-L) - 1 : g + s*(3-L)], g = granule
 * bits, s = g - 3; start level §2.2/§2.3; block sizes §2.4.
 */
class GoldenGranuleTest {

    @TempDir
    Path dir;

    // ================================================================ 4 KB: other start level, TTBR1

    /**
     * 4 KB, T0SZ=25 (39-bit VA; TCR 0x5_0080_3519): start level 4 - (39-4)/9 = 1 (§2.2). TTBR0_EL1 =
     * 0x4000_1000 (the ENV-S1 L1 table). VA 0x8060_4ABC: L1 idx VA[38:30]=2, L2=3, L3=4 -> reads at
     * 0x4000_1010, 0x4000_2018, 0x4000_3020; PA 0x9ABC_DABC. VA 0x80_0000_0000 (bit 39 set) is outside
     * the range -> Translation fault level 0, 0 reads.
     */
    @Test
    void fourKbThreeLevelStartAtLevel1() {
        Translate t = envS1().reg("TCR_EL1", 0x5_0080_3519L).reg("TTBR0_EL1", 0x4000_1000L);
        t.read(dir, 0x8060_4ABCL, 1).ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 3)
                .walk(s1(1, L1_E2, L1_DESC), s1(2, L2_E3, L2_DESC), s1(3, L3_E4, D3_DEFAULT));
        t.read(dir, 0x80_0000_0000L, 1).fault(1, "translation", 0, false, 1, 0x9600_0004L, 0x80_0000_0000L, null, 0);
    }

    /**
     * Upper VA range. ENV-S1 has EPD1=1: VA 0xFFFF_0080_8060_4ABC (VA[55]=1 -> TTBR1) faults with a
     * Translation fault level 0 without a walk. With TTBR1 enabled — TCR_EL1 = 0x5_B510_3510: EPD1=0,
     * T1SZ=16 (0x10_0000), IRGN1=01 (0x100_0000), ORGN1=01 (0x400_0000), SH1=11 (0x3000_0000),
     * TG1=10 = 4 KB in the TG1 encoding (0x8000_0000) — and TTBR1_EL1 = 0x4000_0000 (the same tables),
     * VA[63:48] are all ones as required, the indices equal VA_A's, so PA 0x9ABC_DABC in 4 reads.
     */
    @Test
    void ttbr1Range() {
        long va = 0xFFFF_0080_8060_4ABCL;
        envS1().read(dir, va, 1).fault(1, "translation", 0, false, 1, 0x9600_0004L, va, null, 0);
        envS1().reg("TCR_EL1", 0x5_B510_3510L).reg("TTBR1_EL1", 0x4000_0000L).read(dir, va, 1)
                .ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4)
                .walk(s1(0, L0_E1, L0_DESC), s1(1, L1_E2, L1_DESC), s1(2, L2_E3, L2_DESC), s1(3, L3_E4, D3_DEFAULT));
    }

    // ================================================================ 16 KB, stage 1 only

    /**
     * 16 KB (g=14, s=11), T0SZ=16: TCR_EL1 = 0x5_0080_B510 (TG0=10 at bits [15:14] = 0x8000).
     * Start level 4 - (48-4)/11 = 0 with a 2-entry level-0 table indexed by VA[47].
     * VA 0x8123_4567_8ABC: L0 = VA[47] = 1; L1 = VA[46:36] = 0x812 & 0x7FF = 0x012;
     * L2 = VA[35:25] = 0x1A2; L3 = VA[24:14] = 0x59E; offset VA[13:0] = 0x0ABC
     * (check: 1<<47 | 0x12<<36 | 0x1A2<<25 | 0x59E<<14 | 0xABC = 0x8123_4567_8ABC).
     * Tables: L0 @0x4000_0000 entry 1 (0x4000_0008) -> 0x4000_4003; L1 @0x4000_4000 entry 0x12
     * (+0x90) -> 0x4000_8003; L2 @0x4000_8000 entry 0x1A2 (+0xD10) -> 0x4000_C003; L3 @0x4000_C000
     * entry 0x59E (+0x2CF0) -> page 0x9ABC_C703 (OA 0x9ABC_C000, 16 KB aligned). PA 0x9ABC_CABC.
     */
    private static final long VA16_48 = 0x0000_8123_4567_8ABCL;

    private Translate sixteenKb48() {
        return guestRegs().reg("TCR_EL1", 0x5_0080_B510L)
                .mem(0x4000_0008L, 0x4000_4003L)
                .mem(0x4000_4090L, 0x4000_8003L)
                .mem(0x4000_8D10L, 0x4000_C003L)
                .mem(0x4000_ECF0L, 0x9ABC_C703L);
    }

    @Test
    void sixteenKbFourLevelWalkWithTwoEntryLevel0() {
        sixteenKb48().read(dir, VA16_48, 1)
                .ok(0x9ABC_CABCL, 0xFF, "ISH", 16384, 4)
                .walk(s1(0, 0x4000_0008L, 0x4000_4003L), s1(1, 0x4000_4090L, 0x4000_8003L),
                        s1(2, 0x4000_8D10L, 0x4000_C003L), s1(3, 0x4000_ECF0L, 0x9ABC_C703L));
    }

    /**
     * 16 KB level-2 block = 2^(11*2+3) = 32 MB: L2 entry = 0x1_2200_0701 (OA 0x1_2200_0000, 32 MB
     * aligned). PA = OA | VA[24:0] (0x167_8ABC) = 0x1_2367_8ABC; 3 reads; size 33554432.
     */
    @Test
    void sixteenKbLevel2Block() {
        sixteenKb48().mem(0x4000_8D10L, 0x1_2200_0701L).read(dir, VA16_48, 1)
                .ok(0x1_2367_8ABCL, 0xFF, "ISH", 32L << 20, 3);
    }

    /** 16 KB has no level-1 block without DS=1 (§2.4): bits[1:0]=01 at L1 -> Translation fault level 1, 0x9600_0005. */
    @Test
    void sixteenKbLevel1BlockIsTranslationFault() {
        sixteenKb48().mem(0x4000_4090L, 0x10_0000_0701L).read(dir, VA16_48, 1)
                .fault(1, "translation", 1, false, 1, 0x9600_0005L, VA16_48, null, 2);
    }

    // ================================================================ 64 KB, stage 1 only

    /**
     * 64 KB (g=16, s=13), T0SZ=22 (42-bit): TCR_EL1 = 0x5_0080_7516 (TG0=01 = 0x4000). Start level
     * 4 - (42-4)/13 = 2. VA 0x3AB_CDEF_1234: L2 = VA[41:29] = 0x1D5E, L3 = VA[28:16] = 0x0DEF, offset
     * 0x1234 (Appendix A). L2 table @0x4000_0000 (8192 entries): entry at +0x1D5E*8 = 0x4000_EAF0 ->
     * 0x4001_0003; L3 @0x4001_0000 entry at +0xDEF*8 = 0x4001_6F78 -> page 0x5678_0703. PA 0x5678_1234.
     */
    private static final long VA64 = 0x0000_03AB_CDEF_1234L;

    private Translate sixtyFourKb() {
        return guestRegs().reg("TCR_EL1", 0x5_0080_7516L)
                .mem(0x4000_EAF0L, 0x4001_0003L)
                .mem(0x4001_6F78L, 0x5678_0703L);
    }

    @Test
    void sixtyFourKbTwoLevelWalk() {
        sixtyFourKb().read(dir, VA64, 1)
                .ok(0x5678_1234L, 0xFF, "ISH", 65536, 2)
                .walk(s1(2, 0x4000_EAF0L, 0x4001_0003L), s1(3, 0x4001_6F78L, 0x5678_0703L));
    }

    /** 64 KB level-2 block = 2^(13*2+3) = 512 MB: L2 = 0x1_2000_0701; PA = 0x1_2000_0000 | VA[28:0] (0x0DEF_1234). */
    @Test
    void sixtyFourKbLevel2Block() {
        sixtyFourKb().mem(0x4000_EAF0L, 0x1_2000_0701L).read(dir, VA64, 1)
                .ok(0x1_2DEF_1234L, 0xFF, "ISH", 512L << 20, 1);
    }

    /** 64 KB level-3 descriptor with bits[1:0]=01 is reserved -> Translation fault level 3, 0x9600_0007. */
    @Test
    void sixtyFourKbLevel3BlockEncoding() {
        sixtyFourKb().mem(0x4001_6F78L, 0x5678_0701L).read(dir, VA64, 1)
                .fault(1, "translation", 3, false, 1, 0x9600_0007L, VA64, null, 2);
    }

    // ================================================================ 16 KB, two stages

    /**
     * Guest: 16 KB, T0SZ=17 (47-bit) -> start level 1 (TCR_EL1 = 0x5_0080_B511). VA 0x7FFF_1234_5678:
     * L1 = VA[46:36] = 0x7FF, L2 = VA[35:25] = 0x789, L3 = VA[24:14] = 0x0D1, offset 0x1678 (Appendix A).
     * Stage-1 tables (IPAs): L1 @0x4000_0000, entry +0x3FF8 -> 0x4000_4003; L2 @0x4000_4000 entry
     * +0x3C48 -> 0x4000_8003; L3 @0x4000_8000 entry +0x688 -> page 0x1234_C703 -> IPA 0x1234_D678.
     *
     * Stage 2: 16 KB, T0SZ=24 (40-bit IPA), SL0=01 -> start level 2 (§2.3). n=1: 26 <= 40 <= 40, and
     * 2^(40 - (11+14+11)) = 16 concatenated root tables, root index IPA[39:25] (15 bits), 256 KB root at
     * 0x8000_0000. VTCR_EL2 = RES1 0x8000_0000 | PS=010 0x2_0000 | TG0=10 0x8000 | SH0/ORGN0/IRGN0
     * 0x3500 | SL0=01 0x40 | T0SZ 0x18 = 0x8002_B558.
     * Stage-1 table IPAs 0x4000_xxxx: root idx 0x4000_xxxx >> 25 = 0x20 -> PA 0x8000_0100 = 32 MB
     * block 0x1_4000_07FD (PA 0x1_4000_0000), so the stage-1 descriptors are at 0x1_0000_0000 + IPA.
     * Final IPA 0x1234_D678: root idx 9 -> PA 0x8000_0048 = table 0x8004_0003; L3 idx IPA[24:14] =
     * 0x48D3 & 0x7FF = 0xD3 -> PA 0x8004_0698 = page 0x2_5555_47FF -> PA 0x2_5555_4000 | 0x1678.
     * Reads: 3 * (1 + 1) + 2 = 8.
     */
    private static final long VA16 = 0x0000_7FFF_1234_5678L;

    private Translate sixteenKbTwoStage() {
        return guestRegs().reg("TCR_EL1", 0x5_0080_B511L)
                .reg("HCR_EL2", HCR_RW | HCR_VM)
                .reg("VTCR_EL2", 0x8002_B558L)
                .reg("VTTBR_EL2", VTTBR_ENV)
                .mem(0x8000_0100L, 0x1_4000_07FDL)
                .mem(0x1_4000_3FF8L, 0x4000_4003L)
                .mem(0x1_4000_7C48L, 0x4000_8003L)
                .mem(0x1_4000_8688L, 0x1234_C703L)
                .mem(0x8000_0048L, 0x8004_0003L)
                .mem(0x8004_0698L, 0x2_5555_47FFL);
    }

    @Test
    void sixteenKbNestedWalk() {
        sixteenKbTwoStage().read(dir, VA16, 1)
                .ok(0x2_5555_5678L, 0xFF, "ISH", 16384, 8)
                .walk(s2(2, 0x8000_0100L, 0x1_4000_07FDL), s1(1, 0x1_4000_3FF8L, 0x4000_4003L),
                        s2(2, 0x8000_0100L, 0x1_4000_07FDL), s1(2, 0x1_4000_7C48L, 0x4000_8003L),
                        s2(2, 0x8000_0100L, 0x1_4000_07FDL), s1(3, 0x1_4000_8688L, 0x1234_C703L),
                        s2(2, 0x8000_0048L, 0x8004_0003L), s2(3, 0x8004_0698L, 0x2_5555_47FFL));
    }

    /**
     * A root entry in the 11th of the 16 concatenated tables: D3 = 0xAB_CDEF_0703 -> IPA 0xAB_CDEF_1678;
     * root idx IPA[39:25] = 0x55E6 (table 0x55E6 >> 11 = 10) at 0x8000_0000 + 0x55E6*8 = 0x8002_AF30 =
     * 32 MB block 0x3_0200_07FD -> PA 0x3_0200_0000 | IPA[24:0] (0x1EF_1678) = 0x3_03EF_1678.
     * Reads 6 + 1 = 7; entry size min(16 KB, 32 MB) = 16384.
     */
    @Test
    void sixteenKbLaterConcatenatedRootTable() {
        sixteenKbTwoStage().mem(0x1_4000_8688L, 0xAB_CDEF_0703L).mem(0x8002_AF30L, 0x3_0200_07FDL)
                .read(dir, VA16, 1)
                .ok(0x3_03EF_1678L, 0xFF, "ISH", 16384, 7);
    }

    /**
     * 16 KB S1PTW: root entry 0x20 (PA 0x8000_0100) = 0: the first stage-1 descriptor IPA 0x4000_3FF8
     * faults at the stage-2 start level 2: ESR 0x9200_0086, HPFAR (0x4000_3FF8 >> 12) << 4 = 0x40_0030
     * (FIPA is IPA[47:12] whatever the granule), 1 read.
     */
    @Test
    void sixteenKbS1ptwFault() {
        sixteenKbTwoStage().mem(0x8000_0100L, 0).read(dir, VA16, 1)
                .fault(2, "translation", 2, true, 2, 0x9200_0086L, VA16, 0x40_0030L, 1);
    }

    /** 16 KB final IPA 0x1234_D678 with the stage-2 L3 entry invalid: Translation L3, 0x9200_0007, HPFAR 0x1234D0, 8 reads. */
    @Test
    void sixteenKbFinalIpaFault() {
        sixteenKbTwoStage().mem(0x8004_0698L, 0).read(dir, VA16, 1)
                .fault(2, "translation", 3, false, 2, 0x9200_0007L, VA16, 0x12_34D0L, 8);
    }

    // ================================================================ 64 KB, two stages

    /**
     * Guest: 64 KB, T0SZ=22 as above (L2 entry at IPA 0x4000_EAF0 -> 0x4001_0003, L3 entry at IPA
     * 0x4001_6F78), with D3 = 0xA98_7654_0703 -> IPA 0xA98_7654_1234.
     *
     * Stage 2: 64 KB, T0SZ=20 (44-bit IPA), SL0=01 -> start level 2; n=1: 30 <= 44 <= 46, so
     * 2^(44 - (13+16+13)) = 4 concatenated 64 KB root tables (256 KB at 0x8000_0000), root index
     * IPA[43:29] (15 bits). VTCR_EL2 = RES1 | PS=101 (0x5_0000) | TG0=01 (0x4000) | 0x3500 | SL0=01
     * (0x40) | T0SZ 0x14 = 0x8005_7554.
     * Table IPAs 0x4000_xxxx: root idx 2 -> PA 0x8000_0010 = 512 MB block 0x1_4000_07FD.
     * Final IPA 0xA98_7654_1234: root idx = 0x54C3 (table 2) at 0x8000_0000 + 0x2A618 -> table
     * 0x8004_0003; L3 idx IPA[28:16] = 0x7654 & 0x1FFF = 0x1654 -> 0x8004_0000 + 0xB2A0 = page
     * 0x2_5555_07FF -> PA 0x2_5555_1234. Reads 2*(1+1) + 2 = 6.
     */
    private Translate sixtyFourKbTwoStage() {
        return guestRegs().reg("TCR_EL1", 0x5_0080_7516L)
                .reg("HCR_EL2", HCR_RW | HCR_VM)
                .reg("VTCR_EL2", 0x8005_7554L)
                .reg("VTTBR_EL2", VTTBR_ENV)
                .mem(0x8000_0010L, 0x1_4000_07FDL)
                .mem(0x1_4000_EAF0L, 0x4001_0003L)
                .mem(0x1_4001_6F78L, 0xA98_7654_0703L)
                .mem(0x8002_A618L, 0x8004_0003L)
                .mem(0x8004_B2A0L, 0x2_5555_07FFL);
    }

    @Test
    void sixtyFourKbNestedWalkThroughThirdConcatenatedRoot() {
        sixtyFourKbTwoStage().read(dir, VA64, 1)
                .ok(0x2_5555_1234L, 0xFF, "ISH", 65536, 6)
                .walk(s2(2, 0x8000_0010L, 0x1_4000_07FDL), s1(2, 0x1_4000_EAF0L, 0x4001_0003L),
                        s2(2, 0x8000_0010L, 0x1_4000_07FDL), s1(3, 0x1_4001_6F78L, 0xA98_7654_0703L),
                        s2(2, 0x8002_A618L, 0x8004_0003L), s2(3, 0x8004_B2A0L, 0x2_5555_07FFL));
    }

    /** 64 KB S1PTW: root entry 2 = 0 -> stage-2 Translation L2 on IPA 0x4000_EAF0: 0x9200_0086, HPFAR 0x40_00E0, 1 read. */
    @Test
    void sixtyFourKbS1ptwFault() {
        sixtyFourKbTwoStage().mem(0x8000_0010L, 0).read(dir, VA64, 1)
                .fault(2, "translation", 2, true, 2, 0x9200_0086L, VA64, 0x40_00E0L, 1);
    }

    /**
     * 64 KB IPA range: D3 = 0x1000_0000_0703 gives IPA 0x1000_0000_1234 (bit 44 set; stage-1 IPS is 48
     * so stage 1 is fine) beyond the 44-bit stage-2 input -> stage-2 Translation fault level 0:
     * ESR 0x9200_0004, HPFAR (IPA >> 12) << 4 = 0x10_0000_0010; 4 reads (the stage-1 part).
     */
    @Test
    void sixtyFourKbIpaOutOfRange() {
        sixtyFourKbTwoStage().mem(0x1_4001_6F78L, 0x1000_0000_0703L).read(dir, VA64, 1)
                .fault(2, "translation", 0, false, 2, 0x9200_0004L, VA64, 0x10_0000_0010L, 4);
    }

    // ================================================================ 4+4 levels: 24 reads

    /**
     * The full 2-D walk: ENV-S2's guest (4 KB, 4 levels) over a 4-level stage 2: VTCR_EL2 =
     * 0x8005_3590 (T0SZ=16 -> 48-bit IPA, SL0=10 -> start level 0 (needs PAMax >= 44: 48 here), PS=101,
     * SH0/ORGN0/IRGN0 0x3500, TG0=00, RES1). One 512-entry root at 0x8000_0000.
     * Stage 2 maps the four stage-1 table pages IPA 0x4000_0000 + i*0x1000 (i = 0..3) with 4 KB pages:
     * L0 idx 0 @0x8000_0000 -> 0x8000_1003; L1 idx 1 @0x8000_1008 -> 0x8000_2003; L2 idx 0 @0x8000_2000
     * -> 0x8000_4003; L3 idx i @0x8000_4000+8i -> page 0x1_4000_i000 (low bits 0x7FF).
     * Final IPA 0x9ABC_DABC: L0 idx 0; L1 idx 2 @0x8000_1010 -> 0x8000_3003; L2 idx 0xD5 @0x8000_36A8
     * -> 0x8000_5003; L3 idx 0x1CD @0x8000_5E68 -> 0x2_5555_57FF. PA 0x2_5555_5ABC.
     * Reads: 4 * (4 + 1) + 4 = 24 = (4+1)(4+1) - 1 (§6).
     */
    @Test
    void fourPlusFourLevelsRead24Descriptors() {
        Translate t = guestTables(guestRegs(), S1_TABLE_PA)
                .reg("HCR_EL2", HCR_RW | HCR_VM)
                .reg("VTCR_EL2", 0x8005_3590L)
                .reg("VTTBR_EL2", VTTBR_ENV)
                .mem(0x8000_0000L, 0x8000_1003L)
                .mem(0x8000_1008L, 0x8000_2003L)
                .mem(0x8000_1010L, 0x8000_3003L)
                .mem(0x8000_2000L, 0x8000_4003L)
                .mem(0x8000_4000L, 0x1_4000_07FFL)
                .mem(0x8000_4008L, 0x1_4000_17FFL)
                .mem(0x8000_4010L, 0x1_4000_27FFL)
                .mem(0x8000_4018L, 0x1_4000_37FFL)
                .mem(0x8000_36A8L, 0x8000_5003L)
                .mem(0x8000_5E68L, 0x2_5555_57FFL);
        Translate.Step l0 = s2(0, 0x8000_0000L, 0x8000_1003L);
        Translate.Step l1 = s2(1, 0x8000_1008L, 0x8000_2003L);
        Translate.Step l2 = s2(2, 0x8000_2000L, 0x8000_4003L);
        t.read(dir, VA_A, 1)
                .ok(0x2_5555_5ABCL, 0xFF, "ISH", 4096, 24)
                .walk(l0, l1, l2, s2(3, 0x8000_4000L, 0x1_4000_07FFL), s1(0, S1_TABLE_PA + L0_E1, L0_DESC),
                        l0, l1, l2, s2(3, 0x8000_4008L, 0x1_4000_17FFL), s1(1, S1_TABLE_PA + L1_E2, L1_DESC),
                        l0, l1, l2, s2(3, 0x8000_4010L, 0x1_4000_27FFL), s1(2, S1_TABLE_PA + L2_E3, L2_DESC),
                        l0, l1, l2, s2(3, 0x8000_4018L, 0x1_4000_37FFL), s1(3, S1_TABLE_PA + L3_E4, D3_DEFAULT),
                        l0, s2(1, 0x8000_1010L, 0x8000_3003L), s2(2, 0x8000_36A8L, 0x8000_5003L),
                        s2(3, 0x8000_5E68L, 0x2_5555_57FFL));
    }
}
