package org.virtreplay.engine.pe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Hcr;
import org.virtreplay.engine.mmu.Mair;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.Regime;
import org.virtreplay.engine.mmu.TableBuilder;
import org.virtreplay.engine.mmu.TranslationResult;

/** PE model: regimes, security, system-register access rules, exception bookkeeping (issue 4). */
class PeModelTest {
    static final long VM = 1L, DC = 1L << 12, TGE = 1L << 27, E2H = 1L << 34, RW = 1L << 31, TVM = 1L << 26,
            TRVM = 1L << 30, IMO = 1L << 4;

    private static TranslationRegime sel(int el, SecurityState s, long hcr, boolean eel2) {
        return TranslationRegime.select(el, s, Hcr.decode(hcr).effective(), eel2, 5);
    }

    @Test
    void regimeChoice() {
        SecurityState ns = SecurityState.NON_SECURE;
        SecurityState sec = SecurityState.SECURE;
        // Non-secure EL1/EL0, no VM/DC: EL1&0 stage 1 only.
        assertEquals(new TranslationRegime(Regime.EL10, ns, false, 0), sel(1, ns, RW, false));
        assertEquals(new TranslationRegime(Regime.EL10, ns, false, 0), sel(0, ns, RW, false));
        // VM or DC: stage 2 on, tagged with the VMID.
        assertEquals(new TranslationRegime(Regime.EL10, ns, true, 5), sel(1, ns, RW | VM, false));
        assertEquals(new TranslationRegime(Regime.EL10, ns, true, 5), sel(0, ns, RW | DC, false));
        // VHE host running a guest (E2H=1, TGE=0): guest EL0/EL1 in EL1&0 with stage 2; EL2 in EL2&0.
        assertEquals(new TranslationRegime(Regime.EL10, ns, true, 5), sel(0, ns, RW | VM | E2H, false));
        assertEquals(Regime.EL20, sel(2, ns, RW | VM | E2H, false).regime());
        // VHE host user (E2H=1, TGE=1): EL0 uses EL2&0; VM is ignored under TGE, so no stage 2.
        assertEquals(new TranslationRegime(Regime.EL20, ns, false, 0), sel(0, ns, RW | VM | E2H | TGE, false));
        // Non-VHE hypervisor at EL2: single-range EL2 regime.
        assertEquals(new TranslationRegime(Regime.EL2, ns, false, 0), sel(2, ns, RW | VM, false));
        // Secure EL1 without Secure EL2 (SCR_EL3.EEL2=0): EL2 is not enabled, no stage 2 despite VM.
        assertEquals(new TranslationRegime(Regime.EL10, sec, false, 0), sel(1, sec, RW | VM, false));
        // With FEAT_SEL2 enabled the secure stage 2 applies.
        assertEquals(new TranslationRegime(Regime.EL10, sec, true, 5), sel(1, sec, RW | VM, true));
        // EL3 is always Secure.
        assertEquals(new TranslationRegime(Regime.EL3, sec, false, 0), sel(3, ns, RW, false));
    }

    @Test
    void secureAndNonSecureTagsNeverAlias() {
        // Same regime, same VMID, different security state: different tags (bit 2).
        long s = TranslationRegime.tag(Regime.EL10, true, true, 5);
        long n = TranslationRegime.tag(Regime.EL10, false, true, 5);
        assertNotEquals(s, n);
        assertEquals(4L, s ^ n);
        // Layout: regime EL1&0 = 0, stage 2 = bit 3, VMID 5 in [19:4]: 0x58 for Non-secure.
        assertEquals(0x58L, n);
        assertNotEquals(TranslationRegime.tag(Regime.EL10, false, true, 6), n);
        assertNotEquals(TranslationRegime.tag(Regime.EL20, false, false, 0), TranslationRegime.tag(Regime.EL2, false, false, 0));
    }

    /** Stage-1 tables for VA 0x8000_0000 -> PA 0x9000_0000 (4K, 48-bit), leaf NS bit as given. */
    private static PeState secureEl1WithPage(PhysicalMemory mem, boolean nsBit) {
        TableBuilder b = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x20_0000L, 1 << 20, new Mair(0xFF), null);
        b.map(0x8000_0000L, 0x9000_0000L, 4096, "rw", MemType.NORMAL_WB, false);
        if (nsBit) {
            // Find the leaf by resolving the L3 entry: set bit 5 (NS) in the descriptor we just wrote.
            long l3 = findLeaf(mem, 0x10_0000L, 0x8000_0000L);
            mem.write(l3, mem.read(l3) | (1L << 5));
        }
        PeState pe = new PeState(1, SecurityState.SECURE);
        pe.mmuRegisters().set("TCR_EL1", 0x0000_0005_0080_3510L);
        pe.mmuRegisters().set("MAIR_EL1", 0xFF);
        pe.mmuRegisters().set("SCTLR_EL1", 1);
        pe.mmuRegisters().set("TTBR0_EL1", 0x10_0000L);
        return pe;
    }

    private static long findLeaf(PhysicalMemory mem, long root, long va) {
        long table = root;
        for (int level = 0; level < 3; level++) {
            long d = mem.read(table + (((va >>> (39 - 9 * level)) & 511) << 3));
            table = d & 0x0000_FFFF_FFFF_F000L;
        }
        return table + (((va >>> 12) & 511) << 3);
    }

    @Test
    void nsBitSelectsOutputPaSpace() {
        // Secure state: leaf NS=0 -> Secure PA space; NS=1 -> Non-secure PA space. Same PA either way.
        PhysicalMemory mem = new PhysicalMemory();
        PeState pe = secureEl1WithPage(mem, false);
        TranslationResult r = new TranslationResult();
        assertTrue(pe.translate(new Mmu(mem), 0x8000_0123L, AccessType.READ, false, r, "t:1"));
        assertEquals(0x9000_0123L, r.pa);
        assertFalse(r.nonSecure);
        PhysicalMemory mem2 = new PhysicalMemory();
        PeState pe2 = secureEl1WithPage(mem2, true);
        assertTrue(pe2.translate(new Mmu(mem2), 0x8000_0123L, AccessType.READ, false, r, "t:1"));
        assertTrue(r.nonSecure);
        // In Non-secure state the NS bit is ignored: always the Non-secure space.
        TranslationResult n = new TranslationResult();
        new Mmu(mem).translate(pe.mmuRegisters(), 0x8000_0123L, 1, AccessType.READ, false, false, n);
        assertTrue(n.nonSecure);
        // NSTable=1 in the L0 entry makes the output Non-secure too.
        long l0 = 0x10_0000L + (((0x8000_0000L >>> 39) & 511) << 3);
        mem.write(l0, mem.read(l0) | (1L << 63));
        assertTrue(pe.translate(new Mmu(mem), 0x8000_0123L, AccessType.READ, false, r, "t:1"));
        assertTrue(r.nonSecure);
    }

    @Test
    void secureStage2UsesVsttbr() {
        // Secure EL1 with SCR_EL3.EEL2=1 (bit 18) and HCR_EL2.VM: stage 2 comes from VSTTBR/VSTCR, not VTTBR/VTCR.
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder s2 = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0x8000_0000L, 0x8010_0000L, 1 << 20, false);
        s2.map(0x4000_0000L, 0x1_4000_0000L, 2 << 20, "rw", MemType.NORMAL_WB, false);
        PeState pe = new PeState(1, SecurityState.SECURE);
        pe.mmuRegisters().set("SCR_EL3", 1L << 18);
        pe.mmuRegisters().set("HCR_EL2", RW | VM);
        pe.mmuRegisters().set("VSTCR_EL2", 0x8002_3558L);
        pe.mmuRegisters().set("VSTTBR_EL2", 0x8000_0000L);
        pe.mmuRegisters().set("VTTBR_EL2", 0x7777_0000L); // must not be used
        TranslationResult r = new TranslationResult();
        // Stage 1 off (SCTLR_EL1.M=0): IPA = VA 0x4000_1234 -> PA 0x1_4000_1234 through the 2 MB block, 2 reads.
        assertTrue(pe.translate(new Mmu(mem), 0x4000_1234L, AccessType.READ, false, r, "t:1"));
        assertEquals(0x1_4000_1234L, r.pa);
        assertEquals(2, r.reads);
        assertTrue(pe.regime().stage2());
    }

    @Test
    void secureStage1NsOutputUsesNonSecureStage2() {
        // Secure EL1 with SEL2 and stage 1 on: a leaf with NS=1 outputs a Non-secure IPA, translated by the
        // Non-secure stage 2 (VTTBR/VTCR); NS=0 by the Secure one (VSTTBR/VSTCR). Stage-1 tables at PA=IPA
        // 0x10_0000 are mapped identically by both stage 2s; the data IPA 0x9000_0000 maps to 0x1_9000_0000
        // (NS stage 2) or 0x2_9000_0000 (Secure stage 2).
        for (boolean ns : new boolean[] {true, false}) {
            PhysicalMemory mem = new PhysicalMemory();
            TableBuilder nsS2 = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0x8000_0000L, 0x8010_0000L, 1 << 20, false);
            TableBuilder sS2 = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0xA000_0000L, 0xA010_0000L, 1 << 20, false);
            for (TableBuilder t : new TableBuilder[] {nsS2, sS2}) {
                t.map(0x0, 0x0, 2 << 20, "rw", MemType.NORMAL_WB, false); // stage-1 tables (IPA = PA)
            }
            nsS2.map(0x9000_0000L, 0x1_9000_0000L, 4096, "rw", MemType.NORMAL_WB, false);
            sS2.map(0x9000_0000L, 0x2_9000_0000L, 4096, "rw", MemType.NORMAL_WB, false);
            PeState pe = secureEl1(mem, ns);
            pe.mmuRegisters().set("SCR_EL3", 1L << 18);
            pe.mmuRegisters().set("HCR_EL2", RW | VM);
            pe.mmuRegisters().set("VTCR_EL2", 0x8002_3558L | (1L << 30)); // NSA=1: NS IPA -> NS PA space
            pe.mmuRegisters().set("VTTBR_EL2", 0x8000_0000L);
            pe.mmuRegisters().set("VSTCR_EL2", 0x8002_3558L); // SA=0: Secure IPA -> Secure PA space
            pe.mmuRegisters().set("VSTTBR_EL2", 0xA000_0000L);
            TranslationResult r = new TranslationResult();
            assertTrue(pe.translate(new Mmu(mem), 0x8000_0123L, AccessType.READ, false, r, "t:1"));
            assertEquals(ns ? 0x1_9000_0123L : 0x2_9000_0123L, r.pa);
            assertEquals(ns, r.nonSecure);
        }
    }

    @Test
    void nsTableMovesTheRestOfASecureWalkToTheNonSecureStage2() {
        // Secure stage 2 (VSTTBR 0xA000_0000) maps IPA 0..2 MB identically; the Non-secure one (VTTBR 0x8000_0000)
        // maps IPA 0..2 MB to PA 0x100_0000.. and IPA 0x9000_0000 to PA 0x1_9000_0000. The stage-1 L1..L3 tables
        // (IPA 0x11_0000..0x11_2FFF) exist only at their Non-secure-stage-2 PAs (0x111_0000..); the L0 entry
        // has NSTable=1 (bit 63). So L0 is read through the Secure stage 2 (PA 0x10_0000 + 8*0 = 0x10_0000 for
        // VA 0x8000_0000, L0 index 0), L1..L3 through the Non-secure one, and the NS output IPA 0x9000_0000
        // through the Non-secure stage 2: PA 0x1_9000_0123, Non-secure space (VTCR.NSA=1).
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder nsS2 = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0x8000_0000L, 0x8010_0000L, 1 << 20, false);
        TableBuilder sS2 = TableBuilder.stage2(mem, Granule.K4, 40, 1, 0xA000_0000L, 0xA010_0000L, 1 << 20, false);
        sS2.map(0x0, 0x0, 2 << 20, "rw", MemType.NORMAL_WB, false);
        nsS2.map(0x0, 0x100_0000L, 2 << 20, "rw", MemType.NORMAL_WB, false);
        nsS2.map(0x9000_0000L, 0x1_9000_0000L, 4096, "rw", MemType.NORMAL_WB, false);
        TableBuilder b = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x11_0000L, 0x3000, new Mair(0xFF), null);
        b.map(0x8000_0000L, 0x9000_0000L, 4096, "rw", MemType.NORMAL_WB, false);
        for (long a = 0x11_0000L; a < 0x11_3000L; a += 8) {
            mem.write(a + 0x100_0000L, mem.read(a)); // the copy the Non-secure stage 2 points at
            mem.write(a, 0); // and nothing where the Secure stage 2 points
        }
        mem.write(0x10_0000L, mem.read(0x10_0000L) | (1L << 63)); // NSTable in the L0 entry
        PeState pe = new PeState(1, SecurityState.SECURE);
        pe.mmuRegisters().set("TCR_EL1", 0x0000_0005_0080_3510L);
        pe.mmuRegisters().set("MAIR_EL1", 0xFF);
        pe.mmuRegisters().set("SCTLR_EL1", 0x1005);
        pe.mmuRegisters().set("TTBR0_EL1", 0x10_0000L);
        pe.mmuRegisters().set("SCR_EL3", 1L << 18);
        pe.mmuRegisters().set("HCR_EL2", RW | VM);
        pe.mmuRegisters().set("VTCR_EL2", 0x8002_3558L | (1L << 30));
        pe.mmuRegisters().set("VTTBR_EL2", 0x8000_0000L);
        pe.mmuRegisters().set("VSTCR_EL2", 0x8002_3558L);
        pe.mmuRegisters().set("VSTTBR_EL2", 0xA000_0000L);
        TranslationResult r = new TranslationResult();
        assertTrue(pe.translate(new Mmu(mem), 0x8000_0123L, AccessType.READ, false, r, "t:1"));
        assertEquals(0x1_9000_0123L, r.pa);
        assertTrue(r.nonSecure);
    }

    /** Secure EL1 whose stage 1 (tables at 0x10_0000) maps VA 0x8000_0000 to IPA 0x9000_0000, leaf NS as given. */
    private static PeState secureEl1(PhysicalMemory mem, boolean nsBit) {
        TableBuilder b = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x11_0000L, 1 << 16, new Mair(0xFF), null);
        b.map(0x8000_0000L, 0x9000_0000L, 4096, "rw", MemType.NORMAL_WB, false);
        if (nsBit) {
            long leaf = b.leafDescriptorPa(0x8000_0000L);
            mem.write(leaf, mem.read(leaf) | (1L << 5));
        }
        PeState pe = new PeState(1, SecurityState.SECURE);
        pe.mmuRegisters().set("TCR_EL1", 0x0000_0005_0080_3510L);
        pe.mmuRegisters().set("MAIR_EL1", 0xFF);
        pe.mmuRegisters().set("SCTLR_EL1", 0x1005);
        pe.mmuRegisters().set("TTBR0_EL1", 0x10_0000L);
        return pe;
    }

    @Test
    void el0WriteOfTtbr0El1IsUndefined() {
        // TTBR0_EL1's suffix is EL1: from EL0 it is UNDEFINED, EC 0x00 with IL -> ESR 0x0200_0000, taken to EL1.
        PeState pe = new PeState(0, SecurityState.NON_SECURE);
        SysRegOutcome o = pe.accessSysreg(SysRegName.TTBR0_EL1, true, 0x1234_0000L, 0, "trace.csv:3");
        assertEquals(SysRegOutcome.Kind.UNDEFINED, o.kind);
        assertEquals(1, o.targetEl);
        assertEquals(0x0200_0000L, o.esr);
        assertEquals(0, pe.read(SysRegName.TTBR0_EL1)); // discarded
        assertEquals(1, pe.undefinedCount());
        assertEquals(1, pe.countForEsr(0x0200_0000L));
        // EL1 writing an _EL2 register: UNDEFINED taken to EL1 itself.
        SysRegOutcome o2 = pe.accessSysreg(SysRegName.VTTBR_EL2, true, 1, 1, "trace.csv:4");
        assertEquals(SysRegOutcome.Kind.UNDEFINED, o2.kind);
        assertEquals(1, o2.targetEl);
    }

    @Test
    void tvmTrapsEl1WritesToEl2() {
        // HCR_EL2.TVM: EL1 MSR TTBR0_EL1 traps to EL2 with EC 0x18. ISS: Op0=3 (<<20 = 0x30_0000),
        // Op2=0, Op1=0, CRn=2 (<<10 = 0x800), Rt=0, CRm=0, Direction=0 (write): ESR = 0x6000_0000 | IL
        // 0x0200_0000 | 0x30_0800 = 0x6230_0800.
        PeState pe = new PeState(1, SecurityState.NON_SECURE);
        pe.accessSysreg(SysRegName.HCR_EL2, true, RW | VM | TVM | TRVM, 2, "t:1");
        SysRegOutcome o = pe.accessSysreg(SysRegName.TTBR0_EL1, true, 0x0007_0000_1000_0000L, 1, "t:2");
        assertEquals(SysRegOutcome.Kind.TRAPPED, o.kind);
        assertEquals(2, o.targetEl);
        assertEquals(0x6230_0800L, o.esr);
        assertEquals(0x18, (int) (o.esr >>> 26));
        // KVM emulates the write into the vCPU register.
        assertEquals(0x0007_0000_1000_0000L, pe.read(SysRegName.TTBR0_EL1));
        // MAIR_EL1: CRn=10 (0x2800), CRm=2 (<<1 = 4) -> 0x6230_2804.
        assertEquals(0x6230_2804L, pe.accessSysreg(SysRegName.MAIR_EL1, true, 0xFF, 1, "t:3").esr);
        // TRVM: MRS SCTLR_EL1: CRn=1 (0x400), Direction=1 (read) -> 0x6230_0401.
        SysRegOutcome rd = pe.accessSysreg(SysRegName.SCTLR_EL1, false, 0, 1, "t:4");
        assertEquals(SysRegOutcome.Kind.TRAPPED, rd.kind);
        assertEquals(0x6230_0401L, rd.esr);
        assertEquals(3, pe.trappedCount());
        // A discarding hypervisor model leaves the register unchanged.
        pe.setEmulateTrappedWrites(false);
        pe.accessSysreg(SysRegName.TCR_EL1, true, 0x1234, 1, "t:5");
        assertEquals(0, pe.read(SysRegName.TCR_EL1));
        // Without TVM the write goes through; ICC_PMR_EL1 is never a TVM register.
        pe.accessSysreg(SysRegName.HCR_EL2, true, RW | VM, 2, "t:6");
        assertEquals(SysRegOutcome.Kind.ALLOWED, pe.accessSysreg(SysRegName.TCR_EL1, true, 0x99, 1, "t:7").kind);
        assertEquals(0x99, pe.read(SysRegName.TCR_EL1));
    }

    @Test
    void vheRedirection() {
        PeState pe = new PeState(2, SecurityState.NON_SECURE);
        pe.accessSysreg(SysRegName.HCR_EL2, true, RW | E2H | TGE, 2, "t:1");
        // At EL2 with E2H=1, TCR_EL1 means TCR_EL2 ...
        SysRegOutcome o = pe.accessSysreg(SysRegName.TCR_EL1, true, 0x10, 2, "t:2");
        assertEquals(SysRegName.TCR_EL2, o.target);
        assertEquals(0x10, pe.read(SysRegName.TCR_EL2));
        assertEquals(0, pe.read(SysRegName.TCR_EL1));
        // ... and TCR_EL12 reaches the real TCR_EL1.
        assertEquals(SysRegName.TCR_EL1, pe.accessSysreg(SysRegName.TCR_EL12, true, 0x20, 2, "t:3").target);
        assertEquals(0x20, pe.read(SysRegName.TCR_EL1));
        assertEquals(0x10, pe.read(SysRegName.TCR_EL2));
        // Without E2H, _EL12 is UNDEFINED (to EL2) and TCR_EL1 at EL2 is the EL1 register.
        PeState nvhe = new PeState(2, SecurityState.NON_SECURE);
        SysRegOutcome u = nvhe.accessSysreg(SysRegName.TCR_EL12, true, 1, 2, "t:4");
        assertEquals(SysRegOutcome.Kind.UNDEFINED, u.kind);
        assertEquals(2, u.targetEl);
        assertEquals(SysRegName.TCR_EL1, nvhe.accessSysreg(SysRegName.TCR_EL1, true, 7, 2, "t:5").target);
        // _EL12 from EL1 is UNDEFINED even with E2H=1.
        assertEquals(SysRegOutcome.Kind.UNDEFINED, pe.accessSysreg(SysRegName.TTBR0_EL12, true, 1, 1, "t:6").kind);
    }

    @Test
    void aarch32El0UnderAarch64Guest() {
        // A 32-bit process at EL0 uses the AArch64 EL1&0 regime of its kernel: VA 0x0001_2345 mapped
        // EL0-readable to PA 0x5001_2000 -> PA 0x5001_2345, exactly as an AArch64 EL0 access would.
        PhysicalMemory mem = new PhysicalMemory();
        TableBuilder b = TableBuilder.stage1(mem, Granule.K4, 48, 0x10_0000L, 0x20_0000L, 1 << 20, new Mair(0xFF), null);
        b.map(0x0001_2000L, 0x5001_2000L, 4096, "rwu", MemType.NORMAL_WB, true);
        PeState pe = new PeState(0, SecurityState.NON_SECURE);
        pe.setExecState(0, ExecState.AARCH32, "t:1");
        pe.mmuRegisters().set("TCR_EL1", 0x0000_0005_0080_3510L);
        pe.mmuRegisters().set("MAIR_EL1", 0xFF);
        pe.mmuRegisters().set("SCTLR_EL1", 1);
        pe.mmuRegisters().set("TTBR0_EL1", 0x10_0000L);
        TranslationResult r = new TranslationResult();
        Mmu mmu = new Mmu(mem);
        assertTrue(pe.translate(mmu, 0x0001_2345L, AccessType.WRITE, false, r, "t:2"));
        assertEquals(0x5001_2345L, r.pa);
        assertEquals(Regime.EL10, r.regime);
        // A VA beyond 32 bits cannot come from an AArch32 process.
        BadInputException e = assertThrows(BadInputException.class,
                () -> pe.translate(mmu, 0x1_0000_0000L, AccessType.READ, false, r, "trace.csv:9"));
        assertTrue(e.getMessage().startsWith("trace.csv:9: column 'va'"), e.getMessage());
    }

    @Test
    void aarch32El1Refused() {
        PeState pe = new PeState(1, SecurityState.NON_SECURE);
        BadInputException e = assertThrows(BadInputException.class,
                () -> pe.setExecState(1, ExecState.AARCH32, "trace.csv:7"));
        assertTrue(e.getMessage().startsWith("trace.csv:7: AArch32 at EL1 is not supported"), e.getMessage());
        assertThrows(BadInputException.class, () -> pe.setExecState(2, ExecState.AARCH32, "trace.csv:8"));
        // HCR_EL2.RW=0 would make EL1 AArch32: refused, naming the record.
        BadInputException h = assertThrows(BadInputException.class,
                () -> pe.accessSysreg(SysRegName.HCR_EL2, true, VM, 2, "trace.csv:11"));
        assertTrue(h.getMessage().startsWith("trace.csv:11: HCR_EL2 = 0x1 has RW (bit 31) = 0"), h.getMessage());
    }

    @Test
    void exceptionEntryEretAndTimePerEl() {
        // EL1 from ts 0; IRQ at 100 with IMO -> EL2; ERET at 130 -> EL1; stage-1 abort at 150 -> EL1 (same EL);
        // ERET at 190; advance to 200. EL1: 0..100 + 130..150 + 190..200 = 130; EL1 handler 150..190 = 40 more
        // -> 170 at EL1; EL2: 30.
        PeState pe = new PeState(1, SecurityState.NON_SECURE);
        pe.accessSysreg(SysRegName.HCR_EL2, true, RW | VM | IMO, 2, "t:1");
        pe.advance(0);
        assertEquals(2, pe.routeIrq());
        pe.takeException(ExceptionKind.IRQ, pe.routeIrq(), 100);
        assertEquals(2, pe.el());
        pe.eret(130);
        assertEquals(1, pe.el());
        pe.takeException(ExceptionKind.STAGE1_ABORT, 1, 150);
        pe.eret(190);
        pe.advance(200);
        assertEquals(170, pe.timeInEl(1));
        assertEquals(30, pe.timeInEl(2));
        // Without IMO an IRQ at EL1 stays at EL1; from EL0 it goes to EL1.
        pe.accessSysreg(SysRegName.HCR_EL2, true, RW | VM, 2, "t:2");
        assertEquals(1, pe.routeIrq());
        // Exceptions never go to a lower EL or to EL0.
        PeState p2 = new PeState(2, SecurityState.NON_SECURE);
        assertThrows(IllegalStateException.class, () -> p2.takeException(ExceptionKind.IRQ, 1, 5));
        // Entry to EL1 with SCTLR_EL1.SPAN=0 sets PSTATE.PAN.
        PeState p3 = new PeState(0, SecurityState.NON_SECURE);
        p3.takeException(ExceptionKind.SVC, 1, 1);
        assertTrue(p3.mmuRegisters().pan());
        // TGE routes EL0 IRQs to EL2.
        PeState host = new PeState(0, SecurityState.NON_SECURE);
        host.accessSysreg(SysRegName.HCR_EL2, true, RW | E2H | TGE, 2, "t:3");
        assertEquals(2, host.routeIrq());
    }

    @Test
    void secureEl2NeedsEel2() {
        assertThrows(IllegalStateException.class, () -> new PeState(2, SecurityState.SECURE));
        // VSTTBR_EL2 is UNDEFINED at Non-secure EL2.
        PeState pe = new PeState(2, SecurityState.NON_SECURE);
        assertEquals(SysRegOutcome.Kind.UNDEFINED, pe.accessSysreg(SysRegName.VSTTBR_EL2, true, 1, 2, "t:1").kind);
        // EL3 -> ERET with SCR_EL3.NS=0 returns to Secure state.
        PeState m = new PeState(1, SecurityState.NON_SECURE);
        m.takeException(ExceptionKind.SMC, 3, 10);
        assertEquals(SecurityState.SECURE, m.security());
        m.mmuRegisters().set("SCR_EL3", 0);
        m.eret(20);
        assertEquals(SecurityState.SECURE, m.security());
        assertEquals(1, m.el());
    }
}
