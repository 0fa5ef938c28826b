package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;

/**
 * The per-access path ({@link Replayer#onMem}) allocates nothing once warm: a memory-only stream
 * over a working set larger than the L1 TLBs (so L1 misses, L2 hits and walks all happen) with
 * page-crossing accesses, measured with the thread's allocated-bytes counter. Not timed.
 */
class ReplayAllocationTest {

    private static final int PAGES = 3000; // more than the L2 TLB of neoverse-n1 (1280): some accesses walk

    /** The thread allocation counter, enabled; the test is skipped on a JVM without one. */
    private static com.sun.management.ThreadMXBean allocationCounter() {
        java.lang.management.ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(tb instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) tb;
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(), "no allocation counter on this JVM");
        mx.setThreadAllocatedMemoryEnabled(true);
        return mx;
    }

    @Test
    void onMemAllocatesNothingPerAccess() {
        com.sun.management.ThreadMXBean mx = allocationCounter();

        ReplayConfig cfg = new ReplayConfig(1, CorePreset.byName("neoverse-n1"), Replacement.LRU, 1,
                HypConfig.defaults(1), CostModel.defaults(), 0, 0);
        Replayer rp = new Replayer(cfg, Stage2Ports.kvm());
        rp.addVm(0, "a", 1, 40, -1);
        // 64 MiB RAM, 2 MB stage-2 backing, left to lazy mapping (faults happen during warm-up only).
        rp.addMemslot(0, 0, 0x4000_0000L, 64L << 20, Stage2Port.MEMSLOT_RAM, -1, 2L << 20);
        rp.start();
        rp.setS1TablePool(0, 0x43C0_1000L, 0x3F_F000L);
        rp.onSysreg(0, 0, 0, 0, 1, "TCR_EL1", 0x2_B510_3510L);
        rp.onSysreg(0, 0, 0, 0, 1, "MAIR_EL1", 0x44_04FFL);
        rp.onSysreg(0, 0, 0, 0, 1, "SCTLR_EL1", 1);
        rp.onSysreg(0, 0, 0, 0, 1, "TTBR0_EL1", (1L << 48) | 0x43C0_0000L);
        for (int i = 0; i < PAGES; i++) {
            rp.onMap(0, 0, 1, 0x43C0_0000L, 0x8000_0000L + i * 4096L, 0x4000_0000L + i * 4096L, 4096, "rwu",
                    "normal_wb", true, false);
        }
        long ts = 1;
        ts = stream(rp, ts, 400_000); // warm-up: lazy faults, JIT
        long before = mx.getCurrentThreadAllocatedBytes();
        int n = 1_000_000;
        ts = stream(rp, ts, n);
        long after = mx.getCurrentThreadAllocatedBytes();
        long bytes = after - before;
        // The two counter reads themselves may allocate a little; a constant allowance of 4 KiB
        // for a million accesses is far below one object per access (16+ bytes each).
        assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + n + " accesses ("
                + (double) bytes / n + " per access)");
        assertEquals(1_400_000 + 4 + PAGES, rp.events());
        // The stream really went through the whole path: every access translated (no stage-1
        // fault), L1 misses looked up the L2 TLB, and the working set (3000 pages > 1280 L2
        // entries) made walks during the measured part too.
        long walksBefore = rp.pe(0).walksD;
        stream(rp, ts, 10_000);
        assertTrue(rp.pe(0).walksD > walksBefore, "no walks: the measured stream was not exercising the walker");
        rp.finish(0);
        assertEquals(0, rp.counter(0, 0, 0, Replayer.C_S1_FAULTS));
        assertTrue(rp.counter(0, 0, 0, Replayer.C_L2_LOOKUPS) > 0);
        // 3000 pages from IPA 0x4000_0000 span 12 MB = 6 regions of 2 MB: 6 lazy-map faults (the
        // table pages were mapped when the tables were realised, without a fault).
        long lazy = 0;
        for (int kind = 0; kind < Replayer.FAULT_KIND_NAMES.length; kind++) {
            for (int level = -1; level <= 3; level++) {
                lazy += rp.s2FaultCount(0, 0, kind, level, false, Stage2Port.CAUSE_LAZY_MAP)
                        + rp.s2FaultCount(0, 0, kind, level, true, Stage2Port.CAUSE_LAZY_MAP);
            }
        }
        assertEquals(6, lazy);
    }

    /**
     * An overcommitted host replaying a trace recorded without overcommit: VM 1's vCPU is not
     * scheduled, so its accesses go to PE 0, where VM 0's vCPU runs, and the PE switches vCPU at
     * every access (a vCPU load each time). That path allocates nothing either.
     */
    @Test
    void alternatingVcpusOnOnePeAllocateNothingPerAccess() {
        com.sun.management.ThreadMXBean mx = allocationCounter();

        ReplayConfig cfg = new ReplayConfig(1, CorePreset.byName("neoverse-n1"), Replacement.LRU, 1,
                HypConfig.defaults(1).withPolicy(org.virtreplay.engine.hyp.SchedPolicy.TRACE), CostModel.defaults(),
                0, 0);
        Replayer rp = new Replayer(cfg, Stage2Ports.kvm());
        for (int vm = 0; vm < 2; vm++) {
            rp.addVm(vm, "vm" + vm, 1, 40, -1);
            rp.addMemslot(vm, 0, 0x4000_0000L, 64L << 20, Stage2Port.MEMSLOT_RAM, -1, 2L << 20);
        }
        rp.start();
        rp.onSched(0, 0, 1, 0, org.virtreplay.engine.hyp.Hypervisor.SCHED_PREEMPT);
        long ts = alternate(rp, 1, 200_000); // warm-up: lazy faults, JIT
        long before = mx.getCurrentThreadAllocatedBytes();
        int n = 500_000;
        ts = alternate(rp, ts, n);
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 4096, "allocated " + bytes + " bytes over " + n + " accesses ("
                + (double) bytes / n + " per access)");
        rp.finish(0);
        // Half of the 700,000 accesses were VM 1's, all outside its (preempted) slot.
        assertEquals(350_000, rp.counter(0, 1, 0, Replayer.C_NOT_RUNNING));
        assertEquals(0, rp.counter(0, 0, 0, Replayer.C_NOT_RUNNING));
    }

    /** n accesses alternating between VM 0 and VM 1 over 64 pages (stage 1 off: VA = IPA). */
    private static long alternate(Replayer rp, long ts, int n) {
        for (int i = 0; i < n; i++) {
            long ipa = 0x4000_0000L + (i % 64) * 4096L;
            rp.onMem(ts++, i & 1, 0, 1, Replayer.READ, ipa, 8);
        }
        return ts;
    }

    /** n accesses: a strided walk over the working set with reads, writes, RMW and a page-crossing access every 97th. */
    private static long stream(Replayer rp, long ts, int n) {
        long x = 12345;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            int page = (int) ((x >>> 33) % PAGES);
            int access = (int) ((x >>> 20) & 3) == 2 ? Replayer.READ : (int) ((x >>> 20) & 3);
            long va = 0x8000_0000L + page * 4096L + ((x >>> 8) & 0xFF8);
            int size = 8;
            if (i % 97 == 0 && page + 1 < PAGES) {
                va = 0x8000_0000L + page * 4096L + 4092;
                size = 16;
            }
            rp.onMem(ts++, 0, 0, 0, access, va, size);
        }
        return ts;
    }
}
