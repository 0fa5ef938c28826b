package org.virtreplay.engine.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.mmu.MmuTestSupport.ENV_S1_REGS;
import static org.virtreplay.engine.mmu.MmuTestSupport.VA_A;
import static org.virtreplay.engine.mmu.MmuTestSupport.run;

import org.junit.jupiter.api.Test;

/**
 * Two-stage walks on ENV-S2 (arm-reference §15.0), derived by hand from §2–§7.
 *
 * <p>Stage 2 (VTCR 0x8002_3558: 4K, 40-bit IPA, start L1 with two concatenated L1 tables at PA
 * 0x8000_0000): IPA 0x4000_0000..0x401F_FFFF is a 2 MB block to PA 0x1_4000_0000 (root entry 1 at
 * 0x8000_0008 -> L2 at 0x8000_2000 entry 0). So the stage-1 tables at IPA 0x4000_0000..0x4000_3FFF
 * live at PA 0x1_4000_0000..0x1_4000_3FFF, and each stage-1 table address costs 2 stage-2 reads.
 * The final IPA 0x9ABC_DABC: root entry 2 (0x8000_0010) -> L2 entry 0xD5 (0x8000_36A8) -> L3 entry
 * 0x1CD (0x8000_4E68) = S2D3, 3 reads.
 */
class WalkTwoStageTest {
    static final String ENV_S2_REGS = ENV_S1_REGS + """
            HCR_EL2 = 0x1
            VTCR_EL2 = 0x8002_3558
            VTTBR_EL2 = 0x0005_0000_8000_0000
            """;
    static final long S2D3_DEFAULT = 0x0000_0002_5555_57FFL;

    static String mem(long s2l2e0, long s1l1e2, long s1l2e3, long d3, long s2d3) {
        return "0x80000008 0x80002003\n"
                + "0x80002000 " + Long.toHexString(s2l2e0) + "\n"
                + "0x80000010 0x80003003\n"
                + "0x800036a8 0x80004003\n"
                + "0x80004e68 " + Long.toHexString(s2d3) + "\n"
                + "0x140000008 0x40001003\n"
                + "0x140001010 " + Long.toHexString(s1l1e2) + "\n"
                + "0x140002018 " + Long.toHexString(s1l2e3) + "\n"
                + "0x140003020 " + Long.toHexString(d3) + "\n";
    }

    static String mem(long d3, long s2d3) {
        return mem(0x1_4000_07FDL, 0x4000_2003L, 0x4000_3003L, d3, s2d3);
    }

    static final String MEM = mem(0x9ABC_D703L, S2D3_DEFAULT);

    @Test
    void successReadCountAndOrder() {
        // n=4 stage-1 levels, each table IPA through 2 stage-2 levels (2 MB block), final IPA 3 levels:
        // 4*2 + 4 + 3 = 15 reads in this exact order.
        TranslationResult r = run(ENV_S2_REGS, MEM, VA_A, 1, AccessType.READ);
        assertTrue(r.ok);
        assertEquals(0x2_5555_5ABCL, r.pa);
        assertEquals(0x9ABC_DABCL, r.ipa);
        assertEquals(15, r.reads);
        long[][] expect = {
            {2, 1, 0x8000_0008L}, {2, 2, 0x8000_2000L}, {1, 0, 0x1_4000_0008L},
            {2, 1, 0x8000_0008L}, {2, 2, 0x8000_2000L}, {1, 1, 0x1_4000_1010L},
            {2, 1, 0x8000_0008L}, {2, 2, 0x8000_2000L}, {1, 2, 0x1_4000_2018L},
            {2, 1, 0x8000_0008L}, {2, 2, 0x8000_2000L}, {1, 3, 0x1_4000_3020L},
            {2, 1, 0x8000_0010L}, {2, 2, 0x8000_36A8L}, {2, 3, 0x8000_4E68L},
        };
        for (int i = 0; i < expect.length; i++) {
            assertEquals(expect[i][0], r.trace.stage(i), "stage of read " + i);
            assertEquals(expect[i][1], r.trace.level(i), "level of read " + i);
            assertEquals(expect[i][2], r.trace.pa(i), "pa of read " + i);
        }
        assertEquals(4, r.reads(1, 3) + r.reads(1, 0) + r.reads(1, 1) + r.reads(1, 2));
        assertEquals(5, r.reads(2, 1));
        // S1 0xFF ISH x S2 MemAttr 1111 (-> 0xFF) ISH = 0xFF ISH; size min(4K, 4K).
        assertEquals(0xFF, r.attr);
        assertEquals(Attributes.ISH, r.sh);
        assertEquals(4096, r.size);
        assertEquals(5, r.vmid);
    }

    @Test
    void s1ptwTranslationFault() {
        // S2 L2 entry 0 invalid: the first stage-1 table address (IPA 0x4000_0008) faults at stage 2 L2.
        // EL1 -> EL2 is a lower-EL Data Abort (EC 0x24), IL, S1PTW (bit 7), WnR 0 (a walk read), DFSC 0x06:
        // 0x9200_0086. HPFAR = IPA[47:12] << 4 = 0x4000_0000 >> 8 = 0x40_0000. 2 reads.
        TranslationResult r = run(ENV_S2_REGS, mem(0, 0x4000_2003L, 0x4000_3003L, 0x9ABC_D703L, S2D3_DEFAULT), VA_A,
                1, AccessType.WRITE);
        assertFalse(r.ok);
        assertEquals(FaultKind.TRANSLATION, r.fault);
        assertEquals(2, r.faultStage);
        assertEquals(2, r.faultLevel);
        assertTrue(r.s1ptw);
        assertEquals(2, r.targetEl);
        assertEquals(0x9200_0086L, r.esr);
        assertEquals(VA_A, r.far);
        assertEquals(0x40_0000L, r.hpfar);
        assertEquals(2, r.reads);
        // For an instruction fetch the same walk fault is an Instruction Abort from a lower EL: EC 0x20 -> 0x8200_0086.
        TranslationResult f = run(ENV_S2_REGS, mem(0, 0x4000_2003L, 0x4000_3003L, 0x9ABC_D703L, S2D3_DEFAULT), VA_A,
                1, AccessType.FETCH);
        assertEquals(0x8200_0086L, f.esr);
    }

    @Test
    void stage2FaultOnFinalIpa() {
        // S2D3 = 0: stage-2 Translation fault L3 on IPA 0x9ABC_DABC, S1PTW=0. Read: 0x9200_0007; write sets
        // WnR: 0x9200_0047. HPFAR = 0x9ABC_D000 >> 8 = 0x9ABC_D0. All 12 stage-1 reads + 3 stage-2 reads.
        TranslationResult r = run(ENV_S2_REGS, mem(0x9ABC_D703L, 0), VA_A, 1, AccessType.READ);
        assertEquals(FaultKind.TRANSLATION, r.fault);
        assertEquals(2, r.faultStage);
        assertEquals(3, r.faultLevel);
        assertFalse(r.s1ptw);
        assertEquals(0x9200_0007L, r.esr);
        assertEquals(0x9ABC_D0L, r.hpfar);
        assertEquals(0x9ABC_DABCL, r.faultIpa);
        assertEquals(15, r.reads);
        assertEquals(0x9200_0047L, run(ENV_S2_REGS, mem(0x9ABC_D703L, 0), VA_A, 1, AccessType.WRITE).esr);
        // From EL0 the stage-2 fault is still taken to EL2 with EC 0x24.
        TranslationResult e0 = run(ENV_S2_REGS, mem(0x9ABC_D743L, 0), VA_A, 0, AccessType.READ);
        assertEquals(2, e0.targetEl);
        assertEquals(0x9200_0007L, e0.esr);
    }

    @Test
    void stage2PermissionFaults() {
        // S2AP=01 (read-only; low bits 0x77F): EL1 write -> stage-2 Permission L3, WnR: 0x9200_004F.
        TranslationResult w = run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x2_5555_577FL), VA_A, 1, AccessType.WRITE);
        assertEquals(FaultKind.PERMISSION, w.fault);
        assertEquals(2, w.faultStage);
        assertEquals(0x9200_004FL, w.esr);
        assertTrue(run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x2_5555_577FL), VA_A, 1, AccessType.READ).ok);
        // Stage-2 XN=10 (bit 54): EL1 fetch -> Instruction Abort from lower EL, IFSC 0x0F: 0x8200_000F.
        TranslationResult x = run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x0040_0002_5555_57FFL), VA_A, 1, AccessType.FETCH);
        assertEquals(0x8200_000FL, x.esr);
        assertEquals(2, x.faultStage);
    }

    @Test
    void stage2XnxPerEl() {
        // FEAT_XNX: XN=01 (bit 53 only) forbids EL1 but allows EL0 execution; XN=11 the reverse.
        // Stage-1 page for EL0 execution: AP=01 (EL0 RW, so PXN by rule) UXN=0 -> D3 ...743.
        String xn01 = mem(0x9ABC_D743L, 0x0020_0002_5555_57FFL);
        assertTrue(run(ENV_S2_REGS, xn01, VA_A, 0, AccessType.FETCH).ok);
        String xn11 = mem(0x9ABC_D743L, 0x0060_0002_5555_57FFL);
        TranslationResult r = run(ENV_S2_REGS, xn11, VA_A, 0, AccessType.FETCH);
        assertEquals(2, r.faultStage);
        assertEquals(0x8200_000FL, r.esr);
        // EL1 fetch of an EL1-only page (D3 default AP=00): XN=01 faults at stage 2, XN=11 allowed.
        assertEquals(2, run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x0020_0002_5555_57FFL), VA_A, 1, AccessType.FETCH)
                .faultStage);
        assertTrue(run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x0060_0002_5555_57FFL), VA_A, 1, AccessType.FETCH).ok);
    }

    @Test
    void stage1FaultBeatsStage2Fault() {
        // D3 has AF=0 (HA=0) and S2D3 is invalid: the stage-1 Access flag fault is reported (to EL1,
        // 0x9600_000B) and the final IPA is never walked: 12 reads.
        TranslationResult r = run(ENV_S2_REGS, mem(0x9ABC_D303L, 0), VA_A, 1, AccessType.READ);
        assertEquals(FaultKind.ACCESS_FLAG, r.fault);
        assertEquals(1, r.faultStage);
        assertEquals(1, r.targetEl);
        assertEquals(0x9600_000BL, r.esr);
        assertEquals(12, r.reads);
        assertEquals(0, r.hpfar);
    }

    @Test
    void hardwareAfUpdateThroughReadOnlyStage2IsS1ptwPermissionWrite() {
        // Stage 2 maps the stage-1 tables read-only (S2AP=01: 0x1_4000_077D). D3 AF=0 with TCR_EL1.HA=1:
        // the AF update is a write to IPA 0x4000_3020 -> stage-2 Permission fault at the stage-2 leaf
        // level 2, S1PTW, WnR=1 (docs/fidelity.md): 0x9200_0000 | 0x80 | 0x40 | 0x0E = 0x9200_00CE.
        // HPFAR = 0x4000_3000 >> 8 = 0x40_0030. D3 unchanged.
        String regs = ENV_S2_REGS + "TCR_EL1 = 0x0000_0085_0080_3510\n";
        TranslateRequest req = MmuTestSupport.request(regs, mem(0x1_4000_077DL, 0x4000_2003L, 0x4000_3003L,
                0x9ABC_D303L, S2D3_DEFAULT), VA_A, 1, AccessType.READ, false);
        TranslationResult r = TranslateTool.run(req);
        assertEquals(FaultKind.PERMISSION, r.fault);
        assertTrue(r.s1ptw);
        assertEquals(2, r.faultLevel);
        assertEquals(0x9200_00CEL, r.esr);
        assertEquals(0x40_0030L, r.hpfar);
        assertEquals(0x9ABC_D303L, req.memory().read(0x1_4000_3020L));
        // With the tables writable at stage 2 the update succeeds at the stage-1 descriptor's PA.
        TranslateRequest ok = MmuTestSupport.request(regs, mem(0x9ABC_D303L, S2D3_DEFAULT), VA_A, 1,
                AccessType.READ, false);
        TranslationResult r2 = TranslateTool.run(ok);
        assertTrue(r2.ok);
        assertEquals(0x9ABC_D703L, ok.memory().read(0x1_4000_3020L));
        assertEquals(0x1_4000_3020L, r2.trace.updatePa(0));
    }

    @Test
    void ptwDeviceCheck() {
        // HCR_EL2.PTW=1 (bit 2) and stage 2 maps the stage-1 tables as Device-nGnRE (MemAttr 0001: 0x1_4000_07C5):
        // the first walk access is a stage-2 Permission fault at L2 with S1PTW: 0x9200_008E.
        String regs = ENV_S2_REGS + "HCR_EL2 = 0x5\n";
        TranslationResult r = run(regs, mem(0x1_4000_07C5L, 0x4000_2003L, 0x4000_3003L, 0x9ABC_D703L, S2D3_DEFAULT),
                VA_A, 1, AccessType.READ);
        assertEquals(FaultKind.PERMISSION, r.fault);
        assertEquals(0x9200_008EL, r.esr);
        // Without PTW the same walk succeeds.
        assertTrue(run(ENV_S2_REGS, mem(0x1_4000_07C5L, 0x4000_2003L, 0x4000_3003L, 0x9ABC_D703L, S2D3_DEFAULT),
                VA_A, 1, AccessType.READ).ok);
    }

    @Test
    void attributeCombinationFwb0() {
        // AttrIndx 2 (MAIR byte 0x04, Device-nGnRE) over S2 Normal WB: Device wins -> 0x04, forced OSH.
        TranslationResult dev = run(ENV_S2_REGS, mem(0x9ABC_D70BL, S2D3_DEFAULT), VA_A, 1, AccessType.READ);
        assertEquals(0x04, dev.attr);
        assertEquals(Attributes.OSH, dev.sh);
        // S1 WB (0xFF) x S2 NC (MemAttr 0101, 0x7D7) -> 0x44, forced OSH.
        TranslationResult nc = run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x2_5555_57D7L), VA_A, 1, AccessType.READ);
        assertEquals(0x44, nc.attr);
        assertEquals(Attributes.OSH, nc.sh);
        // S1 WB RWA (F) x S2 WT (MemAttr 1010, 0x7EB): WT with stage-1 hints RW -> nibble 1011 -> 0xBB, ISH.
        TranslationResult wt = run(ENV_S2_REGS, mem(0x9ABC_D703L, 0x2_5555_57EBL), VA_A, 1, AccessType.READ);
        assertEquals(0xBB, wt.attr);
        assertEquals(Attributes.ISH, wt.sh);
        // S1 Device-nGnRE (0x04) x S2 Device-GRE (MemAttr 0011, 0x7CF): the stronger nGnRE -> 0x04.
        TranslationResult dd = run(ENV_S2_REGS, mem(0x9ABC_D70BL, 0x2_5555_57CFL), VA_A, 1, AccessType.READ);
        assertEquals(0x04, dd.attr);
        // S1 NC (AttrIndx 1, 0x44) x S2 WB -> 0x44 OSH.
        assertEquals(0x44, run(ENV_S2_REGS, mem(0x9ABC_D707L, S2D3_DEFAULT), VA_A, 1, AccessType.READ).attr);
        // Shareability: S1 SH=10 (OSH, D3 0x...603) x S2 ISH -> OSH.
        assertEquals(Attributes.OSH, run(ENV_S2_REGS, mem(0x9ABC_D603L, S2D3_DEFAULT), VA_A, 1, AccessType.READ).sh);
        // S1 SH=00 (NSH, 0x...403) x S2 ISH -> ISH.
        assertEquals(Attributes.ISH, run(ENV_S2_REGS, mem(0x9ABC_D403L, S2D3_DEFAULT), VA_A, 1, AccessType.READ).sh);
    }

    @Test
    void attributeCombinationFwb1() {
        String fwb = ENV_S2_REGS + "HCR_EL2 = 0x4000_0000_0001\n"; // VM | FWB (bit 46)
        // MemAttr 0110 (0x7DB): force WB; stage-1 Device-nGnRE becomes 0xFF; SH ISH x ISH -> ISH.
        TranslationResult wb = run(fwb, mem(0x9ABC_D70BL, 0x2_5555_57DBL), VA_A, 1, AccessType.READ);
        assertEquals(0xFF, wb.attr);
        assertEquals(Attributes.ISH, wb.sh);
        // MemAttr 0110 over stage-1 NC (0x44): NC nibbles become WB RWA -> 0xFF.
        assertEquals(0xFF, run(fwb, mem(0x9ABC_D707L, 0x2_5555_57DBL), VA_A, 1, AccessType.READ).attr);
        // MemAttr 0111 (0x7DF): stage-1 attributes unchanged: 0x44 -> 0x44 OSH.
        TranslationResult s1 = run(fwb, mem(0x9ABC_D707L, 0x2_5555_57DFL), VA_A, 1, AccessType.READ);
        assertEquals(0x44, s1.attr);
        assertEquals(Attributes.OSH, s1.sh);
        // MemAttr 0101 (0x7D7): Normal NC unless stage 1 is Device: 0xFF -> 0x44; Device-nGnRE stays 0x04.
        assertEquals(0x44, run(fwb, mem(0x9ABC_D703L, 0x2_5555_57D7L), VA_A, 1, AccessType.READ).attr);
        assertEquals(0x04, run(fwb, mem(0x9ABC_D70BL, 0x2_5555_57D7L), VA_A, 1, AccessType.READ).attr);
        // MemAttr 0001 (0x7C7): Device-nGnRE regardless of stage 1.
        assertEquals(0x04, run(fwb, mem(0x9ABC_D703L, 0x2_5555_57C7L), VA_A, 1, AccessType.READ).attr);
    }

    @Test
    void fwbReservedMemAttr100() {
        // FWB=1, MemAttr[2:0] = 100 (reserved; S2D3 low bits 0x7D3): treated as Device-nGnRnE (docs/fidelity.md,
        // arm-reference §17.10) -> 0x00, forced OSH.
        TranslationResult r = run(ENV_S2_REGS + "HCR_EL2 = 0x4000_0000_0001\n", mem(0x9ABC_D703L, 0x2_5555_57D3L),
                VA_A, 1, AccessType.READ);
        assertEquals(0x00, r.attr);
        assertEquals(Attributes.OSH, r.sh);
    }

    @Test
    void secureStateWithoutSel2IgnoresHcr() {
        // Secure EL1 with SCR_EL3.EEL2=0: EL2 is not enabled, so HCR_EL2 (VM, even DC) has no effect:
        // stage 1 only, 4 reads at the stage-1 table addresses taken as PAs (0x4000_0008...).
        MmuRegisters regs = TranslateTool.parseRegisters(MmuTestSupport.lines(ENV_S2_REGS + "HCR_EL2 = 0x1001\nSCR_EL3 = 0\n"),
                "r");
        PhysicalMemory m = TranslateTool.parseMemory(MmuTestSupport.lines(MmuTestSupport.envS1Memory(0x9ABC_D703L)),
                "m", new PhysicalMemory());
        TranslationResult r = TranslateTool.run(new TranslateRequest(regs, m, VA_A, 1, AccessType.READ, false, true));
        assertTrue(r.ok);
        assertEquals(0x9ABC_DABCL, r.pa);
        assertEquals(4, r.reads);
        assertFalse(r.stage2Enabled);
        assertFalse(r.nonSecure); // leaf NS=0 in Secure state: Secure PA space
    }

    @Test
    void guestMmuOffDc0() {
        // SCTLR_EL1.M=0, VM=1, DC=0: VA 0x9ABC_DABC is the IPA; stage 2 only (3 reads). Data: stage-1
        // default Device-nGnRnE (0x00) combined with WB -> 0x00, OSH. Fetch with I=0: 0x44 OSH; with
        // I=1: Normal WT RA non-transient 0xAA (docs/fidelity.md) x WB -> stage-1 WT kept: 0xAA, OSH x ISH = OSH.
        String off = ENV_S2_REGS + "SCTLR_EL1 = 0\n";
        TranslationResult d = run(off, MEM, 0x9ABC_DABCL, 1, AccessType.READ);
        assertTrue(d.ok);
        assertEquals(0x2_5555_5ABCL, d.pa);
        assertEquals(3, d.reads);
        assertEquals(0x00, d.attr);
        assertEquals(Attributes.OSH, d.sh);
        assertEquals(0x44, run(off, MEM, 0x9ABC_DABCL, 1, AccessType.FETCH).attr);
        TranslationResult i = run(ENV_S2_REGS + "SCTLR_EL1 = 0x1000\n", MEM, 0x9ABC_DABCL, 1, AccessType.FETCH);
        assertEquals(0xAA, i.attr);
        assertEquals(Attributes.OSH, i.sh);
    }

    @Test
    void guestMmuOffDc1() {
        // HCR_EL2.DC=1 (bit 12) with VM=0: stage 2 is on, stage 1 acts as off even with SCTLR_EL1.M=1;
        // stage-1 default Normal WB (0xFF) Non-shareable x S2 WB ISH -> 0xFF ISH. 3 reads.
        String dc = ENV_S2_REGS + "HCR_EL2 = 0x1000\n";
        TranslationResult r = run(dc, MEM, 0x9ABC_DABCL, 1, AccessType.READ);
        assertTrue(r.ok);
        assertEquals(0x2_5555_5ABCL, r.pa);
        assertEquals(0xFF, r.attr);
        assertEquals(Attributes.ISH, r.sh);
        assertEquals(3, r.reads);
        // VA bit 48 set with PARange 48: VA exceeds PAMax with stage 1 off -> stage-1 Address size fault L0 (to EL1).
        TranslationResult big = run(dc, MEM, 0x0001_0000_0000_0000L, 1, AccessType.READ);
        assertEquals(FaultKind.ADDRESS_SIZE, big.fault);
        assertEquals(1, big.faultStage);
        assertEquals(0x9600_0000L, big.esr);
    }

    @Test
    void concatenatedRootAndIpaRange() {
        // IPA 0x80_1234_5678 has IPA[39:30] = 0x200: the 513th entry of the concatenated root, i.e. the
        // first entry of the second 4 KB table at PA 0x8000_1000. A 1 GB block there (0x3_0000_07FD):
        // PA = 0x3_0000_0000 | IPA[29:0] = 0x3_1234_5678, size 1 GB, 1 read.
        String off = ENV_S2_REGS + "SCTLR_EL1 = 0\n";
        String m = MEM + "0x80001000 0x3000007fd\n";
        TranslationResult r = run(off, m, 0x80_1234_5678L, 1, AccessType.READ);
        assertTrue(r.ok);
        assertEquals(0x3_1234_5678L, r.pa);
        assertEquals(1L << 30, r.size);
        assertEquals(1, r.reads);
        assertEquals(0x8000_1000L, r.trace.pa(0));
        // IPA 0x100_0000_0000 = 2^40 is outside the 40-bit IPA space: stage-2 Translation fault level 0,
        // no reads; ESR 0x9200_0004; HPFAR = 2^40 >> 8 = 0x1_0000_0000.
        TranslationResult o = run(off, m, 0x100_0000_0000L, 1, AccessType.READ);
        assertEquals(FaultKind.TRANSLATION, o.fault);
        assertEquals(2, o.faultStage);
        assertEquals(0, o.faultLevel);
        assertEquals(0x9200_0004L, o.esr);
        assertEquals(0x1_0000_0000L, o.hpfar);
        assertEquals(0, o.reads);
    }

    @Test
    void inconsistentStartLevel() {
        // T0SZ=24 (40-bit) with SL0=00 (start L2 at 4K): at most 1*9+12+9+4 = 34 bits -> inconsistent:
        // every stage-2 access is a Translation fault level 0; the first is the stage-1 root read (S1PTW):
        // 0x9200_0084.
        String regs = ENV_S2_REGS + "VTCR_EL2 = 0x8002_3518\n";
        TranslationResult r = run(regs, MEM, VA_A, 1, AccessType.READ);
        assertEquals(FaultKind.TRANSLATION, r.fault);
        assertTrue(r.s1ptw);
        assertEquals(0, r.faultLevel);
        assertEquals(0x9200_0084L, r.esr);
    }

    @Test
    void entrySizeIsSmallerOfBothStages() {
        // Stage-1 4 KB page to IPA 0x4010_0000 (inside the stage-2 2 MB block): PA 0x1_4010_0ABC;
        // size min(4K, 2M) = 4096; reads 4*2 + 4 + 2 = 14.
        TranslationResult r = run(ENV_S2_REGS, mem(0x4010_0703L, S2D3_DEFAULT), VA_A, 1, AccessType.READ);
        assertEquals(0x1_4010_0ABCL, r.pa);
        assertEquals(4096, r.size);
        assertEquals(14, r.reads);
        // Stage-1 2 MB block (L2 entry 3 = 0x4000_0701) over the stage-2 2 MB block: IPA 0x4000_4ABC ->
        // PA 0x1_4000_4ABC, size 2 MB, reads 3*2 + 3 + 2 = 11 = (3+1)(2+1)-1.
        TranslationResult b = run(ENV_S2_REGS, mem(0x1_4000_07FDL, 0x4000_2003L, 0x4000_0701L, 0, S2D3_DEFAULT),
                VA_A, 1, AccessType.READ);
        assertEquals(0x1_4000_4ABCL, b.pa);
        assertEquals(2L << 20, b.size);
        assertEquals(11, b.reads);
    }

    @Test
    void stage1OutputBeyondIpsIsStage1AddressSize() {
        // IPS=010 (40 bits; TCR 0x2_0080_3510): D3's OA 0x100_0000_0000 has bit 40 set -> stage-1 Address size
        // fault L3 to EL1 (0x9600_0003), before any stage-2 walk of the output.
        String regs = ENV_S2_REGS + "TCR_EL1 = 0x0000_0002_0080_3510\n";
        TranslationResult r = run(regs, mem(0x100_0000_0703L, S2D3_DEFAULT), VA_A, 1, AccessType.READ);
        assertEquals(FaultKind.ADDRESS_SIZE, r.fault);
        assertEquals(1, r.faultStage);
        assertEquals(0x9600_0003L, r.esr);
        assertEquals(12, r.reads);
    }
}
