package org.virtreplay.engine.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;

/**
 * The lookup tags of an access follow its exception level's translation regime (Arm ARM D8.1.3):
 * EL0 and EL1 share the EL1&amp;0 regime's tags, unless HCR_EL2.{E2H,TGE} = {1,1} puts EL0 in
 * EL2&amp;0, where it shares EL2's. {@link TranslationUnit} derives the tags once per regime, so a
 * vCPU switching between EL0 and EL1 keeps them; these tests switch ELs in every order and check,
 * by the output address of the entry that served each access, that each access used its own
 * regime's entry. Entries are placed directly (no walks); each regime's entry has its own output.
 */
class TranslationUnitTagsTest {
    static final long VA = 0x0000_0000_4000_3000L;
    static final long OFF = 0x123;
    /** Readable entries, stage-1 level 3, 4K. */
    static final int LEAF = TlbArray.info(true, true, true, 3, 12, 3, 12);
    static final long PA_EL10 = 0x1_0000_0000L;
    static final long PA_EL2 = 0x2_0000_0000L;
    static final long PA_EL20 = 0x3_0000_0000L;
    static final long HCR_VM = 1L;
    static final long HCR_TGE = 1L << 27;
    static final long HCR_E2H = 1L << 34;

    static TranslationUnit unit(long hcr) {
        CorePreset cfg = CorePreset.custom(TlbGeometry.of(16, 16), TlbGeometry.of(16, 16), TlbGeometry.of(64, 4));
        MmuRegisters r = new MmuRegisters();
        r.set("VTTBR_EL2", 0x0005_0000_0000_0000L); // VMID 5
        r.set("TTBR0_EL1", 0x0007_0000_4000_0000L); // ASID 7
        r.set("HCR_EL2", hcr);
        TranslationUnit u = new TranslationUnit(0, cfg, r, new Mmu(new PhysicalMemory()), Replacement.LRU, 1);
        // One entry per regime for the same VA: EL1&0 of VMID 5 and ASID 7, EL2, and EL2&0 (global).
        u.l1d.fill(VA, 12, TlbArray.ctx(0, false, 5), 7, PA_EL10, VA, LEAF);
        u.l1d.fill(VA, 12, TlbArray.ctx(1, false, 0), -1, PA_EL2, 0, LEAF);
        u.l1d.fill(VA, 12, TlbArray.ctx(2, false, 0), -1, PA_EL20, 0, LEAF);
        return u;
    }

    /** The PA a read at {@code el} was translated to (by the entry that served it). */
    static long readAt(TranslationUnit u, int el) {
        assertEquals(true, u.access(VA + OFF, 0, el));
        assertEquals(1, u.lastLevel, "served by the L1");
        return u.lastPa - OFF;
    }

    /** Reads at each EL of {@code els} in turn, checking that each was served by the entry of {@code pas}. */
    static void reads(TranslationUnit u, int[] els, long... pas) {
        for (int k = 0; k < els.length; k++) {
            assertEquals(pas[k], readAt(u, els[k]), "read " + k + " at EL" + els[k]);
        }
    }

    @Test
    void el0AndEl1ShareEl10AndEl2HasItsOwnWithoutVhe() {
        // EL0 and EL1 in either order, around EL2 (E2H = 0: the EL2 regime).
        reads(unit(HCR_VM), new int[] {0, 1, 2, 1, 0, 2, 0},
                PA_EL10, PA_EL10, PA_EL2, PA_EL10, PA_EL10, PA_EL2, PA_EL10);
    }

    @Test
    void vheWithoutTgeKeepsEl0InEl10() {
        // TGE = 0: EL0 is in EL1&0, not in EL2&0 with EL2.
        reads(unit(HCR_VM | HCR_E2H), new int[] {2, 0, 1, 2, 1}, PA_EL20, PA_EL10, PA_EL10, PA_EL20, PA_EL10);
    }

    @Test
    void vheWithTgePutsEl0InEl20WithEl2() {
        TranslationUnit u = unit(HCR_E2H | HCR_TGE);
        // E2H = TGE = 1: EL0 is in EL2&0.
        reads(u, new int[] {2, 0, 2}, PA_EL20, PA_EL20, PA_EL20);
        // A register write re-derives: TGE cleared (and stage 2 on) puts EL0 back in EL1&0.
        u.setRegister("HCR_EL2", HCR_VM | HCR_E2H);
        reads(u, new int[] {0, 2}, PA_EL10, PA_EL20);
        u.setRegister("HCR_EL2", HCR_E2H | HCR_TGE);
        reads(u, new int[] {0}, PA_EL20);
    }
}
