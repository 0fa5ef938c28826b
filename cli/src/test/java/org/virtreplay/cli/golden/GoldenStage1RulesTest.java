package org.virtreplay.cli.golden;

import static org.virtreplay.cli.golden.Envs.HCR_RW;
import static org.virtreplay.cli.golden.Envs.HCR_VM;
import static org.virtreplay.cli.golden.Envs.L1_E2;
import static org.virtreplay.cli.golden.Envs.L2_E3;
import static org.virtreplay.cli.golden.Envs.L3_E4;
import static org.virtreplay.cli.golden.Envs.MAIR_ENV;
import static org.virtreplay.cli.golden.Envs.TCR_ENV;
import static org.virtreplay.cli.golden.Envs.TCR_HPD0;
import static org.virtreplay.cli.golden.Envs.VA_A;
import static org.virtreplay.cli.golden.Envs.envS1;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage-1 rules beyond T01–T15 on ENV-S1: execute-never bits and their hierarchical forms, PAN versus
 * fetch, unprivileged stores, EPD0, TBI, the contiguous bit, the EL2 and EL2&0 (VHE) regimes.
 * ESR arithmetic as in {@link GoldenStage1Test}.
 */
class GoldenStage1RulesTest {

    @TempDir
    Path dir;

    private static final long PA = 0x9ABC_DABCL;

    /** D3 AP=01 (EL0 RW) + UXN (bit 54): EL0 fetch -> Permission L3 to EL1, EC 0x20: 0x8200_000F; EL0 read OK. */
    @Test
    void uxnBlocksEl0Fetch() {
        Translate t = envS1().mem(L3_E4, 0x0040_0000_9ABC_D743L);
        t.fetch(dir, VA_A, 0).fault(1, "permission", 3, false, 1, 0x8200_000FL, VA_A, null, 4);
        t.read(dir, VA_A, 0).okPa(PA);
    }

    /** D3 AP=00 + PXN (bit 53): EL1 fetch -> 0x8600_000F; EL1 read OK. */
    @Test
    void pxnBlocksEl1Fetch() {
        Translate t = envS1().mem(L3_E4, 0x0020_0000_9ABC_D703L);
        t.fetch(dir, VA_A, 1).fault(1, "permission", 3, false, 1, 0x8600_000FL, VA_A, null, 4);
        t.read(dir, VA_A, 1).okPa(PA);
    }

    /**
     * PXNTable (bit 59) on the L2 table descriptor (0x0800_0000_4000_3003) forces PXN below: EL1 fetch
     * of the default page faults at level 3 (0x8600_000F). With TCR_EL1.HPD0=1 it is ignored.
     */
    @Test
    void pxnTable() {
        Translate t = envS1().mem(L2_E3, 0x0800_0000_4000_3003L);
        t.fetch(dir, VA_A, 1).fault(1, "permission", 3, false, 1, 0x8600_000FL, VA_A, null, 4);
        t.copy().reg("TCR_EL1", TCR_ENV | TCR_HPD0).fetch(dir, VA_A, 1).okPa(PA);
    }

    /**
     * UXNTable (bit 60) on the L1 descriptor (0x1000_0000_4000_2003) with D3 AP=11 (0x9ABC_D7C3, EL0
     * read-only, not EL0-writable): EL0 fetch faults (0x8200_000F to EL1); EL1 fetch still allowed.
     */
    @Test
    void uxnTable() {
        Translate t = envS1().mem(L1_E2, 0x1000_0000_4000_2003L).mem(L3_E4, 0x9ABC_D7C3L);
        t.fetch(dir, VA_A, 0).fault(1, "permission", 3, false, 1, 0x8200_000FL, VA_A, null, 4);
        t.fetch(dir, VA_A, 1).okPa(PA);
    }

    /**
     * APTable[0] (bit 61) on the L1 descriptor forces AP[1]=0 (no EL0 access): D3 AP=01 — EL0 read
     * faults (0x9200_000F, to EL1); EL1 read is fine.
     */
    @Test
    void apTableNoEl0() {
        Translate t = envS1().mem(L1_E2, 0x2000_0000_4000_2003L).mem(L3_E4, 0x9ABC_D743L);
        t.read(dir, VA_A, 0).fault(1, "permission", 3, false, 1, 0x9200_000FL, VA_A, null, 4);
        t.read(dir, VA_A, 1).okPa(PA);
    }

    /**
     * PAN does not affect instruction fetches (§4.3): D3 AP=11 (EL0 RO, so not EL0-writable; PXN=0),
     * PAN=1: EL1 read faults (0x9600_000F), EL1 fetch succeeds.
     */
    @Test
    void panDoesNotAffectFetch() {
        Translate t = envS1().mem(L3_E4, 0x9ABC_D7C3L).reg("PSTATE.PAN", 1);
        t.read(dir, VA_A, 1).fault(1, "permission", 3, false, 1, 0x9600_000FL, VA_A, null, 4);
        t.fetch(dir, VA_A, 1).okPa(PA);
    }

    /**
     * An unprivileged store (STTR) at EL1 is checked with EL0 permissions: D3 AP=00 -> fault taken to
     * EL1 from EL1, EC 0x25, WnR=1: 0x9600_004F. With AP=01 it succeeds.
     */
    @Test
    void unprivilegedStoreUsesEl0Permissions() {
        envS1().run(dir, VA_A, 1, "write", true).fault(1, "permission", 3, false, 1, 0x9600_004FL, VA_A, null, 4);
        envS1().mem(L3_E4, 0x9ABC_D743L).run(dir, VA_A, 1, "write", true).okPa(PA);
    }

    /** EL0 write to AP=11 (read-only for both): 0x9200_004F. */
    @Test
    void el0WriteToReadOnly() {
        envS1().mem(L3_E4, 0x9ABC_D7C3L).write(dir, VA_A, 0)
                .fault(1, "permission", 3, false, 1, 0x9200_004FL, VA_A, null, 4);
    }

    /** TCR_EL1.EPD0=1 (bit 7): a TTBR0-range miss is a Translation fault level 0 with no walk (§1.3). */
    @Test
    void epd0() {
        envS1().reg("TCR_EL1", TCR_ENV | (1L << 7)).read(dir, VA_A, 1)
                .fault(1, "translation", 0, false, 1, 0x9600_0004L, VA_A, null, 0);
    }

    /**
     * TBI0 (bit 37): VA 0xAB00_0080_8060_4ABC — the top byte is ignored, VA[55]=0 selects TTBR0 and
     * VA[55:48]=0, so it translates like VA_A (PA 0x9ABC_DABC, 4 reads). Without TBI0 the same VA has
     * bits above 48 set -> Translation fault level 0.
     */
    @Test
    void topByteIgnore() {
        long tagged = 0xAB00_0080_8060_4ABCL;
        envS1().reg("TCR_EL1", TCR_ENV | (1L << 37)).read(dir, tagged, 1).ok(PA, 0xFF, "ISH", 4096, 4);
        envS1().read(dir, tagged, 1).fault(1, "translation", 0, false, 1, 0x9600_0004L, tagged, null, 0);
    }

    /**
     * Contiguous bit (52) on a 4 KB level-3 page: 16 entries = 64 KB (§2.5). For a consistent set the
     * OA must be 64 KB aligned at the group start: VA_A's L3 index 4 is entry 4 of group 0..15, so
     * OA = 0x9ABC_0000 + 4*0x1000 = 0x9ABC_4000 (D3 0x0010_0000_9ABC_4703). PA 0x9ABC_4ABC; entry size 65536.
     */
    @Test
    void contiguousPage() {
        envS1().mem(L3_E4, 0x0010_0000_9ABC_4703L).read(dir, VA_A, 1)
                .ok(0x9ABC_4ABCL, 0xFF, "ISH", 65536, 4);
    }

    /**
     * MAIR lookup with another index: D3 AttrIndx 5 (bits[4:2]=101: 0x9ABC_D717) and MAIR_EL1 Attr5 =
     * 0xBB (bits [47:40]) -> attr 0xBB, ISH (stage 1 only: no combination).
     */
    @Test
    void mairIndexFive() {
        envS1().reg("MAIR_EL1", MAIR_ENV | (0xBBL << 40)).mem(L3_E4, 0x9ABC_D717L).read(dir, VA_A, 1)
                .ok(PA, 0xBB, "ISH", 4096, 4);
    }

    /**
     * SCTLR_EL1.C=0 with M=1 (SCTLR 0x1001): per the pseudocode AArch64.S1AttrDecode ->
     * LongConvertAttrsHints, S1CacheDisabled (C=0 for data) makes Normal memory Non-cacheable, and
     * MemAttrDefaults makes inner+outer NC Outer Shareable: the default page reads as 0x44 OSH.
     * Instruction fetches follow SCTLR.I instead: with C=1, I=0 (0x0005) a fetch sees 0x44 OSH while a
     * data read still sees 0xFF ISH. (docs/fidelity.md, MMU section, decides that attr is this
     * effective attribute; PAR_EL1.ATTR may show either, so the ARM ARM allows it.)
     */
    @Test
    void cacheDisableBitsMakeNormalNonCacheable() {
        envS1().reg("SCTLR_EL1", 0x1001L).read(dir, VA_A, 1).ok(PA, 0x44, "OSH", 4096, 4);
        envS1().reg("SCTLR_EL1", 0x0005L).fetch(dir, VA_A, 1).okAttr(PA, 0x44, "OSH");
        envS1().reg("SCTLR_EL1", 0x0005L).read(dir, VA_A, 1).okAttr(PA, 0xFF, "ISH");
    }

    // ---------------------------------------------------------------- EL2 and EL2&0

    /**
     * EL2 regime, E2H=0: TTBR0_EL2 = 0x4000_0000 (the ENV-S1 tables), TCR_EL2 single-range layout =
     * 0x8085_3510: T0SZ=16, IRGN0/ORGN0=01, SH0=11, TG0=00, PS=101 ([18:16] = 0x5_0000), RES1 bits 31
     * and 23. MAIR_EL2 = ENV's MAIR. HCR_EL2.VM=1 is set to show that stage 2 does NOT apply to the EL2
     * regime: 4 stage-1 reads, PA 0x9ABC_DABC. (SCTLR_EL2 is not in the REGS list: the EL2 MMU
     * is assumed on.) EL2 fetch of a page with XN (bit 54) -> EC 0x21 same EL: 0x8600_000F to EL2.
     */
    @Test
    void el2RegimeHasNoStage2() {
        Translate t = envS1().reg("HCR_EL2", HCR_RW | HCR_VM)
                .reg("VTCR_EL2", 0x8002_3558L).reg("VTTBR_EL2", 0x0005_0000_8000_0000L)
                .reg("TTBR0_EL2", 0x4000_0000L).reg("TCR_EL2", 0x8085_3510L).reg("MAIR_EL2", MAIR_ENV);
        t.read(dir, VA_A, 2).ok(PA, 0xFF, "ISH", 4096, 4);
        t.copy().mem(L3_E4, 0x0040_0000_9ABC_D703L).fetch(dir, VA_A, 2)
                .fault(1, "permission", 3, false, 2, 0x8600_000FL, VA_A, null, 4);
        t.copy().mem(L2_E3, 0).read(dir, VA_A, 2)
                .fault(1, "translation", 2, false, 2, 0x9600_0006L, VA_A, null, 3);
    }

    /**
     * VHE host: HCR_EL2 = RW | TGE (bit 27) | E2H (bit 34) = 0x4_8800_0000. EL0 and EL2 use the EL2&0
     * regime: TTBR0_EL2 with TCR_EL2 in the EL1 layout (= ENV's TCR_EL1 value 0x5_0080_3510) and
     * MAIR_EL2. D3 default AP=00: EL0 read -> Permission L3 taken to EL2 (TGE), EC 0x24: 0x9200_000F.
     * D3 AP=01: EL0 read succeeds; EL2 read with PAN=1 faults (PAN applies to EL2&0): 0x9600_000F.
     */
    @Test
    void vheHostRegime() {
        Translate t = envS1().reg("HCR_EL2", 0x4_8800_0000L).reg("TTBR0_EL1", 0)
                .reg("TTBR0_EL2", 0x4000_0000L).reg("TCR_EL2", TCR_ENV).reg("MAIR_EL2", MAIR_ENV);
        t.read(dir, VA_A, 0).fault(1, "permission", 3, false, 2, 0x9200_000FL, VA_A, null, 4);
        Translate u = t.copy().mem(L3_E4, 0x9ABC_D743L);
        u.read(dir, VA_A, 0).ok(PA, 0xFF, "ISH", 4096, 4);
        u.copy().reg("PSTATE.PAN", 1).read(dir, VA_A, 2).fault(1, "permission", 3, false, 2, 0x9600_000FL, VA_A, null, 4);
    }
}
