package org.virtreplay.analysis.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.engine.hyp.CostModel;

/** Every field of the cost model is a scenario key, with the model's default as the key's. */
class ScenarioCostKeysTest {
    @Test
    void everyCostIsAScenarioKeyWithTheModelsDefault() {
        for (String name : CostModel.NAMES) {
            Scenario.Key k = Scenario.key("cost." + name);
            assertNotNull(k, "cost." + name);
            assertEquals(Long.toString(CostModel.defaults().get(name)), k.defaultValue(), name);
        }
        assertEquals(CostModel.defaults(), ReplayJob.costModel(Scenario.defaults()));
    }

    @Test
    void setCostsReachTheModel() throws Exception {
        Scenario sc = Scenario.parse("t.txt", "cost.exit_cycles = 1234\ncost.s2_fault_cycles = 5\n");
        CostModel c = ReplayJob.costModel(sc);
        assertEquals(1234, c.exitCycles());
        assertEquals(5, c.s2FaultCycles());
        assertEquals(3000, c.entryCycles());
    }

    @Test
    void anUnknownKeyNamesTheNearestAndCollapsesTheCostKeys() {
        String m = Scenario.unknownKey("tlb.l3.entries", java.util.List.of());
        assertEquals(true, m.startsWith("unknown key 'tlb.l3.entries'; did you mean 'tlb.l1i.entries'?")
                || m.startsWith("unknown key 'tlb.l3.entries'; did you mean 'tlb.l2.entries'?"), m);
        String far = Scenario.unknownKey("bogus", java.util.List.of());
        assertEquals(false, far.contains("did you mean"), far);
        assertEquals(true, far.contains(", cost.* (docs/scenario.md), seed"), far);
        assertEquals(false, far.contains("cost.exit_cycles"), far);
    }
}
