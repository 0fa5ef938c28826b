package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The per-event path allocates nothing once pools and histograms exist: thread-allocated bytes over
 * 20,000 interrupts after a warm-up stay below a few KB (a per-interrupt allocation of even one small
 * object would be over 300 KB). Not a timing assertion.
 */
class HypAllocationTest {

    @Test
    void injectionAndDeliveryDoNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Hypervisor h = new Hypervisor(new int[] {2, 2}, HypConfig.defaults(2), CostModel.defaults());
        long[] sink = new long[1];
        h.setEventSink((a, k, id, vm, vc, cls, ex, inj, sc, lw, m, obs) -> sink[0] += k - a);
        long t = run(h, 0, 20_000);
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        run(h, t, 20_000);
        long after = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertTrue(after - before < 16_384, "allocated " + (after - before) + " bytes");
        assertEquals(0, h.inFlight(), h.describeInFlight());
        assertTrue(sink[0] > 0);
    }

    private static long run(Hypervisor h, long t0, int n) {
        long t = t0;
        for (int i = 0; i < n; i++) {
            t += 20_000;
            int vm = i & 1;
            int vc = (i >> 1) & 1;
            switch (i % 4) {
                case 0 -> h.onIrq(t, 40 + (i & 7), vm, vc, Hypervisor.SOURCE_DEVICE, -1, false, true);
                case 1 -> h.onIrq(t, 27, vm, vc, Hypervisor.SOURCE_TIMER, -1, true, true);
                case 2 -> h.onIrq(t, 1, vm, vc, Hypervisor.SOURCE_IPI, vc ^ 1, false, true);
                default -> h.onIrq(t, 8192 + (i & 15), vm, vc, Hypervisor.SOURCE_ITS, -1, false, true);
            }
        }
        h.advanceTo(t + 10_000_000); // beyond one 4 ms quantum: two vCPUs share each PE
        return t + 10_000_000;
    }
}
