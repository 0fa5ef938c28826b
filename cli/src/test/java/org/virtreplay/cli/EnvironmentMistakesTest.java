package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.names;
import static org.virtreplay.cli.IngestTestSupport.run;
import static org.virtreplay.cli.IngestTestSupport.write;
import static org.virtreplay.cli.OneLineMessagesTest.oneLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 2: a user's or the environment's mistake is exit 2 with one line that says what
 * to do, never exit 1 with a stack trace. Each test is a reproducer of the issue (exit 1 with
 * {@code ArrayIndexOutOfBoundsException}, {@code OutOfMemoryError}, {@code FileSystemException},
 * {@code EOFException} before the fix). The read-only and full file systems are in
 * {@link FileSystemFaultsTest}.
 */
class EnvironmentMistakesTest {
    @TempDir
    Path tmp;

    static final Path QUICKSTART = Path.of("..", "sample-traces", "quickstart");

    // --- an output directory that cannot be created ---------------------------------------------

    /**
     * /proc exists but takes no new entries: mkdir there fails with ENOENT, which the JDK reports
     * as NoSuchFileException, and the line read "/proc/x: no such file or directory" as if the
     * user had named something missing. It now says the output directory cannot be created, why,
     * and what to do; also where a missing directory on the way is what cannot be made.
     */
    @Test
    void anOutputDirectoryThatCannotBeCreatedIsSaidSoInOneLine() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        String why = " exists but takes no new entries (creating one there fails with 'no such file or directory'); "
                + "choose another path";
        assertEquals("/proc/virtreplay-x: the output directory cannot be created: /proc" + why,
                oneLine(run("replay", QUICKSTART.toString(), "-q", "--out", "/proc/virtreplay-x")));
        assertEquals("/proc/virtreplay-x/y: the output directory cannot be created: /proc" + why,
                oneLine(run("run", QUICKSTART.toString(), "-q", "--out", "/proc/virtreplay-x/y")));
    }

    // --- --set pes below the trace's PE count with the recorded schedule -----------------------

    @Test
    void replayWithFewerPesThanTheQuickstartRecordedIsRefusedInOneLine() {
        // The reproducer: exit 1, ArrayIndexOutOfBoundsException in Replayer.onMem.
        String line = oneLine(run("replay", QUICKSTART.toString(), "--set", "pes=2", "-q", "--out",
                tmp.resolve("m").toString()));
        // The key, the value, the trace's pe_count (4 in its manifest.csv) and what to do.
        assertTrue(line.startsWith("scenario key 'pes': 2 is fewer than the trace's 4 PEs (pe_count in "), line);
        assertTrue(line.contains("manifest.csv"), line);
        assertTrue(line.endsWith("set pes to 0 or at least 4, or sched.policy to fair or pinned"), line);
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void runWithFewerPesThanTheQuickstartRecordedIsRefusedInOneLine() {
        String line = oneLine(run("run", QUICKSTART.toString(), "--set", "pes=2", "-q", "--out",
                tmp.resolve("o").toString()));
        assertTrue(line.startsWith("scenario key 'pes': 2 is fewer than the trace's 4 PEs"), line);
    }

    /** The small trace (2 PEs) with a schedule that places vm 0's vCPU 1 on PE 1. */
    private Path scheduledTrace() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        write(in.resolve("sched.csv"), "ts,pe,vm,vcpu,event\n1,0,0,0,run\n1,1,0,1,run\n");
        return in;
    }

    @Test
    void fewerPesWorkWithAModelledScheduler() throws IOException {
        Path in = scheduledTrace();
        String line = oneLine(run("replay", in.toString(), "--set", "pes=1", "-q", "--out", tmp.resolve("a").toString()));
        assertTrue(line.startsWith("scenario key 'pes': 1 is fewer than the trace's 2 PEs"), line);
        // What the line offers does work: the fair or pinned scheduler on one PE, or pes = 0.
        for (String policy : List.of("fair", "pinned")) {
            IngestTestSupport.Result r = run("replay", in.toString(), "--set", "pes=1", "--set", "sched.policy="
                    + policy,
                    "-q", "--out", tmp.resolve(policy).toString());
            assertEquals(0, r.exit(), r.err());
        }
        assertEquals(0, run("replay", in.toString(), "--set", "pes=0", "-q", "--out", tmp.resolve("z").toString()).exit());
    }

    @Test
    void aScenarioFileWithFewerPesIsRefusedToo() throws IOException {
        Path in = scheduledTrace();
        Path sc = tmp.resolve("host.txt");
        write(sc, "pes = 1\n");
        String line = oneLine(run("replay", in.toString(), "--scenario", sc.toString(), "-q", "--out",
                tmp.resolve("a").toString()));
        assertTrue(line.startsWith("scenario key 'pes': 1 is fewer than the trace's 2 PEs"), line);
    }

    @Test
    void aSweepOverABaseScenarioWithFewerPesIsRefusedBeforeItRuns() throws IOException {
        Path in = scheduledTrace();
        Path sc = tmp.resolve("host.txt");
        write(sc, "pes = 1\n");
        Path grid = tmp.resolve("grid.txt");
        write(grid, "gic.list_registers = 2, 4\n");
        String line = oneLine(run("sweep", in.toString(), "--scenario", sc.toString(), "--grid", grid.toString(), "-q",
                "--out", tmp.resolve("s").toString()));
        assertTrue(line.startsWith("sweep point 0 (gic.list_registers=2): scenario key 'pes': 1 is fewer than the "
                + "trace's 2 PEs"), line);
        assertFalse(Files.exists(tmp.resolve("s")));
        // A point that sets pes itself runs the fair scheduler (docs/sweep.md): no refusal.
        write(grid, "pes = 1, 2\n");
        IngestTestSupport.Result r = run("sweep", in.toString(), "--grid", grid.toString(), "-q", "--out",
                tmp.resolve("s").toString());
        assertEquals(0, r.exit(), r.err());
    }

    // --- tlb: sizes, --stats-csv, a 2-byte .gz -------------------------------------------------

    private Path lackey() throws IOException {
        Path t = tmp.resolve("t.lackey");
        write(t, "I  1000,4\n L 10000,8\n");
        return t;
    }

    @Test
    void tlbSizesAreCappedAsTheScenarioKeysAre() throws IOException {
        Path t = lackey();
        // The reproducer: --tlb-l2-entries 2000000000 was an OutOfMemoryError. Every size option
        // is bounded like its scenario key (tlb.*.entries, tlb.*.assoc: at most 1,048,576).
        for (String s : List.of("l1i", "l1d", "l2")) {
            for (String what : List.of("entries", "assoc")) {
                String line = oneLine(run("tlb", t.toString(), "--tlb-" + s + "-" + what, "2000000000"));
                assertEquals("option '--tlb-" + s + "-" + what
                        + "': expected at most 1,048,576, as the scenario key tlb."
                        + s + "." + what + ", got 2000000000", line);
            }
        }
        // The bound itself is accepted (fully associative, 1,048,576 entries).
        IngestTestSupport.Result r = run("tlb", t.toString(), "--tlb-l2-entries", "1048576", "--tlb-l2-assoc", "1048576");
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void statsCsvNamingADirectoryIsOneLineAndLeavesNoTemporaryFile() throws IOException {
        Path t = lackey();
        Path d = Files.createDirectories(tmp.resolve("d").resolve("stats"));
        String line = oneLine(run("tlb", t.toString(), "--stats-csv", d.toString()));
        assertEquals(d + ": is a directory; expected a file name, such as " + d.resolve("out.csv"), line);
        // before the fix a ".stats…tmp" file stayed in d's parent
        assertEquals(List.of("stats"), names(tmp.resolve("d")));
        assertEquals(List.of(), names(d));
    }

    @Test
    void statsCsvUnderAMissingDirectoryOrAFile() throws IOException {
        Path t = lackey();
        // A file in a missing directory is refused as a shell redirection refuses it (issue 14: exit 2,
        // one line), and nothing is created.
        Path missing = tmp.resolve("nope").resolve("s.csv");
        IngestTestSupport.Result r = run("tlb", t.toString(), "--stats-csv", missing.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(missing + ": directory " + missing.getParent() + " does not exist; create it or choose another path",
                oneLine(r));
        assertFalse(Files.exists(missing.getParent()));
        Path file = tmp.resolve("plain");
        write(file, "x");
        assertEquals(file.resolve("s.csv") + ": cannot be created: " + file + " is not a directory; choose another path",
                oneLine(run("tlb", t.toString(), "--stats-csv", file.resolve("s.csv").toString())));
    }

    @Test
    void tlbOnATwoByteGzipIsTruncatedGzipData() throws IOException {
        Path gz = tmp.resolve("t.lackey.gz");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b}); // the gzip magic and nothing else
        assertEquals(gz + ": truncated gzip data", oneLine(run("tlb", gz.toString())));
    }

    @Test
    void tlbOnAGzipCutBeforeItsTrailerIsTruncatedGzipData() throws IOException {
        // Before: "FILE: cannot read: null" (GZIPInputStream's EOFException has no message).
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(b)) {
            o.write("I  1000,4\n L 10000,8\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        byte[] whole = b.toByteArray();
        Path gz = tmp.resolve("t.lackey.gz");
        Files.write(gz, Arrays.copyOf(whole, whole.length - 4)); // no ISIZE
        assertEquals(gz + ": truncated gzip data", oneLine(run("tlb", gz.toString())));
    }

    // --- --out under a regular file, or naming one ----------------------------------------------

    /** Every command that writes, with {@code out} as its output path. */
    private List<String[]> writers(Path trace, Path metrics, Path out) throws IOException {
        Path grid = tmp.resolve("grid.txt");
        write(grid, "gic.list_registers = 2, 4\n");
        return List.of(
                new String[] {"ingest", trace.toString(), "--out", out.toString()},
                new String[] {"generate", "--out", out.toString(), "--vms", "1", "--accesses", "100"},
                new String[] {"replay", trace.toString(), "-q", "--out", out.toString()},
                new String[] {"run", trace.toString(), "-q", "--out", out.toString()},
                new String[] {"report", metrics.toString(), "--out-dir", out.toString()},
                new String[] {"sweep", trace.toString(), "--grid", grid.toString(), "-q", "--out", out.toString()},
                new String[] {"tlb", lackey().toString(), "--stats-csv", out.resolve("s.csv").toString()});
    }

    private Path metrics(Path trace) {
        Path m = tmp.resolve("metrics");
        assertEquals(0, run("replay", trace.toString(), "-q", "--out", m.toString()).exit());
        return m;
    }

    @Test
    void outUnderARegularFileIsOneLineForEveryCommand() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        Path m = metrics(in);
        Path file = tmp.resolve("a-file");
        write(file, "not a directory\n");
        for (String[] args : writers(in, m, file.resolve("sub"))) {
            String line = oneLine(run(args));
            String what = String.join(" ", args);
            assertTrue(line.contains(file.toString()), what + ": " + line);
            assertTrue(line.contains("not a directory"), what + ": " + line);
            assertEquals("not a directory\n", Files.readString(file), what);
        }
    }

    @Test
    void outNamingAnExistingFileIsOneLineForEveryCommand() throws IOException {
        Path in = baseTrace(tmp.resolve("in"));
        Path m = metrics(in);
        Path file = tmp.resolve("a-file");
        write(file, "keep me\n");
        for (String[] args : writers(in, m, file)) {
            if (args[0].equals("tlb")) {
                continue; // --stats-csv names a file, which it replaces; under a file is tested above
            }
            String line = oneLine(run(args));
            String what = String.join(" ", args);
            assertTrue(line.contains(file.toString()), what + ": " + line);
            assertTrue(line.contains("exists"), what + ": " + line);
            assertEquals("keep me\n", Files.readString(file), what);
        }
    }
}
