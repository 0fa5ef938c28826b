package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_BLOCK;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_PREEMPT;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_RUN;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_DEVICE;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_IPI;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Modelled guest exits with hand-computed times. 1000 MHz, so one cycle is one nanosecond: exit 100,
 * entry 200, LR flush 10, inject 40, IPI 20, device host 300, guest ack 5, maintenance 7, stage-2
 * fault 1000, MMIO 2000, trapped register write 30. Handled time runs from kvm_exit (trap + exit
 * cost) to kvm_entry (the entry event minus the entry cost).
 */
class ExitStatsTest {
    static final CostModel COST = new CostModel(1000, 100, 200, 10, 40, 20, 300, 5, 7, 1000, 500, 3, 50, 1000, 1000,
            2000, 30);

    record Exit(long at, int vm, int vcpu, int pe, int reason, long ipa, long handled) {
    }

    static List<Exit> attach(Hypervisor h) {
        List<Exit> out = new ArrayList<>();
        h.setExitSink((at, vm, vcpu, pe, reason, ipa, handled) -> out.add(new Exit(at, vm, vcpu, pe, reason, ipa,
                handled)));
        return out;
    }

    @Test
    void kickOfARunningVcpuIsAnIrqExitHandledForTheFlush() {
        Hypervisor h = new Hypervisor(new int[] {1}, HypConfig.defaults(1), COST);
        List<Exit> exits = attach(h);
        h.onIrq(10_000, 40, 0, 0, SOURCE_DEVICE, -1, false, true);
        h.advanceTo(1_000_000);
        // Queued 10,000 + 300 + 40 = 10,340; kick lands 10,360; kvm_exit 10,460; flush 10 -> kvm_entry 10,470.
        assertEquals(List.of(new Exit(10_460, 0, 0, 0, ExitReason.IRQ, -1, 10)), exits);
        assertEquals(1, h.exitStats().count(0, 0, ExitReason.IRQ));
        assertEquals(10, h.exitStats().totalNs(0, 0, ExitReason.IRQ));
    }

    @Test
    void stage2AbortOfARunningVcpuExitsAndIsHandled() {
        Hypervisor h = new Hypervisor(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE), COST);
        List<Exit> exits = attach(h);
        h.onGuestExit(5_000, 0, 0, ExitReason.DABT_LOW, h.s2FaultNs(), 0x8000_0000L);
        // kvm_exit 5,100; handling 1,000 -> 6,100; flush 10 -> kvm_entry 6,110; back in the guest at 6,310.
        h.advanceTo(6_309);
        assertEquals(List.of(), exits);
        h.advanceTo(6_310);
        assertEquals(List.of(new Exit(5_100, 0, 0, 0, ExitReason.DABT_LOW, 0x8000_0000L, 1_010)), exits);
        // An MMIO abort at 7,000: 2,000 handling + 10 flush.
        h.onGuestExit(7_000, 0, 0, ExitReason.DABT_LOW, h.mmioNs(), 0x0900_0000L);
        h.advanceTo(100_000);
        assertEquals(2, h.exitStats().count(0, 0, ExitReason.DABT_LOW));
        assertEquals(1_010 + 2_010, h.exitStats().totalNs(0, 0, ExitReason.DABT_LOW));
        assertEquals(1_010, h.exitStats().minNs(0, 0, ExitReason.DABT_LOW));
        assertEquals(2_010, h.exitStats().maxNs(0, 0, ExitReason.DABT_LOW));
        // mean 1,510, deviations -500 and +500: (250,000 + 250,000) / (2 - 1), square root 707.107
        assertEquals(707.107, h.exitStats().stddevNs(0, 0, ExitReason.DABT_LOW), 0.001);
    }

    @Test
    void anAbortWhileTheModelHasTheVcpuInEl2CountsWithItsNominalTime() {
        Hypervisor h = new Hypervisor(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE), COST);
        List<Exit> exits = attach(h);
        h.onGuestExit(5_000, 0, 0, ExitReason.DABT_LOW, h.s2FaultNs(), 0x1000);
        // Still in EL2 at 5,500: counted at once with handling 1,000 + flush 10, kvm_exit 5,600 nominally.
        h.onGuestExit(5_500, 0, 0, ExitReason.IABT_LOW, h.s2FaultNs(), 0x2000);
        assertEquals(List.of(new Exit(5_600, 0, 0, 0, ExitReason.IABT_LOW, 0x2000, 1_010)), exits);
        h.advanceTo(100_000);
        // The first one's entry is not moved by the second: kvm_entry 6,110 as alone.
        assertEquals(new Exit(5_100, 0, 0, 0, ExitReason.DABT_LOW, 0x1000, 1_010), exits.get(1));
    }

    @Test
    void wfiBlockIsAWfxExitLastingUntilTheVcpuRunsAgain() {
        Hypervisor h = new Hypervisor(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE), COST);
        List<Exit> exits = attach(h);
        h.onSched(20_000, 0, 0, 0, SCHED_BLOCK);
        h.onSched(50_000, 0, 0, 0, SCHED_RUN);
        h.advanceTo(100_000);
        // kvm_exit 20,100; runs at 50,000, flush 10 -> kvm_entry 50,010: 29,910 ns.
        assertEquals(List.of(new Exit(20_100, 0, 0, 0, ExitReason.WFX, -1, 29_910)), exits);
        // A preemption is an IRQ exit (the host's interrupt), open until the vCPU runs again.
        h.onSched(200_000, 0, 0, 0, SCHED_PREEMPT);
        h.onSched(300_000, 0, 0, 0, SCHED_RUN);
        h.advanceTo(400_000);
        assertEquals(new Exit(200_100, 0, 0, 0, ExitReason.IRQ, -1, 99_910), exits.get(1));
    }

    @Test
    void ipiSenderTrapsAsSys64HandledForInjectAndFlush() {
        Hypervisor h = new Hypervisor(new int[] {2}, HypConfig.defaults(2), COST);
        List<Exit> exits = attach(h);
        h.onIrq(1_000, 3, 0, 1, SOURCE_IPI, 0, false, true);
        h.advanceTo(1_000_000);
        // Sender vCPU 0: kvm_exit 1,100, inject 40, flush 10 -> kvm_entry 1,150: 50 ns.
        // Receiver vCPU 1: queued 1,100 + 40 = 1,140, kick 1,160, kvm_exit 1,260, flush -> 1,270: 10 ns.
        assertEquals(1, h.exitStats().count(0, 0, ExitReason.SYS64));
        assertEquals(50, h.exitStats().totalNs(0, 0, ExitReason.SYS64));
        assertEquals(0, h.exitStats().count(0, 0, ExitReason.IRQ));
        assertEquals(1, h.exitStats().count(0, 1, ExitReason.IRQ));
        assertEquals(10, h.exitStats().totalNs(0, 1, ExitReason.IRQ));
        assertEquals(new Exit(1_100, 0, 0, 0, ExitReason.SYS64, -1, 50), exits.get(0));
    }

    @Test
    void anExitWithoutEntryBeforeTheEndIsUnfinishedNotCounted() {
        Hypervisor h = new Hypervisor(new int[] {1}, HypConfig.defaults(1).withPolicy(SchedPolicy.TRACE), COST);
        attach(h);
        h.onSched(20_000, 0, 0, 0, SCHED_BLOCK);
        h.advanceTo(1_000_000);
        h.finishExits();
        assertEquals(0, h.exitStats().count(0, 0, ExitReason.WFX));
        assertEquals(1, h.exitStats().unfinished(0, 0, ExitReason.WFX));
        assertEquals(0, h.exitStats().minNs(0, 0, ExitReason.WFX));
    }

    @Test
    void reasonsAreNamedAsKvmExitPrintsThem() {
        assertEquals("TRAP", ExitReason.type(ExitReason.DABT_LOW));
        assertEquals(0x24, ExitReason.ec(ExitReason.DABT_LOW));
        assertEquals(0x20, ExitReason.ec(ExitReason.IABT_LOW));
        assertEquals(0x18, ExitReason.ec(ExitReason.SYS64));
        assertEquals(0x01, ExitReason.ec(ExitReason.WFX));
        assertEquals("WFx", ExitReason.key(ExitReason.WFX));
        assertEquals("IRQ", ExitReason.key(ExitReason.IRQ));
        assertEquals(null, ExitReason.ecName(ExitReason.IRQ));
        assertEquals(-1, ExitReason.ec(ExitReason.IRQ));
    }

    /**
     * The spread kept per vCPU and reason: 10, 20 and 60 ns have mean 30, squared deviations 400 +
     * 100 + 900 = 1,400, sample variance 1,400 / 2 = 700, standard deviation 26.458; a reason with one
     * exit, and another vCPU's same reason, keep their own (0).
     */
    @Test
    void sampleStandardDeviationPerVcpuAndReason() {
        ExitStats s = new ExitStats(new int[] {0}, new int[] {2}, 2);
        s.record(0, ExitReason.IRQ, 10);
        s.record(0, ExitReason.IRQ, 20);
        s.record(0, ExitReason.IRQ, 60);
        s.record(1, ExitReason.IRQ, 1_000_000);
        s.record(0, ExitReason.WFX, 5);
        assertEquals(26.458, s.stddevNs(0, 0, ExitReason.IRQ), 0.001);
        assertEquals(0.0, s.stddevNs(0, 1, ExitReason.IRQ));
        assertEquals(0.0, s.stddevNs(0, 0, ExitReason.WFX));
        assertEquals(0.0, s.stddevNs(0, 0, ExitReason.SYS64));
    }
}
