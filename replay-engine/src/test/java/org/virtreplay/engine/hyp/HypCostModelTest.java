package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HypCostModelTest {

    @Test
    void defaultsComposeTheDall16Paths() {
        CostModel c = CostModel.defaults();
        // hypercall = exit + flush + entry = 6,500
        assertEquals(6_500, c.exitCycles() + c.lrFlushCycles() + c.entryCycles());
        // virtual IPI = 2 exits + inject + ipi + flush + entry + guest ack = 11,550 (paper 11,557)
        assertEquals(11_550, 2 * c.exitCycles() + c.injectCycles() + c.ipiCycles() + c.lrFlushCycles()
                + c.entryCycles() + c.guestAckCycles());
        // I/O latency in = 13,872
        assertEquals(13_872, c.deviceHostCycles() + c.injectCycles() + c.ipiCycles() + c.exitCycles()
                + c.lrFlushCycles() + c.entryCycles() + c.guestAckCycles());
    }

    @Test
    void cyclesToNanosecondsRoundToNearest() {
        CostModel c = CostModel.defaults(); // 2400 MHz
        assertEquals(1354, c.ns(3250)); // 1354.17
        assertEquals(417, c.ns(1000)); // 416.67
        assertEquals(3, c.withClockMhz(1000).ns(3));
    }

    @Test
    void everyCostIsSettableByName() {
        CostModel c = CostModel.defaults();
        for (String n : CostModel.NAMES) {
            c = c.with(n, 7);
        }
        assertEquals(new CostModel(7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7), c);
        assertThrows(IllegalArgumentException.class, () -> CostModel.defaults().with("exit", 1));
        assertThrows(IllegalArgumentException.class, () -> CostModel.defaults().with("exit_cycles", -1));
    }

    @Test
    void traceCodes() {
        assertEquals(Hypervisor.SOURCE_ITS, Hypervisor.sourceCode("its"));
        assertEquals(-1, Hypervisor.sourceCode("msi"));
        assertEquals(Hypervisor.SCHED_BLOCK, Hypervisor.schedCode("block"));
        assertEquals(SchedPolicy.FAIR, SchedPolicy.parse("fair"));
        assertThrows(IllegalArgumentException.class, () -> SchedPolicy.parse("rr"));
    }
}
