package org.virtreplay.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.cli.VirtReplay;

/**
 * The file system fails under a command: a small tmpfs that fills up during ingest, replay or
 * report (or is full from the start), and a read-only one. Each command runs in its own JVM inside
 * a private mount namespace ({@code unshare -m}), so the mount goes away with it, whatever happens.
 * That needs root (or CAP_SYS_ADMIN) and util-linux's {@code unshare}; without them the test is
 * skipped with a message, since a file system cannot be filled or made read-only for root any
 * other way (root ignores permissions).
 */
class DiskFaultTest {

    @TempDir
    Path tmp;

    static boolean canMount;
    static String why = "";

    @BeforeAll
    static void probe() throws IOException, InterruptedException {
        Path d = Files.createTempDirectory("virtreplay-mount-probe");
        try {
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs -o size=16k tmpfs \"$1\" && touch \"$1/x\" && umount \"$1\"", "sh", d.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            canMount = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            why = out.strip();
        } catch (IOException e) {
            canMount = false;
            why = e.getMessage();
        } finally {
            Corpus.deleteTree(d);
        }
    }

    /** The script run inside the namespace: mount, prepare, run the command, copy out what it left. */
    static final String SCRIPT = """
            MNT=$1; OPTS=$2; RES=$3; PREP=",$4,"; EXISTING=$5; shift 5
            mount -t tmpfs -o "$OPTS" tmpfs "$MNT" || { echo mount-failed > "$RES/exit"; exit 0; }
            mkdir -p "$MNT/work"
            if [ -n "$EXISTING" ]; then cp -a "$EXISTING" "$MNT/work/out"; fi
            case "$PREP" in *,fill,*) cat /dev/zero > "$MNT/filler" 2>/dev/null ;; esac
            case "$PREP" in *,ro,*) mount -o remount,ro "$MNT" ;; esac
            "$@" > "$RES/stdout.txt" 2> "$RES/stderr.txt"
            echo $? > "$RES/exit"
            mount -o remount,rw "$MNT" 2>/dev/null
            rm -f "$MNT/filler"
            cp -a "$MNT/work" "$RES/after"
            """;

    /** One fault: the tmpfs, what to do to it before the command ("fill", "ro"), an earlier output to put at OUT. */
    record Scenario(String what, String tmpfsOptions, String prep, Path existing, List<String> command,
            List<String> complete, String expectWords) {
    }

    @Test
    void aFullOrReadOnlyFileSystemGivesOneLineAndLeavesNothing() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Settings.kindSelected("disk"), "not selected by -Dreliability.only");
        Assumptions.assumeTrue(canMount, "full-disk and read-only tests need to mount a tmpfs in a private mount "
                + "namespace (root and unshare); skipped: " + why);
        Path small = BaseInputs.csvTrace();
        Path pq = BaseInputs.parquetTrace();
        Path lackey = Files.write(tmp.resolve("true.lackey"), BaseInputs.lackey(300));
        Path grid = Files.writeString(tmp.resolve("grid.txt"), "vms = 1, 2\n");
        Path earlier = BaseInputs.earlierRun();
        String full = "(?i).*(space|full).*";
        String ro = "(?i).*read-only.*";
        List<Scenario> scenarios = List.of(
                new Scenario("run, tmpfs of 24k", "size=24k", "", null, List.of("run", small.toString(),
                        "-q"), List.of("metrics/run_info.parquet", "report/report.html"), full),
                new Scenario("run, tmpfs of 64k", "size=64k", "", null, List.of("run", small.toString(),
                        "-q"), List.of("metrics/run_info.parquet", "report/report.html"), full),
                new Scenario("run, tmpfs of 320k", "size=320k", "", null, List.of("run",
                        small.toString(), "-q"), List.of("metrics/run_info.parquet", "report/report.html"), full),
                new Scenario("run, file system full from the start", "size=64k", "fill", null, List.of("run",
                        small.toString(), "-q"), List.of("metrics/run_info.parquet", "report/report.html"), full),
                new Scenario("ingest, tmpfs of 20k", "size=20k", "", null, List.of("ingest", small.toString(), "-q"),
                        List.of("manifest.csv", "mem.parquet"), full),
                new Scenario("replay --force over an earlier output, file system full", "size=256k",
                        "fill", earlier.resolve("metrics"),
                        List.of("replay", pq.toString(), "-q", "--force"), List.of("run_info.parquet"), full),
                new Scenario("sweep, tmpfs of 64k", "size=64k", "", null, List.of("sweep", pq.toString(), "--grid",
                        grid.toString(), "-q", "--workers", "1"), List.of("sweep_results.parquet"), full),
                new Scenario("tlb --stats-csv, file system full", "size=16k", "fill", null, List.of("tlb",
                        lackey.toString(), "--stats-csv"), List.of(""), full),
                new Scenario("run, read-only file system", "size=1m", "ro", null,
                        List.of("run", small.toString(), "-q"),
                        List.of(), ro),
                new Scenario("replay --force over an earlier output, read-only file system", "size=1m",
                        "ro", earlier.resolve("metrics"), List.of("replay", pq.toString(), "-q",
                        "--force"), List.of(), ro),
                new Scenario("ingest, read-only file system", "size=1m", "ro", null, List.of("ingest", small.toString(),
                        "-q"), List.of(), ro),
                new Scenario("tlb --stats-csv, read-only file system", "size=1m", "ro", null, List.of("tlb",
                        lackey.toString(), "--stats-csv"), List.of(), ro));
        Path script = Files.writeString(tmp.resolve("fault.sh"), SCRIPT);
        Findings findings = new Findings("disk");
        long t0 = System.nanoTime();
        for (int i = 0; i < scenarios.size(); i++) {
            if (!Settings.selected("disk", i)) {
                continue;
            }
            Scenario s = scenarios.get(i);
            Path caseDir = Files.createDirectories(tmp.resolve("disk-" + i));
            Path mnt = Files.createDirectories(caseDir.resolve("mnt"));
            Path res = Files.createDirectories(caseDir.resolve("res"));
            Path out = mnt.resolve("work").resolve("out");
            List<String> args = new ArrayList<>(s.command());
            if (args.get(0).equals("tlb")) {
                args.add(out.toString());
            } else {
                args.add(1, "--out");
                args.add(2, out.toString());
            }
            List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh",
                    script.toString(), mnt.toString(), s.tmpfsOptions(), res.toString(), s.prep(),
                    s.existing() == null ? "" : s.existing().toString()));
            cmd.addAll(WorkerClient.javaCommand(VirtReplay.class.getName(), "512m"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).directory(caseDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(caseDir.resolve("script.log").toFile()).start();
            boolean done = p.waitFor(Settings.timeoutMs() + 60_000, TimeUnit.MILLISECONDS);
            Case c = new Case("disk", i, 0, s.what() + " (" + s.tmpfsOptions() + (s.prep().isEmpty() ? "" : ", "
                    + s.prep()) + ")", args, caseDir.resolve("in"),
                    mnt.resolve("work"), out, new Case.Places(List.of(), List.of(mnt.toString())), s.complete(), false,
                    Case.Expect.ANY);
            List<Promises.Breach> b = new ArrayList<>();
            if (!done) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
                b.add(new Promises.Breach("no-hang", "no exit on a " + (s.prep().equals("ro") ? "read-only" : "full")
                        + " file system", s.what()));
            } else {
                b.addAll(judge(s, c, res));
            }
            findings.record(c, caseDir, b);
        }
        List<String> failing = findings.finish((System.nanoTime() - t0) / 1_000_000, 0);
        assertTrue(failing.isEmpty(), "disk: breaches that are not known defects:\n" + String.join("\n", failing));
    }

    private static List<Promises.Breach> judge(Scenario s, Case c, Path res)
            throws IOException {
        List<Promises.Breach> b = new ArrayList<>();
        String exitText = Files.readString(res.resolve("exit")).strip();
        if (exitText.equals("mount-failed")) {
            b.add(new Promises.Breach("fault-reached", "tmpfs could not be mounted", s.tmpfsOptions()));
            return b;
        }
        int exit = Integer.parseInt(exitText);
        String err = Files.readString(res.resolve("stderr.txt"), StandardCharsets.UTF_8);
        WorkerClient.Outcome o = new WorkerClient.Outcome(exit, Files.readString(res.resolve("stdout.txt")), err, 0,
                false, "", "");
        b.addAll(Promises.checkRun(c, o));
        if (exit == 2 && err.lines().noneMatch(l -> l.matches(s.expectWords()) && l.contains(c.work().getParent()
                .toString()))) {
            b.add(new Promises.Breach("one-line-message", "exit 2 without a line naming the path and saying the "
                    + "file system is " + (s.prep().equals("ro") ? "read-only" : "full") + ": "
                    + Promises.normalize(Promises.shortenPaths(Promises.firstLine(err), c), 60),
                    Promises.firstLine(err)));
        }
        // What the command left on the file system, against what was there before it ran.
        Path after = res.resolve("after");
        Snapshot before = s.existing() == null ? null : Snapshot.of(s.existing());
        Snapshot left = Snapshot.of(after);
        List<String> d = new ArrayList<>();
        if (before == null) {
            d.addAll(left.entries().keySet().stream().map(e -> "+" + e).toList());
        } else {
            Snapshot outNow = Snapshot.of(after.resolve("out"));
            d.addAll(outNow.diff(before).stream().map(e -> e.charAt(0) + "out/" + e.substring(1)).toList());
            left.topNames().stream().filter(n -> !n.equals("out")).forEach(n -> d.add("+" + n));
        }
        if (exit != 0 && !d.isEmpty()) {
            b.add(new Promises.Breach("no-partial-output", "left behind after exit " + exit + " on a "
                    + (s.prep().equals("ro") ? "read-only" : "full") + " file system: " + Promises.normalizeNames(d),
                    Promises.cut(String.join(" ", d), 160)));
        }
        if (exit == 0) {
            for (String f : s.complete()) {
                if (!Files.exists(f.isEmpty() ? after.resolve("out") : after.resolve("out").resolve(f))) {
                    b.add(new Promises.Breach("complete-output", "exit 0 but output incomplete on a full file system",
                            f));
                }
            }
        }
        return b;
    }
}
