package org.virtreplay.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Runs one kind's cases through the {@link Worker} and judges each against the {@link Promises}. */
final class Corpus {

    private Corpus() {
    }

    private static WorkerClient worker;
    private static Path workerTmp;

    /**
     * The worker all kinds share (one JVM start instead of one per test class); it goes with the
     * test JVM.
     */
    static synchronized WorkerClient worker() throws IOException {
        if (worker == null) {
            Path base = BaseInputs.dir();
            workerTmp = Files.createDirectories(base.resolve("java-tmp"));
            WorkerClient w = new WorkerClient(Settings.timeoutMs(), Files.createDirectories(base.resolve("logs")),
                    workerTmp);
            Runtime.getRuntime().addShutdownHook(new Thread(w::close));
            worker = w;
        }
        return worker;
    }

    /** The seed of case {@code index} of {@code kind}: independent of the other cases and kinds. */
    static long caseSeed(String kind, int index) {
        long h = Settings.seed() * 0x9E3779B97F4A7C15L;
        for (char c : kind.toCharArray()) {
            h = (h ^ c) * 0xBF58476D1CE4E5B9L;
        }
        h = (h ^ index) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /**
     * Runs every case of {@code kind} (or those {@code -Dreliability.only} selects) in {@code root}
     * and fails with one line per distinct breach that is not a known defect.
     */
    static void run(InputKind kind, Path root) throws IOException {
        Assumptions.assumeTrue(Settings.kindSelected(kind.name()), "not selected by -Dreliability.only");
        // A case named by -Dreliability.only runs even beyond the quick count (its seed is its own).
        int n = Math.max(Settings.cases(kind.quickCases()), Settings.highestSelected(kind.name()) + 1);
        Findings findings = new Findings(kind.name());
        WorkerClient w = worker();
        Path tmp = workerTmp;
        long t0 = System.nanoTime();
        int starts0 = w.starts();
        for (int i = 0; i < n; i++) {
            if (!Settings.selected(kind.name(), i)) {
                continue;
            }
            long seed = caseSeed(kind.name(), i);
            Path caseDir = root.resolve(kind.name() + "-" + i);
            Case c = kind.build(i, new SplittableRandom(seed), caseDir).withSeed(seed);
            List<Promises.Breach> b = runCase(w, c, caseDir, tmp, findings);
            findings.record(c, caseDir, b);
            deleteTree(caseDir);
        }
        int starts = w.starts() - starts0;
        List<String> failing = findings.finish((System.nanoTime() - t0) / 1_000_000, starts);
        assertTrue(failing.isEmpty(), kind.name() + ": " + failing.size() + " breach(es) that are not known "
                + "defects (each case's line is above; reproducers in " + Settings.reportDir() + "):\n"
                + String.join("\n", failing));
    }

    static List<Promises.Breach> runCase(WorkerClient w, Case c, Path caseDir, Path tmp, Findings findings)
            throws IOException {
        Files.createDirectories(c.work());
        Snapshot inBefore = Snapshot.of(c.in());
        Snapshot workBefore = Snapshot.of(c.work());
        Snapshot tmpBefore = Snapshot.of(tmp);
        Snapshot cwdBefore = Snapshot.of(w.cwd());
        WorkerClient.Outcome o = w.run(c.args(), caseDir.resolve("result"));
        findings.count(o.exit());
        if (Boolean.getBoolean("reliability.verbose")) {
            System.out.println("RELIABILITY case " + c.id() + " exit " + o.exit() + " in " + o.millis() + " ms: "
                    + c.mutation() + " | " + Promises.firstLine(o.err()));
        }
        List<Promises.Breach> b = new ArrayList<>(Promises.checkRun(c, o));
        if (o.hung()) {
            return b;
        }
        b.addAll(Promises.checkFiles(c, o.exit(), inBefore, workBefore, Snapshot.of(c.in()), Snapshot.of(c.work())));
        // Native libraries that snappy-java and zstd-jni unpack there (and delete as the JVM ends) are
        // the libraries' own business, not output of ours.
        List<String> tmpLeft = Snapshot.of(tmp).diff(tmpBefore).stream()
                .filter(e -> !e.matches(".*\\.so(\\.lck)?$")).toList();
        if (!tmpLeft.isEmpty()) {
            b.add(new Promises.Breach("no-partial-output", "left in java.io.tmpdir: "
                    + Promises.normalizeNames(tmpLeft), String.join(" ", tmpLeft)));
            for (String e : tmpLeft) {
                deleteTree(tmp.resolve(e.substring(1)));
            }
        }
        List<String> cwdLeft = Snapshot.of(w.cwd()).diff(cwdBefore);
        if (!cwdLeft.isEmpty()) {
            b.add(new Promises.Breach("no-partial-output", "written into the current directory: "
                    + Promises.normalizeNames(cwdLeft), String.join(" ", cwdLeft)));
            for (String e : cwdLeft) {
                deleteTree(w.cwd().resolve(e.substring(1)));
            }
        }
        if (c.expect() == Case.Expect.ACCEPT && o.exit() != 0) {
            b.add(new Promises.Breach("accepts-valid-input", (c.index() == 0 ? "the unmutated input" : "valid input")
                    + " rejected: " + Promises.normalize(Promises.shortenPaths(Promises.firstLine(o.err()), c), 80),
                    Promises.firstLine(Promises.shortenPaths(o.err(), c))));
        }
        if (c.expect() == Case.Expect.REJECT && o.exit() == 0) {
            b.add(new Promises.Breach("rejects-bad-input", "invalid input accepted (exit 0): "
                    + c.mutation().replaceAll("\\b(manifest|vms|memslots|sysreg|pte|map|mem|tlbi|irq|sched|daif)\\.",
                            "TABLE.").replaceAll("'[^']*'", "'…'").transform(Promises::particulars), c.mutation()));
        }
        // Quick mode compares the reruns of every third case (case 0 among them); the long mode all.
        boolean rerun = c.rerun() && (Settings.longMode() || c.index() % 3 == 0);
        if (o.exit() == 0 && rerun && c.out() != null && Files.exists(c.out())) {
            // Same command, same output path (outputs may name it), the first run's files moved aside.
            Snapshot first = Snapshot.of(c.out());
            Path aside = Files.createDirectories(caseDir.resolve("first"));
            Files.move(c.out(), aside.resolve(c.out().getFileName()));
            WorkerClient.Outcome o2 = w.run(c.args(), caseDir.resolve("result2"));
            if (o2.hung()) {
                b.add(new Promises.Breach("no-hang", "hang in " + o2.where() + " (rerun)", o2.where()));
            } else {
                b.addAll(Promises.checkRerun(first, Snapshot.of(c.out()), o2.exit()));
            }
        }
        return b;
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                q.toFile().setWritable(true);
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
