package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KneesTest {
    private static final List<Requirement> P99_50 = List.of(Requirement.parse("irq_p99_us<=50"));

    /**
     * Rows for a grid whose points each get two VMs: VM 0 with {@code p99[i]} and VM 1 with 5 µs
     * less, so the worst VM of point i has exactly p99[i].
     */
    private static List<SweepResultRow> rows(double... p99) {
        List<SweepResultRow> r = new ArrayList<>();
        for (int i = 0; i < p99.length; i++) {
            r.add(Rows.row(i, 0, p99[i], 0.999));
            r.add(Rows.row(i, 1, p99[i] - 5, 0.999));
        }
        return r;
    }

    @Test
    void largestVmsPerOtherCombination() {
        // points: (4k,1) (4k,2) (4k,4) (4k,8) (2m,1) (2m,2) (2m,4) (2m,8)
        Grid g = Grid.parse("g", "s2.backing = 4k, 2m\nvms = 1, 2, 4, 8\n");
        Knees.Result k = Knees.find(g, rows(10, 30, 60, 90, 10, 20, 40, 70), P99_50);
        assertEquals("vms", k.axis());
        assertTrue(k.maximize());
        assertEquals(List.of("s2.backing"), k.others());
        assertEquals(2, k.answers().size());
        // 4k: 30 <= 50 at vms=2, 60 > 50 at vms=4
        assertEquals(Map.of("s2.backing", "4k"), k.answers().get(0).others());
        assertEquals("2", k.answers().get(0).value());
        assertEquals(1, k.answers().get(0).kneePoint());
        assertEquals(List.of(30.0), k.answers().get(0).worst());
        // 2m: 40 at vms=4 passes, 70 at 8 fails
        assertEquals("4", k.answers().get(1).value());
        assertEquals(6, k.answers().get(1).kneePoint());
        assertFalse(k.answers().get(1).nonMonotone());
        assertEquals("largest vms", k.kneeHeading());
    }

    @Test
    void theAxisOrderOfTheGridDoesNotMatterAndValuesSortNumerically() {
        // vms listed out of order: 8, 1, 4; p99 by vms: 8 -> 90, 1 -> 10, 4 -> 45
        Grid g = Grid.parse("g", "vms = 8, 1, 4\n");
        Knees.Result k = Knees.find(g, rows(90, 10, 45), P99_50);
        assertEquals("4", k.answers().get(0).value());
    }

    @Test
    void aFailureBelowTheKneeIsFlagged() {
        // vms 1,2,4,8 -> 10, 60, 40, 90: largest passing is 4, but 2 fails
        Grid g = Grid.parse("g", "vms = 1, 2, 4, 8\n");
        Knees.Answer a = Knees.find(g, rows(10, 60, 40, 90), P99_50).answers().get(0);
        assertEquals("4", a.value());
        assertTrue(a.nonMonotone());
    }

    @Test
    void noPassingPointReportsTheLeastDemandingOnesFailures() {
        Grid g = Grid.parse("g", "vms = 2, 4\n");
        Knees.Result k = Knees.find(g, rows(55, 80), List.of(Requirement.parse("irq_p99_us<=50"),
                Requirement.parse("tlb_hit_rate>=0.9")));
        Knees.Answer a = k.answers().get(0);
        assertNull(a.value());
        assertEquals(-1, a.kneePoint());
        assertEquals(List.of("irq_p99_us<=50"), a.failing());
        assertEquals(List.of(55.0, 0.999), a.worst()); // at vms=2, the least demanding
        assertTrue(k.note(a).startsWith("fails irq_p99_us<=50 even at the least demanding vms"), k.note(a));
    }

    @Test
    void withoutVmsTheSmallestResourceWins() {
        // pes 8, 4, 2 (fewer PEs = fewer resources): p99 20, 45, 70 -> smallest passing is 4
        Grid g = Grid.parse("g", "pes = 8, 4, 2\n");
        Knees.Result k = Knees.find(g, rows(20, 45, 70), P99_50);
        assertEquals("pes", k.axis());
        assertFalse(k.maximize());
        assertEquals("4", k.answers().get(0).value());
        assertEquals("smallest pes", k.kneeHeading());
    }

    @Test
    void overcommitIsMaximised() {
        Grid g = Grid.parse("g", "overcommit = 1, 2, 4\n");
        Knees.Result k = Knees.find(g, rows(20, 45, 70), P99_50);
        assertEquals("overcommit", k.axis());
        assertEquals("2", k.answers().get(0).value());
    }

    @Test
    void withoutACapacityAxisEachPointPassesOrFails() {
        Grid g = Grid.parse("g", "s2.backing = 4k, 2m\n");
        Knees.Result k = Knees.find(g, rows(60, 30), P99_50);
        assertNull(k.axis());
        assertEquals(2, k.answers().size());
        assertNull(k.answers().get(0).value());
        assertEquals("pass", k.answers().get(1).value());
        assertEquals("meets all", k.kneeHeading());
    }

    @Test
    void theTableHasOneLinePerCombination() {
        Grid g = Grid.parse("g", "s2.backing = 4k, 2m\nvms = 1, 2\n");
        String t = Knees.find(g, rows(10, 60, 10, 20), P99_50).table();
        String[] lines = t.split("\n");
        assertEquals("requirements (worst VM of each point): irq_p99_us<=50", lines[0]);
        assertEquals("s2.backing  largest vms  worst irq_p99_us  note", lines[1]);
        assertEquals("4k          1            10", lines[3]);
        assertEquals("2m          2            20", lines[4]);
        assertEquals(5, lines.length);
    }

    @Test
    void formatKeepsFourSignificantDigits() {
        assertEquals("0.9932", Knees.format(0.99321));
        assertEquals("41.25", Knees.format(41.25));
        assertEquals("12", Knees.format(12.0));
        assertEquals("–", Knees.format(null));
        assertEquals("1235", Knees.format(1234.6));
    }

    @Test
    void theRequirementsAreReadBackFromTheAnswersTable() {
        Grid g = Grid.parse("g", "vms = 1, 2\n");
        List<Requirement> reqs = List.of(Requirement.parse("irq_p99_us<=50"), Requirement.parse("tlb_hit_rate>=0.99"));
        Knees.Result k = Knees.find(g, rows(40, 60), reqs);
        assertTrue(k.table().startsWith("requirements (worst VM of each point): irq_p99_us<=50, tlb_hit_rate>=0.99\n"),
                k.table());
        List<Requirement> back = Knees.requirementsOf(k.table());
        assertEquals(List.of("irq_p99_us<=50", "tlb_hit_rate>=0.99"), back.stream().map(Requirement::text).toList());
        assertEquals(50.0, back.get(0).bound(), 0.0);
        org.virtreplay.engine.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.virtreplay.engine.BadInputException.class, () -> Knees.requirementsOf("nonsense\n"));
        assertEquals("answers.txt: line 1: expected 'requirements (worst VM of each point): …', got 'nonsense'",
                e.problems().get(0));
    }

    @Test
    void eachAnswerIsOneSentenceWithItsEvidence() {
        // 4k: knee vms=2 (point 1, worst 30 µs); 2m: every point fails (55, 60). Rows.row gives each
        // VM 10 interrupts under the fair scheduler's 4,000 µs quantum.
        Grid g = Grid.parse("g", "s2.backing = 4k, 2m\nvms = 1, 2, 4\n");
        List<SweepResultRow> r = rows(10, 30, 60, 55, 60, 70);
        Knees.Result k = Knees.find(g, r, P99_50);
        List<String> s = k.sentences(r);
        assertEquals("s2.backing=4k: largest vms with irq_p99_us<=50: 2 (worst irq_p99_us 30; fair scheduler, "
                + "4000 µs quantum; n >= 10 interrupts per VM)", s.get(0));
        assertTrue(s.get(1).startsWith("s2.backing=2m: no vms meets irq_p99_us<=50 (fails irq_p99_us<=50 even at "
                + "the least demanding vms"), s.get(1));
        // a point whose schedule was replaced says so, and n is the fewest of its VMs'
        List<SweepResultRow> replaced = new ArrayList<>();
        for (SweepResultRow x : r) {
            replaced.add(new SweepResultRow(x.point(), x.params(), x.vm(), x.vmName(), x.vms(), x.vcpus(), x.pes(),
                    x.overcommit(), x.core(), x.tlbL1iEntries(), x.tlbL1dEntries(), x.tlbL2Entries(),
                    x.tlbReplacement(), x.gicListRegisters(), x.gicV4(), x.schedPolicy(), x.schedQuantumUs(), true,
                    x.s2Backing(), x.seed(), x.translations(), x.tlbMisses(), x.tlbHitRate(), x.tlbMpka(),
                    x.walkReads(), x.walkReadsPerAccess(), x.walkReadsPerWalk(), x.s2Faults(),
                    x.s2FaultsTranslation(), x.s2FaultsAccessFlag(), x.s2FaultsPermission(), x.s2FaultsAddressSize(),
                    x.s2FaultsMmio(), 1000 + 7 * x.vm(), x.irqP50Us(), x.irqP99Us(), x.irqP999Us(), x.irqMaxUs()));
        }
        assertEquals("s2.backing=4k: largest vms with irq_p99_us<=50: 2 (worst irq_p99_us 30; fair scheduler, "
                + "4000 µs quantum, replacing the recorded schedule; n >= 1,000 interrupts per VM)",
                Knees.find(g, replaced, P99_50).sentences(replaced).get(0));
    }
}
