package org.virtreplay.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.cli.VirtReplay;

/**
 * Faults during a command, in a JVM of its own: {@code kill -9} (and SIGTERM) of {@code run} in
 * each of its phases (ingest, replay, report; the phase is known from what {@code run} prints as
 * each ends), of {@code ingest} and of {@code sweep}. Afterwards the output path holds nothing or
 * a complete output (the one that was there before, or the new one), and the next command into
 * the same path leaves no temporary of the dead process behind.
 */
class KillDuringRunTest {

    @TempDir
    Path tmp;

    static Path bigTrace;

    /** A trace big enough that each phase of a run lasts a second or more (a C1-only JVM). */
    static synchronized Path bigTrace() throws IOException {
        if (bigTrace == null) {
            Path t = BaseInputs.dir().resolve("big-trace");
            BaseInputs.cli(List.of("generate", "-q", "--seed", "3", "--accesses", "150000", "--vms", "2", "--vcpus",
                    "2", "--pes", "2", "--out", t.toString()));
            bigTrace = t;
        }
        return bigTrace;
    }

    /**
     * Where to strike: {@code run} prints nothing until its output is in place (it builds it in one
     * temporary directory), so a phase is recognised by the temporary its step writes inside that
     * directory ({@code .trace.tmp-…} while ingesting, {@code .metrics.tmp-…} while replaying,
     * {@code .report.tmp-…} while reporting); EARLY strikes after the first file appears.
     */
    enum Phase {
        INGEST("\\.trace\\.tmp-"), REPLAY("\\.metrics\\.tmp-"), REPORT("\\.report\\.tmp-"), EARLY(null);

        final java.util.regex.Pattern marker;

        Phase(String marker) {
            this.marker = marker == null ? null : java.util.regex.Pattern.compile("(^|/)" + marker);
        }

        /** Whether a path under the work directory shows the phase has begun. */
        boolean begun(java.util.Collection<String> paths) {
            for (String e : paths) {
                if (marker.matcher(e).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    record Scenario(String what, Phase phase, boolean sigkill, boolean existingOut, List<String> command,
            List<String> next) {
    }

    @Test
    void aKilledCommandLeavesNothingPartialAndTheNextRunCleansUp() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Settings.kindSelected("kill"),
                "not selected by -Dreliability.only");
        Path big = bigTrace();
        Path small = BaseInputs.csvTrace();
        Path pq = BaseInputs.parquetTrace();
        Path grid = Files.writeString(tmp.resolve("grid.txt"), "vms = 1\n");
        List<String> nextRun = List.of("run", small.toString(), "-q", "--format", "csv");
        List<Scenario> scenarios = List.of(
                new Scenario("kill -9 run during ingest", Phase.INGEST, true, false,
                        List.of("run", big.toString(), "-q"), nextRun),
                new Scenario("kill -9 run during replay", Phase.REPLAY, true, false,
                        List.of("run", big.toString(), "-q"), nextRun),
                new Scenario("kill -9 run during report", Phase.REPORT, true, false,
                        List.of("run", big.toString(), "-q"), nextRun),
                new Scenario("SIGTERM run during replay", Phase.REPLAY, false, false,
                        List.of("run", big.toString(), "-q"), nextRun),
                new Scenario("kill -9 run --force during replay over an earlier run", Phase.REPLAY, true, true,
                        List.of("run", big.toString(), "-q", "--force"), nextRun),
                new Scenario("kill -9 ingest", Phase.EARLY, true, false,
                        List.of("ingest", big.toString(), "-q"), List.of("ingest", small.toString(), "-q")),
                new Scenario("kill -9 sweep", Phase.EARLY, true, false,
                        List.of("sweep", big.toString(), "--grid", grid.toString(), "-q", "--workers", "1"),
                        List.of("sweep", pq.toString(), "--grid", grid.toString(), "-q", "--workers", "1")));
        Findings findings = new Findings("kill");
        long t0 = System.nanoTime();
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            if (!Settings.selected("kill", i)) {
                continue;
            }
            Path caseDir = tmp.resolve("kill-" + i);
            Path work = Files.createDirectories(caseDir.resolve("work"));
            Path out = work.resolve("out");
            if (s.existingOut()) {
                Findings.copyTree(BaseInputs.earlierRun(), out);
            }
            List<String> args = new ArrayList<>(s.command());
            args.add(1, "--out");
            args.add(2, out.toString());
            List<String> complete = runComplete(s.command());
            Case c = new Case("kill", i, 0, s.what() + " (big trace: virtreplay generate -q --seed 3 --accesses "
                    + "150000 --vms 2 --vcpus 2 --pes 2)", args, caseDir.resolve("in"), work, out,
                    new Case.Places(List.of(), List.of(out.toString())), complete, false,
                    Case.Expect.ANY);
            List<Promises.Breach> b = strike(s, c, caseDir);
            findings.record(c, caseDir, b);
        }
        List<String> failing = findings.finish((System.nanoTime() - t0) / 1_000_000, 0);
        assertTrue(failing.isEmpty(), "kill: breaches that are not known defects:\n" + String.join("\n", failing));
    }

    /** What a complete output of the command holds. */
    static List<String> runComplete(List<String> command) {
        boolean csvOnly = command.contains("csv");
        return switch (command.get(0)) {
            case "run" -> List.of("metrics/run_info.parquet", csvOnly ? "report/run_info.csv" : "report/report.html");
            case "ingest" -> List.of("manifest.csv", "mem.parquet");
            case "sweep" -> List.of("sweep_results.parquet", "sweep.html");
            default -> List.of();
        };
    }

    private static List<Promises.Breach> strike(Scenario s, Case c, Path caseDir) throws IOException,
            InterruptedException {
        List<Promises.Breach> b = new ArrayList<>();
        Snapshot before = Snapshot.of(c.work());
        List<String> cmd = WorkerClient.javaCommand(VirtReplay.class.getName(), "1g");
        cmd.addAll(c.args());
        Path errFile = caseDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(caseDir.toFile()).redirectError(errFile.toFile()).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "kill-test-stdout");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Wait for the phase: the temporary its step writes (or, for EARLY, the first file the
        // command writes), then a moment into it.
        while (p.isAlive() && System.nanoTime() < deadline) {
            java.util.Set<String> now = Snapshot.paths(c.work());
            boolean started = s.phase().marker == null ? !now.equals(before.entries().keySet())
                    : s.phase().begun(now);
            if (started) {
                break;
            }
            Thread.sleep(2);
        }
        // A moment into the phase: replay and report of this trace last a few hundred ms each
        // (more under load), so they are struck soon after their temporary appears.
        Thread.sleep(switch (s.phase()) {
            case INGEST, EARLY -> 400;
            case REPLAY -> 30;
            case REPORT -> 0;
        });
        String phaseSeen = phaseOf(Snapshot.paths(c.work()));
        if (!p.isAlive()) {
            String err = Files.readString(errFile);
            b.add(new Promises.Breach("fault-reached", "the command ended (exit " + p.exitValue() + ") before the "
                    + s.phase() + " phase: " + Promises.normalize(Promises.firstLine(err), 60),
                    Promises.firstLine(err)));
            return b;
        }
        if (s.sigkill()) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        p.waitFor(60, TimeUnit.SECONDS);
        reader.join(5000);
        System.out.println("RELIABILITY note kill#" + c.index() + ": " + (s.sigkill() ? "SIGKILL" : "SIGTERM")
                + " in phase " + phaseSeen + " (aimed at " + s.phase() + ")");
        // 1. Atomic: the output is what was there before, or complete.
        Snapshot after = Snapshot.of(c.out());
        boolean unchanged = s.existingOut() ? after.diff(Snapshot.of(BaseInputs.earlierRun())).isEmpty()
                : !Files.exists(c.out());
        if (!unchanged) {
            List<String> missing = new ArrayList<>();
            for (String f : c.complete()) {
                if (!Files.exists(c.out().resolve(f))) {
                    missing.add(f);
                }
            }
            if (!missing.isEmpty()) {
                b.add(new Promises.Breach("atomic-output", "OUT neither as before nor complete after "
                        + (s.sigkill() ? "kill -9" : "SIGTERM") + " during " + s.phase().name().toLowerCase()
                        + ": holds " + Promises.normalizeNames(new ArrayList<>(after.topNames())),
                        "holds " + after.topNames() + ", missing " + missing));
            }
        }
        List<String> left = new ArrayList<>(Snapshot.of(c.work()).topNames());
        left.remove("out");
        if (!left.isEmpty() && !s.sigkill()) {
            b.add(new Promises.Breach("no-partial-output", "temporaries left after SIGTERM: "
                    + Promises.normalizeNames(left), String.join(" ", left)));
        }
        // 2. The next command into the same path succeeds and removes the dead process's temporaries.
        List<String> next = new ArrayList<>(s.next());
        next.add(1, "--out");
        next.add(2, c.out().toString());
        if (Files.exists(c.out())) {
            next.add("--force");
        }
        WorkerClient.Outcome o = Corpus.worker().run(next, caseDir.resolve("next"));
        if (o.exit() != 0) {
            b.add(new Promises.Breach("cleans-up", "the next command into OUT failed (exit " + o.exit() + "): "
                    + Promises.normalize(Promises.firstLine(o.err()), 70), Promises.firstLine(o.err())));
            return b;
        }
        List<String> stale = new ArrayList<>();
        for (String e : Snapshot.of(c.work()).entries().keySet()) {
            String name = e.substring(e.lastIndexOf('/') + 1);
            boolean top = !e.contains("/");
            if ((top && !e.equals("out")) || Promises.temporaryName(name)) {
                stale.add(e);
            }
        }
        if (!stale.isEmpty()) {
            b.add(new Promises.Breach("cleans-up", "stale temporaries of the killed process left after the next "
                    + "command: " + Promises.normalizeNames(stale), String.join(" ", stale)));
        }
        for (String f : runComplete(s.next())) {
            if (!Files.exists(c.out().resolve(f))) {
                b.add(new Promises.Breach("cleans-up", "the next command left OUT incomplete: no " + f, f));
                break;
            }
        }
        return b;
    }

    /** The phase a run is in, from the temporaries under its work directory. */
    static String phaseOf(java.util.Collection<String> paths) {
        if (Phase.REPORT.begun(paths)) {
            return "report";
        }
        if (Phase.REPLAY.begun(paths)) {
            return "replay";
        }
        if (Phase.INGEST.begun(paths)) {
            return "ingest";
        }
        return "start or done";
    }
}
