package org.virtreplay.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.hyp.SchedPolicy;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbGeometry;

/**
 * Recorded stage-2 rows of RAM under the scenario's {@code s2.backing} override (docs/fidelity.md,
 * Replay): a recorded {@code map} says its pages are resident, so each is mapped at the new backing
 * as its first fault would have mapped it, without a fault; a recorded {@code unmap} removes every
 * leaf it overlaps whole (KVM's {@code stage2_unmap_walker}). The guest's MMU is off (SCTLR_EL1.M = 0
 * at reset), so VA = IPA and a TLB entry has the stage-2 leaf's size: {@code lastSizeLog} 21 is a
 * 2 MiB block, 12 a 4 KiB page.
 */
class BackingOverrideTest {

    private static final long GB = 1L << 30, MB2 = 2L << 20, K4 = 4096;

    /**
     * One PE, VM 0 (40-bit IPA) with RAM [1 GiB, +16 MiB) recorded with a 4 KiB backing, replayed
     * with the backing {@code override} (0 = as recorded); 32-entry L1s, no L2 or walk caches.
     */
    private static Replayer host(long override) {
        TlbGeometry l1 = new TlbGeometry(32, 32, TlbGeometry.ANY_SIZE);
        HypConfig hyp = HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE);
        Replayer r = new Replayer(new ReplayConfig(1, CorePreset.custom(l1, l1, null), Replacement.LRU, 1, hyp,
                CostModel.defaults(), override, 0), Stage2Ports.kvm());
        r.addVm(0, "vm0", 1, 40, -1);
        r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, K4);
        r.start();
        r.onSched(0, 0, 0, 0, Hypervisor.SCHED_RUN);
        return r;
    }

    private static long lazyMaps(Replayer r) {
        long n = 0;
        for (int kind = 0; kind < 4; kind++) {
            for (int level = -1; level <= 3; level++) {
                n += r.s2FaultCount(0, 0, kind, level, false, Stage2Port.CAUSE_LAZY_MAP);
            }
        }
        return n;
    }

    @Test
    void aRecordedPageMakesItsWholeBlockResidentUnderA2MibBacking() {
        Replayer r = host(MB2);
        // The recording mapped one 4 KiB page, 0x20_1000 into the slot, to a host PA of its own:
        // under 2 MiB backing the fault that mapped it would have mapped [GB + 2 MiB, GB + 4 MiB).
        r.onMap(1, 0, 2, -1, GB + 0x20_1000, 0x7_0000_0000L, K4, "rw", "normal_wb", false, false);
        // another page of that block: no fault, translated by the 2 MiB block
        r.onMem(10, 0, 0, 1, Replayer.READ, GB + 0x20_5000, 8);
        assertEquals(0, lazyMaps(r));
        assertEquals(21, r.pe(0).lastSizeLog);
        // the recorded page itself, at the slot's host memory (the recorded PA belongs to the recorded backing)
        long slotPa = r.pe(0).lastPa - 0x20_5000;
        r.onMem(11, 0, 0, 1, Replayer.READ, GB + 0x20_1008, 8);
        assertEquals(slotPa + 0x20_1008, r.pe(0).lastPa);
        // a block the recording never mapped faults once, lazily, at 2 MiB
        r.onMem(20, 0, 0, 1, Replayer.READ, GB + 0x40_0000, 8);
        r.onMem(21, 0, 0, 1, Replayer.READ, GB + 0x5F_F000, 8);
        assertEquals(1, lazyMaps(r));
        assertEquals(21, r.pe(0).lastSizeLog);
        assertEquals(1, r.stage2MapsRebacked());
        assertEquals(0, r.stage2MapsDropped());
    }

    @Test
    void aRecordedUnmapOfOnePageRemovesTheWholeBlock() {
        Replayer r = host(MB2);
        r.onMap(1, 0, 2, -1, GB + 0x20_1000, 0x7_0000_0000L, K4, "rw", "normal_wb", false, false);
        // the recording unmaps its one page: KVM's unmap walker clears the entire 2 MiB block entry
        r.onMap(2, 0, 2, -1, GB + 0x20_1000, 0, K4, "", "", false, true);
        // so another page of the block faults back lazily (one fault, which maps the block again)
        r.onMem(10, 0, 0, 1, Replayer.READ, GB + 0x3F_F000, 8);
        r.onMem(11, 0, 0, 1, Replayer.READ, GB + 0x20_0000, 8);
        assertEquals(1, lazyMaps(r));
        assertEquals(21, r.pe(0).lastSizeLog);
        assertEquals(2, r.stage2MapsRebacked());
    }

    @Test
    void aRecordedBlockStaysResidentAsPagesUnderA4KibBacking() {
        Replayer r = host(K4);
        // recorded: one 2 MiB block; under 4 KiB backing its 512 pages are resident, each its own leaf
        r.onMap(1, 0, 2, -1, GB + MB2, 0x7_0000_0000L, MB2, "rwx", "normal_wb", false, false);
        r.onMem(10, 0, 0, 1, Replayer.READ, GB + MB2, 8);
        assertEquals(12, r.pe(0).lastSizeLog);
        r.onMem(11, 0, 0, 1, Replayer.READ, GB + 2 * MB2 - K4, 8);
        assertEquals(12, r.pe(0).lastSizeLog);
        assertEquals(0, lazyMaps(r), "every page of the recorded block was mapped without a fault");
        // outside it: a 4 KiB lazy map
        r.onMem(12, 0, 0, 1, Replayer.READ, GB + 2 * MB2, 8);
        assertEquals(1, lazyMaps(r));
    }

    @Test
    void withoutAnOverrideTheRecordedRowsApplyAsRecorded() {
        Replayer r = host(0);
        r.onMap(1, 0, 2, -1, GB + 0x20_1000, 0x7_0000_0000L, K4, "rw", "normal_wb", false, false);
        r.onMem(10, 0, 0, 1, Replayer.READ, GB + 0x20_1008, 8);
        // the recorded PA and page size
        assertEquals(0x7_0000_0008L, r.pe(0).lastPa);
        assertEquals(12, r.pe(0).lastSizeLog);
        // its neighbour is not resident: 4 KiB lazy map
        r.onMem(11, 0, 0, 1, Replayer.READ, GB + 0x20_5000, 8);
        assertEquals(1, lazyMaps(r));
        assertEquals(0, r.stage2MapsRebacked());
    }
}
