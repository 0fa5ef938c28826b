package org.virtreplay.cli.golden;

import static org.virtreplay.cli.golden.Envs.D3_DEFAULT;
import static org.virtreplay.cli.golden.Envs.G_L0_E1;
import static org.virtreplay.cli.golden.Envs.G_L1_E2;
import static org.virtreplay.cli.golden.Envs.G_L3_E4;
import static org.virtreplay.cli.golden.Envs.HCR_DC;
import static org.virtreplay.cli.golden.Envs.HCR_FWB;
import static org.virtreplay.cli.golden.Envs.HCR_RW;
import static org.virtreplay.cli.golden.Envs.HCR_VM;
import static org.virtreplay.cli.golden.Envs.IPA_A;
import static org.virtreplay.cli.golden.Envs.L0_DESC;
import static org.virtreplay.cli.golden.Envs.L1_DESC;
import static org.virtreplay.cli.golden.Envs.MAIR_ENV;
import static org.virtreplay.cli.golden.Envs.PA_A;
import static org.virtreplay.cli.golden.Envs.S1_TABLE_PA;
import static org.virtreplay.cli.golden.Envs.S2D3_DEFAULT;
import static org.virtreplay.cli.golden.Envs.S2_BLOCK_DESC;
import static org.virtreplay.cli.golden.Envs.S2_L1_E1;
import static org.virtreplay.cli.golden.Envs.S2_L1_E1_DESC;
import static org.virtreplay.cli.golden.Envs.S2_L1_E2;
import static org.virtreplay.cli.golden.Envs.S2_L1_E2_DESC;
import static org.virtreplay.cli.golden.Envs.S2_L2A_E0;
import static org.virtreplay.cli.golden.Envs.S2_L2B_ED5;
import static org.virtreplay.cli.golden.Envs.S2_L2B_ED5_DESC;
import static org.virtreplay.cli.golden.Envs.S2_L3_E1CD;
import static org.virtreplay.cli.golden.Envs.SCTLR_M_C_I;
import static org.virtreplay.cli.golden.Envs.TCR_ENV;
import static org.virtreplay.cli.golden.Envs.TCR_HA;
import static org.virtreplay.cli.golden.Envs.VA_A;
import static org.virtreplay.cli.golden.Envs.VTCR_ENV;
import static org.virtreplay.cli.golden.Envs.VTCR_HA;
import static org.virtreplay.cli.golden.Envs.concat;
import static org.virtreplay.cli.golden.Envs.envS2;
import static org.virtreplay.cli.golden.Envs.stage1PartUnderS2;
import static org.virtreplay.cli.golden.Translate.s1;
import static org.virtreplay.cli.golden.Translate.s2;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.cli.golden.Translate.Update;

/**
 * Independent two-stage acceptance cases on ENV-S2 (arm-reference §15.0), derived from §2–§7 because
 * §15.2 keeps its own two-stage cases back.
 *
 * <p>ENV-S2 stage 2 in one paragraph: 4 KB granule, T0SZ=24 (40-bit IPA), SL0=01 -> start level 1.
 * With n = 2 levels below the start, one L1 table resolves 9+9+12 = 30 bits plus 9 = 39, so a 40-bit
 * IPA needs 2^(40-39) = 2 concatenated root tables (§2.3): the root index is IPA[39:30] (10 bits) and
 * the root entry is at 0x8000_0000 + IPA[39:30]*8. Level-2 index IPA[29:21], level-3 IPA[20:12].
 *
 * <p>Syndromes (§5.2–§5.5): a stage-2 fault (final IPA or S1PTW) from EL0 or EL1 is taken to EL2 with
 * EC 0x24 (data, 0x9200_0000 with IL) or 0x20 (fetch, 0x8200_0000 with IL); S1PTW is ISS bit 7 (0x80),
 * WnR bit 6 (0x40); FSC = kind base + the STAGE-2 level. HPFAR_EL2 = IPA[47:12] << 4. FAR = the VA.
 */
class GoldenTwoStageTest {

    @TempDir
    Path dir;

    /** The three stage-2 reads for IPA_A = 0x9ABC_DABC: root idx 2, L2 idx 0xD5, L3 idx 0x1CD (Appendix A). */
    private static Translate.Step[] finalS2(long s2d3) {
        return new Translate.Step[] {
            s2(1, S2_L1_E2, S2_L1_E2_DESC), s2(2, S2_L2B_ED5, S2_L2B_ED5_DESC), s2(3, S2_L3_E1CD, s2d3)
        };
    }

    private static final long HPFAR_A = (IPA_A >>> 12) << 4; // 0x9ABCD0

    // ---------------------------------------------------------------- success and walk order

    /**
     * Nested 4-level stage-1 walk. Before each of the 4 stage-1 reads its descriptor IPA is translated
     * by stage 2 (2 reads each: root entry 1 at 0x8000_0008 -> table 0x8000_2000, whose entry 0 is the
     * 2 MB block to PA 0x1_4000_0000), then the stage-1 descriptor is read at 0x1_0000_0000 + IPA.
     * The stage-1 leaf gives IPA 0x9ABC_DABC, whose stage-2 walk takes 3 reads (root 0x8000_0010,
     * L2 0x8000_36A8, L3 0x8000_4E68) to page 0x2_5555_5000: PA 0x2_5555_5ABC.
     * Reads = 4*2 + 4 + 3 = 15 (§6 with m=2 for the table IPAs and m=3 for the final IPA).
     * Attributes: S1 MAIR Attr0 0xFF ISH, S2 MemAttr 1111 (WB/WB) ISH -> WB with S1 hints: 0xFF ISH
     * (§7.4). Entry size: min(S1 4 KB page, S2 4 KB page) = 4096.
     */
    @Test
    void nestedWalkReadCountAndOrder() {
        envS2().read(dir, VA_A, 1)
                .ok(PA_A, 0xFF, "ISH", 4096, 15)
                .walk(concat(stage1PartUnderS2(D3_DEFAULT), finalS2(S2D3_DEFAULT)))
                .updates();
    }

    /** Same walk for an EL1 write and an EL1 fetch: S1 AP=00 (EL1 RW, PXN=0, not EL0-writable), S2AP=11, XN=00. */
    @Test
    void nestedWalkWriteAndFetch() {
        envS2().write(dir, VA_A, 1).ok(PA_A, 0xFF, "ISH", 4096, 15);
        envS2().fetch(dir, VA_A, 1).okPa(PA_A);
    }

    /**
     * Hardware AF at stage 1 under stage 2: TCR_EL1.HA=1, D3 AF=0 (0x9ABC_D303). The AF update is a
     * write to the stage-1 descriptor's PA 0x1_4000_3020: 0x9ABC_D303 -> 0x9ABC_D703; still 15 reads.
     */
    @Test
    void stage1HardwareAfUnderStage2() {
        envS2().reg("TCR_EL1", TCR_ENV | TCR_HA).mem(G_L3_E4, 0x9ABC_D303L).read(dir, VA_A, 1)
                .ok(PA_A, 0xFF, "ISH", 4096, 15)
                .updates(new Update(G_L3_E4, 0x9ABC_D303L, 0x9ABC_D703L));
    }

    // ---------------------------------------------------------------- S1PTW faults

    /**
     * S1PTW translation fault at stage-2 level 2. The stage-1 L0 descriptor (read normally at PA
     * 0x1_4000_0008) is changed to 0x4020_1003: the L1 table is at IPA 0x4020_1000, so the L1
     * descriptor IPA is 0x4020_1010. Stage 2: root idx IPA[39:30] = 1 -> 0x8000_0008 (table 0x8000_2000);
     * L2 idx IPA[29:21] = 0x201 & 0x1FF = 1 -> PA 0x8000_2008 = 0 -> Translation fault, stage 2, level 2.
     * ESR = 0x9200_0000 | S1PTW 0x80 | WnR 0 (a walk read) | DFSC 0x06 = 0x9200_0086; FAR = VA_A;
     * HPFAR = (0x4020_1010 >> 12) << 4 = 0x40_2010. Reads: 2 (S2 for L0 IPA) + 1 (S1 L0) + 2 = 5.
     */
    @Test
    void s1ptwTranslationFaultAtStage2Level2() {
        s1ptwEnv().read(dir, VA_A, 1)
                .fault(2, "translation", 2, true, 2, 0x9200_0086L, VA_A, 0x40_2010L, 5)
                .walk(s2(1, S2_L1_E1, S2_L1_E1_DESC), s2(2, S2_L2A_E0, S2_BLOCK_DESC),
                        s1(0, G_L0_E1, 0x4020_1003L),
                        s2(1, S2_L1_E1, S2_L1_E1_DESC), s2(2, 0x8000_2008L, 0));
    }

    private Translate s1ptwEnv() {
        return envS2().mem(G_L0_E1, 0x4020_1003L).mem(0x8000_2008L, 0);
    }

    /**
     * The same S1PTW fault for an instruction fetch: EC 0x20 (instruction abort from a lower EL),
     * ESR 0x8200_0086 (§5.5: EC follows the original access).
     */
    @Test
    void s1ptwFaultOnFetchUsesInstructionAbortEc() {
        s1ptwEnv().fetch(dir, VA_A, 1)
                .fault(2, "translation", 2, true, 2, 0x8200_0086L, VA_A, 0x40_2010L, 5);
    }

    /**
     * The same S1PTW fault for a STORE: the faulting access is the stage-1 walk READ, so WnR=0:
     * ESR 0x9200_0086 (§5.3; §17 #6 — newer ARM ARM text: WnR reports the walk access, a read).
     */
    @Test
    void s1ptwFaultOnStoreReportsWalkRead() {
        s1ptwEnv().write(dir, VA_A, 1)
                .fault(2, "translation", 2, true, 2, 0x9200_0086L, VA_A, 0x40_2010L, 5);
    }

    /**
     * S1PTW at stage-2 level 1: TTBR0_EL1 = IPA 0x1000_0000, so the L0 descriptor IPA is 0x1000_0008,
     * root idx 0 -> PA 0x8000_0000 = 0 -> Translation fault stage 2 level 1, DFSC 0x05:
     * ESR 0x9200_0085, HPFAR (0x1000_0008 >> 12) << 4 = 0x10_0000, one read.
     */
    @Test
    void s1ptwTranslationFaultAtStage2Level1() {
        envS2().reg("TTBR0_EL1", 0x1000_0000L).mem(0x8000_0000L, 0).read(dir, VA_A, 1)
                .fault(2, "translation", 1, true, 2, 0x9200_0085L, VA_A, 0x10_0000L, 1)
                .walk(s2(1, 0x8000_0000L, 0));
    }

    /**
     * S1PTW permission fault at stage-2 level 3. As above the L1 table is at IPA 0x4020_1000, but stage 2
     * now maps it: L2 entry 1 (PA 0x8000_2008) = table 0x8000_5003; L3 idx IPA[20:12] = 0x40201 & 0x1FF = 1
     * -> PA 0x8000_5008 = page 0x1_5020_1000 with S2AP=00 (low bits 0x73F: MemAttr 1111, SH 11, AF).
     * The walk read needs read permission -> stage-2 Permission fault level 3, S1PTW: ESR 0x9200_008F,
     * HPFAR 0x40_2010 (valid for S1PTW faults, §5.4). Reads: 2 + 1 + 3 = 6.
     */
    @Test
    void s1ptwPermissionFaultS2apNone() {
        s1ptwLevel3Env(0x1_5020_173FL).read(dir, VA_A, 1)
                .fault(2, "permission", 3, true, 2, 0x9200_008FL, VA_A, 0x40_2010L, 6)
                .walk(s2(1, S2_L1_E1, S2_L1_E1_DESC), s2(2, S2_L2A_E0, S2_BLOCK_DESC),
                        s1(0, G_L0_E1, 0x4020_1003L),
                        s2(1, S2_L1_E1, S2_L1_E1_DESC), s2(2, 0x8000_2008L, 0x8000_5003L),
                        s2(3, 0x8000_5008L, 0x1_5020_173FL));
    }

    private Translate s1ptwLevel3Env(long s2Page) {
        return envS2().mem(G_L0_E1, 0x4020_1003L).mem(0x8000_2008L, 0x8000_5003L).mem(0x8000_5008L, s2Page);
    }

    /** As above with S2AP=11 but AF=0 (0x1_5020_13FF), VTCR_EL2.HA=0 -> stage-2 Access flag fault L3, S1PTW: 0x9200_008B. */
    @Test
    void s1ptwAccessFlagFault() {
        s1ptwLevel3Env(0x1_5020_13FFL).read(dir, VA_A, 1)
                .fault(2, "access_flag", 3, true, 2, 0x9200_008BL, VA_A, 0x40_2010L, 6);
    }

    /**
     * With VTCR_EL2.HA=1 (bit 21) the stage-2 AF of the page holding the stage-1 L1 table is set by
     * hardware (0x1_5020_13FF -> 0x1_5020_17FF) and the walk goes on: the L1 descriptor is read at
     * PA 0x1_5020_1010 (we put L1_DESC there), then L2/L3 as in ENV-S2. Reads: (2+1) + (3+1) + (2+1)
     * + (2+1) + 3 = 16. PA 0x2_5555_5ABC.
     */
    @Test
    void stage2HardwareAfOnWalkAccess() {
        s1ptwLevel3Env(0x1_5020_13FFL).mem(0x1_5020_1010L, L1_DESC).reg("VTCR_EL2", VTCR_ENV | VTCR_HA)
                .read(dir, VA_A, 1)
                .ok(PA_A, 0xFF, "ISH", 4096, 16)
                .updates(new Update(0x8000_5008L, 0x1_5020_13FFL, 0x1_5020_17FFL));
    }

    /**
     * HCR_EL2.PTW=1 (bit 2): a stage-1 walk access that lands in stage-2 Device memory is a stage-2
     * Permission fault with S1PTW (§1.6, §5.6). The 2 MB block holding the stage-1 tables is made
     * Device-nGnRE (0x1_4000_07C5: block, MemAttr 0001, S2AP 11, SH 11, AF). The first walk access
     * (L0 descriptor IPA 0x4000_0008) faults at the block's level 2: DFSC 0x0E, ESR 0x9200_008E,
     * HPFAR (0x4000_0008 >> 12) << 4 = 0x40_0000; 2 reads.
     */
    @Test
    void protectedTableWalkToDeviceMemory() {
        envS2().reg("HCR_EL2", HCR_RW | HCR_VM | (1L << 2)).mem(S2_L2A_E0, 0x1_4000_07C5L).read(dir, VA_A, 1)
                .fault(2, "permission", 2, true, 2, 0x9200_008EL, VA_A, 0x40_0000L, 2);
    }

    /**
     * A hardware AF update of a stage-1 descriptor is a WRITE by the walk: TCR_EL1.HA=1, D3 AF=0
     * (0x9ABC_D303), and the 2 MB stage-2 block holding the stage-1 tables made read-only (S2AP=01:
     * 0x1_4000_077D). All walk reads pass; the AF write to IPA 0x4000_3020 needs stage-2 write
     * permission -> stage-2 Permission fault at the block's level 2 with S1PTW=1 and WnR=1 (§5.3: "a
     * stage-2 fault on a hardware AF/DBM write to a stage-1 descriptor reports as a write"; §17 #6):
     * ESR 0x9200_0000 | 0x80 | 0x40 | 0x0E = 0x9200_00CE; HPFAR (0x4000_3020 >> 12) << 4 = 0x40_0030.
     * D3 is not updated. (Reads not checked: a model may or may not re-walk stage 2 for the write.)
     */
    @Test
    void s1ptwPermissionFaultOnHardwareAfWrite() {
        envS2().reg("TCR_EL1", TCR_ENV | TCR_HA).mem(G_L3_E4, 0x9ABC_D303L).mem(S2_L2A_E0, 0x1_4000_077DL)
                .read(dir, VA_A, 1)
                .fault(2, "permission", 2, true, 2, 0x9200_00CEL, VA_A, 0x40_0030L, -1)
                .updates();
    }

    /**
     * Contiguous bit at both stages. Stage 1: D3 = 0x0010_0000_9ABC_4703 (entry 4 of a 16-entry group,
     * OA 0x9ABC_0000 + 4*0x1000) -> 64 KB, IPA 0x9ABC_4ABC. Stage 2 for that IPA: L3 idx IPA[20:12] =
     * 0x1C4 (entry 4 of group 0x1C0..0x1CF) at 0x8000_4000 + 0x1C4*8 = 0x8000_4E20 = 0x0010_0002_5555_47FF
     * (OA 0x2_5555_0000 + 4*0x1000, 64 KB aligned group) -> PA 0x2_5555_4ABC. Both spans 64 KB -> size 65536.
     */
    @Test
    void contiguousAtBothStages() {
        envS2().mem(G_L3_E4, 0x0010_0000_9ABC_4703L).mem(0x8000_4E20L, 0x0010_0002_5555_47FFL).read(dir, VA_A, 1)
                .ok(0x2_5555_4ABCL, 0xFF, "ISH", 65536, 15);
    }

    /** Contiguous only at stage 1 (stage-2 leaf a plain 4 KB page at 0x8000_4E20): size min(64 KB, 4 KB) = 4096. */
    @Test
    void contiguousOnlyAtStage1() {
        envS2().mem(G_L3_E4, 0x0010_0000_9ABC_4703L).mem(0x8000_4E20L, 0x2_5555_47FFL).read(dir, VA_A, 1)
                .ok(0x2_5555_4ABCL, 0xFF, "ISH", 4096, 15);
    }

    // ---------------------------------------------------------------- stage-2 faults on the final IPA

    /** S2D3 = 0: Translation fault stage 2 level 3 on IPA 0x9ABC_DABC: ESR 0x9200_0007, HPFAR 0x9ABCD0, 15 reads. */
    @Test
    void finalIpaTranslationFaultLevel3() {
        envS2().mem(S2_L3_E1CD, 0).read(dir, VA_A, 1)
                .fault(2, "translation", 3, false, 2, 0x9200_0007L, VA_A, HPFAR_A, 15)
                .walk(concat(stage1PartUnderS2(D3_DEFAULT), finalS2(0)));
    }

    /** L2 entry 0xD5 (PA 0x8000_36A8) = 0: Translation fault stage 2 level 2, ESR 0x9200_0006, 14 reads. */
    @Test
    void finalIpaTranslationFaultLevel2() {
        envS2().mem(S2_L2B_ED5, 0).read(dir, VA_A, 1)
                .fault(2, "translation", 2, false, 2, 0x9200_0006L, VA_A, HPFAR_A, 14);
    }

    /** The same from EL0 (D3 AP=01 so stage 1 allows EL0): still EL2, EC 0x24, ESR 0x9200_0007. */
    @Test
    void finalIpaTranslationFaultFromEl0() {
        envS2().mem(G_L3_E4, 0x9ABC_D743L).mem(S2_L3_E1CD, 0).read(dir, VA_A, 0)
                .fault(2, "translation", 3, false, 2, 0x9200_0007L, VA_A, HPFAR_A, 15);
    }

    /**
     * S2AP=01 (read-only; S2D3 0x2_5555_577F). EL1 STR: stage 1 allows (AP=00), stage 2 does not ->
     * stage-2 Permission fault L3, WnR=1: ESR 0x9200_004F. (HPFAR not checked: UNKNOWN for non-walk
     * permission faults, §5.4.) EL1 LDR succeeds.
     */
    @Test
    void finalIpaPermissionFaultReadOnlyS2ap() {
        Translate t = envS2().mem(S2_L3_E1CD, 0x2_5555_577FL);
        t.write(dir, VA_A, 1).fault(2, "permission", 3, false, 2, 0x9200_004FL, VA_A, null, 15);
        t.read(dir, VA_A, 1).ok(PA_A, 0xFF, "ISH", 4096, 15);
    }

    /** S2AP=10 (write-only; 0x2_5555_57BF): EL1 LDR -> stage-2 Permission L3, WnR=0: 0x9200_000F; STR succeeds. */
    @Test
    void finalIpaPermissionFaultWriteOnlyS2ap() {
        Translate t = envS2().mem(S2_L3_E1CD, 0x2_5555_57BFL);
        t.read(dir, VA_A, 1).fault(2, "permission", 3, false, 2, 0x9200_000FL, VA_A, null, 15);
        t.write(dir, VA_A, 1).okPa(PA_A);
    }

    /**
     * Stage-2 XN[1:0] = 10 (bit 54; 0x0040_0002_5555_57FF): no execution at EL0 or EL1 (§4.4).
     * EL1 fetch -> stage-2 Permission L3, instruction abort from lower EL: ESR 0x8200_000F. EL1 LDR succeeds.
     */
    @Test
    void stage2ExecuteNever() {
        Translate t = envS2().mem(S2_L3_E1CD, 0x0040_0002_5555_57FFL);
        t.fetch(dir, VA_A, 1).fault(2, "permission", 3, false, 2, 0x8200_000FL, VA_A, null, 15);
        t.read(dir, VA_A, 1).okPa(PA_A);
    }

    /**
     * FEAT_XNX, XN[1:0] = 01 (bit 53; 0x0020_0002_5555_57FF): EL1 fetch not allowed, EL0 fetch allowed.
     * Stage 1 with D3 default (AP=00, UXN=0, PXN=0) lets both EL0 and EL1 fetch (§4.2: EL0 fetch needs
     * only UXN=0), so the outcome is decided by stage 2.
     */
    @Test
    void stage2XnxPrivilegedExecuteNever() {
        Translate t = envS2().mem(S2_L3_E1CD, 0x0020_0002_5555_57FFL);
        t.fetch(dir, VA_A, 1).fault(2, "permission", 3, false, 2, 0x8200_000FL, VA_A, null, 15);
        t.fetch(dir, VA_A, 0).okPa(PA_A);
    }

    /** FEAT_XNX, XN[1:0] = 11 (0x0060_0002_5555_57FF): EL1 fetch allowed, EL0 fetch faults to EL2, 0x8200_000F. */
    @Test
    void stage2XnxUnprivilegedExecuteNever() {
        Translate t = envS2().mem(S2_L3_E1CD, 0x0060_0002_5555_57FFL);
        t.fetch(dir, VA_A, 1).okPa(PA_A);
        t.fetch(dir, VA_A, 0).fault(2, "permission", 3, false, 2, 0x8200_000FL, VA_A, null, 15);
    }

    /** S2D3 AF=0 (0x2_5555_53FF), VTCR_EL2.HA=0: stage-2 Access flag fault L3, ESR 0x9200_000B, HPFAR 0x9ABCD0. */
    @Test
    void finalIpaAccessFlagFault() {
        envS2().mem(S2_L3_E1CD, 0x2_5555_53FFL).read(dir, VA_A, 1)
                .fault(2, "access_flag", 3, false, 2, 0x9200_000BL, VA_A, HPFAR_A, 15);
    }

    /** VTCR_EL2.HA=1: the stage-2 AF is set by hardware, 0x2_5555_53FF -> 0x2_5555_57FF at PA 0x8000_4E68. */
    @Test
    void finalIpaHardwareAf() {
        envS2().mem(S2_L3_E1CD, 0x2_5555_53FFL).reg("VTCR_EL2", VTCR_ENV | VTCR_HA).read(dir, VA_A, 1)
                .ok(PA_A, 0xFF, "ISH", 4096, 15)
                .updates(new Update(S2_L3_E1CD, 0x2_5555_53FFL, 0x2_5555_57FFL));
    }

    /**
     * VTCR_EL2.PS=010 (40 bits) and PARange 48 -> effective stage-2 output size 40 bits. S2D3 with OA
     * 0x100_5555_5000 (bit 40 set; 0x0000_0100_5555_57FF) -> Address size fault stage 2 level 3:
     * DFSC 0x03, ESR 0x9200_0003, HPFAR 0x9ABCD0 (§1.9).
     */
    @Test
    void finalIpaAddressSizeFault() {
        envS2().mem(S2_L3_E1CD, 0x0000_0100_5555_57FFL).read(dir, VA_A, 1)
                .fault(2, "address_size", 3, false, 2, 0x9200_0003L, VA_A, HPFAR_A, 15);
    }

    // ---------------------------------------------------------------- fault priority

    /**
     * A stage-1 fault wins over a stage-2 fault on the final IPA, and the final IPA is never walked
     * (§5.5 ordering): D3 AP=10 (read-only) and S2D3 = 0; EL1 STR -> stage-1 Permission fault L3 to EL1,
     * ESR 0x9600_004F, 12 reads (the stage-1 part only).
     */
    @Test
    void stage1PermissionBeatsStage2TranslationOnFinalIpa() {
        envS2().mem(G_L3_E4, 0x9ABC_D783L).mem(S2_L3_E1CD, 0).write(dir, VA_A, 1)
                .fault(1, "permission", 3, false, 1, 0x9600_004FL, VA_A, null, 12)
                .walk(stage1PartUnderS2(0x9ABC_D783L));
    }

    /** D3 AF=0 and S2D3 = 0: the stage-1 Access flag fault (0x9600_000B, EL1) wins; 12 reads. */
    @Test
    void stage1AccessFlagBeatsStage2Translation() {
        envS2().mem(G_L3_E4, 0x9ABC_D303L).mem(S2_L3_E1CD, 0).read(dir, VA_A, 1)
                .fault(1, "access_flag", 3, false, 1, 0x9600_000BL, VA_A, null, 12);
    }

    /** D3 AP=10 and S2AP=01, EL1 STR: both stages forbid the write; stage 1 reports first: 0x9600_004F at EL1. */
    @Test
    void stage1PermissionBeatsStage2Permission() {
        envS2().mem(G_L3_E4, 0x9ABC_D783L).mem(S2_L3_E1CD, 0x2_5555_577FL).write(dir, VA_A, 1)
                .fault(1, "permission", 3, false, 1, 0x9600_004FL, VA_A, null, 12);
    }

    /**
     * Within one stage, Access flag outranks Permission (§2.6 step order): D3 = 0x9ABC_D383 (AF=0,
     * AP=10), EL1 STR -> stage-1 Access flag fault L3 with WnR=1: 0x9600_004B.
     */
    @Test
    void stage1AccessFlagBeatsStage1Permission() {
        envS2().mem(G_L3_E4, 0x9ABC_D383L).write(dir, VA_A, 1)
                .fault(1, "access_flag", 3, false, 1, 0x9600_004BL, VA_A, null, 12);
    }

    /** Same at stage 2: S2D3 = 0x2_5555_537F (AF=0, S2AP=01), EL1 STR -> stage-2 Access flag L3, WnR=1: 0x9200_004B. */
    @Test
    void stage2AccessFlagBeatsStage2Permission() {
        envS2().mem(S2_L3_E1CD, 0x2_5555_537FL).write(dir, VA_A, 1)
                .fault(2, "access_flag", 3, false, 2, 0x9200_004BL, VA_A, HPFAR_A, 15);
    }

    /**
     * A stage-1 Translation fault at level 1 under stage 2 (L1 descriptor at PA 0x1_4000_1010 = 0):
     * reported as stage 1 to EL1 (0x9600_0005) after 2+1+2+1 = 6 reads.
     */
    @Test
    void stage1TranslationFaultUnderStage2() {
        envS2().mem(G_L1_E2, 0).read(dir, VA_A, 1)
                .fault(1, "translation", 1, false, 1, 0x9600_0005L, VA_A, null, 6)
                .walk(s2(1, S2_L1_E1, S2_L1_E1_DESC), s2(2, S2_L2A_E0, S2_BLOCK_DESC), s1(0, G_L0_E1, L0_DESC),
                        s2(1, S2_L1_E1, S2_L1_E1_DESC), s2(2, S2_L2A_E0, S2_BLOCK_DESC), s1(1, G_L1_E2, 0));
    }

    // ---------------------------------------------------------------- attribute combination, FWB = 0

    /**
     * §7.4 (FWB=0). The stage-1 leaf picks a MAIR byte by AttrIndx (D3 bits [4:2]); the stage-2 leaf's
     * MemAttr is bits [5:2] of S2D3. Device anywhere -> Device with the stronger subtype; otherwise
     * inner/outer combined separately, NC < WT < WB, hints from stage 1. Device or inner+outer NC
     * results are forced to OSH; otherwise OSH > ISH > NSH.
     */
    private void combine(long hcr, long d3, long s2d3, int attr, String sh) {
        envS2().reg("HCR_EL2", hcr).mem(G_L3_E4, d3).mem(S2_L3_E1CD, s2d3).read(dir, VA_A, 1)
                .okAttr(PA_A, attr, sh);
    }

    private static final long FWB0 = HCR_RW | HCR_VM;
    private static final long FWB1 = HCR_RW | HCR_VM | HCR_FWB;

    /** S1 Normal WB 0xFF + S2 MemAttr 0001 (Device-nGnRE; S2D3 low bits 0x7C7) -> Device-nGnRE 0x04, OSH. */
    @Test
    void fwb0NormalPlusDeviceIsDevice() {
        combine(FWB0, D3_DEFAULT, 0x2_5555_57C7L, 0x04, "OSH");
    }

    /** S1 AttrIndx 3 (0x00 nGnRnE; D3 0x9ABC_D70F) + S2 WB -> 0x00, OSH. */
    @Test
    void fwb0DeviceStage1PlusNormal() {
        combine(FWB0, 0x9ABC_D70FL, S2D3_DEFAULT, 0x00, "OSH");
    }

    /** S1 AttrIndx 2 (0x04 nGnRE; D3 0x9ABC_D70B) + S2 Device-GRE (MemAttr 0011, 0x7CF) -> stronger: 0x04, OSH. */
    @Test
    void fwb0DeviceStrongerSubtypeFromStage1() {
        combine(FWB0, 0x9ABC_D70BL, 0x2_5555_57CFL, 0x04, "OSH");
    }

    /** S1 0x04 nGnRE + S2 MemAttr 0000 (nGnRnE, 0x7C3) -> stronger: 0x00, OSH. */
    @Test
    void fwb0DeviceStrongerSubtypeFromStage2() {
        combine(FWB0, 0x9ABC_D70BL, 0x2_5555_57C3L, 0x00, "OSH");
    }

    /** S1 AttrIndx 1 (0x44 NC; D3 0x9ABC_D707) + S2 WB -> NC 0x44; inner+outer NC -> forced OSH. */
    @Test
    void fwb0NonCacheableStage1PlusWriteBack() {
        combine(FWB0, 0x9ABC_D707L, S2D3_DEFAULT, 0x44, "OSH");
    }

    /** S1 WB 0xFF + S2 MemAttr 0101 (NC/NC, 0x7D7) -> 0x44, forced OSH. */
    @Test
    void fwb0WriteBackPlusNonCacheableStage2() {
        combine(FWB0, D3_DEFAULT, 0x2_5555_57D7L, 0x44, "OSH");
    }

    /** S1 WB RWA 0xFF + S2 MemAttr 1010 (WT/WT, 0x7EB) -> WT with stage-1 RW hints: nibble 1011 -> 0xBB, ISH. */
    @Test
    void fwb0WriteBackPlusWriteThrough() {
        combine(FWB0, D3_DEFAULT, 0x2_5555_57EBL, 0xBB, "ISH");
    }

    /**
     * S1 0xFF + S2 MemAttr 0111 (outer NC, inner WB; 0x7DF) -> outer NC (4), inner WB with S1 hints (F):
     * 0x4F; not inner+outer NC, so no forcing: ISH.
     */
    @Test
    void fwb0InnerOuterCombinedSeparately() {
        combine(FWB0, D3_DEFAULT, 0x2_5555_57DFL, 0x4F, "ISH");
    }

    /** Shareability: S1 SH=10 (OSH; D3 0x9ABC_D603) + S2 ISH -> OSH (attr stays 0xFF). */
    @Test
    void shareabilityOuterWins() {
        combine(FWB0, 0x9ABC_D603L, S2D3_DEFAULT, 0xFF, "OSH");
    }

    /** S1 SH=00 (NSH; D3 0x9ABC_D403) + S2 ISH -> ISH. */
    @Test
    void shareabilityInnerBeatsNon() {
        combine(FWB0, 0x9ABC_D403L, S2D3_DEFAULT, 0xFF, "ISH");
    }

    /** S1 ISH + S2 SH=00 (0x2_5555_54FF) -> ISH; S1 NSH + S2 NSH -> NSH; S1 NSH + S2 OSH (0x2_5555_56FF) -> OSH. */
    @Test
    void shareabilityCombinations() {
        combine(FWB0, D3_DEFAULT, 0x2_5555_54FFL, 0xFF, "ISH");
        combine(FWB0, 0x9ABC_D403L, 0x2_5555_54FFL, 0xFF, "NSH");
        combine(FWB0, 0x9ABC_D403L, 0x2_5555_56FFL, 0xFF, "OSH");
    }

    // ---------------------------------------------------------------- attribute combination, FWB = 1

    /** FWB=1 (HCR_EL2 bit 46), MemAttr[2:0]=110 (0x7DB) forces Normal WB; S1 NC had no hints -> RWA: 0xFF, ISH. */
    @Test
    void fwb1ForcedWriteBackOverNonCacheable() {
        combine(FWB1, 0x9ABC_D707L, 0x2_5555_57DBL, 0xFF, "ISH");
    }

    /**
     * FWB=1, 110 over a stage-1 Device page (AttrIndx 3, SH=10: D3 0x9ABC_D60F) -> Normal WB RWA 0xFF.
     * Stage-1 SH is OSH so the result is OSH whichever way stage-1 Device shareability is read.
     */
    @Test
    void fwb1ForcedWriteBackOverDevice() {
        combine(FWB1, 0x9ABC_D60FL, 0x2_5555_57DBL, 0xFF, "OSH");
    }

    /**
     * FWB=1, 110 over stage-1 Write-Through RA (MAIR Attr4 = 0xAA, D3 AttrIndx 4: 0x9ABC_D713): WT
     * becomes WB keeping the stage-1 hints (R=1, W=0): nibble 1110 -> 0xEE, ISH (§7.3).
     */
    @Test
    void fwb1ForcedWriteBackKeepsStage1Hints() {
        envS2().reg("HCR_EL2", FWB1).reg("MAIR_EL1", MAIR_ENV | (0xAAL << 32)).mem(G_L3_E4, 0x9ABC_D713L)
                .mem(S2_L3_E1CD, 0x2_5555_57DBL).read(dir, VA_A, 1).okAttr(PA_A, 0xEE, "ISH");
    }

    /** FWB=1, 101 (0x7D7): stage-1 Normal -> forced NC 0x44 (OSH); stage-1 Device nGnRE stays 0x04 (OSH). */
    @Test
    void fwb1NonCacheable() {
        combine(FWB1, D3_DEFAULT, 0x2_5555_57D7L, 0x44, "OSH");
        combine(FWB1, 0x9ABC_D70BL, 0x2_5555_57D7L, 0x04, "OSH");
    }

    /**
     * FWB=1, 111 (0x7DF): use the stage-1 attributes: 0xFF ISH, and 0x44 (forced OSH) for stage-1 NC.
     * With FWB=0 the same descriptor meant outer-NC/inner-WB (0x4F): the FWB bit changes the meaning.
     */
    @Test
    void fwb1UseStage1() {
        combine(FWB1, D3_DEFAULT, 0x2_5555_57DFL, 0xFF, "ISH");
        combine(FWB1, 0x9ABC_D707L, 0x2_5555_57DFL, 0x44, "OSH");
    }

    /** FWB=1, 001 (0x7C7): force Device-nGnRE over stage-1 WB: 0x04, OSH. */
    @Test
    void fwb1ForcedDevice() {
        combine(FWB1, D3_DEFAULT, 0x2_5555_57C7L, 0x04, "OSH");
    }

    // ---------------------------------------------------------------- guest MMU off, HCR_EL2.DC

    private static final long VA_FLAT = 0x9ABC_DABCL;

    /**
     * SCTLR_EL1.M=0 (SCTLR 0x1004), VM=1, DC=0: VA 0x9ABC_DABC is the IPA (below PAMax 48, §7.6);
     * stage 2 reads root 0x8000_0010, L2 0x8000_36A8, L3 0x8000_4E68 -> PA 0x2_5555_5ABC; 3 reads.
     * Data default at stage 1 is Device-nGnRnE; combined with S2 WB -> 0x00, forced OSH.
     * Entry size: stage 2's 4 KB page.
     */
    @Test
    void guestMmuOffData() {
        Translate t = envS2().reg("SCTLR_EL1", SCTLR_M_C_I & ~1L);
        t.read(dir, VA_FLAT, 1).ok(PA_A, 0x00, "OSH", 4096, 3).walk(finalS2(S2D3_DEFAULT));
        t.write(dir, VA_FLAT, 1).okPa(PA_A); // stage 1 off: RWX at stage 1
    }

    /**
     * Guest MMU off, instruction fetch with SCTLR_EL1.I=1: stage-1 default Normal WT RA non-transient
     * (0xAA, §7.6 and §17 #2: the architecture, not QEMU's 0xEE), OSH. Combined with S2 WB: stage 1
     * is WT -> the stage-1 value 0xAA; OSH. With I=0: Normal NC 0x44, forced OSH.
     */
    @Test
    void guestMmuOffFetch() {
        envS2().reg("SCTLR_EL1", 0x1004L).fetch(dir, VA_FLAT, 1).okAttr(PA_A, 0xAA, "OSH");
        envS2().reg("SCTLR_EL1", 0x0004L).fetch(dir, VA_FLAT, 1).okAttr(PA_A, 0x44, "OSH");
    }

    /**
     * Guest MMU off and VA 0x0001_0000_0000_0000 (bit 48 >= PAMax 48): stage-1 Address size fault
     * level 0 to EL1 (§7.6 S1DisabledOutput): ESR 0x9600_0000, no reads.
     */
    @Test
    void guestMmuOffAddressAbovePaMax() {
        long va = 0x0001_0000_0000_0000L;
        envS2().reg("SCTLR_EL1", 0x1004L).read(dir, va, 1)
                .fault(1, "address_size", 0, false, 1, 0x9600_0000L, va, null, 0);
    }

    /**
     * HCR_EL2.DC=1 with VM=0 (HCR 0x8000_1000) and SCTLR_EL1.M=1: stage 1 acts as off, stage 2 is
     * forced on (§1.1, §7.6). VA 0x9ABC_DABC -> 3 stage-2 reads -> PA 0x2_5555_5ABC. Stage-1 default is
     * Normal WB RWA Non-shareable (0xFF NSH); with S2 WB ISH -> 0xFF, ISH.
     */
    @Test
    void defaultCacheableDc1() {
        envS2().reg("HCR_EL2", HCR_RW | HCR_DC).read(dir, VA_FLAT, 1)
                .ok(PA_A, 0xFF, "ISH", 4096, 3).walk(finalS2(S2D3_DEFAULT));
    }

    /** DC=1 (and VM=1) with S2 Device-nGnRE (0x7C7): the DC default meets stage-2 Device -> 0x04, OSH. */
    @Test
    void defaultCacheableDc1WithStage2Device() {
        envS2().reg("HCR_EL2", HCR_RW | HCR_VM | HCR_DC).mem(S2_L3_E1CD, 0x2_5555_57C7L).read(dir, VA_FLAT, 1)
                .okAttr(PA_A, 0x04, "OSH");
    }

    /** DC=0 and M=0 versus DC=1 and M=1 on the same address: Device 0x00 OSH vs Normal 0xFF ISH — DC decides. */
    @Test
    void dcDecidesDefaultAttributes() {
        envS2().reg("SCTLR_EL1", 0x1004L).read(dir, VA_FLAT, 1).okAttr(PA_A, 0x00, "OSH");
        envS2().reg("HCR_EL2", HCR_RW | HCR_VM | HCR_DC).reg("SCTLR_EL1", SCTLR_M_C_I).read(dir, VA_FLAT, 1)
                .okAttr(PA_A, 0xFF, "ISH");
    }

    // ---------------------------------------------------------------- concatenated roots, IPA range

    /**
     * Second concatenated root table: D3 = 0xC0_4000_1703 (OA IPA 0xC0_4000_1000). Final IPA
     * 0xC0_4000_1ABC: IPA[39:30] = 0x301 = 769 >= 512, i.e. entry 257 of the second table; root entry PA
     * = 0x8000_0000 + 769*8 = 0x8000_1808 = 1 GB block 0x1_C000_07FD (OA 0x1_C000_0000, MemAttr 1111,
     * S2AP 11, SH 11, AF). PA = 0x1_C000_0000 | IPA[29:0] (0x1ABC) = 0x1_C000_1ABC. Reads 12 + 1 = 13;
     * entry size min(4 KB, 1 GB) = 4096.
     */
    @Test
    void secondConcatenatedRootTable() {
        envS2().mem(G_L3_E4, 0xC0_4000_1703L).mem(0x8000_1808L, 0x1_C000_07FDL).read(dir, VA_A, 1)
                .ok(0x1_C000_1ABCL, 0xFF, "ISH", 4096, 13)
                .walk(concat(stage1PartUnderS2(0xC0_4000_1703L), s2(1, 0x8000_1808L, 0x1_C000_07FDL)));
    }

    /**
     * IPA beyond the stage-2 input range: D3 = 0x100_0000_0703 -> IPA 0x100_0000_0ABC has bit 40 set,
     * T0SZ=24 allows 40 bits -> stage-2 Translation fault at level 0 (§17 #9, QEMU; ARM ARM
     * AArch64.IPAIsOutOfRange): ESR 0x9200_0004, HPFAR (IPA >> 12) << 4 = 0x1_0000_0000; no stage-2
     * read for the final IPA (12 reads). Stage-1 IPS is 48 bits, so stage 1 itself is fine.
     */
    @Test
    void finalIpaOutOfStage2Range() {
        envS2().mem(G_L3_E4, 0x100_0000_0703L).read(dir, VA_A, 1)
                .fault(2, "translation", 0, false, 2, 0x9200_0004L, VA_A, 0x1_0000_0000L, 12)
                .walk(stage1PartUnderS2(0x100_0000_0703L));
    }

    /** TTBR0_EL1 = IPA 0x100_0000_0000: the first walk IPA is out of range -> S1PTW Translation L0, 0x9200_0084, 0 reads. */
    @Test
    void walkIpaOutOfStage2Range() {
        envS2().reg("TTBR0_EL1", 0x100_0000_0000L).read(dir, VA_A, 1)
                .fault(2, "translation", 0, true, 2, 0x9200_0084L, VA_A, 0x1_0000_0000L, 0);
    }

    /** Guest MMU off, VA = IPA 0x100_0000_0000 (< PAMax, >= 2^40): stage-2 Translation L0, 0x9200_0004, 0 reads. */
    @Test
    void mmuOffIpaOutOfStage2Range() {
        long va = 0x100_0000_0000L;
        envS2().reg("SCTLR_EL1", 0x1004L).read(dir, va, 1)
                .fault(2, "translation", 0, false, 2, 0x9200_0004L, va, 0x1_0000_0000L, 0);
    }

    /**
     * Inconsistent start level: VTCR_EL2 with SL0=00 (0x8002_3518): 4 KB start level 2, n = 1 level
     * below, so the IPA size must be 9+12+1 = 22 .. 9+12+9+4 = 34 bits (§2.3); T0SZ=24 gives 40 ->
     * AArch64.S2InconsistentSL. The ARM pseudocode AArch64.S2Translate then returns a Translation fault
     * at level 0 before any read (as it does for S2InvalidSL and IPAIsOutOfRange). The first stage-2
     * translation is for the stage-1 L0 descriptor IPA 0x4000_0008, so it is an S1PTW fault:
     * ESR 0x9200_0084, HPFAR (0x4000_0008 >> 12) << 4 = 0x40_0000, 0 reads.
     */
    @Test
    void inconsistentStage2StartLevel() {
        envS2().reg("VTCR_EL2", 0x8002_3518L).read(dir, VA_A, 1)
                .fault(2, "translation", 0, true, 2, 0x9200_0084L, VA_A, 0x40_0000L, 0);
    }

    /** SL0=11 with the 4 KB granule needs FEAT_TTST (not implemented): AArch64.S2InvalidSL -> the same level-0 fault. */
    @Test
    void invalidStage2StartLevel() {
        envS2().reg("VTCR_EL2", 0x8002_35D8L).read(dir, VA_A, 1)
                .fault(2, "translation", 0, true, 2, 0x9200_0084L, VA_A, 0x40_0000L, 0);
    }

    // ---------------------------------------------------------------- unused import guard
    @SuppressWarnings("unused")
    private static final long[] USED = {L0_DESC, S1_TABLE_PA};
}
