package org.virtreplay.engine.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.mmu.MmuTestSupport.D3_DEFAULT;
import static org.virtreplay.engine.mmu.MmuTestSupport.ENV_S1_REGS;
import static org.virtreplay.engine.mmu.MmuTestSupport.VA_A;
import static org.virtreplay.engine.mmu.MmuTestSupport.envS1Memory;
import static org.virtreplay.engine.mmu.MmuTestSupport.request;
import static org.virtreplay.engine.mmu.MmuTestSupport.run;

import org.junit.jupiter.api.Test;

/**
 * Golden cases T01–T15 of arm-reference §15.1 on ENV-S1, through {@link TranslateTool} (the path of
 * {@code virtreplay translate}). Expected values are the ones derived by hand in §15.1; the
 * derivation is repeated briefly per test.
 */
class WalkGoldenStage1Test {

    private static void assertFault(TranslationResult r, FaultKind kind, int stage, int level, long esr, int target) {
        assertFalse(r.ok, "expected a fault");
        assertEquals(kind, r.fault);
        assertEquals(stage, r.faultStage);
        assertEquals(level, r.faultLevel);
        assertEquals(esr, r.esr, () -> "ESR was 0x" + Long.toHexString(r.esr));
        assertEquals(target, r.targetEl);
    }

    @Test
    void t01FourLevelWalk() {
        // VA_A indices L0=1, L1=2, L2=3, L3=4 (Appendix A); descriptor PAs = table + 8*index:
        // 0x4000_0008, 0x4000_1010, 0x4000_2018, 0x4000_3020. PA = OA 0x9ABC_D000 | 0xABC.
        // Attr index 0 -> MAIR byte 0xFF; SH=11 -> ISH; AP=00 -> EL1 RW, EL0 none; UXN=PXN=0.
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.READ);
        assertTrue(r.ok);
        assertEquals(0x9ABC_DABCL, r.pa);
        assertEquals(0xFF, r.attr);
        assertEquals(Attributes.ISH, r.sh);
        assertEquals(4096, r.size);
        assertEquals(4, r.reads);
        long[] pas = {0x4000_0008L, 0x4000_1010L, 0x4000_2018L, 0x4000_3020L};
        for (int i = 0; i < 4; i++) {
            assertEquals(pas[i], r.trace.pa(i));
            assertEquals(i, r.trace.level(i));
            assertEquals(1, r.trace.stage(i));
        }
        assertTrue(r.permRead && r.permWrite);
        assertFalse(r.notGlobal);
        // EL0: AP=00 gives no access (checked in T10).
        TranslationResult w = run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.WRITE);
        assertTrue(w.ok);
    }

    @Test
    void cacheDisableBits() {
        // SCTLR_EL1.C=0 (0x1001): Normal memory data accesses are Non-cacheable (S1CacheDisabled):
        // 0xFF -> 0x44, and Normal iNC/oNC is Outer Shareable. I=0 (0x0005) does the same for fetches.
        TranslationResult d = run(ENV_S1_REGS + "SCTLR_EL1 = 0x1001\n", envS1Memory(D3_DEFAULT), VA_A, 1,
                AccessType.READ);
        assertEquals(0x44, d.attr);
        assertEquals(Attributes.OSH, d.sh);
        TranslationResult f = run(ENV_S1_REGS + "SCTLR_EL1 = 0x5\n", envS1Memory(0x9ABC_D783L), VA_A, 1,
                AccessType.FETCH);
        assertEquals(0x44, f.attr);
        // Device memory is not changed by C=0: AttrIndx 2 (0x04) stays 0x04.
        assertEquals(0x04, run(ENV_S1_REGS + "SCTLR_EL1 = 0x1001\n", envS1Memory(0x9ABC_D70BL), VA_A, 1,
                AccessType.READ).attr);
    }

    @Test
    void t01JsonShape() {
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.READ);
        String json = TranslateTool.toJson(r);
        assertTrue(json.startsWith("{\"outcome\":\"ok\",\"pa\":\"0x9abcdabc\""), json);
        assertTrue(json.contains("\"attr\":\"0xff\",\"sh\":\"ISH\",\"size\":4096"), json);
        assertTrue(json.contains("{\"stage\":1,\"level\":0,\"pa\":\"0x40000008\",\"desc\":\"0x40001003\"}"), json);
        assertTrue(json.contains("\"reads\":4"), json);
        assertTrue(json.endsWith("\"updates\":[]}"), json);
    }

    @Test
    void t02BlockAtLevel2() {
        // L2 entry 3 = 0xC020_0701: block (bits[1:0]=01) at L2, 4K -> 2 MB; PA = 0xC020_0000 | VA[20:0] (0x4ABC).
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(0x4000_2003L, 0xC020_0701L, D3_DEFAULT), VA_A, 1,
                AccessType.READ);
        assertTrue(r.ok);
        assertEquals(0xC020_4ABCL, r.pa);
        assertEquals(3, r.reads);
        assertEquals(2L << 20, r.size);
    }

    @Test
    void t03InvalidLevel1() {
        // L1 entry 2 = 0: bit0=0 -> Translation fault L1; EC 0x25 (DABT same EL), IL, DFSC 0x05 -> 0x9600_0005.
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(0, 0x4000_3003L, D3_DEFAULT), VA_A, 1, AccessType.READ);
        assertFault(r, FaultKind.TRANSLATION, 1, 1, 0x9600_0005L, 1);
        assertEquals(VA_A, r.far);
        assertEquals(2, r.reads);
        assertEquals(0, r.hpfar);
    }

    @Test
    void t04BlockEncodingAtLevel3() {
        // bits[1:0]=01 at level 3 is reserved -> Translation fault L3, DFSC 0x07.
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(0x9ABC_D701L), VA_A, 1, AccessType.READ);
        assertFault(r, FaultKind.TRANSLATION, 1, 3, 0x9600_0007L, 1);
    }

    @Test
    void t05NonCanonical() {
        // VA bit 48 set, VA[55]=0 -> TTBR0 range of 48 bits: bits [63:48] must be 0 -> Translation L0, no reads.
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), 0x0001_0000_0000_0000L, 1, AccessType.READ);
        assertFault(r, FaultKind.TRANSLATION, 1, 0, 0x9600_0004L, 1);
        assertEquals(0, r.reads);
    }

    @Test
    void t06OutputAddressTooLarge() {
        // IPS=000 -> 32-bit output; D3's OA 0x1_0000_0000 has bit 32 set -> Address size fault L3 (DFSC 0x03).
        String regs = ENV_S1_REGS + "TCR_EL1 = 0x0000_0000_0080_3510\n";
        TranslationResult r = run(regs, envS1Memory(0x1_0000_0703L), VA_A, 1, AccessType.READ);
        assertFault(r, FaultKind.ADDRESS_SIZE, 1, 3, 0x9600_0003L, 1);
    }

    @Test
    void t07AccessFlagFault() {
        // AF=0, HA=0 -> Access flag fault L3, DFSC 0x0B; the descriptor is not written.
        TranslateRequest req = request(ENV_S1_REGS, envS1Memory(0x9ABC_D303L), VA_A, 1, AccessType.READ, false);
        TranslationResult r = TranslateTool.run(req);
        assertFault(r, FaultKind.ACCESS_FLAG, 1, 3, 0x9600_000BL, 1);
        assertEquals(0x9ABC_D303L, req.memory().read(0x4000_3020L));
        assertEquals(0, r.updates);
    }

    @Test
    void t08HardwareAccessFlag() {
        // HA=1 (TCR bit 39): AF set atomically, D3 becomes ...D703; 4 reads + 1 update.
        String regs = ENV_S1_REGS + "TCR_EL1 = 0x0000_0085_0080_3510\n";
        TranslateRequest req = request(regs, envS1Memory(0x9ABC_D303L), VA_A, 1, AccessType.READ, false);
        TranslationResult r = TranslateTool.run(req);
        assertTrue(r.ok);
        assertEquals(0x9ABC_DABCL, r.pa);
        assertEquals(4, r.reads);
        assertEquals(1, r.updates);
        assertEquals(0x9ABC_D703L, req.memory().read(0x4000_3020L));
        assertEquals(0x4000_3020L, r.trace.updatePa(0));
        assertEquals(0x9ABC_D303L, r.trace.updateOld(0));
        assertEquals(0x9ABC_D703L, r.trace.updateNew(0));
    }

    @Test
    void t09DirtyBitModifier() {
        // DBM=1, AP=10 (RO), HA=HD=1, EL1 store: AP[2] cleared -> 0x0008_0000_9ABC_D703.
        String regs = ENV_S1_REGS + "TCR_EL1 = 0x0000_0185_0080_3510\n";
        TranslateRequest req = request(regs, envS1Memory(0x0008_0000_9ABC_D783L), VA_A, 1, AccessType.WRITE, false);
        TranslationResult r = TranslateTool.run(req);
        assertTrue(r.ok);
        assertEquals(0x0008_0000_9ABC_D703L, req.memory().read(0x4000_3020L));
        // HD=0: the page stays read-only -> Permission L3 with WnR=1: 0x9600_004F.
        String regs2 = ENV_S1_REGS + "TCR_EL1 = 0x0000_0085_0080_3510\n";
        TranslateRequest req2 = request(regs2, envS1Memory(0x0008_0000_9ABC_D783L), VA_A, 1, AccessType.WRITE, false);
        TranslationResult r2 = TranslateTool.run(req2);
        assertFault(r2, FaultKind.PERMISSION, 1, 3, 0x9600_004FL, 1);
        assertEquals(0x0008_0000_9ABC_D783L, req2.memory().read(0x4000_3020L));
    }

    @Test
    void t10El0ToKernelPage() {
        // AP=00: no EL0 access -> Permission L3 to EL1, EC 0x24 (lower EL): 0x9200_000F.
        TranslationResult r = run(ENV_S1_REGS, envS1Memory(D3_DEFAULT), VA_A, 0, AccessType.READ);
        assertFault(r, FaultKind.PERMISSION, 1, 3, 0x9200_000FL, 1);
    }

    @Test
    void t11WriteToReadOnly() {
        // AP=10: EL1 RO, EL0 none. EL1 STR -> 0x9600_004F; EL1 LDR ok; EL0 LDR -> 0x9200_000F.
        String mem = envS1Memory(0x9ABC_D783L);
        assertFault(run(ENV_S1_REGS, mem, VA_A, 1, AccessType.WRITE), FaultKind.PERMISSION, 1, 3, 0x9600_004FL, 1);
        assertTrue(run(ENV_S1_REGS, mem, VA_A, 1, AccessType.READ).ok);
        assertFault(run(ENV_S1_REGS, mem, VA_A, 0, AccessType.READ), FaultKind.PERMISSION, 1, 3, 0x9200_000FL, 1);
    }

    @Test
    void t12Pan() {
        // AP=01 (EL0 RW), PAN=1: EL1 data access faults (0x9600_000F); PAN=0 ok; LDTR with PAN=1 ok.
        String mem = envS1Memory(0x9ABC_D743L);
        String pan = ENV_S1_REGS + "PSTATE.PAN = 1\n";
        assertFault(run(pan, mem, VA_A, 1, AccessType.READ), FaultKind.PERMISSION, 1, 3, 0x9600_000FL, 1);
        assertTrue(run(ENV_S1_REGS, mem, VA_A, 1, AccessType.READ).ok);
        assertTrue(run(pan, mem, VA_A, 1, AccessType.READ, true).ok);
        // PAN does not affect instruction fetch: EL1 fetch of an EL0-writable page still faults, but
        // because of the privileged-execute-never rule (T13), not PAN; EL0 fetch is fine.
        assertTrue(run(pan, mem, VA_A, 0, AccessType.FETCH).ok);
    }

    @Test
    void t13PrivilegedExecuteOfUserWritable() {
        // AP=01 -> EL0 writable -> privileged execute never; EC 0x21 (IABT same EL), IFSC 0x0F: 0x8600_000F.
        String mem = envS1Memory(0x9ABC_D743L);
        assertFault(run(ENV_S1_REGS, mem, VA_A, 1, AccessType.FETCH), FaultKind.PERMISSION, 1, 3, 0x8600_000FL, 1);
        assertTrue(run(ENV_S1_REGS, mem, VA_A, 0, AccessType.FETCH).ok);
    }

    @Test
    void t14Wxn() {
        // WXN=1 (SCTLR bit 19): EL1-writable page (AP=00) is XN at EL1 -> 0x8600_000F; AP=10 (RO) -> fetch ok.
        String regs = ENV_S1_REGS + "SCTLR_EL1 = 0x81005\n";
        assertFault(run(regs, envS1Memory(D3_DEFAULT), VA_A, 1, AccessType.FETCH), FaultKind.PERMISSION, 1, 3,
                0x8600_000FL, 1);
        assertTrue(run(regs, envS1Memory(0x9ABC_D783L), VA_A, 1, AccessType.FETCH).ok);
    }

    @Test
    void t15ApTable() {
        // L1 entry 2 APTable[1]=1 (bit 62) -> everything below is read-only: STR -> Permission at the
        // leaf level 3 (0x9600_004F); LDR ok; with HPD0=1 (TCR bit 41) the table bit is ignored.
        String mem = envS1Memory(0x4000_0000_4000_2003L, 0x4000_3003L, D3_DEFAULT);
        assertFault(run(ENV_S1_REGS, mem, VA_A, 1, AccessType.WRITE), FaultKind.PERMISSION, 1, 3, 0x9600_004FL, 1);
        assertTrue(run(ENV_S1_REGS, mem, VA_A, 1, AccessType.READ).ok);
        String hpd = ENV_S1_REGS + "TCR_EL1 = 0x0000_0205_0080_3510\n";
        assertTrue(run(hpd, mem, VA_A, 1, AccessType.WRITE).ok);
    }
}
