package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 3, for every command that writes an output directory or file (not only
 * {@code run}, see {@link AtomicRunTest}): each removes the temporaries that dead processes left
 * beside its output, and {@code report} replaces an existing report directory, whole, only with
 * {@code --force}.
 */
class AtomicOutputsTest {
    @TempDir
    Path tmp;

    static IngestTestSupport.Result run(String... args) {
        return IngestTestSupport.run(args);
    }

    /** Leaves what a process killed while writing {@code target} would leave: its temporary, named by its pid. */
    static List<Path> stale(Path target, boolean file) throws Exception {
        long dead = AtomicRunTest.deadPid();
        String n = target.getFileName().toString();
        List<Path> left = new ArrayList<>();
        for (String suffix : List.of(".tmp-" + dead + "-0", ".partial-" + dead)) {
            Path p = target.resolveSibling("." + n + suffix);
            if (file) {
                Files.writeString(p, "half a file");
            } else {
                Files.createDirectories(p.resolve("sub"));
                Files.writeString(p.resolve("sub/half.parquet"), "PAR1");
            }
            left.add(p);
        }
        return left;
    }

    static void assertGone(List<Path> stale) {
        for (Path p : stale) {
            assertFalse(Files.exists(p), p + " was left behind");
        }
    }

    @Test
    void replayIngestGenerateAndSweepRemoveStaleTemporaries() throws Exception {
        Path in = IngestTestSupport.baseTrace(tmp.resolve("in"));

        Path m = tmp.resolve("m");
        List<Path> s = stale(m, false);
        IngestTestSupport.Result r = run("replay", in.toString(), "--out", m.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertGone(s);

        Path pq = tmp.resolve("pq");
        s = stale(pq, false);
        r = run("ingest", in.toString(), "--out", pq.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertGone(s);

        Path gen = tmp.resolve("gen");
        s = stale(gen, false);
        r = run("generate", "--out", gen.toString(), "--accesses", "1000", "--vms", "1", "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertGone(s);

        Path grid = tmp.resolve("grid.txt");
        Files.writeString(grid, "vms = 1\n");
        Path sw = tmp.resolve("sw");
        s = stale(sw, false);
        r = run("sweep", pq.toString(), "--grid", grid.toString(), "--out", sw.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertGone(s);
    }

    @Test
    void tlbStatsCsvRemovesStaleTemporaries() throws Exception {
        Path t = tmp.resolve("t.lackey");
        Files.writeString(t, "I  1000,4\n L 10000,8\n");
        Path csv = tmp.resolve("stats.csv");
        List<Path> s = stale(csv, true);
        IngestTestSupport.Result r = run("tlb", t.toString(), "--stats-csv", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.readString(csv).startsWith("structure,"));
        assertGone(s);
        // a file output is replaced like a shell redirection replaces it; nothing else is left beside it
        r = run("tlb", t.toString(), "--stats-csv", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("stats.csv", "t.lackey"), IngestTestSupport.names(tmp));
        // a directory is not replaced by a file, and the refusal comes before the trace is read
        Path d = Files.createDirectory(tmp.resolve("d"));
        r = run("tlb", t.toString(), "--stats-csv", d.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(List.of(d + ": is a directory; expected a file name, such as " + d.resolve("out.csv")),
                r.errLines());
        assertEquals("", r.out());
        assertEquals(List.of("d", "stats.csv", "t.lackey"), IngestTestSupport.names(tmp));
    }

    @Test
    void reportReplacesItsDirectoryWholeOnlyWithForce() throws Exception {
        Path in = IngestTestSupport.baseTrace(tmp.resolve("in"));
        Path m = tmp.resolve("m");
        assertEquals(0, run("replay", in.toString(), "--out", m.toString(), "-q").exit());
        List<Path> s = stale(m.resolve("report"), false);
        IngestTestSupport.Result r = run("report", m.toString());
        assertEquals(0, r.exit(), r.err());
        assertGone(s);
        assertTrue(Files.isRegularFile(m.resolve("report/report.html")));

        r = run("report", m.toString(), "--format", "csv");
        assertEquals(2, r.exit(), r.out());
        assertEquals(List.of(m.resolve("report").toAbsolutePath() + ": already exists; use --force to replace it"),
                r.errLines());
        assertTrue(Files.isRegularFile(m.resolve("report/report.html")));

        r = run("report", m.toString(), "--format", "csv", "--force");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(m.resolve("report/report.html")), "a stale report.html survived --format csv");
        assertTrue(Files.isRegularFile(m.resolve("report/tlb_stats.csv")));

        // --force may not replace the run's own tables
        for (Path d : List.of(m, tmp)) {
            r = run("report", m.toString(), "--out-dir", d.toString(), "--force");
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(Files.isRegularFile(m.resolve("tlb_stats.parquet")));
        }
    }

    /** SIGTERM during a replay, just before its rename: no output, no temporary. */
    @Test
    @Timeout(120)
    void sigtermBeforeAReplaysRenameLeavesNothing() throws Exception {
        Path in = IngestTestSupport.baseTrace(tmp.resolve("in"));
        Path m = tmp.resolve("m");
        Process p = AtomicRunTest.startPaused("commit", "replay", in.toString(), "--out", m.toString(), "-q");
        p.destroy();
        assertNotEquals(0, p.waitFor());
        assertFalse(Files.exists(m));
        assertEquals(List.of(), AtomicRunTest.temporaries(tmp, "m"));
    }
}
