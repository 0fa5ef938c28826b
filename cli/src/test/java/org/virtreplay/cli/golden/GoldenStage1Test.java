package org.virtreplay.cli.golden;

import static org.virtreplay.cli.golden.Envs.D3_DEFAULT;
import static org.virtreplay.cli.golden.Envs.L0_DESC;
import static org.virtreplay.cli.golden.Envs.L0_E1;
import static org.virtreplay.cli.golden.Envs.L1_DESC;
import static org.virtreplay.cli.golden.Envs.L1_E2;
import static org.virtreplay.cli.golden.Envs.L2_DESC;
import static org.virtreplay.cli.golden.Envs.L2_E3;
import static org.virtreplay.cli.golden.Envs.L3_E4;
import static org.virtreplay.cli.golden.Envs.SCTLR_M_C_I;
import static org.virtreplay.cli.golden.Envs.SCTLR_WXN;
import static org.virtreplay.cli.golden.Envs.TCR_ENV;
import static org.virtreplay.cli.golden.Envs.TCR_HA;
import static org.virtreplay.cli.golden.Envs.TCR_HD;
import static org.virtreplay.cli.golden.Envs.TCR_HPD0;
import static org.virtreplay.cli.golden.Envs.VA_A;
import static org.virtreplay.cli.golden.Envs.envS1;
import static org.virtreplay.cli.golden.Translate.s1;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.cli.golden.Translate.Update;

/**
 * Golden tests T01–T15 of arm-reference §15.1 on ENV-S1, through {@code virtreplay translate --json}.
 *
 * <p>ESR arithmetic used throughout (§5.2, §5.3): ESR = EC&lt;&lt;26 | IL(1&lt;&lt;25) | WnR&lt;&lt;6 | FSC.
 * EC 0x25 (data abort, same EL) -> 0x9600_0000; EC 0x24 (data abort, lower EL) -> 0x9200_0000;
 * EC 0x21 (instruction abort, same EL) -> 0x8600_0000; EC 0x20 (instruction abort, lower EL) -> 0x8200_0000.
 * FSC (§5.1): address size 0x00+L, translation 0x04+L, access flag 0x08+L, permission 0x0C+L.
 * A stage-1 fault of the EL1&0 regime is taken to EL1 whether it came from EL0 or EL1 (§5.5, TGE=0).
 */
class GoldenStage1Test {

    @TempDir
    Path dir;

    /**
     * T01. VA_A indices (Appendix A): L0=1, L1=2, L2=3, L3=4, offset 0xABC. Descriptor PAs = table base
     * + index*8: 0x4000_0000+8, 0x4000_1000+0x10, 0x4000_2000+0x18, 0x4000_3000+0x20. D3 = 0x9ABC_D703:
     * page (bits[1:0]=11), AttrIndx 0 -> MAIR Attr0 = 0xFF, SH=11 -> ISH, AF=1. PA = OA 0x9ABC_D000 | 0xABC.
     * A 4 KB page gives a 4096-byte entry; no hardware update (HA=0, AF already 1).
     */
    @Test
    void t01FourLevelPageWalk() {
        envS1().read(dir, VA_A, 1)
                .ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4)
                .walk(s1(0, L0_E1, L0_DESC), s1(1, L1_E2, L1_DESC), s1(2, L2_E3, L2_DESC), s1(3, L3_E4, D3_DEFAULT))
                .updates();
    }

    /**
     * T02. L2 entry 3 = 0xC020_0701: bits[1:0]=01 = block (allowed at 4 KB level 2, §2.4), OA[47:21] =
     * 0xC020_0000, AttrIndx 0, SH 11, AF. PA = 0xC020_0000 | VA[20:0] (= 0x0_4ABC) = 0xC020_4ABC.
     * Three reads; entry size 2^21 = 2 MB.
     */
    @Test
    void t02TwoMegabyteBlock() {
        envS1().mem(L2_E3, 0xC020_0701L).read(dir, VA_A, 1)
                .ok(0xC020_4ABCL, 0xFF, "ISH", 2L << 20, 3)
                .walk(s1(0, L0_E1, L0_DESC), s1(1, L1_E2, L1_DESC), s1(2, L2_E3, 0xC020_0701L));
    }

    /** T03. L1 entry 2 = 0: bit0=0 -> Translation fault level 1, ESR 0x9600_0000|0x05; 2 reads; FAR = VA. */
    @Test
    void t03InvalidLevel1Descriptor() {
        envS1().mem(L1_E2, 0).read(dir, VA_A, 1)
                .fault(1, "translation", 1, false, 1, 0x9600_0005L, VA_A, null, 2)
                .walk(s1(0, L0_E1, L0_DESC), s1(1, L1_E2, 0));
    }

    /** T04. D3 bits[1:0]=01 at level 3 is reserved -> Translation fault level 3, DFSC 0x07; 4 reads. */
    @Test
    void t04BlockEncodingAtLevel3() {
        envS1().mem(L3_E4, 0x9ABC_D701L).read(dir, VA_A, 1)
                .fault(1, "translation", 3, false, 1, 0x9600_0007L, VA_A, null, 4);
    }

    /**
     * T05. VA 0x0001_0000_0000_0000: VA[55]=0 selects TTBR0; T0SZ=16 gives a 48-bit range and TBI0=0,
     * so VA[63:48] must all be 0 — bit 48 is set -> Translation fault level 0 before any read (§1.1).
     */
    @Test
    void t05NonCanonicalVa() {
        long va = 0x0001_0000_0000_0000L;
        envS1().read(dir, va, 1)
                .fault(1, "translation", 0, false, 1, 0x9600_0004L, va, null, 0)
                .walk();
    }

    /**
     * T06. TCR_EL1.IPS=000 (32-bit output; TCR = 0x0_0080_3510). Table addresses 0x4000_xxxx fit in 32
     * bits; D3 = 0x1_0000_0703 has OA 0x1_0000_0000 >= 2^32 -> Address size fault level 3, DFSC 0x03.
     */
    @Test
    void t06OutputAddressTooLarge() {
        envS1().reg("TCR_EL1", TCR_ENV & ~(7L << 32)).mem(L3_E4, 0x0000_0001_0000_0703L).read(dir, VA_A, 1)
                .fault(1, "address_size", 3, false, 1, 0x9600_0003L, VA_A, null, 4);
    }

    /** T07. D3 = 0x9ABC_D303 (AF=0), HA=0 -> Access flag fault level 3, DFSC 0x0B; no update. */
    @Test
    void t07AccessFlagFault() {
        envS1().mem(L3_E4, 0x9ABC_D303L).read(dir, VA_A, 1)
                .fault(1, "access_flag", 3, false, 1, 0x9600_000BL, VA_A, null, 4);
    }

    /**
     * T08. As T07 with TCR_EL1.HA=1 (bit 39): the walker sets AF (bit 10, 0x400) atomically:
     * 0x9ABC_D303 -> 0x9ABC_D703; success, PA 0x9ABC_DABC, 4 reads and 1 update (§5.6).
     */
    @Test
    void t08HardwareAccessFlagUpdate() {
        envS1().reg("TCR_EL1", TCR_ENV | TCR_HA).mem(L3_E4, 0x9ABC_D303L).read(dir, VA_A, 1)
                .ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4)
                .updates(new Update(L3_E4, 0x9ABC_D303L, 0x9ABC_D703L));
    }

    /**
     * T09. D3 = 0x0008_0000_9ABC_D783: DBM (bit 51) = 1, AP[2] (bit 7) = 1 (read-only), AF=1.
     * HA=HD=1, EL1 STR: writable-clean -> hardware clears AP[2]: new D3 = 0x0008_0000_9ABC_D703; success.
     */
    @Test
    void t09HardwareDirtyState() {
        long d3 = 0x0008_0000_9ABC_D783L;
        envS1().reg("TCR_EL1", TCR_ENV | TCR_HA | TCR_HD).mem(L3_E4, d3).write(dir, VA_A, 1)
                .ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4)
                .updates(new Update(L3_E4, d3, 0x0008_0000_9ABC_D703L));
    }

    /** T09 second half: HD=0 (HA=1) -> the page stays read-only: Permission fault L3, WnR=1: 0x9600_004F. */
    @Test
    void t09WithoutHdIsPermissionFault() {
        envS1().reg("TCR_EL1", TCR_ENV | TCR_HA).mem(L3_E4, 0x0008_0000_9ABC_D783L).write(dir, VA_A, 1)
                .fault(1, "permission", 3, false, 1, 0x9600_004FL, VA_A, null, 4)
                .updates();
    }

    /** T10. AP=00 gives EL0 no access (§4.1): EL0 LDR -> Permission L3 taken to EL1, EC 0x24: 0x9200_000F. */
    @Test
    void t10El0AccessToKernelPage() {
        envS1().read(dir, VA_A, 0)
                .fault(1, "permission", 3, false, 1, 0x9200_000FL, VA_A, null, 4);
    }

    /** T11. D3 AP=10 (0x...D783): EL1 RO, EL0 none. EL1 STR -> 0x9600_004F (EC 0x25, WnR=1). */
    @Test
    void t11El1WriteToReadOnly() {
        envS1().mem(L3_E4, 0x9ABC_D783L).write(dir, VA_A, 1)
                .fault(1, "permission", 3, false, 1, 0x9600_004FL, VA_A, null, 4);
    }

    /** T11 variants: EL1 LDR succeeds; EL0 LDR faults with 0x9200_000F. */
    @Test
    void t11ReadVariants() {
        Translate t = envS1().mem(L3_E4, 0x9ABC_D783L);
        t.read(dir, VA_A, 1).ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4);
        t.read(dir, VA_A, 0).fault(1, "permission", 3, false, 1, 0x9200_000FL, VA_A, null, 4);
    }

    /** T12. D3 AP=01 (0x...D743, EL0 RW). PAN=1: EL1 data read of an EL0-accessible page faults, 0x9600_000F. */
    @Test
    void t12Pan() {
        envS1().mem(L3_E4, 0x9ABC_D743L).reg("PSTATE.PAN", 1).read(dir, VA_A, 1)
                .fault(1, "permission", 3, false, 1, 0x9600_000FL, VA_A, null, 4);
    }

    /** T12 variants: PAN=0 -> success; PAN=1 with an unprivileged (LDTR) EL1 load -> success (§4.3). */
    @Test
    void t12PanVariants() {
        Translate t = envS1().mem(L3_E4, 0x9ABC_D743L);
        t.read(dir, VA_A, 1).ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4);
        t.copy().reg("PSTATE.PAN", 1).run(dir, VA_A, 1, "read", true).ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4);
    }

    /**
     * T13. D3 AP=01 (EL0 writable), PXN=UXN=0. EL1 fetch: xn = PXN || EL0-writable = 1 (§4.2) ->
     * Permission fault L3, EC 0x21: 0x8600_000F. EL0 fetch: only UXN matters -> allowed.
     */
    @Test
    void t13PrivilegedExecuteOfEl0WritablePage() {
        Translate t = envS1().mem(L3_E4, 0x9ABC_D743L);
        t.fetch(dir, VA_A, 1).fault(1, "permission", 3, false, 1, 0x8600_000FL, VA_A, null, 4);
        t.fetch(dir, VA_A, 0).okPa(0x9ABC_DABCL);
    }

    /**
     * T14. SCTLR_EL1.WXN=1 (bit 19). D3 default AP=00 is writable at EL1 -> XN at EL1: fetch faults
     * 0x8600_000F. With AP=10 (read-only, 0x...D783) the page is not writable -> fetch allowed.
     */
    @Test
    void t14Wxn() {
        Translate t = envS1().reg("SCTLR_EL1", SCTLR_M_C_I | SCTLR_WXN);
        t.fetch(dir, VA_A, 1).fault(1, "permission", 3, false, 1, 0x8600_000FL, VA_A, null, 4);
        t.copy().mem(L3_E4, 0x9ABC_D783L).fetch(dir, VA_A, 1).okPa(0x9ABC_DABCL);
    }

    /**
     * T15. L1 entry 2 = 0x4000_0000_4000_2003: APTable[1] (bit 62) = 1 forces AP[2]=1 (read-only) on
     * everything below. EL1 STR -> Permission fault at the LEAF level 3, 0x9600_004F; EL1 LDR succeeds.
     */
    @Test
    void t15HierarchicalApTable() {
        Translate t = envS1().mem(L1_E2, 0x4000_0000_4000_2003L);
        t.write(dir, VA_A, 1).fault(1, "permission", 3, false, 1, 0x9600_004FL, VA_A, null, 4)
                .walk(s1(0, L0_E1, L0_DESC), s1(1, L1_E2, 0x4000_0000_4000_2003L), s1(2, L2_E3, L2_DESC),
                        s1(3, L3_E4, D3_DEFAULT));
        t.read(dir, VA_A, 1).ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4);
    }

    /** T15 variant: TCR_EL1.HPD0=1 (bit 41) disables APTable, so the STR succeeds. */
    @Test
    void t15HpdDisablesApTable() {
        envS1().mem(L1_E2, 0x4000_0000_4000_2003L).reg("TCR_EL1", TCR_ENV | TCR_HPD0).write(dir, VA_A, 1)
                .ok(0x9ABC_DABCL, 0xFF, "ISH", 4096, 4);
    }
}
