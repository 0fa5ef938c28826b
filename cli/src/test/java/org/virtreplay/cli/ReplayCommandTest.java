package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code virtreplay replay} and {@code run} on bad input: exit code 2, one clear line naming the
 * problem (a parameter error adds picocli's "Try ... --help" line), no stack trace, and nothing
 * left at {@code --out} (nor any temporary beside it).
 */
class ReplayCommandTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int exec(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    /** A copy of the hand-made trace (analysis/src/test/resources/traces/NAME) in the temp dir. */
    private Path trace(String name) throws IOException {
        Path src = Path.of("..", "analysis", "src", "test", "resources", "traces", name).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(src), src.toString());
        Path dst = dir.resolve("in-" + name);
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    /** Exit 2, the first stderr line contains {@code what}, at most a --help hint after it, no trace. */
    private void assertBadInput(int code, String what) {
        assertEquals(2, code, "stdout: " + out + "\nstderr: " + err);
        List<String> lines = err.lines().toList();
        assertFalse(lines.isEmpty(), "no message");
        assertTrue(lines.get(0).contains(what), "first line should name the problem (" + what + "): " + err);
        assertTrue(lines.size() == 1 || (lines.size() == 2 && lines.get(1).contains("--help")),
                "one line expected: " + lines);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "stack trace printed: " + err);
    }

    /** Nothing at out, and nothing else than the inputs in the temp dir (no temporary left). */
    private void assertNothingLeft(Path o, String... keep) throws IOException {
        if (Files.exists(o)) {
            try (Stream<Path> s = Files.walk(o)) {
                throw new AssertionError(o + " was left behind: " + s.map(Path::toString).toList());
            }
        }
        try (Stream<Path> s = Files.list(o.getParent())) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(keep), names, "left beside " + o);
        }
    }

    @Test
    void replayWritesTheTablesAndSaysWhere() throws IOException {
        Path t = trace("spi");
        Path o = dir.resolve("m");
        assertEquals(0, exec("replay", t.toString(), "--out", o.toString(), "-q"), err);
        // where the tables went is a status line on stderr; stdout carries the summary only
        assertTrue(err.startsWith("replayed ") && err.strip().endsWith(o.toString()), err);
        // the CPU times beside the wall time: the model's thread and the mem reader's, as in timing.json
        assertTrue(err.contains(" (cpu: model ") && err.contains(", mem decoding ") && err.contains(", reader thread "),
                err);
        assertEquals(1, err.lines().count(), err);
        // named as the report's title: by the manifest's name (traces/spi/manifest.csv: name,spi-hand)
        assertTrue(out.startsWith("summary: spi-hand "), out);
        for (String table : List.of("run_info", "tlb_stats", "stage2_faults", "irq_latency", "timeline")) {
            assertTrue(Files.isRegularFile(o.resolve(table + ".parquet")), table);
        }
        // the event tables are on by default, as in run (issue 17: one vocabulary), off with --no-events
        assertTrue(Files.exists(o.resolve("fault_events.parquet")), "fault_events is written by default");
        assertTrue(Files.exists(o.resolve("irq_events.parquet")), "irq_events is written by default");
        Path off = dir.resolve("off");
        assertEquals(0, exec("replay", t.toString(), "--out", off.toString(), "-q", "--no-events"), err);
        assertFalse(Files.exists(off.resolve("fault_events.parquet")), "--no-events leaves fault_events out");
        assertFalse(Files.exists(off.resolve("irq_events.parquet")), "--no-events leaves irq_events out");
    }

    @Test
    void unknownScenarioKeyOnTheCommandLine() throws IOException {
        Path t = trace("spi");
        Path o = dir.resolve("m");
        assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q", "--set", "tlb.l3.entries=5"),
                "tlb.l3.entries");
        assertNothingLeft(o, "in-spi");
    }

    @Test
    void unknownScenarioKeyInAFile() throws IOException {
        Path t = trace("spi");
        Path sc = dir.resolve("host.txt");
        Files.writeString(sc, "pes = 2\ntlb.l3.entries = 5\n");
        Path o = dir.resolve("m");
        assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q", "--scenario", sc.toString()),
                "host.txt:2: unknown key 'tlb.l3.entries'");
        assertNothingLeft(o, "host.txt", "in-spi");
    }

    @Test
    void badScenarioValues() throws IOException {
        Path t = trace("spi");
        Path o = dir.resolve("m");
        assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q", "--set", "gic.v4=maybe"), "gic.v4");
        assertNothingLeft(o, "in-spi");
        // 3 ways do not divide 2 entries
        assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q", "--set", "tlb.l1d.entries=2",
                "--set", "tlb.l1d.assoc=3"), "tlb.l1d");
        assertNothingLeft(o, "in-spi");
    }

    @Test
    void badWindow() throws IOException {
        Path t = trace("spi");
        Path o = dir.resolve("m");
        for (String w : List.of("0", "-1ms", "abc", "5parsecs", "1.5ms", "")) {
            assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q", "--window", w), "--window");
            assertNothingLeft(o, "in-spi");
        }
    }

    @Test
    void existingOutWithoutForce() throws IOException {
        Path t = trace("spi");
        Path o = dir.resolve("m");
        Files.createDirectories(o);
        Files.writeString(o.resolve("keep.txt"), "mine");
        assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q"), "already exists");
        assertEquals(List.of("keep.txt"), Files.list(o).map(p -> p.getFileName().toString()).toList());
        // --force replaces it.
        assertEquals(0, exec("replay", t.toString(), "--out", o.toString(), "-q", "--force"), err);
        assertFalse(Files.exists(o.resolve("keep.txt")));
        assertTrue(Files.isRegularFile(o.resolve("tlb_stats.parquet")));
    }

    @Test
    void traceWithABadRow() throws IOException {
        Path t = trace("faults");
        // Line 4 of mem.csv (header = line 1) gets a bad address.
        List<String> lines = Files.readAllLines(t.resolve("mem.csv"));
        lines.set(3, lines.get(3).replace("0x80000008", "zz12"));
        Files.write(t.resolve("mem.csv"), lines);
        Path o = dir.resolve("m");
        assertBadInput(exec("replay", t.toString(), "--out", o.toString(), "-q"),
                "mem.csv:4: column 'va': expected 0x-hex address, got 'zz12'");
        assertNothingLeft(o, "in-faults");
    }

    /** A failed ingest inside run leaves no DIR behind (a bug this test found, since fixed). */
    @Test
    void runWithABadRowLeavesNothing() throws IOException {
        Path t = trace("faults");
        List<String> lines = Files.readAllLines(t.resolve("mem.csv"));
        lines.set(3, lines.get(3).replace("0x80000008", "zz12"));
        Files.write(t.resolve("mem.csv"), lines);
        Path o = dir.resolve("m");
        assertBadInput(exec("run", t.toString(), "--out", o.toString(), "-q"),
                "mem.csv:4: column 'va': expected 0x-hex address, got 'zz12'");
        assertNothingLeft(o, "in-faults");
    }

    /**
     * run validates its options before it ingests: a bad key must not leave DIR/trace behind (a bug
     * this test found, since fixed).
     */
    @Test
    void runWithABadScenarioKeyLeavesNothing() throws IOException {
        Path t = trace("spi");
        Path o = dir.resolve("r");
        assertBadInput(exec("run", t.toString(), "--out", o.toString(), "-q", "--set", "bogus=1"), "bogus");
        assertNothingLeft(o, "in-spi");
        assertBadInput(exec("run", t.toString(), "--out", o.toString(), "-q", "--window", "soon"), "--window");
        assertNothingLeft(o, "in-spi");
    }

    @Test
    void missingTrace() throws IOException {
        Path o = dir.resolve("m");
        assertEquals(2, exec("replay", dir.resolve("nope").toString(), "--out", o.toString(), "-q"), err);
        // one line for one problem (Trace.open no longer adds "nope/manifest.csv: missing")
        assertEquals(List.of(dir.resolve("nope") + ": no such directory (a trace is a directory with manifest.csv "
                + "and one file per table)"), err.lines().toList());
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertNothingLeft(o);
    }
}
