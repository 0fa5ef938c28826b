package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.RunOutput;

/**
 * Issue 14, item 3: {@code virtreplay run} builds its whole output in one temporary directory beside
 * {@code --out} and renames it at the end. A run killed ({@code kill -9}, SIGTERM) or failing (a full
 * disk) at any phase leaves {@code --out} as it was; a later run removes the temporaries of dead
 * processes; an existing {@code --out} is replaced, whole, only with {@code --force}; and
 * {@code --no-events} leaves the event tables out.
 *
 * <p>The kill tests start the CLI as a child JVM on the test class path with
 * {@code -Dvirtreplay.pause-at=PHASE}, which makes it stop at that phase and say so on stderr, and
 * kill it there.
 */
class AtomicRunTest {
    @TempDir
    Path tmp;

    static Path quickstart() {
        return RunAcceptanceTest.quickstart();
    }

    /** A small CSV trace (3 accesses, 2 VMs): ingest, replay and report take well under a second. */
    Path small() throws IOException {
        return IngestTestSupport.baseTrace(tmp.resolve("in"));
    }

    static IngestTestSupport.Result run(String... args) {
        return IngestTestSupport.run(args);
    }

    /** Every regular file under {@code dir}, by relative path, with its bytes. */
    static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return m;
    }

    static void assertSameTree(Map<String, byte[]> expected, Path dir) throws IOException {
        Map<String, byte[]> actual = tree(dir);
        assertEquals(expected.keySet(), actual.keySet(), dir.toString());
        for (String k : expected.keySet()) {
            assertTrue(java.util.Arrays.equals(expected.get(k), actual.get(k)), k + " changed");
        }
    }

    /** Names in {@code parent} that start with ".NAME." (temporaries of the output NAME). */
    static List<String> temporaries(Path parent, String name) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + name + ".")).sorted()
                    .toList();
        }
    }

    /** The pid of a process that has ended. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return pid;
    }

    @Test
    void existingOutIsRefusedWithoutForce() throws IOException {
        Path in = small();
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("report"));
        Files.writeString(out.resolve("report/report.html"), "mine");
        IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString(), "-q");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(List.of(out.toAbsolutePath() + ": already exists; use --force to replace it"), r.errLines());
        assertEquals(List.of("report"), IngestTestSupport.names(out));
        assertEquals("mine", Files.readString(out.resolve("report/report.html")));
    }

    /** A stale report.html does not survive a --format csv run: --force replaces OUT whole. */
    @Test
    void forceReplacesTheWholeOutput() throws IOException {
        Path in = small();
        Path out = tmp.resolve("out");
        assertEquals(0, run("run", in.toString(), "--out", out.toString(), "-q").exit());
        assertTrue(Files.isRegularFile(out.resolve("report/report.html")));
        Files.writeString(out.resolve("notes.txt"), "old");
        IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString(), "-q", "--force", "--format",
                "csv");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("metrics", "report", "trace"), IngestTestSupport.names(out));
        assertFalse(Files.exists(out.resolve("report/report.html")), "a stale report.html survived");
        assertTrue(Files.isRegularFile(out.resolve("report/tlb_stats.csv")));
        assertEquals(List.of(), temporaries(tmp, "out"));
    }

    /** The output may not be, or hold, the trace it reads: --force would delete the input. */
    @Test
    void outputOverTheInputIsRefused() throws IOException {
        Path in = small();
        for (Path out : List.of(in, tmp)) {
            IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString(), "-q", "--force");
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().contains("input"), r.err());
            assertTrue(Files.isRegularFile(in.resolve("mem.csv")));
        }
    }

    @Test
    void noEventsLeavesTheEventTablesOut() throws IOException {
        Path in = small();
        Path out = tmp.resolve("out");
        assertEquals(0, run("run", in.toString(), "--out", out.toString(), "-q", "--no-events").exit());
        assertFalse(Files.exists(out.resolve("metrics/fault_events.parquet")));
        assertFalse(Files.exists(out.resolve("metrics/irq_events.parquet")));
        assertEquals("false", option(out, "option.events"));
        Path on = tmp.resolve("on");
        assertEquals(0, run("run", in.toString(), "--out", on.toString(), "-q").exit());
        assertTrue(Files.exists(on.resolve("metrics/fault_events.parquet")));
        assertTrue(Files.exists(on.resolve("metrics/irq_events.parquet")));
        assertEquals("true", option(on, "option.events"));
        Path explicit = tmp.resolve("explicit");
        assertEquals(0, run("run", in.toString(), "--out", explicit.toString(), "-q", "--events").exit());
        assertTrue(Files.exists(explicit.resolve("metrics/irq_events.parquet")));
    }

    private static String option(Path out, String key) {
        return RunOutput.open(out.resolve("metrics")).runInfo().get(key);
    }

    /**
     * Temporaries that processes no longer alive left beside OUT (this version's and the older
     * {@code .OUT.partial-PID} of ingest, {@code .OUT.tmp-PID-N} of replay) are removed when a run
     * starts; a live process's temporary is left alone.
     */
    @Test
    void staleTemporariesOfDeadProcessesAreRemoved() throws Exception {
        Path in = small();
        Path out = tmp.resolve("out");
        long dead = deadPid();
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        List<String> stale = List.of(".out.tmp-" + dead + "-0", ".out.partial-" + dead, ".out.tmp-" + dead + "-17");
        for (String n : stale) {
            Files.createDirectories(tmp.resolve(n).resolve("metrics"));
            Files.writeString(tmp.resolve(n).resolve("metrics/run_info.json"), "{}");
        }
        String alive = ".out.tmp-" + live + "-0";
        Files.createDirectories(tmp.resolve(alive));
        String other = ".other.tmp-" + dead + "-0";
        Files.createDirectories(tmp.resolve(other));
        IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(alive), temporaries(tmp, "out"));
        // another output's temporaries are that output's business
        assertTrue(Files.isDirectory(tmp.resolve(other)));
    }

    /**
     * An I/O failure after the replay (what a full disk does) leaves the old OUT as it was and no
     * temporary.
     */
    @Test
    void aFailureAfterTheReplayLeavesTheOldOutput() throws IOException {
        Path in = small();
        Path out = tmp.resolve("out");
        assertEquals(0, run("run", in.toString(), "--out", out.toString(), "-q").exit());
        Map<String, byte[]> before = tree(out);
        System.setProperty("virtreplay.fail-at", "run:replayed");
        try {
            IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString(), "-q", "--force",
                    "--format", "csv");
            // an environment failure: exit 2 with one line naming the output (issue 14 item 2)
            assertEquals(2, r.exit(), r.out());
            assertTrue(r.err().startsWith(out + ": no space left on device"), r.err());
        } finally {
            System.clearProperty("virtreplay.fail-at");
        }
        assertSameTree(before, out);
        assertEquals(List.of(), temporaries(tmp, "out"));
    }

    // ------------------------------------------------------------------ a child JVM, killed

    /** A child {@code virtreplay run} that stops at {@code phase}; returns once it says it has stopped there. */
    static Process startPaused(String phase, String... args) throws Exception {
        return startPaused(List.of(), phase, args);
    }

    /** As {@link #startPaused(String, String...)}, with more JVM options ({@code -Dkey=value}) for the child. */
    static Process startPaused(List<String> jvmOptions, String phase, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dvirtreplay.pause-at=" + phase));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", cp, VirtReplay.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = err.readLine()) != null; ) {
            if (line.equals("virtreplay: paused at " + phase + " (pid " + p.pid() + ")")) {
                return p;
            }
            seen.append(line).append('\n');
        }
        fail("the child ended (exit " + p.waitFor() + ") without pausing at " + phase + ":\n" + seen);
        return p;
    }

    @Test
    @Timeout(120)
    void killMinus9AfterTheReplayLeavesNoOutputAndTheNextRunCleansUp() throws Exception {
        Path in = small();
        Path out = tmp.resolve("out");
        Process p = startPaused("run:replayed", "run", in.toString(), "--out", out.toString(), "-q");
        p.destroyForcibly();
        p.waitFor();
        assertFalse(Files.exists(out), "a killed run left OUT");
        // kill -9 runs no code: its temporary stays, named by its pid, until the next run to OUT
        List<String> left = temporaries(tmp, "out");
        assertEquals(1, left.size(), left.toString());
        assertTrue(left.get(0).startsWith(".out.tmp-" + p.pid() + "-"), left.toString());
        assertTrue(Files.isDirectory(tmp.resolve(left.get(0)).resolve("metrics")));
        IngestTestSupport.Result r = run("run", in.toString(), "--out", out.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(), temporaries(tmp, "out"));
        assertEquals(List.of("metrics", "report", "trace"), IngestTestSupport.names(out));
    }

    @Test
    @Timeout(120)
    void killMinus9BeforeTheRenameLeavesTheOldOutput() throws Exception {
        Path in = small();
        Path out = tmp.resolve("out");
        assertEquals(0, run("run", in.toString(), "--out", out.toString(), "-q").exit());
        Map<String, byte[]> before = tree(out);
        Process p = startPaused("run:reported", "run", in.toString(), "--out", out.toString(), "-q", "--force",
                "--format", "csv");
        p.destroyForcibly();
        p.waitFor();
        assertSameTree(before, out);
    }

    @Test
    @Timeout(120)
    void sigtermDuringARunLeavesNothing() throws Exception {
        Path in = small();
        Path out = tmp.resolve("out");
        Process p = startPaused("run:ingested", "run", in.toString(), "--out", out.toString(), "-q");
        p.destroy(); // SIGTERM
        assertNotEquals(0, p.waitFor());
        assertFalse(Files.exists(out), "a terminated run left OUT");
        assertEquals(List.of(), temporaries(tmp, "out"), "SIGTERM: the shutdown hook removes the temporary");
    }
}
