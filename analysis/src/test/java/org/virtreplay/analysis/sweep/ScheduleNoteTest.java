package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.ingest.trace.VmRecord;

class ScheduleNoteTest {
    private static final List<VmRecord> VMS = List.of(new VmRecord(0, "a", 2, 40, -1));

    private static PointSetup setup(int i, Map<String, String> params, Scenario base) {
        return PointSetup.of(new SweepPoint(i, params), base, VMS, 4);
    }

    @Test
    void namesThePointsThatLostTheRecordedScheduleAndTheSchedulerTheyRan() {
        Scenario base = Scenario.defaults().with(Scenario.Key.SCHED_QUANTUM_US, "500");
        // point 1 keeps the host (s2.backing only): it replays the recorded schedule
        List<PointSetup> s = List.of(setup(0, Map.of("vms", "2"), base), setup(1, Map.of("s2.backing", "2m"), base),
                setup(2, Map.of("pes", "8"), base));
        assertEquals("2 of 3 points (vms=2; pes=8) change the host's VMs or PEs, which the trace's recorded "
                + "schedule (sched.policy=trace) cannot place: they ran the modelled fair scheduler (500 µs quantum) "
                + "instead. Set sched.policy (fair or pinned) in the grid or with --set to choose the scheduler.",
                ScheduleNote.ofSetups(s));
    }

    @Test
    void oneReplacedPointIsNamedInTheSingular() {
        assertEquals("the point (vms=2) changes the host's VMs or PEs, which the trace's recorded schedule "
                + "(sched.policy=trace) cannot place: it ran the modelled fair scheduler (4000 µs quantum) instead. "
                + "Set sched.policy (fair or pinned) in the grid or with --set to choose the scheduler.",
                ScheduleNote.ofSetups(List.of(setup(0, Map.of("vms", "2"), Scenario.defaults()))));
    }

    @Test
    void aChosenSchedulerIsNoReplacement() {
        Scenario pinned = Scenario.defaults().with(Scenario.Key.SCHED_POLICY, "pinned");
        assertNull(ScheduleNote.ofSetups(List.of(setup(0, Map.of("vms", "2"), pinned))));
        assertNull(ScheduleNote.ofSetups(List.of(setup(0, Map.of("s2.backing", "4k"), Scenario.defaults()))));
    }

    @Test
    void fromRowsAsFromSetupsAndLongListsAreCut() {
        List<SweepResultRow> rows = new java.util.ArrayList<>();
        for (int p = 0; p < 6; p++) {
            for (int vm = 0; vm < 2; vm++) { // two rows per point: the point counts once
                SweepResultRow r = Rows.row(p, vm, 1.0, 0.9);
                rows.add(new SweepResultRow(r.point(), "vms=" + (p + 1), r.vm(), r.vmName(), r.vms(), r.vcpus(),
                        r.pes(), r.overcommit(), r.core(), r.tlbL1iEntries(), r.tlbL1dEntries(), r.tlbL2Entries(),
                        r.tlbReplacement(), r.gicListRegisters(), r.gicV4(), "fair", p < 3 ? 4000 : 1000, true,
                        r.s2Backing(), r.seed(), r.translations(), r.tlbMisses(), r.tlbHitRate(), r.tlbMpka(),
                        r.walkReads(), r.walkReadsPerAccess(), r.walkReadsPerWalk(), r.s2Faults(),
                        r.s2FaultsTranslation(), r.s2FaultsAccessFlag(), r.s2FaultsPermission(),
                        r.s2FaultsAddressSize(), r.s2FaultsMmio(), r.irqCount(), r.irqP50Us(), r.irqP99Us(),
                        r.irqP999Us(), r.irqMaxUs()));
            }
        }
        assertEquals("all 6 points (vms=1; vms=2; vms=3; vms=4; …) change the host's VMs or PEs, which the "
                + "trace's recorded schedule (sched.policy=trace) cannot place: they ran the modelled fair scheduler "
                + "(quantum 1000–4000 µs) instead. Set sched.policy (fair or pinned) in the grid or with --set to "
                + "choose the scheduler.", ScheduleNote.ofRows(rows));
        assertNull(ScheduleNote.ofRows(List.of(Rows.row(0, 0, 1.0, 0.9))));
    }
}
