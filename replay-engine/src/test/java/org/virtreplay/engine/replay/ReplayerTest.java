package org.virtreplay.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import org.junit.jupiter.api.Test;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.hyp.Hypervisor;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.engine.tlb.TlbGeometry;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * End-to-end checks of the replay loop on hand-built hosts. Expected values are derived in the
 * comments from the rules (KVM lazy stage-2 mapping at the memslot's backing size; TLB entries of
 * min(stage-1, stage-2) size; VMID/ASID tags).
 */
class ReplayerTest {

    private static final long GB = 1L << 30, MB2 = 2L << 20, K4 = 4096;

    /** A host with one PE and fully associative 32-entry L1 TLBs and no L2 or walk caches. */
    private static Replayer host(int pes) {
        TlbGeometry l1 = new TlbGeometry(32, 32, TlbGeometry.ANY_SIZE);
        CorePreset core = CorePreset.custom(l1, l1, null);
        HypConfig hyp = HypConfig.defaults(pes).withPolicy(org.virtreplay.engine.hyp.SchedPolicy.TRACE);
        return new Replayer(new ReplayConfig(pes, core, Replacement.LRU, 1, hyp, CostModel.defaults(), 0, 0),
                Stage2Ports.kvm());
    }

    /** One PE; VMs 0 and 1 with one vCPU each and the same RAM slot [1 GiB, +16 MiB), 4K backing; started. */
    private static Replayer twoVmsOnOnePe() {
        Replayer r = host(1);
        for (int vm = 0; vm < 2; vm++) {
            r.addVm(vm, "vm" + vm, 1, 40, -1);
            r.addMemslot(vm, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, K4);
        }
        r.start();
        return r;
    }

    @Test
    void guestWithMmuOffTakesOneLazyStage2FaultPerBackingBlock() {
        // VM 0: 40-bit IPA, RAM [1 GiB, 1 GiB + 16 MiB) backed by 2 MiB blocks; the guest's stage 1 is
        // off (SCTLR_EL1.M = 0 at reset), so VA = IPA.
        Replayer r = host(1);
        r.addVm(0, "vm0", 1, 40, -1);
        r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, MB2);
        r.start();
        r.onSched(0, 0, 0, 0, Hypervisor.SCHED_RUN);
        // 1: IPA 1 GiB, no stage-2 tables yet -> fault, KVM maps the 2 MiB block [1 GiB, +2 MiB).
        r.onMem(10, 0, 0, 1, Replayer.READ, GB, 8);
        // 2: same block, another 4K page: translated by the new block, no fault.
        r.onMem(20, 0, 0, 1, Replayer.READ, GB + 0x1000, 8);
        // 3: next block [1 GiB + 2 MiB, ...): fault, mapped.
        r.onMem(30, 0, 0, 1, Replayer.WRITE, GB + MB2 + 0x10, 8);
        // 4: a write into block 1 again: S2AP of a RAM block is RW, no fault.
        r.onMem(40, 0, 0, 1, Replayer.WRITE, GB + 0x2000, 8);
        r.finish(0);
        long total = 0;
        for (int kind = 0; kind < 4; kind++) {
            for (int level = -1; level <= 3; level++) {
                total += r.s2FaultCount(0, 0, kind, level, false, Stage2Port.CAUSE_LAZY_MAP);
            }
        }
        assertEquals(2, total, "one lazy-map fault per 2 MiB block touched");
        assertEquals(4, r.counter(0, 0, 0, Replayer.C_ACCESSES));
        // 4 page lookups (none crosses a page) + 2 retries after the faults = 6 data-TLB lookups.
        assertEquals(6, r.counter(0, 0, 0, Replayer.C_L1D_LOOKUPS));
    }

    @Test
    void pageCrossingAccessLooksUpBothPagesLowestFirst() {
        Replayer r = host(1);
        r.addVm(0, "vm0", 1, 40, -1);
        r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, K4);
        r.start();
        r.onSched(0, 0, 0, 0, Hypervisor.SCHED_RUN);
        // 8 bytes at 0xFFC in page 0 cross into page 1: two lookups, two lazy 4K maps.
        r.onMem(10, 0, 0, 1, Replayer.READ, GB + 0xFFC, 8);
        r.finish(0);
        assertEquals(1, r.counter(0, 0, 0, Replayer.C_ACCESSES));
        assertEquals(2, r.counter(0, 0, 0, Replayer.C_PAGE_LOOKUPS));
        long faults = 0;
        for (int level = -1; level <= 3; level++) {
            faults += r.s2FaultCount(0, 0, 1, level, false, Stage2Port.CAUSE_LAZY_MAP);
        }
        assertEquals(2, faults, "two translation faults, one per 4K page");
    }

    /**
     * 8,192 bytes from 0xFFC in page 0 end at 0x2FFB, in page 2: three lookups, pages 0, 1 and 2, each
     * a lazy 4K map; per row ({@code onMem}) and through the flat loop ({@code onMemBatch}), which
     * hands a multi-page row to the same page loop.
     */
    @Test
    void accessSpanningThreePagesLooksUpEachOfThem() {
        for (boolean batch : new boolean[] {false, true}) {
            Replayer r = host(1);
            r.addVm(0, "vm0", 1, 40, -1);
            r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, K4);
            r.start();
            r.onSched(0, 0, 0, 0, Hypervisor.SCHED_RUN);
            if (batch) {
                int[] zero = {0};
                assertEquals(1, r.onMemBatch(new long[] {10}, zero, zero, new int[] {1}, new int[] {Replayer.READ},
                        new long[] {GB + 0xFFC}, new int[] {8192}, 0, 1, Long.MAX_VALUE));
            } else {
                r.onMem(10, 0, 0, 1, Replayer.READ, GB + 0xFFC, 8192);
            }
            r.finish(0);
            assertEquals(1, r.counter(0, 0, 0, Replayer.C_ACCESSES), "batch " + batch);
            assertEquals(3, r.counter(0, 0, 0, Replayer.C_PAGE_LOOKUPS), "batch " + batch);
            long faults = 0;
            for (int level = -1; level <= 3; level++) {
                faults += r.s2FaultCount(0, 0, 1, level, false, Stage2Port.CAUSE_LAZY_MAP);
            }
            assertEquals(3, faults, "one translation fault per 4K page, batch " + batch);
        }
    }

    /**
     * One PE; VM 0 (40-bit IPA, RAM [1 GiB, +16 MiB) at host PA 8 GiB, 4K backing) whose guest runs
     * at EL1 with its MMU on: 48-bit VA ranges with 4K granules for TTBR0 and TTBR1, MAIR Attr0
     * Normal WB; the last VA page (TTBR1 range, ending exactly at 2^64) mapped to IPA 1 GiB + 2 MiB
     * and, if {@code mapVaZero}, VA page 0 (TTBR0 range) to IPA 1 GiB + 3 MiB.
     */
    private static Replayer guestWithTopAndBottomPages(boolean mapVaZero) {
        Replayer r = host(1);
        r.addVm(0, "vm0", 1, 40, -1);
        r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, 0x2_0000_0000L, K4);
        r.start();
        long ttbr0 = GB + 0x10_0000, ttbr1 = GB + 0x10_1000;
        // TCR_EL1: T0SZ = T1SZ = 16 (48-bit ranges), TG0 = 00 (4K), TG1 = 10 (4K), IPS = 010 (40 bits).
        long tcr = 16 | (16L << 16) | (2L << 30) | (2L << 32);
        r.onSysreg(1, 0, 0, 0, 1, "TCR_EL1", tcr);
        r.onSysreg(2, 0, 0, 0, 1, "MAIR_EL1", 0x0044_04FFL);
        r.onSysreg(3, 0, 0, 0, 1, "TTBR0_EL1", ttbr0);
        r.onSysreg(4, 0, 0, 0, 1, "TTBR1_EL1", ttbr1);
        r.onMap(5, 0, 1, ttbr1, 0xFFFF_FFFF_FFFF_F000L, GB + 0x20_0000, K4, "rw", "normal_wb", true, false);
        if (mapVaZero) {
            r.onMap(6, 0, 1, ttbr0, 0, GB + 0x30_0000, K4, "rw", "normal_wb", true, false);
        }
        r.onSysreg(7, 0, 0, 0, 1, "SCTLR_EL1", 0x1005); // M, C, I
        r.onSched(8, 0, 0, 0, Hypervisor.SCHED_RUN);
        return r;
    }

    @Test
    void accessCrossingTwoToThe64WrapsToVaZeroInTheTtbr0Range() {
        // 8 bytes at 2^64 - 4: bytes 0..3 in the last page of the TTBR1 range, bytes 4..7 at VA 0..3
        // (the Arm ARM's 64-bit address arithmetic wraps; QEMU's A64 pointer_wrap keeps the sum), so
        // two page lookups in the order of the bytes, each faulting once at stage 2
        // (4K lazy map) and then translating: the second through TTBR0 to IPA 1 GiB + 3 MiB.
        Replayer r = guestWithTopAndBottomPages(true);
        java.util.List<long[]> faults = new java.util.ArrayList<>();
        r.setFaultSink((ts, pe, vm, vcpu, kind, level, s1ptw, cause, va, ipa, esr) -> faults.add(new long[] {va, ipa}));
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> r.onMem(10, 0, 0, 1, Replayer.READ, 0xFFFF_FFFF_FFFF_FFFCL, 8));
        r.finish(0);
        assertEquals(1, r.counter(0, 0, 0, Replayer.C_ACCESSES));
        assertEquals(2, r.counter(0, 0, 0, Replayer.C_PAGE_LOOKUPS));
        assertEquals(0, r.counter(0, 0, 0, Replayer.C_S1_FAULTS));
        assertEquals(2, faults.size());
        assertEquals(0xFFFF_FFFF_FFFF_FFFCL, faults.get(0)[0]);
        assertEquals(GB + 0x20_0FFC, faults.get(0)[1]);
        assertEquals(0, faults.get(1)[0]);
        assertEquals(GB + 0x30_0000, faults.get(1)[1]);
        // The last translation is VA 0: host PA 8 GiB + 3 MiB.
        assertEquals(0x2_0030_0000L, r.pe(0).lastPa);
    }

    @Test
    void wrappedPartOfAnAccessIsTranslatedByTtbr0AndFaultsWhereItIsUnmapped() {
        // Without a TTBR0 mapping of VA 0, the part beyond 2^64 takes a stage-1 Translation fault
        // (counted, not replayed); the first part still translates.
        Replayer r = guestWithTopAndBottomPages(false);
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> r.onMem(10, 0, 0, 1, Replayer.READ, 0xFFFF_FFFF_FFFF_FFFFL, 2));
        r.finish(0);
        assertEquals(2, r.counter(0, 0, 0, Replayer.C_PAGE_LOOKUPS));
        assertEquals(1, r.counter(0, 0, 0, Replayer.C_S1_FAULTS));
        long lazy = 0;
        for (int level = -1; level <= 3; level++) {
            lazy += r.s2FaultCount(0, 0, 1, level, false, Stage2Port.CAUSE_LAZY_MAP);
        }
        assertEquals(1, lazy, "only the page below 2^64 reaches stage 2");
    }

    @Test
    void mmioSlotAlwaysExitsAndIsNeverMapped() {
        Replayer r = host(1);
        r.addVm(0, "vm0", 1, 40, -1);
        r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, K4);
        r.addMemslot(0, 1, 0x0900_0000L, 0x1000, Stage2Port.MEMSLOT_MMIO, -1, K4);
        r.start();
        r.onSched(0, 0, 0, 0, Hypervisor.SCHED_RUN);
        for (int i = 0; i < 3; i++) {
            r.onMem(10 + i, 0, 0, 1, Replayer.WRITE, 0x0900_0000L, 4);
        }
        r.finish(0);
        long mmio = 0;
        for (int level = -1; level <= 3; level++) {
            mmio += r.s2FaultCount(0, 0, 1, level, false, Stage2Port.CAUSE_MMIO);
        }
        assertEquals(3, mmio, "each of the three accesses exits");
    }

    @Test
    void twoVmsOnOnePeDoNotShareTlbEntries() {
        // Two VMs with identical IPA layouts, both MMU off at stage 1, alternate on PE 0. Their
        // entries are tagged with different VMIDs, so VM 1's first access misses even though VM 0
        // cached the same VA: 2 VMs x 1 page = 2 walks that succeed, and then hits.
        Replayer r = twoVmsOnOnePe();
        long t = 0;
        r.onSched(t++, 0, 0, 0, Hypervisor.SCHED_RUN);
        r.onMem(t++, 0, 0, 1, Replayer.READ, GB, 8);   // VM 0: fault, map, walk again -> fill
        r.onMem(t++, 0, 0, 1, Replayer.READ, GB, 8);   // hit
        r.onSched(t++, 0, 0, 0, Hypervisor.SCHED_PREEMPT);
        r.onSched(t++, 0, 1, 0, Hypervisor.SCHED_RUN);
        r.onMem(t++, 1, 0, 1, Replayer.READ, GB, 8);   // VM 1: other VMID -> miss, fault, map, fill
        r.onMem(t++, 1, 0, 1, Replayer.READ, GB, 8);   // hit
        r.finish(0);
        // Per VM: lookups = 2 accesses + 1 retry = 3; hits = 1 (the second access).
        for (int vm = 0; vm < 2; vm++) {
            assertEquals(3, r.counter(0, vm, 0, Replayer.C_L1D_LOOKUPS), "vm " + vm);
            assertEquals(1, r.counter(0, vm, 0, Replayer.C_L1D_HITS), "vm " + vm);
        }
    }

    @Test
    void vcpusAlternatingOnOnePeEachTranslateWithTheirOwnRegisters() {
        // VM 0's vCPU runs on PE 0; VM 1's was preempted (the trace policy counts a vCPU as running
        // until its first schedule event), so its accesses go to the PE it last used (PE 0, the only
        // one), counted as not running, and the PE switches vCPU at every access.
        // While VM 0 is loaded, the hypervisor writes VM 1's HCR_EL2 with VM = 0 (RW kept): VM 1's
        // accesses must then see stage 2 off (no stage-2 fault), VM 0's must keep its own stage 2.
        Replayer r = twoVmsOnOnePe();
        long t = 0;
        r.onSched(t++, 0, 1, 0, Hypervisor.SCHED_PREEMPT);
        r.onSched(t++, 0, 0, 0, Hypervisor.SCHED_RUN);
        r.onMem(t++, 0, 0, 1, Replayer.READ, GB, 8);        // VM 0 loaded: lazy fault, map, retry
        r.onSysreg(t++, 0, 1, -1, 2, "HCR_EL2", 1L << 31);   // VM 1 (not loaded): stage 2 off
        for (int i = 0; i < 2; i++) {
            r.onMem(t++, 1, 0, 1, Replayer.READ, GB, 8);    // VM 1: switch in, stage 1 and 2 off
            r.onMem(t++, 0, 0, 1, Replayer.READ, GB, 8);    // VM 0: switch back, its entry still cached
        }
        r.finish(0);
        long vm0Faults = 0;
        long vm1Faults = 0;
        for (int kind = 0; kind < 4; kind++) {
            for (int level = -1; level <= 3; level++) {
                vm0Faults += r.s2FaultCount(0, 0, kind, level, false, Stage2Port.CAUSE_LAZY_MAP);
                vm1Faults += r.s2FaultCount(1, 0, kind, level, false, Stage2Port.CAUSE_LAZY_MAP);
            }
        }
        assertEquals(1, vm0Faults, "VM 0: one lazy map of its 4K page");
        assertEquals(0, vm1Faults, "VM 1 translates with its own HCR_EL2 (VM = 0), written while not loaded");
        // VM 0: 3 accesses + 1 retry = 4 lookups; the 2nd and 3rd hit (32-entry TLB, VMID-tagged).
        assertEquals(4, r.counter(0, 0, 0, Replayer.C_L1D_LOOKUPS));
        assertEquals(2, r.counter(0, 0, 0, Replayer.C_L1D_HITS));
        assertEquals(0, r.counter(0, 0, 0, Replayer.C_NOT_RUNNING));
        assertEquals(2, r.counter(0, 1, 0, Replayer.C_NOT_RUNNING));
        assertEquals(2, r.counter(0, 1, 0, Replayer.C_L1D_LOOKUPS));
    }

    @Test
    void tlbiOperandEncoding() {
        // VAE1IS, ASID 7, VA 0x0000_0080_8060_4ABC, no TTL: Xt = 7<<48 | VA[55:12] = 0x0007_0000_0808_0604 (T26).
        assertEquals(0x0007_0000_0808_0604L,
                Replayer.operand(TlbiOp.VAE1IS, 7, 0x0000_0080_8060_4ABCL, true, -1, -1, 12));
        // With a TTL hint for a 4K level-3 leaf: TTL = 0b01_11 in Xt[47:44] -> 0x0007_7000_0808_0604 (T26).
        assertEquals(0x0007_7000_0808_0604L,
                Replayer.operand(TlbiOp.VAE1IS, 7, 0x0000_0080_8060_4ABCL, true, 3, -1, 12));
        // IPAS2E1IS of IPA 0x9ABC_D000: Xt = IPA >> 12 = 0x9ABCD (T25).
        assertEquals(0x9ABCDL, Replayer.operand(TlbiOp.IPAS2E1IS, -1, 0x9ABC_D000L, true, -1, -1, 12));
        // Range RVAE1IS of 64 pages from VA 0x40_0000, 4K: SCALE 0 covers (NUM+1)*2 pages up to 64 -> NUM 31;
        // TG 01 in [47:46], BaseADDR = 0x400 in [36:0].
        long xt = Replayer.operand(TlbiOp.RVAE1IS, 0, 0x40_0000L, true, -1, 64, 12);
        assertEquals((1L << 46) | (31L << 39) | 0x400L, xt);
    }

    @Test
    void systemRegisterWritesFollowTheAccessRules() {
        Replayer r = host(1);
        r.addVm(0, "vm0", 1, 40, -1);
        r.addMemslot(0, 0, GB, 16L << 20, Stage2Port.MEMSLOT_RAM, -1, K4);
        r.start();
        // EL0 writing TTBR0_EL1: below the register's EL -> UNDEFINED, EC 0x00 with IL: ESR 0x0200_0000.
        r.onSysreg(1, 0, 0, 0, 0, "TTBR0_EL1", 0x1234_0000L);
        // HCR_EL2.TVM (bit 26) set by the hypervisor (RW, VM kept), then an EL1 write of TTBR0_EL1 traps
        // to EL2: EC 0x18 -> 0x6000_0000 | IL 0x0200_0000; ISS Op0=3 [21:20] 0x30_0000, CRn=2 [13:10]
        // 0x800, Op1=Op2=CRm=Rt=0, direction 0 (write) -> ESR 0x6230_0800.
        r.onSysreg(2, 0, 0, -1, 2, "HCR_EL2", (1L << 31) | (1L << 26) | 1L);
        r.onSysreg(3, 0, 0, 0, 1, "TTBR0_EL1", 0x4000_0000L);
        assertEquals(java.util.Map.of("0.0.undefined.0x02000000", 1L, "0.0.trapped.0x62300800", 1L),
                r.sysregExceptions());
    }

    @Test
    void aarch32El1IsRefused() {
        Replayer r = host(1);
        r.addVm(0, "vm0", 1, 40, -1);
        r.start();
        // HCR_EL2.RW (bit 31) = 0: EL1 would be AArch32.
        org.virtreplay.engine.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.virtreplay.engine.BadInputException.class, () -> r.onSysreg(1, 0, 0, -1, 2, "HCR_EL2", 1L));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("AArch32"), e.getMessage());
    }
}
