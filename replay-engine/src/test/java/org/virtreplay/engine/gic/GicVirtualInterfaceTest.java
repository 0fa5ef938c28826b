package org.virtreplay.engine.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.gic.VirtualCpuInterface.HCR_EN;
import static org.virtreplay.engine.gic.VirtualCpuInterface.HCR_LRENPIE;
import static org.virtreplay.engine.gic.VirtualCpuInterface.HCR_NPIE;
import static org.virtreplay.engine.gic.VirtualCpuInterface.HCR_UIE;
import static org.virtreplay.engine.gic.VirtualCpuInterface.MISR_EOI;
import static org.virtreplay.engine.gic.VirtualCpuInterface.MISR_LRENP;
import static org.virtreplay.engine.gic.VirtualCpuInterface.MISR_NP;
import static org.virtreplay.engine.gic.VirtualCpuInterface.MISR_U;

import org.junit.jupiter.api.Test;

/** The virtual CPU interface state machines and golden cases T30–T32 (arm-reference §15.4). */
class GicVirtualInterfaceTest {

    private static long pending(int id, int prio) {
        return IchLr.encode(id, IchLr.STATE_PENDING, prio, true, false, 0, false);
    }

    /** VMCR with VENG1=1, VBPR1, VPMR (T30 environment). */
    private static VirtualCpuInterface t30Env(int vpmr, int vbpr1) {
        VirtualCpuInterface v = new VirtualCpuInterface(4, 5, 5);
        v.setVmcr(VirtualCpuInterface.VMCR_VENG1 | (vbpr1 << VirtualCpuInterface.VMCR_VBPR1_SHIFT)
                | (vpmr << VirtualCpuInterface.VMCR_VPMR_SHIFT));
        return v;
    }

    @Test
    void t30HighestPrioritySelectionAndRunningPriority() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setLr(0, pending(40, 0xA0));
        v.setLr(1, pending(41, 0x90));
        assertTrue(v.virqAsserted());
        assertEquals(41, v.readIar1());
        assertEquals(IchLr.STATE_ACTIVE, IchLr.state(v.lr(1)));
        // Group-priority mask for VBPR1=3 is 0xF8; 0x90 >> (8 - 5) = 18.
        assertEquals(1 << 18, v.ap1r(0));
        assertEquals(0x90, v.runningPriority());
        // 0xA0 & 0xF8 = 0xA0 is not < 0x90: no preemption, spurious.
        assertFalse(v.virqAsserted());
        assertEquals(IntId.SPURIOUS, v.readIar1());
        assertEquals(IchLr.STATE_PENDING, IchLr.state(v.lr(0)));
    }

    @Test
    void t30PriorityMask() {
        VirtualCpuInterface v = t30Env(0xA0, 3);
        v.setLr(0, pending(40, 0xA0));
        // 0xA0 is not strictly below VPMR 0xA0: masked, nothing signalled.
        assertFalse(v.virqAsserted());
        assertEquals(IntId.SPURIOUS, v.readIar1());
        v.setLr(1, pending(41, 0x90));
        // 0x90 < 0xA0: LR1 is still signalled.
        assertTrue(v.virqAsserted());
        assertEquals(41, v.readIar1());
    }

    @Test
    void t31BinaryPointAndPreemption() {
        // Active at group priority 0x40: AP1R bit 0x40 >> 3 = 8.
        for (int vbpr1 : new int[] {6, 7}) {
            VirtualCpuInterface v = t30Env(0xF0, vbpr1);
            v.setAp1r(0, 1 << 8);
            assertEquals(0x40, v.runningPriority());
            v.setLr(0, pending(50, 0x30));
            if (vbpr1 == 6) {
                // mask 0xC0: 0x30 & 0xC0 = 0x00 < 0x40 & 0xC0 = 0x40 -> preempts.
                assertTrue(v.virqAsserted());
            } else {
                // mask 0x80: 0x00 vs 0x40 & 0x80 = 0x00 -> not strictly higher, no preemption.
                assertFalse(v.virqAsserted());
            }
        }
    }

    @Test
    void t32UnderflowOneValidLr() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setHcr(HCR_EN | HCR_UIE);
        v.setLr(0, pending(40, 0xA0));
        v.setLr(1, pending(41, 0xA0));
        // Two valid LRs: not fewer than 2, no underflow.
        assertEquals(0, v.misr() & MISR_U);
        v.setLr(1, 0);
        assertEquals(MISR_U, v.misr());
        assertTrue(v.maintenanceAsserted());
    }

    @Test
    void t32NoPendingWhenOnlyActive() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setHcr(HCR_EN | HCR_NPIE);
        v.setLr(0, IchLr.encode(40, IchLr.STATE_ACTIVE, 0xA0, true, false, 0, false));
        assertEquals(MISR_NP, v.misr());
        v.setLr(1, pending(41, 0xA0));
        assertEquals(0, v.misr());
    }

    @Test
    void t32EoiMaintenanceForLevelSpi() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setHcr(HCR_EN);
        // LR2: level SPI 42 with EOI=1, guest acknowledges and EOIs it (EOImode 0).
        v.setLr(2, IchLr.encode(42, IchLr.STATE_PENDING, 0xA0, true, false, 0, true));
        assertEquals(0, v.eisr());
        assertEquals(42, v.readIar1());
        v.writeEoir1(42);
        assertEquals(IchLr.STATE_INVALID, IchLr.state(v.lr(2)));
        assertEquals(1 << 2, v.eisr());
        assertEquals(MISR_EOI, v.misr());
        // LR2 awaits its maintenance: not empty in ELRSR; LRs 0, 1, 3 are.
        assertEquals(0b1011, v.elrsr());
        assertTrue(v.maintenanceAsserted());
    }

    @Test
    void t32LrenpAfterEoiWithoutLr() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setHcr(HCR_EN | HCR_LRENPIE);
        assertEquals(0, v.misr() & MISR_LRENP);
        // An active interrupt whose LR the hypervisor took away: running priority set, no LR.
        v.setAp1r(0, 1 << (0xA0 >> 3));
        v.writeEoir1(44);
        assertEquals(1, v.eoiCount());
        assertEquals(MISR_LRENP, v.misr() & MISR_LRENP);
        assertEquals(0, v.ap1r(0), "the EOI still dropped the priority");
    }

    @Test
    void t32DisabledInterfaceRaisesNothing() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setHcr(HCR_UIE | HCR_NPIE);
        assertTrue(v.misr() != 0);
        assertFalse(v.maintenanceAsserted());
    }

    @Test
    void pendingActiveAcknowledgeAndDeactivate() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        // Edge SPI re-triggered while active: Pending+Active. Acknowledge needs the running priority
        // to allow it: nothing active in the APRs here, so IAR returns it and it becomes Active.
        v.setLr(0, IchLr.encode(45, IchLr.STATE_PENDING_ACTIVE, 0x80, true, false, 0, false));
        assertEquals(45, v.readIar1());
        assertEquals(IchLr.STATE_ACTIVE, IchLr.state(v.lr(0)));
        // Deactivating a Pending+Active LR leaves it Pending.
        v.setLr(0, IchLr.encode(45, IchLr.STATE_PENDING_ACTIVE, 0x80, true, false, 0, false));
        v.writeEoir1(45);
        assertEquals(IchLr.STATE_PENDING, IchLr.state(v.lr(0)));
    }

    @Test
    void eoiMode1SplitsDropAndDeactivate() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setVmcr(v.vmcr() | VirtualCpuInterface.VMCR_VEOIM);
        v.setLr(0, pending(40, 0x80));
        assertEquals(40, v.readIar1());
        v.writeEoir1(40);
        // Priority dropped, LR still Active until DIR.
        assertEquals(0xFF, v.runningPriority());
        assertEquals(IchLr.STATE_ACTIVE, IchLr.state(v.lr(0)));
        v.writeDir(40);
        assertEquals(IchLr.STATE_INVALID, IchLr.state(v.lr(0)));
        // DIR for an interrupt with no LR counts in EOIcount.
        v.writeDir(77);
        assertEquals(1, v.eoiCount());
    }

    @Test
    void eoiMode0DeactivatesOnEoir() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setLr(0, pending(40, 0x80));
        assertEquals(40, v.readIar1());
        v.writeEoir1(40);
        assertEquals(IchLr.STATE_INVALID, IchLr.state(v.lr(0)));
        assertEquals(0xFF, v.runningPriority());
        assertEquals(0, v.eoiCount());
    }

    @Test
    void hwDeactivationReachesPhysicalGic() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        int[] seen = {-1};
        v.setPhysicalDeactivation(p -> seen[0] = p);
        v.setHcr(HCR_EN);
        v.setLr(0, IchLr.encode(27, IchLr.STATE_PENDING, 0xA0, true, true, 27, false));
        assertEquals(27, v.readIar1());
        v.writeEoir1(27);
        assertEquals(27, seen[0]);
        assertEquals(1, v.physicalDeactivations());
        // HW=1: no EOI maintenance interrupt, the LR is simply empty.
        assertEquals(0, v.eisr());
        assertEquals(0b1111, v.elrsr());
        assertFalse(v.maintenanceAsserted());
    }

    @Test
    void lpiHasNoActiveState() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setLr(0, pending(8200, 0xA0));
        assertEquals(8200, v.readIar1());
        assertEquals(IchLr.STATE_INVALID, IchLr.state(v.lr(0)));
        assertEquals(0xA0, v.runningPriority());
        v.writeEoir1(8200);
        assertEquals(0, v.eoiCount(), "LPIs never count in EOIcount");
        assertEquals(0xFF, v.runningPriority());
    }

    @Test
    void disabledGroupIsNotSignalled() {
        VirtualCpuInterface v = t30Env(0xF0, 3);
        v.setVmcr(v.vmcr() & ~VirtualCpuInterface.VMCR_VENG1);
        v.setLr(0, pending(40, 0x80));
        assertFalse(v.virqAsserted());
        assertEquals(IntId.SPURIOUS, v.readIar1());
    }

    @Test
    void vtrReportsListRegisterCount() {
        assertEquals(3, new VirtualCpuInterface(4).vtr() & 0x1F);
        assertEquals(15, new VirtualCpuInterface(16).vtr() & 0x1F);
    }

    @Test
    void groupEnableMaintenanceCauses() {
        VirtualCpuInterface v = new VirtualCpuInterface(4);
        int all = VirtualCpuInterface.HCR_EN | VirtualCpuInterface.HCR_VGRP0EIE | VirtualCpuInterface.HCR_VGRP0DIE
                | VirtualCpuInterface.HCR_VGRP1EIE | VirtualCpuInterface.HCR_VGRP1DIE;
        v.setHcr(all);
        // VENG0=1, VENG1=0: Grp0 enabled (bit 4) and Grp1 disabled (bit 7); Grp0D tests VENG0, not VENG1.
        v.setVmcr(VirtualCpuInterface.VMCR_VENG0);
        assertEquals(VirtualCpuInterface.MISR_VGRP0E | VirtualCpuInterface.MISR_VGRP1D, v.misr());
        // VENG0=0, VENG1=1: bits 5 and 6.
        v.setVmcr(VirtualCpuInterface.VMCR_VENG1);
        assertEquals(VirtualCpuInterface.MISR_VGRP0D | VirtualCpuInterface.MISR_VGRP1E, v.misr());
    }
}
