package org.virtreplay.analysis.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;

class ScenarioTest {

    @Test
    void defaultsApplyToKeysNotSet() {
        Scenario s = Scenario.parse("s.txt", "# host\npes = 8\ncore = Neoverse-V2  # upper case is folded\n");
        assertEquals(8, s.getInt(Scenario.Key.PES));
        assertEquals("neoverse-v2", s.get(Scenario.Key.CORE));
        assertEquals(4, s.getInt(Scenario.Key.GIC_LIST_REGISTERS));
        assertEquals(-1, s.getInt(Scenario.Key.TLB_L2_ENTRIES, -1));
        assertEquals("trace", s.get(Scenario.Key.SCHED_POLICY));
    }

    @Test
    void everyProblemIsOneLineWithFileAndLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> Scenario.parse("s.txt",
                "pes = many\nbogus = 1\n\ngic.v4 = maybe\nno equals sign\npes = 2\n"));
        List<String> p = e.problems();
        assertEquals(5, p.size());
        assertEquals("s.txt:1: key 'pes': expected an integer from 0 to 4096, got 'many'", p.get(0));
        assertEquals(true, p.get(1).startsWith("s.txt:2: unknown key 'bogus'; known keys: pes, core, "));
        assertEquals("s.txt:4: key 'gic.v4': expected true or false, got 'maybe'", p.get(2));
        assertEquals("s.txt:5: expected 'key = value', got 'no equals sign'", p.get(3));
        // a key counts as set even when its value was bad, so a later line repeating it is reported too
        assertEquals("s.txt:6: key 'pes' already set on line 1", p.get(4));
    }

    @Test
    void duplicateKeyIsReported() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Scenario.parse("s.txt", "pes = 2\npes = 4\n"));
        assertEquals(List.of("s.txt:2: key 'pes' already set on line 1"), e.problems());
    }

    @Test
    void canonicalTextIsSortedAndStable() {
        Scenario a = Scenario.parse("a", "pes = 2\ncore = cortex-a76\n");
        Scenario b = Scenario.parse("b", "core = cortex-a76\npes = 2\n");
        assertEquals(a.toText(), b.toText());
        assertEquals(a, b);
        assertEquals(true, a.toText().startsWith("core = cortex-a76\ncost.clock_mhz = 2400\n"));
    }

    @Test
    void pageSizes() {
        assertEquals(2L * 1024 * 1024, Scenario.pageSize("2m"));
        assertEquals(1L << 30, Scenario.pageSize("1G"));
        assertEquals(-1, Scenario.pageSize("3m"));
    }

    /** The keys of docs/scenario.md, grouped by their part before the last dot, for a bad --set. */
    @Test
    void aBadSetWordListsTheKeys() {
        String keys = "pes, core, tlb.l1i.{entries,assoc}, tlb.l1d.{entries,assoc}, tlb.l2.{entries,assoc}, "
                + "tlb.{stale_check,replacement}, gic.{list_registers,v4}, sched.{policy,quantum_us}, s2.backing, "
                + "cost.* (docs/scenario.md), seed";
        assertEquals(keys, Scenario.keyNames());
        // a key one edit from a known one is answered with that one
        assertEquals("--set: unknown key 'tlb.l3.entries'; did you mean 'tlb.l2.entries'? (docs/scenario.md lists "
                + "every key)", Scenario.setProblem("tlb.l3.entries=4"));
        assertEquals("--set: unknown key 'bogus'; keys: " + keys, Scenario.setProblem("bogus=4"));
        assertEquals("--set: expected KEY=VALUE, got 'pes'; keys: " + keys, Scenario.setProblem("pes"));
        assertEquals(null, Scenario.setProblem("tlb.l2.entries=0"));
        // a long key is cut to 24 characters, so that the whole line stays short
        String problem = Scenario.setProblem("x".repeat(500) + "=1");
        assertEquals("--set: unknown key '" + "x".repeat(24) + "…' (500 characters); keys: " + keys, problem);
        assertEquals(true, problem.length() < 300, problem.length() + " characters");
    }
}
