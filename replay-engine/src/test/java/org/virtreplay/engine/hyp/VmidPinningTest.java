package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.PhysicalMemory;

/**
 * VMIDs the trace pins are never handed out by the modelled KVM allocator (issue 14 item 6: two
 * VMs with one VMID). Before, a VM the trace left to the allocator (or a sweep's replica, which
 * docs/fidelity.md promises a VMID of its own) got VMID 1 even when a recorded VM had it pinned,
 * and the two shared TLB entries.
 */
class VmidPinningTest {

    /**
     * 3-bit VMIDs (1..7), 2 PEs, VMIDs 1 and 2 pinned. VMs 0..4, each loaded on PE 0 then put,
     * get 3, 4, 5, 6, 7 (the cursor skips the pinned bits). VM 5: nothing free at or after the
     * cursor (7) -> rollover: the bitmap keeps the pinned 1 and 2 and bit 0 (PE 0's "invalid"
     * active marker, PE 1's reserved 0) -> VM 5 gets 3. VM 0 reloaded: its old 3 is VM 5's -> 4.
     */
    @Test
    void allocatorSkipsPinnedVmidsAlsoAfterARollover() {
        VmidAllocator a = new VmidAllocator(3, 2);
        a.pin(1);
        a.pin(2);
        int[] expect = {3, 4, 5, 6, 7, 3};
        for (int vm = 0; vm < 6; vm++) {
            assertEquals(vm == 5, a.load(0, vm), "rollover on VM " + vm);
            assertEquals(expect[vm], a.vmid(vm), "VMID of VM " + vm);
            a.put(0);
        }
        assertFalse(a.load(0, 0));
        assertEquals(4, a.vmid(0));
        assertEquals(1, a.rollovers());
    }

    /** The quickstart's shape: VMs 0 and 1 pinned to VMIDs 1 and 2 by the trace, VM 2 (a replica) not. */
    @Test
    void aVmTheTraceLeavesToTheAllocatorGetsAFreeVmid() {
        Stage2Manager m = new Stage2Manager(new PhysicalMemory(), 0x8000_0000L, 16L << 20);
        m.addVm(0, 40, 1);
        m.addVm(1, 40, 2);
        m.addVm(2, 40, -1);
        m.vcpuLoad(0, 2);
        assertEquals(1, m.vmid(0));
        assertEquals(2, m.vmid(1));
        assertEquals(3, m.vmid(2));
    }

    /**
     * The trace's hypervisor writes VTTBR_EL2 with VMID 1 for VM 0 after the allocator gave 1 to
     * VM 1: VM 1 takes the next free number (2) at its next load, without a rollover.
     */
    @Test
    void aVmidPinnedLaterMovesTheAllocatorsVm() {
        Stage2Manager m = new Stage2Manager(new PhysicalMemory(), 0x8000_0000L, 16L << 20);
        m.addVm(0, 40, -1);
        m.addVm(1, 40, -1);
        m.vcpuLoad(0, 1);
        assertEquals(1, m.vmid(1));
        m.vcpuPut(0);
        // same geometry as the manager's (its VTCR), VS = 1: VMID from [63:48]; root at 0x9000_0000
        m.adoptVttbr(0, 0x0001_0000_9000_0000L, m.vtcr(0));
        assertEquals(1, m.vmid(0));
        assertFalse(m.vcpuLoad(0, 1));
        assertEquals(2, m.vmid(1));
        assertTrue(m.vmid(0) != m.vmid(1));
    }
}
