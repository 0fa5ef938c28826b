package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random workloads (all sources, masks, WFI blocks, wakes, all scheduler policies, GICv3 and
 * GICv4.1): every latency component is non-negative and they sum to the latency, every interrupt
 * is eventually acknowledged, and two runs of the same input give identical results.
 */
class HypInvariantTest {

    private static List<String> run(long seed, SchedPolicy policy, boolean v41) {
        HypConfig cfg = HypConfig.defaults(2).withPolicy(policy).withGicV41(v41).withQuantumNs(300_000)
                .withWakeupPreemption(seed % 2 == 0);
        Hypervisor h = new Hypervisor(new int[] {2, 2, 1}, cfg, CostModel.defaults());
        List<String> out = new ArrayList<>();
        h.setEventSink((a, k, id, vm, vc, cls, ex, inj, sc, lw, m, obs) -> {
            assertTrue(ex >= 0 && inj >= 0 && sc >= 0 && lw >= 0 && m >= 0,
                    "negative component for INTID " + id + ": " + ex + " " + inj + " " + sc + " " + lw + " " + m);
            assertEquals(k - a, ex + inj + sc + lw + m);
            out.add(a + "," + k + "," + id + "," + vm + "," + vc + "," + ex + "," + inj + "," + sc + "," + lw + "," + m);
        });
        Random r = new Random(seed);
        int[] vcpus = {2, 2, 1};
        long t = 0;
        int asserted = 0;
        for (int i = 0; i < 3000; i++) {
            t += r.nextInt(20_000);
            int vm = r.nextInt(3);
            int vc = r.nextInt(vcpus[vm]);
            int k = r.nextInt(10);
            if (k < 5) {
                int src = r.nextInt(4);
                int intid = switch (src) {
                    case Hypervisor.SOURCE_TIMER -> 27;
                    case Hypervisor.SOURCE_IPI -> r.nextInt(16);
                    case Hypervisor.SOURCE_ITS -> 8192 + r.nextInt(32);
                    default -> 32 + r.nextInt(64);
                };
                int sender = src == Hypervisor.SOURCE_IPI ? r.nextInt(vcpus[vm]) : -1;
                h.onIrq(t, intid, vm, vc, src, sender, r.nextBoolean() && src == Hypervisor.SOURCE_DEVICE, true,
                        0x20 + 8 * r.nextInt(26), -1, -1);
                asserted++;
            } else if (k < 7) {
                h.onMask(t, vm, vc, r.nextInt(3) == 0);
            } else {
                int ev = r.nextInt(4);
                h.onSched(t, r.nextInt(2), vm, vc, ev);
            }
        }
        // Let everything finish: unmask, wake and run every vCPU.
        t += 1_000;
        for (int vm = 0; vm < 3; vm++) {
            for (int vc = 0; vc < vcpus[vm]; vc++) {
                h.onMask(t, vm, vc, false);
                h.onSched(t, vc % 2, vm, vc, Hypervisor.SCHED_WAKE);
                h.onSched(t, vc % 2, vm, vc, Hypervisor.SCHED_RUN);
            }
        }
        h.advanceTo(t + 100_000_000);
        assertEquals(0, h.inFlight(), h.describeInFlight());
        long coalesced = 0;
        for (int vm = 0; vm < 3; vm++) {
            for (int vc = 0; vc < vcpus[vm]; vc++) {
                coalesced += h.stats().coalesced(vm, vc) + h.stats().withdrawn(vm, vc);
            }
        }
        assertEquals(asserted, out.size() + coalesced, "every assertion is acknowledged, coalesced or withdrawn");
        return out;
    }

    @Test
    void randomWorkloadsKeepTheInvariants() {
        for (SchedPolicy p : SchedPolicy.values()) {
            for (int v41 = 0; v41 < 2; v41++) {
                for (long seed = 1; seed <= 3; seed++) {
                    List<String> a = run(seed, p, v41 == 1);
                    List<String> b = run(seed, p, v41 == 1);
                    assertEquals(a, b, "deterministic");
                    assertTrue(a.size() > 500, "enough interrupts delivered: " + a.size());
                }
            }
        }
    }
}
