package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * The KVM VMID allocator (arm-reference §8.6) with 3-bit VMIDs (VMIDs 1..7; 0 reserved) and 2 PEs,
 * simulated by hand step by step in the comments.
 */
class VmidAllocatorTest {

    /**
     * VMs 0..9 each loaded on PE 0 then put. Generation 1: VMs 0..6 get 1..7 (cursor from 1 upward).
     * VM 7: no zero bit at or after the cursor (7) -> rollover #1 (generation 2): the bitmap keeps only
     * bit 0 (PE 0's active slot holds the "invalid" marker, index 0; PE 1 never ran: reserved 0);
     * VM 7 gets 1, VM 8 2, VM 9 3. Reloading VM 0 (old number 1, taken by VM 7) -> next free after
     * the cursor 3: 4; VM 1 (old 2, taken) -> 5; VM 2 (old 3) -> 6; VM 3 (old 4, taken by VM 0) -> 7;
     * VM 4 (old 5, taken by VM 1): nothing free at or after 7 -> rollover #2, gets 1.
     * So ALLE1IS happens exactly twice: on VM 7's first load and on VM 4's reload.
     */
    @Test
    void rolloverExactlyWhenTheGenerationWraps() {
        VmidAllocator a = new VmidAllocator(3, 2);
        int[] expect = {1, 2, 3, 4, 5, 6, 7, 1, 2, 3};
        for (int vm = 0; vm < 10; vm++) {
            boolean rolled = a.load(0, vm);
            assertEquals(vm == 7, rolled, "rollover on VM " + vm);
            assertEquals(expect[vm], a.vmid(vm), "VMID of VM " + vm);
            a.put(0);
        }
        assertEquals(1, a.rollovers());
        assertEquals(2, a.generation());
        int[] reload = {4, 5, 6, 7};
        for (int vm = 0; vm < 4; vm++) {
            assertFalse(a.load(0, vm));
            assertEquals(reload[vm], a.vmid(vm));
            a.put(0);
        }
        assertTrue(a.load(0, 4));
        assertEquals(1, a.vmid(4));
        assertEquals(2, a.rollovers());
        assertEquals(3, a.generation());
    }

    /** Reloading a VM whose VMID is of the current generation takes the fast path: same VMID, no rollover. */
    @Test
    void fastPathKeepsTheVmid() {
        VmidAllocator a = new VmidAllocator(8, 4);
        a.load(2, 0);
        assertEquals(1, a.vmid(0));
        for (int i = 0; i < 100; i++) {
            assertFalse(a.load(i % 4, 0));
            a.put(i % 4);
        }
        assertEquals(1, a.vmid(0));
        assertEquals(0, a.rollovers());
    }

    /**
     * A VM running on PE 1 across a rollover keeps its VMID: VM A loads on PE 1 (VMID 1) and stays;
     * VMs 1..6 load/put on PE 0 (2..7); VM 7 rolls over: PE 1's active VMID 1 becomes reserved and
     * its bit stays set, so VM 7 gets 2. VM A's next load on PE 1 finds its VMID reserved -> keeps 1.
     */
    @Test
    void runningVmKeepsItsVmidAcrossRollover() {
        VmidAllocator a = new VmidAllocator(3, 2);
        a.load(1, 0);
        assertEquals(1, a.vmid(0));
        for (int vm = 1; vm <= 6; vm++) {
            a.load(0, vm);
            a.put(0);
        }
        assertTrue(a.load(0, 7));
        assertEquals(2, a.vmid(7));
        assertFalse(a.load(1, 0));
        assertEquals(1, a.vmid(0));
    }

    @Test
    void needsMoreVmidsThanPes() {
        assertThrows(IllegalArgumentException.class, () -> new VmidAllocator(2, 3));
        assertThrows(IllegalArgumentException.class, () -> new VmidAllocator(17, 3));
    }

    /**
     * Through the Stage2Manager: VMs without a VMID hint get theirs on vcpuLoad; VTTBR carries it in
     * [63:48]; each rollover sends exactly one TLBI ALLE1IS to the listener (same sequence as above:
     * 8 VMs loaded once -> 1 rollover).
     */
    @Test
    void managerIssuesAlle1isOnRollover() {
        Stage2Manager m = new Stage2Manager(new PhysicalMemory(), 0x8000_0000L, 64L << 20,
                Stage2Manager.DEFAULT_HOST_RAM_BASE, 3, 2);
        int[] alle1 = new int[1];
        m.setTlbMaintenance((op, vmid, ipa) -> alle1[0] += op == TlbiOp.ALLE1IS ? 1 : 0);
        for (int vm = 10; vm < 18; vm++) {
            m.addVm(vm, 40, -1);
        }
        for (int vm = 10; vm < 18; vm++) {
            assertEquals(vm == 17, m.vcpuLoad(0, vm));
            m.vcpuPut(0);
        }
        assertEquals(1, alle1[0]);
        assertEquals(1, m.tlbiCount(TlbiOp.ALLE1IS));
        assertEquals(1, m.vmid(17));
        assertEquals(1L << 48, m.vttbr(17) & 0xFFFF_0000_0000_0000L);
    }
}
