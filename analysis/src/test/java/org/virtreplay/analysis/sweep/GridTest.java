package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;

class GridTest {

    private static BadInputException bad(String text) {
        return assertThrows(BadInputException.class, () -> Grid.parse("g.txt", text));
    }

    @Test
    void byteOrderMarkIsIgnored() {
        // as in a scenario file or a CSV table; before, the first key was "\uFEFFvms", an unknown key
        Grid g = Grid.parse("g.txt", "\uFEFFvms = 1, 2\n");
        assertEquals(List.of("vms"), g.swept());
        assertEquals(2, g.points().size());
    }

    @Test
    void productVariesTheFirstLineSlowest() {
        Grid g = Grid.parse("g.txt", "# a sweep\nvms = 1, 2\n\ns2.backing = 4k, 2M   # block backing\n");
        // nested loops in file order: vms outer, s2.backing inner; values lower-cased as the scenario does
        assertEquals(4, g.points().size());
        assertEquals("vms=1 s2.backing=4k", g.points().get(0).label());
        assertEquals("vms=1 s2.backing=2m", g.points().get(1).label());
        assertEquals("vms=2 s2.backing=4k", g.points().get(2).label());
        assertEquals("vms=2 s2.backing=2m", g.points().get(3).label());
        assertEquals(List.of("vms", "s2.backing"), g.swept());
        assertEquals(List.of("4k", "2m"), g.values("s2.backing"));
        assertEquals(3, g.points().get(3).index());
        assertEquals("003", g.points().get(3).dirName());
    }

    @Test
    void aSingleValueFixesAKeyWithoutSweepingIt() {
        Grid g = Grid.parse("g.txt", "core = cortex-a76\nvms = 1,2,4\n");
        assertEquals(3, g.points().size());
        assertEquals(List.of("vms"), g.swept());
        assertEquals(List.of("core", "vms"), g.keys());
        assertEquals("cortex-a76", g.points().get(2).params().get("core"));
    }

    @Test
    void explicitPointsWithFixedKeys() {
        Grid g = Grid.parse("g.txt", "gic.v4 = true\npoints:\nvms=2 s2.backing=4k\nvms = 4, s2.backing=2M\n");
        assertTrue(g.explicit());
        assertEquals(2, g.points().size());
        assertEquals(Map.of("gic.v4", "true", "vms", "4", "s2.backing", "2m"), g.points().get(1).params());
        assertEquals(List.of("vms", "s2.backing"), g.swept());
    }

    @Test
    void overcommitAcceptsRatiosAndCanonicalisesThem() {
        Grid g = Grid.parse("g.txt", "overcommit = 1, 1.50, 4:1\n");
        assertEquals(List.of("1", "1.5", "4"), g.values("overcommit"));
    }

    @Test
    void badValueNamesFileLineAndKey() {
        BadInputException e = bad("vms = 1\ngic.v4 = maybe\n");
        assertEquals(List.of("g.txt:2: key 'gic.v4': expected true or false, got 'maybe'"), e.problems());
    }

    @Test
    void everyProblemIsReportedOnItsOwnLine() {
        BadInputException e = bad("vms = 0\nfoo = 1\nvms = 2\ns2.backing = 4k, 4k\n");
        assertEquals(4, e.problems().size(), e.problems().toString());
        assertEquals("g.txt:1: key 'vms': expected an integer from 1 to 4096, got '0'", e.problems().get(0));
        assertTrue(e.problems().get(1).startsWith("g.txt:2: unknown key 'foo'; known keys: vms, overcommit, pes, core"),
                e.problems().get(1));
        assertEquals("g.txt:3: key 'vms' already given on line 1", e.problems().get(2));
        assertEquals("g.txt:4: key 's2.backing': value '4k' appears twice", e.problems().get(3));
    }

    @Test
    void overcommitAndPesExcludeEachOther() {
        BadInputException e = bad("pes = 2, 4\novercommit = 2\n");
        assertEquals(List.of("g.txt:2: 'overcommit' sets 'pes' (line 1); give only one of them"), e.problems());
    }

    @Test
    void listsCannotBeMixedWithExplicitPoints() {
        BadInputException e = bad("vms = 1, 2\npoints:\ns2.backing=4k\n");
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("g.txt:1: key 'vms' has 2 values, but the grid lists its points "
                + "explicitly (line 2)"), e.problems().get(0));
    }

    @Test
    void explicitPointsMustSetTheSameKeys() {
        BadInputException e = bad("points:\nvms=1 s2.backing=4k\nvms=2\n");
        assertEquals(List.of("g.txt:3: every point must set the same keys as the first (vms, s2.backing), got vms"),
                e.problems());
    }

    @Test
    void aPointCannotOverrideAFixedKeyOrRepeat() {
        assertEquals(List.of("g.txt:3: key 'vms' is fixed for every point on line 1; a point cannot set it again"),
                bad("vms = 2\npoints:\nvms=4\n").problems());
        assertEquals(List.of("g.txt:3: the same point as an earlier line"),
                bad("points:\nvms=4\nvms=4\n").problems());
        assertEquals(List.of("g.txt:2: expected 'key=value' pairs separated by spaces, got 'vms'"),
                bad("points:\nvms\n").problems());
    }

    @Test
    void emptyGridsAndEmptySectionsAreErrors() {
        assertEquals(List.of("g.txt: empty grid; add lines such as 'vms = 1, 2, 4' (see docs/sweep.md)"),
                bad("# nothing\n\n").problems());
        assertEquals(List.of("g.txt:1: 'points:' section with no points; add lines such as 'vms=2 s2.backing=4k'"),
                bad("points:\n").problems());
        assertEquals(List.of("g.txt:1: expected 'key = v1, v2, ...' or 'points:', got 'vms 1 2'"),
                bad("vms 1 2\n").problems());
        assertEquals(List.of("g.txt:1: key 'vms': empty value in the list '1,,2'"), bad("vms = 1,,2\n").problems());
    }

    @Test
    void tooManyPointsIsAnError() {
        // 100 x 101 = 10,100 points > 10,000
        StringBuilder a = new StringBuilder("vms = 1");
        for (int i = 2; i <= 100; i++) {
            a.append(',').append(i);
        }
        StringBuilder b = new StringBuilder("seed = 0");
        for (int i = 1; i <= 100; i++) {
            b.append(',').append(i);
        }
        BadInputException e = bad(a + "\n" + b + "\n");
        assertEquals(List.of("g.txt: the grid has more than 10000 points; sweep fewer values"), e.problems());
    }
}
