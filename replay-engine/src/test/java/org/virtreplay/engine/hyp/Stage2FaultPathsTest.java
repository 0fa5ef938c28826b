package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.hyp.Stage2Harness.VM;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_DIRTY_LOG;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_LAZY_MAP;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_PERMISSION;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.FaultKind;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.Mair;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.TableBuilder;

/** S1PTW faults, lazy execute permission, adopting a trace's VTTBR, and the allocation-free fault path. */
class Stage2FaultPathsTest {

    private static final long RAM = Stage2Manager.DEFAULT_HOST_RAM_BASE;

    /**
     * Guest stage 1 on (ENV-S1-like: 4 KB, 48-bit VA, TTBR0 = IPA 0x4000_0000), its tables built in a
     * 4 KB-backed RAM slot at IPA 0x4000_0000 that stage 2 has not mapped yet: root at 0x4000_0000,
     * L1/L2/L3 tables taken from the pool at 0x4000_1000, 0x4000_2000, 0x4000_3000; VA 0x1000_0000 ->
     * IPA 0x4010_0000. The first read walks into 5 stage-2 translation faults, all lazily mapped:
     * 4 with S1PTW (the 4 table pages; the first at level 1 because root entry 1 is invalid, the
     * other three at level 3 as the L2/L3 tables for 0x4000_0000..0x401F_FFFF now exist), then the
     * final IPA 0x4010_0000 at level 3 (same level-2 entry). PA = 0x20_0000_0000 + 0x10_0000.
     */
    @Test
    void stage1WalkIntoUnmappedRamFaultsWithS1ptw() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 4L << 20, Memslot.RAM, -1, 4096);
        TableBuilder s1 = TableBuilder.stage1(h.mem, Granule.K4, 48, 0x4000_0000L, 0x4000_1000L, 64L << 10,
                new Mair(0x0000_0000_0004_44FFL), ipa -> RAM + (ipa - 0x4000_0000L));
        s1.map(0x1000_0000L, 0x4010_0000L, 4096, "rw", MemType.NORMAL_WB, false);
        h.regs.set("SCTLR_EL1", 0x1005);
        h.regs.set("TCR_EL1", 0x0000_0005_0080_3510L);
        h.regs.set("MAIR_EL1", 0x0000_0000_0004_44FFL);
        h.regs.set("TTBR0_EL1", 0x4000_0000L);
        assertTrue(h.read(0x1000_0ABCL));
        assertEquals(RAM + 0x10_0ABCL, h.res.pa);
        assertEquals(5, h.nCauses);
        var c = h.m.counters();
        assertEquals(1, c.get(VM, 0, FaultKind.TRANSLATION, 1, true, CAUSE_LAZY_MAP));
        assertEquals(3, c.get(VM, 0, FaultKind.TRANSLATION, 3, true, CAUSE_LAZY_MAP));
        assertEquals(1, c.get(VM, 0, FaultKind.TRANSLATION, 3, false, CAUSE_LAZY_MAP));
        assertTrue(h.read(0x1000_0000L));
        assertEquals(5, h.total(-1), "second access: no fault");
    }

    /**
     * A host without CTR_EL0.DIC: KVM maps RAM non-executable and adds execute permission on the first
     * instruction fetch. Read (lazy map, 1 fault), fetch (permission fault at level 3, cause
     * permission, XN cleared), fetch again (no fault). With DIC (default) the fetch does not fault.
     */
    @Test
    void executePermissionOnFetchWithoutDic() {
        Stage2Harness h = new Stage2Harness();
        h.m.setHostHasDic(false);
        h.m.addMemslot(VM, 0, 0x4000_0000L, 1L << 20, Memslot.RAM, -1, 4096);
        assertTrue(h.read(0x4000_0000L));
        assertEquals(2L << 53, h.m.leafDescriptor(VM, 0x4000_0000L) & (3L << 53));
        assertTrue(h.access(0x4000_0000L, AccessType.FETCH));
        assertTrue(h.access(0x4000_0000L, AccessType.FETCH));
        assertEquals(1, h.m.counters().get(VM, 0, FaultKind.PERMISSION, 3, false, CAUSE_PERMISSION));
        assertEquals(2, h.total(-1));

        Stage2Harness d = new Stage2Harness();
        d.m.addMemslot(VM, 0, 0x4000_0000L, 1L << 20, Memslot.RAM, -1, 4096);
        assertTrue(d.read(0x4000_0000L));
        assertTrue(d.access(0x4000_0000L, AccessType.FETCH));
        assertEquals(1, d.total(-1));
    }

    /**
     * adoptVttbr: the trace's hypervisor writes VTTBR_EL2 = VMID 9 | root 0x9000_0000 with the same
     * VTCR: the mapping made under the old root survives (root entries copied), the VMID is 9.
     * VS=0 in the given VTCR -> an 8-bit VMID from [55:48]. A root inside the manager's table pool
     * (0x8000_0000..) is refused. A different geometry (T0SZ=32, SL0=01: 32-bit IPA from level 1,
     * a 4-entry root) starts from an empty root, so the page faults again (lazy map). A VTCR whose
     * PS cannot reach the RAM backing is refused.
     */
    @Test
    void adoptVttbrFromTheTrace() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 2L << 20, Memslot.RAM, -1, 2L << 20);
        assertTrue(h.read(0x4000_0000L));
        long vtcr = 0x8002_3558L; // ENV-S2's VTCR (T0SZ 24, SL0 01, VS 0)
        h.m.adoptVttbr(VM, 0x0009_0000_9000_0000L, vtcr);
        assertEquals(0x0009_0000_9000_0000L, h.m.vttbr(VM));
        assertEquals(9, h.m.vmid(VM));
        h.regs.set("VTTBR_EL2", h.m.vttbr(VM));
        assertTrue(h.read(0x4000_1000L));
        assertEquals(1, h.total(-1));
        assertThrows(BadInputException.class, () -> h.m.adoptVttbr(VM, 0x8000_2000L, vtcr));
        assertThrows(BadInputException.class, () -> h.m.adoptVttbr(VM, 0x9000_0000L, vtcr | (1L << 14)));
        // PS = 000 (32 bits): the RAM slot is backed at 128 GB, beyond 2^32 -> refused, naming the slot.
        BadInputException e = assertThrows(BadInputException.class,
                () -> h.m.adoptVttbr(VM, 0x0009_0000_9000_0000L, vtcr & ~(7L << 16)));
        assertTrue(e.getMessage().contains("memslot 0"), e.getMessage());

        long vtcr32 = 0x8002_3560L; // T0SZ 32 (0x20), SL0 01
        h.m.adoptVttbr(VM, 0x0007_0000_9100_0000L, vtcr32);
        h.regs.set("VTTBR_EL2", h.m.vttbr(VM));
        h.regs.set("VTCR_EL2", vtcr32);
        boolean ok = h.read(0x4000_1000L);
        assertTrue(ok, "causes " + java.util.Arrays.toString(java.util.Arrays.copyOf(h.causes, h.nCauses)) + " " + h.res.fault
                + " stage " + h.res.faultStage + " level " + h.res.faultLevel + " ipa 0x" + Long.toHexString(h.res.faultIpa));
        assertEquals(2, h.total(CAUSE_LAZY_MAP));
        assertEquals(7, h.m.vmid(VM));
    }

    /**
     * The fault path allocates nothing: 4000 dirty-logging permission faults on already-split pages
     * (two rounds over 2048 pages... first round warms up) stay below a few KB of thread allocation
     * (one object per fault would be ~64 KB). Not a timing assertion.
     */
    @Test
    void handleFaultDoesNotAllocate() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, 0x4000_0000L, 8L << 20, Memslot.RAM, -1, 2L << 20);
        for (long ipa = 0x4000_0000L; ipa < 0x4080_0000L; ipa += 4096) {
            h.read(ipa);
        }
        h.m.startDirtyRound(VM, true);
        for (long ipa = 0x4000_0000L; ipa < 0x4080_0000L; ipa += 4096) {
            h.write(ipa);
        }
        h.m.startDirtyRound(VM, true);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (long ipa = 0x4000_0000L; ipa < 0x4080_0000L; ipa += 4096) {
            h.write(ipa);
        }
        long after = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertEquals(4096, h.total(CAUSE_DIRTY_LOG));
        assertTrue(after - before < 16_384, "allocated " + (after - before) + " bytes for 2048 faults");
    }
}
