package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.VmRecord;

class PointSetupTest {
    /** Three VMs with 2, 1 and 4 vCPUs (7 in all), recorded on 4 PEs. */
    private static final List<VmRecord> VMS = List.of(new VmRecord(0, "a", 2, 40, -1), new VmRecord(1, "b", 1, 40, -1),
            new VmRecord(2, "c", 4, 40, -1));

    private static PointSetup setup(Map<String, String> params) {
        return PointSetup.of(new SweepPoint(0, params), Scenario.defaults(), VMS, 4);
    }

    @Test
    void replicatedVmsCycleOverTheTracesVms() {
        // instances 0..4 run trace VMs 0,1,2,0,1: 2+1+4+2+1 = 10 vCPUs
        PointSetup s = setup(Map.of("vms", "5"));
        assertEquals(5, s.vmsPerHost());
        assertEquals(5, s.vms());
        assertEquals(10, s.vcpus());
        assertEquals(4, s.pes()); // pes = 0 in the scenario: the trace's 4
        // the recorded schedule cannot place replicas: the modelled fair scheduler runs them
        assertEquals("fair", s.scenario().get(Scenario.Key.SCHED_POLICY));
        assertTrue(s.scheduleReplaced(), "the defaults ask for the trace's schedule, which the point replaced");
        // overcommit and pes change the host too
        assertTrue(setup(Map.of("overcommit", "2")).scheduleReplaced());
        assertTrue(setup(Map.of("pes", "8")).scheduleReplaced());
    }

    @Test
    void overcommitSetsPesToTheCeilingOfVcpusOverRatio() {
        assertEquals(4, setup(Map.of("vms", "5", "overcommit", "3")).pes()); // ceil(10/3) = 4
        assertEquals(2, setup(Map.of("vms", "2", "overcommit", "1.5")).pes()); // 3 vCPUs: ceil(3/1.5) = 2 exactly
        assertEquals(1, setup(Map.of("vms", "1", "overcommit", "4")).pes()); // ceil(2/4) = 1
        assertEquals(7, setup(Map.of("overcommit", "1")).pes()); // all 3 VMs, 7 vCPUs, 1:1
        PointSetup s = setup(Map.of("vms", "5", "overcommit", "3"));
        assertEquals("4", s.scenario().get(Scenario.Key.PES));
        assertEquals(2.5, s.overcommit(), 0.0); // 10 vCPUs on 4 PEs
    }

    @Test
    void aPointThatKeepsTheHostKeepsTheTracesVmsAndSchedule() {
        PointSetup s = setup(Map.of("s2.backing", "2m"));
        assertEquals(0, s.vmsPerHost());
        assertEquals(3, s.vms());
        assertEquals(7, s.vcpus());
        assertEquals(4, s.pes());
        assertEquals("trace", s.scenario().get(Scenario.Key.SCHED_POLICY));
        assertEquals("2m", s.scenario().get(Scenario.Key.S2_BACKING));
        assertEquals(false, s.scheduleReplaced());
    }

    @Test
    void anExplicitPolicyIsKept() {
        PointSetup s = setup(Map.of("vms", "2", "sched.policy", "pinned"));
        assertEquals("pinned", s.scenario().get(Scenario.Key.SCHED_POLICY));
        // the user chose the policy: nothing was replaced
        assertEquals(false, s.scheduleReplaced());
        PointSetup f = PointSetup.of(new SweepPoint(0, Map.of("vms", "2")),
                Scenario.defaults().with(Scenario.Key.SCHED_POLICY, "fair"), VMS, 4);
        assertEquals(false, f.scheduleReplaced());
    }

    @Test
    void tooManyPesNamesThePoint() {
        // 7 vCPUs at 0.001 vCPU per PE would need 7000 PEs; a scenario allows 4096
        BadInputException e = assertThrows(BadInputException.class, () -> setup(Map.of("overcommit", "0.001")));
        assertTrue(e.problems().get(0).startsWith("sweep point 0 (overcommit=0.001): scenario key 'pes'"),
                e.problems().get(0));
    }

    @Test
    void theScenarioTextRoundTrips() {
        PointSetup s = setup(Map.of("vms", "2", "tlb.l2.entries", "512", "gic.v4", "true"));
        Scenario sc = s.scenario();
        assertEquals("512", sc.get(Scenario.Key.TLB_L2_ENTRIES));
        assertEquals("true", sc.get(Scenario.Key.GIC_V4));
        assertEquals("", sc.get(Scenario.Key.TLB_L1I_ENTRIES));
    }
}
