package org.virtreplay.analysis.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.engine.BadInputException;

/**
 * A problem with a combination of scenario values names the scenario file and the lines of the
 * keys involved (or the {@code --set} they came from), and a scenario file may start with a
 * byte-order mark like a CSV table (issue 14 item 6). The default core, Neoverse N1, has a
 * 48-entry fully associative L1 data TLB (docs/cores.md: as Cortex-A76).
 */
class ScenarioPlacesTest {
    @TempDir
    Path tmp;

    private Path file(String text) throws IOException {
        Path f = tmp.resolve("host.txt");
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private static List<String> configProblems(Scenario sc) {
        return assertThrows(BadInputException.class, () -> ReplayJob.config(sc, 4)).problems();
    }

    @Test
    void byteOrderMarkIsIgnored() throws IOException {
        // before: "unknown key '\uFEFFpes'"
        Scenario sc = Scenario.read(file("\uFEFFpes = 8\ncore = cortex-a72\n"));
        assertEquals(8, sc.getInt(Scenario.Key.PES));
        assertEquals("cortex-a72", sc.get(Scenario.Key.CORE));
    }

    @Test
    void bothKeysInTheFileNameTheirLines() throws IOException {
        Path f = file("# a smaller L1D\ntlb.l1d.entries = 48\n\ntlb.l1d.assoc = 5\n");
        assertEquals(List.of(f + ":2,4: tlb.l1d: 5 ways (tlb.l1d.assoc) do not divide 48 entries (tlb.l1d.entries); "
                + "choose ways that divide the entries (equal to them: fully associative)"),
                configProblems(Scenario.read(f)));
    }

    @Test
    void aKeyAgainstThePresetNamesItsLineAndThePreset() throws IOException {
        Path f = file("pes = 2\ntlb.l1d.assoc = 5\n");
        assertEquals(List.of(f + ":2: tlb.l1d: 5 ways (tlb.l1d.assoc) do not divide 48 entries (the neoverse-n1 "
                + "preset's); choose ways that divide the entries (equal to them: fully associative)"),
                configProblems(Scenario.read(f)));
    }

    @Test
    void aKeyFromTheCommandLineIsNamedSo() throws IOException {
        Path f = file("tlb.l1d.entries = 48\n");
        Scenario sc = Scenario.read(f).with(Scenario.Key.TLB_L1D_ASSOC, "5", "--set tlb.l1d.assoc=5");
        assertEquals(List.of(f + ":1: tlb.l1d: 5 ways (tlb.l1d.assoc from --set tlb.l1d.assoc=5) do not divide 48 "
                + "entries (tlb.l1d.entries); choose ways that divide the entries (equal to them: fully associative)"),
                configProblems(sc));
        // the command line overrides the file's value, and its origin with it
        sc = Scenario.read(file("tlb.l2.entries = 1280\ntlb.l2.assoc = 5\n"))
                .with(Scenario.Key.TLB_L2_ASSOC, "3", "--set tlb.l2.assoc=3");
        assertEquals(List.of(tmp.resolve("host.txt") + ":1: tlb.l2: 3 ways (tlb.l2.assoc from --set tlb.l2.assoc=3) "
                + "do not divide 1280 entries (tlb.l2.entries); choose ways that divide the entries (equal to them: "
                + "fully associative)"), configProblems(sc));
    }

    @Test
    void anEmptyL1IsNamedByItsKey() throws IOException {
        Path f = file("tlb.l1i.entries = 0\n");
        assertEquals(List.of(f + ":1: key 'tlb.l1i.entries': expected at least 1 entry (only the L2 TLB may be left "
                + "out with 0), got '0'"), configProblems(Scenario.read(f)));
    }

    @Test
    void originsAreNotPartOfTheScenario() {
        Scenario a = Scenario.parse("a.txt", "pes = 2\n");
        Scenario b = Scenario.defaults().with(Scenario.Key.PES, "2", "--set pes=2");
        assertEquals(a, b);
        assertEquals(a.toText(), b.toText());
        assertEquals("a.txt:1", a.origin(Scenario.Key.PES));
        assertEquals("--set pes=2", b.origin(Scenario.Key.PES));
        assertEquals(null, a.origin(Scenario.Key.CORE));
    }
}
