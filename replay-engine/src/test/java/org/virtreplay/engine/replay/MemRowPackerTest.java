package org.virtreplay.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;

/**
 * The packed word of a {@code mem} row, derived by hand from the layout: VM 3 with 2 vCPUs is dense
 * index 0 (flat vCPUs 0 and 1), VM 7 with 3 vCPUs is dense index 1 (flat vCPUs 2, 3 and 4). The word
 * is the flat vCPU in bits 0-15, the dense VM in 16-23, the EL in 24-25 and TranslationUnit's
 * access kind in 26-27 (read 0, write 1, read-modify-write 2, fetch 3); anything but a plain
 * one-page row is {@link MemRowPacker#GENERAL}.
 */
class MemRowPackerTest {

    private static Replayer started(int vms) {
        Replayer rp = new Replayer(new ReplayConfig(1, CorePreset.byName("neoverse-n1"), Replacement.LRU, 1,
                HypConfig.defaults(1), CostModel.defaults(), 0, 0), Stage2Ports.kvm());
        if (vms == 0) {
            rp.addVm(3, "a", 2, 40, -1);
            rp.addVm(7, "b", 3, 40, -1);
        } else {
            for (int v = 0; v < vms; v++) {
                rp.addVm(v, "v" + v, 1, 40, -1);
            }
        }
        rp.start();
        return rp;
    }

    /** The word of one row. */
    private static int word(MemRowPacker p, int vm, int vcpu, int el, int access, long va, int size) {
        int[] meta = {42};
        p.pack(new int[] {vm}, new int[] {vcpu}, new int[] {el}, new int[] {access}, new long[] {va},
                new int[] {size}, meta, 0, 1);
        return meta[0];
    }

    @Test
    void plainRowsPackTheirFields() {
        MemRowPacker p = started(0).memRowPacker();
        // VM 7 vCPU 2: flat 2 + 2 = 4, dense 1; EL1; a fetch is kind 3.
        assertEquals(0x0D01_0004, word(p, 7, 2, 1, Replayer.FETCH, 0x1000, 4));
        // VM 3 vCPU 0: flat 0, dense 0; EL0; read-modify-write is kind 2; bytes 0xFF8..0xFFF.
        assertEquals(0x0800_0000, word(p, 3, 0, 0, Replayer.READ_WRITE, 0xFF8, 8));
        // VM 3 vCPU 1 at EL2, a write (kind 1); size 0 counts as one byte, 0xFFF.
        assertEquals(0x0600_0001, word(p, 3, 1, 2, Replayer.WRITE, 0xFFF, 0));
        // A read (kind 0) of VM 7 vCPU 0 (flat 2) at EL3.
        assertEquals(0x0301_0002, word(p, 7, 0, 3, Replayer.READ, 0x7_0000_0000L, 8));
    }

    @Test
    void everythingElseIsLeftToTheGeneralPath() {
        MemRowPacker p = started(0).memRowPacker();
        int g = MemRowPacker.GENERAL;
        assertEquals(g, word(p, 3, 0, 0, Replayer.READ, 0xFFC, 8), "bytes 0xFFC..0x1003 cross a 4 KB boundary");
        assertEquals(g, word(p, 3, 0, 0, Replayer.READ, 0x1_0000, 0x1_0001), "longer than a page");
        assertEquals(g, word(p, 3, 0, 0, Replayer.READ, -4L, 8), "wraps past 2^64");
        assertEquals(g, word(p, 5, 0, 0, Replayer.READ, 0x1000, 8), "VM 5 is not declared");
        assertEquals(g, word(p, 100, 0, 0, Replayer.READ, 0x1000, 8), "VM id above every declared one");
        assertEquals(g, word(p, -1, 0, 0, Replayer.READ, 0x1000, 8), "negative VM id");
        assertEquals(g, word(p, 3, 2, 0, Replayer.READ, 0x1000, 8), "VM 3 has vCPUs 0 and 1");
        assertEquals(g, word(p, 7, -1, 0, Replayer.READ, 0x1000, 8), "negative vCPU");
        assertEquals(g, word(p, 3, 0, 4, Replayer.READ, 0x1000, 8), "EL 4");
        assertEquals(g, word(p, 3, 0, 0, 4, 0x1000, 8), "access code 4");
    }

    @Test
    void packsOnlyTheRowsAskedFor() {
        MemRowPacker p = started(0).memRowPacker();
        int[] meta = {11, 22, 33};
        p.pack(new int[] {3, 3, 3}, new int[] {1, 1, 1}, new int[3], new int[3], new long[] {0, 0, 0},
                new int[] {4, 4, 4}, meta, 1, 2);
        assertEquals(11, meta[0]);
        assertEquals(1, meta[1]); // VM 3 vCPU 1: flat 1, dense 0, EL0, read
        assertEquals(33, meta[2]);
    }

    @Test
    void aPackerMadeFromTheVmListPacksAsTheReplaysOwn() {
        MemRowPacker own = started(0).memRowPacker();
        MemRowPacker made = MemRowPacker.of(new int[] {3, 7}, new int[] {2, 3});
        assertTrue(made.sameLayout(own) && own.sameLayout(made));
        assertEquals(0x0D01_0004, word(made, 7, 2, 1, Replayer.FETCH, 0x1000, 4));
        // Another order, or another vCPU count, is another layout: VM 7 would be dense 0.
        assertFalse(MemRowPacker.of(new int[] {7, 3}, new int[] {3, 2}).sameLayout(own));
        assertFalse(MemRowPacker.of(new int[] {3, 7}, new int[] {2, 4}).sameLayout(own));
        assertFalse(own.sameLayout(null));
    }

    @Test
    void aLayoutWiderThanTheWordLeavesEveryRowGeneral() {
        // 257 VMs: the dense index needs 9 bits, the word has 8.
        MemRowPacker wide = started(257).memRowPacker();
        assertEquals(MemRowPacker.GENERAL, word(wide, 0, 0, 0, Replayer.READ, 0x1000, 8));
        // 256 VMs fit: VM 255 is dense 255 and flat 255.
        MemRowPacker full = started(256).memRowPacker();
        assertEquals(0x00FF_00FF, word(full, 255, 0, 0, Replayer.READ, 0x1000, 8));
    }
}
