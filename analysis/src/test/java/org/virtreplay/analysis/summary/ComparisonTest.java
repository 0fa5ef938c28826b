package org.virtreplay.analysis.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare} on the hand-built outputs of {@link Outputs}; the differences are derived there. */
class ComparisonTest {
    @TempDir
    Path tmp;

    private Comparison compare() throws Exception {
        return Comparison.of("A", SummaryReader.read(Outputs.a(tmp.resolve("a"), true, false)),
                "B", SummaryReader.read(Outputs.b(tmp.resolve("b"))));
    }

    /** The cells of the text row whose first cell is {@code label}. */
    private static List<String> row(String text, String label) {
        for (String line : text.split("\n")) {
            List<String> cells = Arrays.asList(line.strip().split(" {2,}"));
            if (cells.get(0).equals(label)) {
                return cells;
            }
        }
        throw new AssertionError("no row " + label + " in\n" + text);
    }

    @Test
    void headlineNamesTheStage2FiguresThenTheTwoLargestOtherChanges() throws Exception {
        // Over vm 0, the one VM in both. Always first: faults 8 -> 5 is -37.5 % (shown rounded half
        // up, -38 %), reads per walk 14 -> 12 is -14.3 % (-14 %); neither side records translation
        // time, so it is left out. Then the two largest other changes: the miss rate 4/150 -> 2/160 is
        // -53 % (ranks first, shown as the hit rate's change 98.75 - 97.33 = +1.42 points), walks
        // 4 -> 2 -50 %; translations 150 -> 160 (+6.7 %) is smaller. vm 1 is only in A, vm 2 only in B.
        // The one scenario key that differs is named first.
        assertEquals("B vs A (s2.backing 4k → 2m): stage-2 faults −38 %, descriptor reads per walk −14 %; "
                + "also TLB hit rate +1.42 points, walks −50 %; "
                + "only in A: vm 1; "
                + "only in B: vm 2", compare().headline());
    }

    @Test
    void textListsConfigurationDifferencesThenEveryFigure() throws Exception {
        String text = CompareText.render(compare());
        List<String> lines = List.of(text.split("\n"));
        assertEquals("A: A", lines.get(1));
        assertEquals("B: B", lines.get(2));
        assertEquals("trace: the same in both, t.trace (sha256:0123456789ab…)", lines.get(3));
        // run_info keys that differ, in key order; replay.page_lookups is a result, not configuration
        assertEquals("configuration: 4 differences", lines.get(4));
        assertEquals(List.of("option.set.s2.backing", "(absent)", "2m"), row(text, "option.set.s2.backing"));
        assertEquals(List.of("scenario.s2.backing", "4k", "2m"), row(text, "scenario.s2.backing"));
        assertEquals(List.of("vm.1.name", "db", "(absent)"), row(text, "vm.1.name"));
        assertEquals(List.of("vm.2.name", "(absent)", "cache"), row(text, "vm.2.name"));
        assertTrue(!text.contains("replay.page_lookups"), text);
        assertEquals("vm 0 web", lines.get(10));
        assertEquals(List.of("translations", "150", "160", "+10", "+6.7 %"), row(text, "translations"));
        // 98.75 / 97.333 - 1 = +1.46 %
        assertEquals(List.of("TLB hit rate", "97.33 %", "98.75 %", "+1.42 points", "+1.5 %"),
                row(text, "TLB hit rate"));
        assertEquals(List.of("walks", "4", "2", "−2", "−50 %"), row(text, "walks"));
        assertEquals(List.of("descriptor reads per walk", "14.00", "12.00", "−2.00", "−14 %"),
                row(text, "descriptor reads per walk"));
        assertEquals(List.of("stage-2 faults", "8", "5", "−3", "−38 %"), row(text, "stage-2 faults"));
        assertEquals(List.of("lazy_map", "3", "0", "−3", "−100 %"), row(text, "lazy_map"));
        assertEquals(List.of("mmio", "5", "5", "0", "0 %"), row(text, "mmio"));
        assertEquals(List.of("interrupts", "6", "6", "0", "0 %"), row(text, "interrupts"));
        assertEquals(List.of("interrupt p99", "0.20 µs", "0.20 µs", "0", "0 %"), row(text, "interrupt p99"));
        assertEquals(List.of("timer p50", "0.15 µs", "0.15 µs", "0", "0 %"), row(text, "timer p50"));
        assertTrue(!text.contains("exits"), "neither side has exit_stats: " + text);
        assertTrue(text.endsWith("vm 1 db: only in A\nvm 2 cache: only in B\n"), text);
    }

    @Test
    void jsonCarriesEveryFigureWithItsDifferences() throws Exception {
        String json = CompareText.json(compare());
        assertTrue(json.startsWith("{\n  \"headline\": \"B vs A (s2.backing 4k → 2m): stage-2 faults −38 %, "
                + "descriptor reads per walk −14 %; also TLB hit rate +1.42 points, walks −50 %"), json);
        assertTrue(json.contains("\"a\": {\"path\": \"A\", \"input\": \"t.trace\", \"name\": \"t.trace\", \"input_digest\": \""
                + Outputs.DIGEST + "\"}"), json);
        assertTrue(json.contains("\"same_trace\": true"), json);
        assertTrue(json.contains("{\"key\": \"scenario.s2.backing\", \"a\": \"4k\", \"b\": \"2m\"}"), json);
        assertTrue(json.contains("{\"key\": \"option.set.s2.backing\", \"a\": null, \"b\": \"2m\"}"), json);
        assertTrue(json.contains("{\"figure\": \"stage2_faults\", \"a\": 8.0, \"b\": 5.0, \"difference\": -3.0, "
                + "\"relative\": -0.375}"), json);
        assertTrue(json.contains("{\"figure\": \"walks\", \"a\": 4.0, \"b\": 2.0, \"difference\": -2.0, "
                + "\"relative\": -0.5}"), json);
        assertTrue(json.contains("{\"vm\": 1, \"name_a\": \"db\", \"name_b\": null, \"only_in\": \"a\", "
                + "\"figures\": []}"), json);
        assertTrue(json.contains("{\"vm\": 2, \"name_a\": null, \"name_b\": \"cache\", \"only_in\": \"b\", "
                + "\"figures\": []}"), json);
    }

    @Test
    void exitsOnOneSideOnlyAreNotAvailableOnTheOther() throws Exception {
        Comparison c = Comparison.of("A", SummaryReader.read(Outputs.a(tmp.resolve("a"), true, true)),
                "B", SummaryReader.read(Outputs.b(tmp.resolve("b"))));
        String text = CompareText.render(c);
        assertEquals(List.of("exits", "18", "n/a", "n/a", "n/a"), row(text, "exits"));
        assertEquals(List.of("DABT_LOW", "10", "n/a", "n/a", "n/a"), row(text, "DABT_LOW"));
    }

    @Test
    void anOutputComparedWithItselfChangesNothing() throws Exception {
        RunSummary a = SummaryReader.read(Outputs.a(tmp.resolve("a"), true, false));
        Comparison c = Comparison.of("A", a, "A", a);
        assertEquals("B vs A: no headline figure changed (2 VMs compared)", c.headline());
        assertTrue(CompareText.render(c).contains("\nconfiguration: no differences\n"));
    }

    @Test
    void aFigureThatWasZeroIsShownWithBothValuesAndAnEqualOneAsUnchanged() {
        Latency none = new Latency(0, 0, 0, true);
        VmSummary x = new VmSummary(0, "v", 100, 10, 100, 0, new TreeMap<>(), null, new TreeMap<>(), none,
                new TreeMap<>());
        VmSummary y = new VmSummary(0, "v", 100, 11, 110, 4, new TreeMap<>(Map.of("mmio", 4L)), null, new TreeMap<>(),
                none, new TreeMap<>());
        RunSummary a = new RunSummary("t", "d", Map.of(), List.of(x), false, true);
        RunSummary b = new RunSummary("t", "d", Map.of(), List.of(y), false, true);
        // faults 0 -> 4 is shown with both values; reads per walk stay 100 / 10 = 110 / 11 = 10; no
        // translation time. Then the miss rate 10 % -> 11 % (+10 %, hit rate 90 -> 89 %) and walks
        // 10 -> 11 (+10 %, after the hit rate at equal rank); translations stay 100.
        assertEquals("B vs A: stage-2 faults 0 → 4, descriptor reads per walk unchanged; "
                + "also TLB hit rate −1.00 points, walks +10 %",
                Comparison.of("A", a, "B", b).headline());
    }

    @Test
    void translationTimeIsNamedThirdWhenBothSidesRecordIt() {
        Latency none = new Latency(0, 0, 0, true);
        VmSummary x = new VmSummary(0, "v", 100, 10, 100, 0, new TreeMap<>(), null, new TreeMap<>(), none,
                new TreeMap<>(), 4000L, null);
        VmSummary y = new VmSummary(0, "v", 100, 11, 110, 4, new TreeMap<>(Map.of("mmio", 4L)), null, new TreeMap<>(),
                none, new TreeMap<>(), 3900L, null);
        RunSummary a = new RunSummary("t", "d", Map.of("scenario.s2.backing", "trace"), List.of(x), false, true);
        RunSummary b = new RunSummary("t", "d", Map.of("scenario.s2.backing", "2m"), List.of(y), false, true);
        // as above, and translation time 4000 -> 3900 ns is -2.5 %, named third
        Comparison c = Comparison.of("A", a, "B", b);
        assertEquals("B vs A (s2.backing trace → 2m): stage-2 faults 0 → 4, descriptor reads per walk unchanged, "
                + "translation time −2.5 %; also TLB hit rate −1.00 points, walks +10 %", c.headline());
        assertEquals(List.of("translation time", "4.00 µs", "3.90 µs", "−0.10 µs", "−2.5 %"),
                row(CompareText.render(c), "translation time"));
    }

    @Test
    void stage2FiguresThatDidNotChangeAreSaidToBeUnchanged() {
        // a change that is not about stage 2 (a scheduler setting, say): the same faults, walks and
        // translation time, and only the interrupt p99 moved, 9 µs -> 12 µs (+33 %)
        VmSummary x = new VmSummary(0, "v", 100, 10, 100, 2, new TreeMap<>(Map.of("lazy_map", 2L)), null,
                new TreeMap<>(), new Latency(200, 5000, 9000, true), new TreeMap<>(), 4000L, null);
        VmSummary y = new VmSummary(0, "v", 100, 10, 100, 2, new TreeMap<>(Map.of("lazy_map", 2L)), null,
                new TreeMap<>(), new Latency(200, 5000, 12000, true), new TreeMap<>(), 4000L, null);
        RunSummary a = new RunSummary("t", "d", Map.of(), List.of(x), false, true);
        RunSummary b = new RunSummary("t", "d", Map.of(), List.of(y), false, true);
        assertEquals("B vs A: stage-2 faults unchanged, descriptor reads per walk unchanged, translation time "
                + "unchanged; also largest VM interrupt p99 +33 %", Comparison.of("A", a, "B", b).headline());
    }
}
