package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_BLOCK;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_PREEMPT;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_RUN;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_DEVICE;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_IPI;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_ITS;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_TIMER;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_IPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_LPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_SPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_TIMER;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue-6 acceptance scenarios with hand-computed expectations. The cost model runs at 1000 MHz so
 * that one cycle is one nanosecond, with distinct round costs so every sum below can be read back:
 * exit 100, entry 200, LR flush 10, inject 40, IPI 20, device host 300, guest ack 5, maintenance 7,
 * wake 1000, vCPU switch 500, GICv4.1 direct 3, doorbell 50, guest handler 1000 ns.
 */
class HypScenarioTest {

    static final CostModel COST = new CostModel(1000, 100, 200, 10, 40, 20, 300, 5, 7, 1000, 500, 3, 50, 1000, 0, 0, 0);

    /** One recorded acknowledge, with the invariant that components sum to the latency checked. */
    record Ack(long assertTs, long ackTs, int intid, int vm, int vcpu, int cls, long exit, long inject, long sched,
            long lrWait, long mask) {
        long latency() {
            return ackTs - assertTs;
        }
    }

    static List<Ack> attach(Hypervisor h) {
        List<Ack> acks = new ArrayList<>();
        h.setEventSink((a, k, id, vm, vc, cls, ex, inj, sc, lw, m, obs) -> {
            assertEquals(k - a, ex + inj + sc + lw + m, "components must sum to the latency of INTID " + id);
            acks.add(new Ack(a, k, id, vm, vc, cls, ex, inj, sc, lw, m));
        });
        return acks;
    }

    static Hypervisor hyp(int[] vcpus, HypConfig cfg) {
        return new Hypervisor(vcpus, cfg, COST);
    }

    @Test
    void spiToRunningUnmaskedVcpuCostsExactlyThePath() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.advanceTo(1_000_000);
        // device host 300 + inject 40 + IPI 20 + exit 100 + flush 10 + entry 200 + guest ack 5 = 675.
        assertEquals(1, acks.size());
        Ack a = acks.get(0);
        assertEquals(675, a.latency());
        assertEquals(100, a.exit());
        assertEquals(575, a.inject());
        assertEquals(0, a.sched() + a.lrWait() + a.mask());
        assertEquals(CLASS_SPI, a.cls());
        assertEquals(1, h.stats().count(0, 0, CLASS_SPI));
        assertEquals(675, h.stats().histogram(0, 0, CLASS_SPI).max());
        assertEquals(100.0, h.stats().componentMean(0, 0, CLASS_SPI, IrqLatencyStats.C_EXIT));
        assertEquals(0, h.stats().maintenanceInterrupts(0, 0));
    }

    @Test
    void defaultCostModelReproducesDallIoLatencyIn() {
        Hypervisor h = new Hypervisor(new int[] {1}, HypConfig.defaults(1), CostModel.defaults());
        List<Ack> acks = attach(h);
        h.onIrq(0, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.advanceTo(1_000_000);
        // 5572 + 1000 + 500 + 3250 + 250 + 3000 + 300 = 13,872 cycles (Dall16 "I/O latency in");
        // at 2.4 GHz per component, rounded: 2322 + 417 + 208 + 1354 + 104 + 1250 + 125 = 5780 ns.
        assertEquals(5780, acks.get(0).latency());
    }

    @Test
    void spiToVcpuDescheduledFor2msWaitsUntilItRunsAgain() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE));
        List<Ack> acks = attach(h);
        h.onSched(0, 0, 0, 0, SCHED_PREEMPT);
        h.onIrq(1_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        assertFalse(h.isRunning(1_500_000, 0, 0));
        assertEquals(0, acks.size());
        h.onSched(2_000_000, 0, 0, 0, SCHED_RUN);
        h.advanceTo(3_000_000);
        // Queued at 1000 + 300 + 40 = 1340; runs again at 2,000,000; flush 10 + entry 200 -> 2,000,210;
        // guest ack 5 -> 2,000,215. Latency 1,999,215 = inject (340 + 210 + 5 = 555) + sched (1,998,660).
        Ack a = acks.get(0);
        assertEquals(2_000_215, a.ackTs());
        assertEquals(555, a.inject());
        assertEquals(1_998_660, a.sched());
        assertEquals(0, a.exit());
    }

    @Test
    void pinnedOvercommitWaitsForTheQuantum() {
        // Two vCPUs pinned on one PE, quantum 2 ms: vCPU 0 runs first, vCPU 1 waits.
        Hypervisor h = hyp(new int[] {2}, HypConfig.defaults(1).withQuantumNs(2_000_000));
        List<Ack> acks = attach(h);
        h.onIrq(1_000, 40, 0, 1, SOURCE_DEVICE, -1, false, true);
        h.advanceTo(5_000_000);
        // Queued 1340; quantum end 2,000,000; switch 500 + flush 10 + entry 200 -> 2,000,710; ack 2,000,715.
        Ack a = acks.get(0);
        assertEquals(2_000_715, a.ackTs());
        assertEquals(2_000_000 - 1_340 + 500, a.sched());
        assertEquals(340 + 210 + 5, a.inject());
    }

    @Test
    void sixSimultaneousInterruptsWithFourListRegisters() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        // INTID -> priority (distinct at 5 implemented bits, all below PMR 0xF0):
        int[] ids = {40, 41, 42, 43, 44, 45};
        int[] prio = {0x98, 0x88, 0xA8, 0x90, 0xA0, 0x80};
        for (int i = 0; i < 6; i++) {
            h.onIrq(10_000, ids[i], 0, 0, SOURCE_DEVICE, -1, false, true, prio[i], -1, -1);
        }
        h.advanceTo(1_000_000);
        // All queued at 10,340; first kick exit at 10,360, host free 10,460, entry 10,670.
        // Flush sorts by priority: LRs get 45 (0x80), 41 (0x88), 43 (0x90), 40 (0x98); 44 and 42 wait;
        // UIE is set (6 > 4). Acks at +5, handler 1000 each: 45 @10,675, 41 @11,680, 43 @12,685.
        // The EOI of 43 at 13,685 leaves one valid LR (40): underflow -> maintenance interrupt ->
        // exit (100) + MI (7) -> host free 13,792 -> entry 14,002 with 40, 44, 42 all in LRs, no UIE.
        // Then 40 @14,007, 44 @15,012, 42 @16,017. Exactly one maintenance interrupt.
        int[] order = acks.stream().mapToInt(Ack::intid).toArray();
        assertArrayEquals(new int[] {45, 41, 43, 40, 44, 42}, order);
        long[] at = acks.stream().mapToLong(Ack::ackTs).toArray();
        assertArrayEquals(new long[] {10_675, 11_680, 12_685, 14_007, 15_012, 16_017}, at);
        assertEquals(1, h.stats().maintenanceInterrupts(0, 0));
        assertEquals(2, h.stats().exits(0, 0));
        // 44 waited for a list register from entry 10,670 to re-entry 14,002, then behind 40's handler.
        Ack a44 = acks.get(4);
        assertEquals(14_002 - 10_670, a44.lrWait());
        assertEquals(15_007 - 14_002, a44.mask());
        assertEquals(100, a44.exit());
        assertEquals(340 + 20 + 210 + 5, a44.inject());
        // 40 held an LR throughout: its wait is priority/handler wait (mask), not LR wait.
        Ack a40 = acks.get(3);
        assertEquals(0, a40.lrWait());
        assertEquals(14_002 - 10_670, a40.mask());
    }

    @Test
    void gicV41RemovesTheReceiverSideExit() {
        long[] lat = new long[2];
        long[] exits = new long[2];
        for (int v4 = 0; v4 < 2; v4++) {
            Hypervisor h = hyp(new int[] {2}, HypConfig.defaults(2).withGicV41(v4 == 1));
            List<Ack> acks = attach(h);
            h.onIrq(10_000, 1, 0, 1, SOURCE_IPI, 0, false, true);
            h.advanceTo(1_000_000);
            lat[v4] = acks.get(0).latency();
            exits[v4] = h.stats().exits(0, 1);
            assertEquals(CLASS_IPI, acks.get(0).cls());
            // GICv3: sender trap + receiver kick exit; GICv4.1: only the sender's ICC_SGI1R_EL1 trap.
            assertEquals(v4 == 1 ? 100 : 200, acks.get(0).exit());
        }
        // GICv3: sender exit 100 + inject 40 + IPI 20 + receiver exit 100 + flush 10 + entry 200 + ack 5.
        assertEquals(475, lat[0]);
        // GICv4.1: sender exit 100 + inject 40 + direct 3 + ack 5, no receiver exit.
        assertEquals(148, lat[1]);
        assertEquals(1, exits[0]);
        assertEquals(0, exits[1]);
    }

    @Test
    void gicV41DirectVlpiAndDoorbell() {
        Hypervisor h = hyp(new int[] {2}, HypConfig.defaults(2).withGicV41(true));
        List<Ack> acks = attach(h);
        // Resident vPE: direct 3 + ack 5.
        h.onIrq(10_000, 8192, 0, 0, SOURCE_ITS, -1, false, true);
        // vCPU 1 executes WFI at 20,000 and blocks; its PE stays idle.
        h.onSched(20_000, 1, 0, 1, SCHED_BLOCK);
        h.onIrq(30_000, 8193, 0, 1, SOURCE_ITS, -1, false, true);
        h.advanceTo(1_000_000);
        assertEquals(2, acks.size());
        assertEquals(8, acks.get(0).latency());
        assertEquals(CLASS_LPI, acks.get(0).cls());
        assertEquals(0, h.stats().exits(0, 0));
        // Non-resident: pending at 30,003, doorbell 50 -> wake at 30,053 + 1000 -> 31,053, same vCPU
        // back on its idle PE (no switch), flush 10 + entry 200 -> 31,263, ack 31,268.
        Ack b = acks.get(1);
        assertEquals(31_268, b.ackTs());
        assertEquals(30_003 + 50 + 1000 - 30_003, b.sched());
        assertEquals(3 + 210 + 5, b.inject());
    }

    @Test
    void maskedWindowCountsAsMaskWait() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        h.onMask(9_000, 0, 0, true);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.onMask(20_000, 0, 0, false);
        h.advanceTo(1_000_000);
        // In an LR from 10,670; unmasked at 20,000; ack at 20,005.
        Ack a = acks.get(0);
        assertEquals(20_005, a.ackTs());
        assertEquals(20_000 - 10_670, a.mask());
    }

    @Test
    void virtualTimerIsHwMappedAndNeedsNoKick() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        h.onIrq(10_000, 27, 0, 0, SOURCE_TIMER, -1, true, true);
        h.advanceTo(1_000_000);
        // Exit on the vCPU's own PE 100 + inject 40 + flush 10 + entry 200 + ack 5 = 355.
        Ack a = acks.get(0);
        assertEquals(355, a.latency());
        assertEquals(CLASS_TIMER, a.cls());
        // HW=1: the guest's EOI deactivated the physical PPI; no EOI maintenance interrupt.
        assertEquals(1, h.vgic(0, 0).physicalDeactivations());
        assertEquals(0, h.stats().maintenanceInterrupts(0, 0));
        assertEquals(1, h.stats().exits(0, 0));
    }

    @Test
    void levelSpiTakesAnEoiMaintenanceInterrupt() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        attach(h);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, true, true);
        h.advanceTo(1_000_000);
        // KVM sets LR.EOI for level SW interrupts: the guest's deactivation raises MISR.EOI.
        assertEquals(1, h.stats().maintenanceInterrupts(0, 0));
        assertEquals(2, h.stats().exits(0, 0));
    }

    @Test
    void observedAckTimesGiveTheModelError() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        attach(h);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true, 0xA0, 10_700, 11_700);
        h.advanceTo(1_000_000);
        // Model ack 10,675 vs observed 10,700: error -25 ns.
        assertEquals(-25.0, h.stats().ackErrorMean(0, 0));
        assertEquals(25, h.stats().ackErrorAbs(0, 0).max());
    }

    @Test
    void fairSchedulerTimeSlicesThreeVcpusOnTwoPes() {
        Hypervisor h = hyp(new int[] {3}, HypConfig.defaults(2).withPolicy(SchedPolicy.FAIR).withQuantumNs(1_000_000));
        // [0,1ms): vCPU 0 on PE 0, 1 on PE 1. At 1 ms PE 0 switches to 2, PE 1 to 0.
        // At 2 ms PE 0 switches to 1, PE 1 to 2. Each switch-in is guest after 500 + 10 + 200 ns.
        assertEquals(0, h.runningPe(500_000, 0, 0));
        assertEquals(1, h.runningPe(500_000, 0, 1));
        assertEquals(-1, h.runningPe(500_000, 0, 2));
        assertEquals(-1, h.runningPe(1_000_500, 0, 2), "still switching in");
        assertEquals(0, h.runningPe(1_500_000, 0, 2));
        assertEquals(1, h.runningPe(1_500_000, 0, 0));
        assertEquals(-1, h.runningPe(1_500_000, 0, 1));
        assertEquals(0, h.runningPe(2_500_000, 0, 1));
        assertEquals(1, h.runningPe(2_500_000, 0, 2));
        assertEquals(-1, h.runningPe(2_500_000, 0, 0));
    }

    @Test
    void wakeupPreemptionVersusWaitingForTheQuantum() {
        long[] ack = new long[2];
        for (int wp = 0; wp < 2; wp++) {
            HypConfig cfg = HypConfig.defaults(1).withPolicy(SchedPolicy.FAIR).withQuantumNs(10_000_000)
                    .withWakeupPreemption(wp == 1);
            Hypervisor h = hyp(new int[] {2}, cfg);
            List<Ack> acks = attach(h);
            // vCPU 0 blocks (WFI) at 100; the PE takes vCPU 1 at 100 + exit 100 = 200 (slice starts).
            h.onSched(100, 0, 0, 0, SCHED_BLOCK);
            assertTrue(h.isRunning(1_000_000, 0, 1));
            h.onIrq(2_000_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
            h.advanceTo(20_000_000);
            ack[wp] = acks.get(0).ackTs();
        }
        // Queued at 2,000,340, wake 1000 -> 2,001,340.
        // Without wake-up preemption: quantum end of vCPU 1 at 200 + 10 ms = 10,000,200; switch 500 +
        // flush 10 + entry 200 -> 10,000,910; ack 10,000,915.
        assertEquals(10_000_915, ack[0]);
        // With it (vCPU 1 ran >= 1 ms): switch at 2,001,340 + 710 -> 2,002,050; ack 2,002,055.
        assertEquals(2_002_055, ack[1]);
    }

    @Test
    void coalescedEdgeAssertionIsCountedNotTimed() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE));
        List<Ack> acks = attach(h);
        h.onSched(0, 0, 0, 0, SCHED_PREEMPT);
        h.onIrq(1_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.advanceTo(5_000);
        h.onIrq(6_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.onSched(10_000, 0, 0, 0, SCHED_RUN);
        h.advanceTo(100_000);
        assertEquals(1, acks.size());
        assertEquals(1, h.stats().coalesced(0, 0));
        assertEquals(0, h.inFlight());
    }

    @Test
    void edgeRetriggerWhileActiveUsesPendingActiveLr() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        // First instance acknowledged at 10,675, handler until 11,675. Re-triggered at 11,000:
        h.onIrq(11_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.advanceTo(1_000_000);
        // Queued 11,340, kick exit at 11,360 pauses the handler with 315 ns left; host free 11,460,
        // entry 11,670 with LR = Pending+Active; handler resumes, EOI at 11,985 leaves the LR Pending;
        // the guest takes it without another exit: ack at 11,990 (latency 990).
        assertEquals(2, acks.size());
        Ack b = acks.get(1);
        assertEquals(11_990, b.ackTs());
        assertEquals(100, b.exit());
        assertEquals(340 + 20 + 210 + 5, b.inject());
        assertEquals(11_985 - 11_670, b.mask());
        assertEquals(2, h.stats().exits(0, 0));
    }

    @Test
    void traceScheduleBlockWakeRun() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE));
        List<Ack> acks = attach(h);
        h.onSched(1_000, 0, 0, 0, SCHED_BLOCK);
        h.onIrq(5_000, 27, 0, 0, SOURCE_TIMER, -1, true, true);
        // The trace, not the model, decides when the blocked vCPU runs again.
        h.onSched(8_000, 0, 0, 0, Hypervisor.SCHED_WAKE);
        assertEquals(Hypervisor.ST_RUNNABLE, h.vcpuState(0, 0));
        h.onSched(9_000, 0, 0, 0, SCHED_RUN);
        h.advanceTo(100_000);
        // Soft timer: inject 40 -> queued 5,040 (sched wait) until run at 9,000; flush + entry 210 ->
        // 9,210; ack 9,215. inject = 40 + 210 + 5 = 255, sched = 9,000 - 5,040 = 3,960.
        Ack a = acks.get(0);
        assertEquals(9_215, a.ackTs());
        assertEquals(255, a.inject());
        assertEquals(3_960, a.sched());
    }

    @Test
    void vcpuInEl2IsNotRunningGuestCode() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        // Kick exit at 10,360, entry complete at 10,670: in between the vCPU is in EL2.
        assertEquals(0, h.runningPe(10_359, 0, 0));
        assertEquals(-1, h.runningPe(10_360, 0, 0));
        assertEquals(Hypervisor.ST_HOST, h.vcpuState(0, 0));
        assertEquals(-1, h.runningPe(10_669, 0, 0));
        assertEquals(0, h.loadedPe(10_669, 0, 0), "loaded on PE 0 while in EL2");
        assertEquals(0, h.runningPe(10_670, 0, 0));
    }

    @Test
    void lpiWithoutGicV4TakesTheSoftwarePath() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        h.onIrq(10_000, 8192, 0, 0, SOURCE_ITS, -1, false, true);
        h.advanceTo(1_000_000);
        // Same path as a device SPI (675 ns), class LPI.
        assertEquals(675, acks.get(0).latency());
        assertEquals(CLASS_LPI, acks.get(0).cls());
        assertEquals(1, h.stats().exits(0, 0));
    }

    @Test
    void lowerPriorityWaitsBehindHandlerAsMaskWait() {
        Hypervisor h = hyp(new int[] {1}, HypConfig.defaults(1));
        List<Ack> acks = attach(h);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true, 0x80, -1, -1);
        h.onIrq(10_700, 41, 0, 0, SOURCE_DEVICE, -1, false, true, 0x40, -1, -1);
        h.advanceTo(1_000_000);
        // 40 acked at 10,675, handler to 11,675. 41 (higher priority) is queued at 11,040, kick exit at
        // 11,060 pauses the handler (615 ns left), entry 11,370; the guest is still in 40's handler
        // (interrupts masked) until 11,985, then acks 41 at 11,990: the Linux-like guest does not nest.
        assertEquals(11_990, acks.get(1).ackTs());
        assertEquals(11_985 - 11_370, acks.get(1).mask());
    }
}
