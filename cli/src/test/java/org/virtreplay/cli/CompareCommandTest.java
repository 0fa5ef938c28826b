package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code virtreplay compare} on two real runs of the hand-made trace analysis/.../traces/faults
 * with a 4 KB and a 2 MB stage-2 backing, and on bad inputs.
 *
 * <p>The trace (described with ReplayScenarioTest's test of it): one vCPU touches 4 RAM regions
 * 2 MB apart, each at page 0 (read), page 1 (write) and page 0 again, and makes 4 accesses to an
 * emulated MMIO slot. With 4 KB backing KVM maps one page per lazy fault: pages 0 and 1 of each
 * region fault, 8 {@code lazy_map}; with 2 MB it maps the block: 4. MMIO exits every time: 4 on
 * both. So stage-2 faults 12 -> 8 (-33 %), lazy_map 8 -> 4 (-50 %).
 */
class CompareCommandTest {
    @TempDir
    static Path tmp;

    static Path a;
    static Path b;

    static IngestTestSupport.Result run(String... args) {
        return IngestTestSupport.run(args);
    }

    @BeforeAll
    static void twoRuns() throws IOException {
        Path src = Path.of("..", "analysis", "src", "test", "resources", "traces", "faults").toAbsolutePath()
                .normalize();
        Path trace = tmp.resolve("faults");
        Files.createDirectories(trace);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) {
                Files.copy(f, trace.resolve(f.getFileName()));
            }
        }
        a = tmp.resolve("4k");
        b = tmp.resolve("2m");
        IngestTestSupport.Result r = run("run", trace.toString(), "--out", a.toString(), "--set", "s2.backing=4k",
                "-q");
        assertEquals(0, r.exit(), r.err());
        // stdout is the summary only; where the output went is on stderr
        assertTrue(r.out().startsWith("summary: "), r.out());
        assertTrue(r.out().contains("\n  stage-2 faults 12 (lazy_map 8, mmio 4)\n"), r.out());
        assertTrue(r.err().contains("report: "), r.err());
        r = run("run", trace.toString(), "--out", b.toString(), "--set", "s2.backing=2m", "-q");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\n  stage-2 faults 8 (lazy_map 4, mmio 4)\n"), r.out());
    }

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
    void firstLineStatesTheAnswerThenConfigurationThenFigures() {
        IngestTestSupport.Result r = run("compare", a.toString(), b.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        // the one scenario key that differs is named first; translation time is among the changes
        assertTrue(lines.get(0).startsWith("B vs A (s2.backing 4k → 2m): "), lines.get(0));
        assertTrue(lines.get(0).contains("translation time −"), lines.get(0));
        assertTrue(lines.get(0).contains("stage-2 faults −33 %"), lines.get(0));
        assertEquals("A: " + a, lines.get(1));
        assertEquals("B: " + b, lines.get(2));
        // named as the summary heading names it: by the manifest's name (faults/manifest.csv), not by
        // the directory run replays (DIR/trace)
        assertTrue(lines.get(3).startsWith("trace: the same in both, faults-hand (sha256:"), lines.get(3));
        // the third: the RAM memslot's effective stage-2 backing that run_info records (4 KB -> 2 MB)
        assertEquals("configuration: 3 differences", lines.get(4));
        assertEquals(List.of("option.set.s2.backing", "4k", "2m"), row(r.out(), "option.set.s2.backing"));
        assertEquals(List.of("scenario.s2.backing", "4k", "2m"), row(r.out(), "scenario.s2.backing"));
        assertTrue(lines.get(8).strip().startsWith("vm.0.memslot.") && lines.get(8).endsWith(",ram,2097152"),
                lines.get(8));
        assertEquals("vm 0 lazy", lines.get(9));
        assertEquals(List.of("stage-2 faults", "12", "8", "−4", "−33 %"), row(r.out(), "stage-2 faults"));
        assertEquals(List.of("lazy_map", "8", "4", "−4", "−50 %"), row(r.out(), "lazy_map"));
        assertEquals(List.of("mmio", "4", "4", "0", "0 %"), row(r.out(), "mmio"));
        // the metrics directories are outputs too, and give the same comparison but for the paths
        IngestTestSupport.Result m = run("compare", a.resolve("metrics").toString(), b.resolve("metrics").toString());
        assertEquals(0, m.exit(), m.err());
        assertEquals(r.out().replace("A: " + a + "\n", "A: " + a.resolve("metrics") + "\n")
                .replace("B: " + b + "\n", "B: " + b.resolve("metrics") + "\n"), m.out());
    }

    @Test
    void outWritesTextAndPageAtomicallyAndReplacesOnlyWithForce() throws IOException {
        Path out = tmp.resolve("cmp");
        IngestTestSupport.Result r = run("compare", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(r.out(), Files.readString(out.resolve("compare.txt")));
        String html = Files.readString(out.resolve("compare.html"));
        assertTrue(html.contains("<h1>" + r.out().lines().findFirst().orElseThrow() + "</h1>"), html);
        assertTrue(html.contains("<svg"), "charts");
        assertFalse(html.contains("<script") || html.contains("<link") || html.contains("src=\"http"),
                "self-contained");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
        // the page is deterministic
        IngestTestSupport.Result again = run("compare", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(2, again.exit());
        assertEquals(1, again.err().lines().count(), again.err());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(0, run("compare", a.toString(), b.toString(), "--out", out.toString(), "--force").exit());
        assertEquals(html, Files.readString(out.resolve("compare.html")));
    }

    @Test
    void jsonOnStdout() {
        IngestTestSupport.Result r = run("compare", a.toString(), b.toString(), "--format", "json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("{\n  \"headline\": \"B vs A (s2.backing 4k → 2m): "), r.out());
        assertTrue(r.out().contains("{\"figure\": \"stage2_faults\", \"a\": 12.0, \"b\": 8.0, \"difference\": -4.0, "),
                r.out());
        assertTrue(r.out().contains("{\"key\": \"scenario.s2.backing\", \"a\": \"4k\", \"b\": \"2m\"}"), r.out());
    }

    @Test
    void badInputsGiveOneLineAndExit2() throws IOException {
        assertBad(run("compare", tmp.resolve("nope").toString(), b.toString()), tmp.resolve("nope") + ": no such");
        assertBad(run("compare", a.toString(), tmp.resolve("faults").toString()),
                tmp.resolve("faults") + ": not a virtreplay output");
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        try (Stream<Path> s = Files.list(a.resolve("metrics"))) {
            for (Path f : s.toList()) {
                if (!f.getFileName().toString().equals("tlb_stats.parquet") && Files.isRegularFile(f)) {
                    Files.copy(f, broken.resolve(f.getFileName()));
                }
            }
        }
        assertBad(run("compare", a.toString(), broken.toString()),
                broken + ": missing required table tlb_stats.parquet");
        IngestTestSupport.Result f = run("compare", a.toString(), b.toString(), "--format", "xml");
        assertEquals(2, f.exit());
        assertTrue(f.err().startsWith("virtreplay: --format: expected text or json, got "), f.err());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    private static void assertBad(IngestTestSupport.Result r, String first) {
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(first), r.err());
        assertEquals("", r.out());
    }

    @Test
    void helpHasAnExample() {
        IngestTestSupport.Result r = run("compare", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("virtreplay compare out/4k out/2m --out out/cmp"), r.out());
    }

    @Test
    void runSummaryJsonNamesTheTraceByItsManifestNameBesideItsInput() {
        // run replays its ingested copy DIR/trace, so "input" is "trace" (kept for scripts); "name" is
        // the manifest's (faults/manifest.csv: name,faults-hand)
        IngestTestSupport.Result r = run("run", tmp.resolve("faults").toString(), "--out",
                tmp.resolve("named").toString(), "--summary", "json", "-q");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("{\n  \"input\": \"trace\",\n  \"name\": \"faults-hand\",\n"), r.out());
    }

    @Test
    void replayPrintsTheSummaryOnStdoutInJsonOnRequest() {
        Path m = tmp.resolve("replayed");
        IngestTestSupport.Result r = run("replay", tmp.resolve("faults").toString(), "--out", m.toString(),
                "--set", "s2.backing=2m", "--summary", "json", "-q");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().startsWith("replayed "), r.err());
        assertTrue(r.out().startsWith("{\n  \"input\": \"faults\",\n  \"name\": \"faults-hand\","), r.out());
        assertTrue(r.out().contains("\"stage2_faults\": 8, \"stage2_faults_by_cause\": {\"lazy_map\": 4, \"mmio\": 4}"),
                r.out());
        IngestTestSupport.Result bad = run("replay", tmp.resolve("faults").toString(), "--out",
                tmp.resolve("never").toString(), "--summary", "xml");
        assertEquals(2, bad.exit());
        assertFalse(Files.exists(tmp.resolve("never")), "checked before the replay");
    }
}
