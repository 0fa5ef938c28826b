package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.write;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 2: every command writing to a read-only file system, or to a full one, is exit 2
 * with one line naming the path (and, when full, how much was being written and what is free),
 * not exit 1 with a stack trace.
 *
 * <p>The file systems are real: two tmpfs mounted in a private mount namespace of an
 * unprivileged user namespace ({@code unshare -r -m}), one read-only and one filled to its last
 * byte. The commands run in one JVM started inside that namespace ({@link #main}). Where user
 * namespaces are not allowed the test is skipped, saying so.
 */
class FileSystemFaultsTest {
    @TempDir
    Path tmp;

    Path trace;
    Path metrics;
    Path lackey;
    Path grid;

    @BeforeEach
    void setUp() throws IOException {
        trace = baseTrace(tmp.resolve("in"));
        metrics = tmp.resolve("metrics");
        assertEquals(0, IngestTestSupport.run("replay", trace.toString(), "-q", "--out", metrics.toString()).exit());
        lackey = tmp.resolve("t.lackey");
        write(lackey, "I  1000,4\n L 10000,8\n");
        grid = tmp.resolve("grid.txt");
        write(grid, "gic.list_registers = 2, 4\n");
    }

    /** Every command that writes, with its output under {@code dir}. */
    private List<String[]> commands(Path dir) {
        return List.of(
                new String[] {"ingest", trace.toString(), "--out", dir.resolve("ingest").toString()},
                new String[] {"generate", "--out", dir.resolve("gen").toString(), "--vms", "1", "--accesses", "100"},
                new String[] {"replay", trace.toString(), "-q", "--out", dir.resolve("replay").toString()},
                new String[] {"run", trace.toString(), "-q", "--out", dir.resolve("run").toString()},
                new String[] {"report", metrics.toString(), "--out-dir", dir.resolve("report").toString()},
                new String[] {"sweep", trace.toString(), "--grid", grid.toString(), "-q", "--out",
                        dir.resolve("sweep").toString()},
                new String[] {"tlb", lackey.toString(), "--stats-csv", dir.resolve("s.csv").toString()});
    }

    @Test
    void readOnlyAndFullFileSystemsAreOneLineEach() throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        Path full = Files.createDirectories(tmp.resolve("full"));
        List<String[]> cmds = new ArrayList<>(commands(ro));
        cmds.addAll(commands(full));
        List<Outcome> outcomes = runInNamespace(ro, full, cmds);
        for (int i = 0; i < cmds.size(); i++) {
            String what = String.join(" ", cmds.get(i));
            Outcome o = outcomes.get(i);
            assertEquals(2, o.exit, what + "\n" + String.join("\n", o.err));
            assertEquals(1, o.err.size(), what + "\n" + String.join("\n", o.err));
            String line = o.err.get(0);
            assertFalse(line.contains("Exception") || line.contains("internal error") || line.contains("java."),
                    what + ": " + line);
            if (i < cmds.size() / 2) {
                assertTrue(line.startsWith(ro.toString()), what + ": " + line);
                assertTrue(line.endsWith(": read-only file system; choose a path on a writable file system"),
                        what + ": " + line);
            } else {
                // FILE: no space left on device writing N bytes at byte M of it (0 bytes free on MOUNT); …
                assertTrue(line.startsWith(full.toString()), what + ": " + line);
                assertTrue(line.matches(".*: no space left on device (writing [0-9,]+ bytes at byte [0-9,]+ of it"
                        + "|after [0-9,]+ bytes of it) \\(0 bytes free on "
                                + java.util.regex.Pattern.quote(full.toString())
                        + "\\); free space there or choose another path"), what + ": " + line);
            }
        }
    }

    /** What one command in the namespace gave. */
    record Outcome(int exit, List<String> err) {
    }

    private List<Outcome> runInNamespace(Path ro, Path full, List<String[]> cmds) throws Exception {
        Assumptions.assumeTrue(namespacesWork(), "unprivileged user and mount namespaces (unshare -r -m) are not "
                + "available here; the read-only and full file system cases are not run");
        Path list = tmp.resolve("commands.txt");
        StringBuilder sb = new StringBuilder();
        for (String[] c : cmds) {
            sb.append(String.join("\t", c)).append('\n');
        }
        Files.writeString(list, sb.toString(), StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // A 64 KiB tmpfs filled to its last byte, and a read-only one.
        String script = "mount -t tmpfs -o size=64k tmpfs \"$1\" && mount -t tmpfs -o ro,size=64k tmpfs \"$2\""
                + " && { cat /dev/zero > \"$1/filler\" 2>/dev/null; true; }"
                + " && exec \"$3\" -Djava.awt.headless=true -Xmx512m -cp \"$4\" " + FileSystemFaultsTest.class.getName()
                + " \"$5\"";
        ProcessBuilder pb = new ProcessBuilder("unshare", "-r", "-m", "sh", "-c", script, "sh", full.toString(),
                ro.toString(), java, cp, list.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        List<Outcome> out = new ArrayList<>();
        List<String> err = null;
        int exit = -1;
        for (String l : output.lines().toList()) {
            if (l.startsWith("EXIT ")) {
                exit = Integer.parseInt(l.substring(5));
                err = new ArrayList<>();
            } else if (l.startsWith("ERR ") && err != null) {
                err.add(l.substring(4));
            } else if (l.equals("END") && err != null) {
                out.add(new Outcome(exit, err));
                err = null;
            }
        }
        assertEquals(cmds.size(), out.size(), output);
        return out;
    }

    private static boolean namespacesWork() {
        try {
            Process p = new ProcessBuilder("unshare", "-r", "-m", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Runs in the namespace: each line of the file {@code args[0]} is one command line (arguments
     * separated by tabs); prints {@code EXIT n}, its stderr lines as {@code ERR …}, then {@code END}.
     */
    public static void main(String[] args) throws IOException {
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            int exit = VirtReplay.execute(line.split("\t"), new PrintWriter(o, true), new PrintWriter(e, true));
            System.out.println("EXIT " + exit);
            e.toString().lines().forEach(l -> System.out.println("ERR " + l));
            System.out.println("END");
        }
        System.out.flush();
    }
}
