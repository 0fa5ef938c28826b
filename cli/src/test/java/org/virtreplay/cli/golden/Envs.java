package org.virtreplay.cli.golden;

/**
 * The common environments of arm-reference §15.0, as REGS + MEM. Every register value is derived
 * field by field below; every descriptor from the tables in §2–§3.
 */
final class Envs {

    private Envs() {
    }

    /** VA_A = 0x0000_0080_8060_4ABC: VA[47:39]=1, [38:30]=2, [29:21]=3, [20:12]=4, offset 0xABC (Appendix A). */
    static final long VA_A = 0x0000_0080_8060_4ABCL;

    /** HCR_EL2.RW (bit 31) = 1: EL1 is AArch64. Everything else 0 (VM=DC=TGE=E2H=FWB=0). */
    static final long HCR_RW = 1L << 31;
    static final long HCR_VM = 1L;
    static final long HCR_DC = 1L << 12;
    static final long HCR_FWB = 1L << 46;

    /** SCTLR_EL1: M (bit 0), C (bit 2), I (bit 12) = 1; WXN (bit 19) = 0. */
    static final long SCTLR_M_C_I = 0x1005L;
    static final long SCTLR_WXN = 1L << 19;

    /**
     * TCR_EL1 = 0x5_0080_3510: T0SZ=16 (0x10), IRGN0=01 (bit 8), ORGN0=01 (bit 10), SH0=11 (0x3000),
     * TG0=00 (4 KB), EPD1=1 (bit 23), IPS=101 (48-bit, bits [34:32]), HA=HD=0 (§1.3).
     */
    static final long TCR_ENV = 0x0000_0005_0080_3510L;
    static final long TCR_HA = 1L << 39;
    static final long TCR_HD = 1L << 40;
    static final long TCR_HPD0 = 1L << 41;

    /** MAIR_EL1: Attr0=0xFF (Normal WB RWA), Attr1=0x44 (NC), Attr2=0x04 (Device-nGnRE), Attr3=0x00 (nGnRnE). */
    static final long MAIR_ENV = 0x0000_0000_0004_44FFL;

    /**
     * ID_AA64MMFR0_EL1: PARange [3:0] = 0101 (48 bits); TGran16 [23:20] = 0001 (16 KB implemented);
     * TGran4 [31:28] = 0000 and TGran64 [27:24] = 0000 (implemented); the stage-2 TGranX_2 fields 0000
     * ("as the stage-1 field"). All three granules exist, so no test depends on an IMPDEF granule choice.
     */
    static final long MMFR0 = 0x0000_0000_0010_0005L;

    // ENV-S1 stage-1 tables (physical = IPA in ENV-S1; IPAs in ENV-S2).
    static final long L0_E1 = 0x4000_0008L;
    static final long L1_E2 = 0x4000_1010L;
    static final long L2_E3 = 0x4000_2018L;
    static final long L3_E4 = 0x4000_3020L;
    static final long L0_DESC = 0x0000_0000_4000_1003L;
    static final long L1_DESC = 0x0000_0000_4000_2003L;
    static final long L2_DESC = 0x0000_0000_4000_3003L;
    /** D3 default: page, AttrIndx 0, AP=00, SH=11, AF=1, nG=0, OA 0x9ABC_D000 (low bits 0x703). */
    static final long D3_DEFAULT = 0x0000_0000_9ABC_D703L;

    /** ENV-S1 registers (§15.0) without any memory. */
    static Translate guestRegs() {
        return new Translate()
                .reg("HCR_EL2", HCR_RW)
                .reg("SCTLR_EL1", SCTLR_M_C_I)
                .reg("TCR_EL1", TCR_ENV)
                .reg("MAIR_EL1", MAIR_ENV)
                .reg("TTBR0_EL1", 0x4000_0000L)
                .reg("ID_AA64MMFR0_EL1", MMFR0)
                .reg("PSTATE.PAN", 0);
    }

    /**
     * Places the four ENV-S1 stage-1 descriptors (at IPA 0x4000_0008, 0x4000_1010, 0x4000_2018,
     * 0x4000_3020) at PA {@code ipaToPa} + IPA: offset 0 for ENV-S1 (no stage 2), 0x1_0000_0000 under
     * ENV-S2, whose stage 2 maps IPA 0x4000_0000 (2 MB) to PA 0x1_4000_0000.
     */
    static Translate guestTables(Translate t, long ipaToPa) {
        return t.mem(ipaToPa + L0_E1, L0_DESC)
                .mem(ipaToPa + L1_E2, L1_DESC)
                .mem(ipaToPa + L2_E3, L2_DESC)
                .mem(ipaToPa + L3_E4, D3_DEFAULT);
    }

    /** ENV-S1 (§15.0): stage 1 only, EL1&0, 4 KB, 48-bit VA, tables at PA 0x4000_0000..0x4000_3FFF. */
    static Translate envS1() {
        return guestTables(guestRegs(), 0);
    }

    // ENV-S2 stage 2 (§15.0).
    /**
     * VTCR_EL2 = 0x8002_3558: T0SZ=24 (0x18, 40-bit IPA), SL0=01 (0x40, start level 1 for 4 KB),
     * IRGN0=ORGN0=01 (0x500), SH0=11 (0x3000), TG0=00, PS=010 (40-bit, 0x2_0000), RES1 bit 31.
     */
    static final long VTCR_ENV = 0x8002_3558L;
    static final long VTCR_HA = 1L << 21;
    /** VTTBR_EL2: VMID 5 in [55:48], root = two concatenated 4 KB L1 tables at PA 0x8000_0000. */
    static final long VTTBR_ENV = 0x0005_0000_8000_0000L;

    /** Stage-1 table IPAs 0x4000_0000..0x401F_FFFF live at PA 0x1_4000_0000 + offset (2 MB S2 block). */
    static final long S1_TABLE_PA = 0x1_0000_0000L;

    static final long S2_L1_E1 = 0x8000_0008L;          // root entry 1: IPA 0x4000_0000..0x7FFF_FFFF
    static final long S2_L1_E1_DESC = 0x8000_2003L;
    static final long S2_L2A_E0 = 0x8000_2000L;         // L2 @0x8000_2000 entry 0
    /** 2 MB block IPA 0x4000_0000 -> PA 0x1_4000_0000: low bits 0x7FD = block, MemAttr 1111, S2AP 11, SH 11, AF. */
    static final long S2_BLOCK_DESC = 0x0000_0001_4000_07FDL;
    static final long S2_L1_E2 = 0x8000_0010L;          // root entry 2: IPA 0x8000_0000..0xBFFF_FFFF
    static final long S2_L1_E2_DESC = 0x8000_3003L;
    static final long S2_L2B_ED5 = 0x8000_36A8L;        // 0x8000_3000 + 0xD5*8
    static final long S2_L2B_ED5_DESC = 0x8000_4003L;
    static final long S2_L3_E1CD = 0x8000_4E68L;        // 0x8000_4000 + 0x1CD*8
    /** S2D3 default: page, MemAttr 1111, S2AP 11, SH 11, AF, XN 00, OA 0x2_5555_5000 (low bits 0x7FF). */
    static final long S2D3_DEFAULT = 0x0000_0002_5555_57FFL;

    /** IPA that VA_A translates to at stage 1 with D3 default. */
    static final long IPA_A = 0x9ABC_DABCL;
    /** PA of VA_A through both stages with the defaults. */
    static final long PA_A = 0x2_5555_5ABCL;

    /** ENV-S2 (§15.0): ENV-S1 as the guest, plus stage 2 (VMID 5, 40-bit IPA, start L1, 2 concatenated roots). */
    static Translate envS2() {
        return guestTables(guestRegs(), S1_TABLE_PA)
                .reg("HCR_EL2", HCR_RW | HCR_VM)
                .reg("VTCR_EL2", VTCR_ENV)
                .reg("VTTBR_EL2", VTTBR_ENV)
                .mem(S2_L1_E1, S2_L1_E1_DESC)
                .mem(S2_L2A_E0, S2_BLOCK_DESC)
                .mem(S2_L1_E2, S2_L1_E2_DESC)
                .mem(S2_L2B_ED5, S2_L2B_ED5_DESC)
                .mem(S2_L3_E1CD, S2D3_DEFAULT);
    }

    // Where ENV-S2 keeps the stage-1 descriptors physically (PA = 0x1_0000_0000 + IPA).
    static final long G_L0_E1 = S1_TABLE_PA + L0_E1;
    static final long G_L1_E2 = S1_TABLE_PA + L1_E2;
    static final long G_L2_E3 = S1_TABLE_PA + L2_E3;
    static final long G_L3_E4 = S1_TABLE_PA + L3_E4;

    /**
     * The 12 reads of the stage-1 part of VA_A's walk under ENV-S2: before each stage-1 descriptor
     * read, its IPA (0x4000_0008, 0x4000_1010, 0x4000_2018, 0x4000_3020) is translated by stage 2:
     * root index IPA[39:30] = 1 -> PA 0x8000_0008 (table), L2 index IPA[29:21] = 0 -> PA 0x8000_2000
     * (2 MB block to PA 0x1_4000_0000), so the stage-1 descriptor is read at PA 0x1_0000_0000 + IPA.
     */
    static Translate.Step[] stage1PartUnderS2(long d3) {
        return new Translate.Step[] {
            Translate.s2(1, S2_L1_E1, S2_L1_E1_DESC), Translate.s2(2, S2_L2A_E0, S2_BLOCK_DESC),
            Translate.s1(0, S1_TABLE_PA + L0_E1, L0_DESC),
            Translate.s2(1, S2_L1_E1, S2_L1_E1_DESC), Translate.s2(2, S2_L2A_E0, S2_BLOCK_DESC),
            Translate.s1(1, S1_TABLE_PA + L1_E2, L1_DESC),
            Translate.s2(1, S2_L1_E1, S2_L1_E1_DESC), Translate.s2(2, S2_L2A_E0, S2_BLOCK_DESC),
            Translate.s1(2, S1_TABLE_PA + L2_E3, L2_DESC),
            Translate.s2(1, S2_L1_E1, S2_L1_E1_DESC), Translate.s2(2, S2_L2A_E0, S2_BLOCK_DESC),
            Translate.s1(3, S1_TABLE_PA + L3_E4, d3),
        };
    }

    static Translate.Step[] concat(Translate.Step[] a, Translate.Step... b) {
        Translate.Step[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
