package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.hyp.Stage2Harness.VM;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_DIRTY_LOG;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_LAZY_MAP;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.mmu.FaultKind;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * Dirty logging for live migration (arm-reference §9 item 8, KVM's write-protect + permission-fault
 * scheme), with hand-counted faults. The slot: 4 MB of RAM at IPA 0x4000_0000 backed by 2 MB pages,
 * first touched page by page, which maps it as two 2 MB blocks (2 faults).
 */
class Stage2DirtyLogTest {

    private static final long BASE = 0x4000_0000L;

    private Stage2Harness touchedSlot() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, BASE, 4L << 20, Memslot.RAM, -1, 2L << 20);
        for (long ipa = BASE; ipa < BASE + (4L << 20); ipa += 4096) {
            assertTrue(h.read(ipa));
        }
        assertEquals(2, h.total(CAUSE_LAZY_MAP));
        return h;
    }

    /**
     * Eager splitting: the round's start splits the 2 blocks into 1024 write-protected pages and
     * issues one VMALLS12E1IS. Writing N = 37 distinct pages (page i*27 mod 1024, i = 0..36: distinct
     * since 27 is odd and 1024 a power of two), each twice, and reading every page, gives exactly
     * N = 37 stage-2 permission faults at level 3, cause dirty_log; reads never fault (read permission
     * stays). Next round: startDirtyRound returns 37; writing 5 pages (3 of them dirty last round) gives
     * 5 more faults: each page faults once per round.
     */
    @Test
    void roundOverNWrittenPagesGivesNPermissionFaults() {
        Stage2Harness h = touchedSlot();
        assertEquals(0, h.m.startDirtyRound(VM, true));
        assertEquals(2, h.m.blocksSplit(VM));
        assertEquals(1024, h.m.leavesWriteProtected(VM));
        assertEquals(1, h.m.tlbiCount(TlbiOp.VMALLS12E1IS));
        for (long ipa = BASE; ipa < BASE + (4L << 20); ipa += 4096) {
            assertTrue(h.read(ipa));
        }
        assertEquals(0, h.m.counters().total(VM, CAUSE_DIRTY_LOG));
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 0; i < 37; i++) {
                assertTrue(h.write(BASE + ((i * 27L) % 1024) * 4096 + 8));
            }
        }
        assertEquals(37, h.m.counters().get(VM, 0, FaultKind.PERMISSION, 3, false, CAUSE_DIRTY_LOG));
        assertEquals(37, h.m.counters().total(VM, CAUSE_DIRTY_LOG));
        assertEquals(37, h.m.dirtyPages(VM));
        assertTrue(h.m.isDirty(VM, BASE + 27 * 4096));
        assertFalse(h.m.isDirty(VM, BASE + 4096));
        assertEquals(2, h.total(CAUSE_LAZY_MAP), "no new mappings: the split kept every page mapped");

        assertEquals(37, h.m.startDirtyRound(VM, true));
        assertEquals(1024 + 1024, h.m.leavesWriteProtected(VM));
        long[] pages = {0, 27, 54, 1, 2};
        for (long p : pages) {
            assertTrue(h.write(BASE + p * 4096));
            assertTrue(h.write(BASE + p * 4096 + 16));
        }
        assertEquals(42, h.m.counters().total(VM, CAUSE_DIRTY_LOG));
        assertEquals(5, h.m.dirtyPages(VM));
    }

    /**
     * Without eager splitting the 2 blocks are only write-protected (2 leaves). Then, block 0 =
     * 0x4000_0000..0x401F_FFFF and block 1 = 0x4020_0000..:
     * write A (0x4000_5000): permission fault at level 2 (the block), dirty_log: the block is broken
     * (IPAS2E1IS + VMALLE1IS) and only A's 4 KB page is mapped, writable;
     * read B (0x4000_6000): translation fault at level 3 (lazy map, read-only while logging);
     * write B: permission fault at level 3, dirty_log;
     * write C (0x4000_7000): translation fault at level 3, lazy map writable (dirty);
     * write A again: no fault; read D (0x4020_3000): no fault (block 1 is readable);
     * write D: permission fault at level 2, dirty_log, block 1 broken.
     * Totals: permission L2 dirty_log 2, permission L3 dirty_log 1, translation L3 lazy_map 2; 4 dirty pages.
     */
    @Test
    void withoutSplittingBlocksAreBrokenOnTheFirstWrite() {
        Stage2Harness h = touchedSlot();
        h.m.startDirtyRound(VM, false);
        assertEquals(2, h.m.leavesWriteProtected(VM));
        long a = 0x4000_5000L, b = 0x4000_6000L, c = 0x4000_7000L, d = 0x4020_3000L;
        assertTrue(h.write(a));
        assertEquals(1, h.m.blocksBroken(VM));
        assertEquals(3, h.m.leafLevel(VM, a));
        assertEquals(-1, h.m.leafLevel(VM, b), "the rest of the broken block is unmapped");
        assertTrue(h.read(b));
        assertEquals(0, h.m.leafDescriptor(VM, b) & (1L << 7), "mapped read-only while logging");
        assertTrue(h.write(b));
        assertTrue(h.write(c));
        assertTrue(h.write(a));
        assertTrue(h.read(d));
        assertTrue(h.write(d));
        var cnt = h.m.counters();
        assertEquals(2, cnt.get(VM, 0, FaultKind.PERMISSION, 2, false, CAUSE_DIRTY_LOG));
        assertEquals(1, cnt.get(VM, 0, FaultKind.PERMISSION, 3, false, CAUSE_DIRTY_LOG));
        assertEquals(2, cnt.get(VM, 0, FaultKind.TRANSLATION, 3, false, CAUSE_LAZY_MAP));
        assertEquals(4, h.m.dirtyPages(VM));
        assertEquals(2, h.m.tlbiCount(TlbiOp.IPAS2E1IS));
        assertEquals(2, h.m.blocksBroken(VM));
    }

    /** While logging, first touches map 4 KB pages only (KVM forces PTE mappings), and a write first touch is dirty. */
    @Test
    void loggingForcesPageMappings() {
        Stage2Harness h = new Stage2Harness();
        h.m.addMemslot(VM, 0, BASE, 4L << 20, Memslot.RAM, -1, 2L << 20);
        h.m.startDirtyRound(VM, false);
        assertTrue(h.write(BASE + 0x1000));
        assertEquals(3, h.m.leafLevel(VM, BASE + 0x1000));
        assertTrue(h.m.isDirty(VM, BASE + 0x1000));
        assertEquals(1, h.m.stopDirtyLogging(VM));
        assertTrue(h.read(BASE + 0x20_0000));
        assertEquals(2, h.m.leafLevel(VM, BASE + 0x20_0000), "after logging stops, blocks again");
    }
}
