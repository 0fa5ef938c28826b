package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output side of every command that writes: {@code --out} (or {@code --stats-csv}) naming an
 * existing file, a path under a regular file, an existing directory with and without
 * {@code --force}, an empty path; and what a successful run into an existing output leaves there.
 * Not random: one case per situation, so the case number names it.
 */
class OutputPathCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyOutputPathMistakeKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "outpath";
    }

    /** The situations, in case order: what to set up at {@code work/} and the command. */
    static final String[] SITUATIONS = {
        "run into a new directory",
        "run --out naming an existing file",
        "run --out under a regular file",
        "run into an earlier run's directory without --force",
        "run --format csv into an earlier run's directory with --force",
        "run --no-events",
        "replay --out naming an existing file",
        "replay into an existing directory without --force",
        "replay into an existing directory with --force",
        "ingest --out naming an existing file",
        "ingest --out under a regular file",
        "ingest into an existing directory without --force",
        "sweep --out under a regular file",
        "sweep into an existing directory without --force",
        "tlb --stats-csv naming a directory",
        "tlb --stats-csv in a missing directory",
        "tlb --stats-csv under a regular file",
        "generate --out naming an existing file",
        "run --out ''",
        "report --out-dir naming an existing file",
    };

    @Override
    public int quickCases() {
        return SITUATIONS.length;
    }

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        BaseInputs.copyDir(BaseInputs.csvTrace(), trace);
        Path pq = in.resolve("pq");
        BaseInputs.copyDir(BaseInputs.parquetTrace(), pq);
        Path lackey = in.resolve("true.lackey");
        Files.write(lackey, BaseInputs.lackey(300));
        Path grid = in.resolve("grid.txt");
        Files.writeString(grid, "vms = 1\n");
        Path work = Files.createDirectories(caseDir.resolve("work"));
        Path out = work.resolve("out");
        Path file = work.resolve("file");
        String s = SITUATIONS[index % SITUATIONS.length];
        Case.Expect expect = Case.Expect.REJECT;
        List<String> args;
        List<String> complete = List.of();
        Path caseOut = out;
        switch (index % SITUATIONS.length) {
            case 0 -> {
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q");
                complete = List.of("trace/manifest.csv", "metrics/run_info.parquet", "report/report.html");
                expect = Case.Expect.ACCEPT;
            }
            case 1 -> {
                Files.writeString(out, "precious\n");
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q");
            }
            case 2 -> {
                Files.writeString(file, "precious\n");
                caseOut = file.resolve("out");
                args = List.of("run", trace.toString(), "--out", caseOut.toString(), "-q");
            }
            case 3 -> {
                Findings.copyTree(BaseInputs.earlierRun(), out);
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q");
            }
            case 4 -> {
                Findings.copyTree(BaseInputs.earlierRun(), out);
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", "csv", "--force");
                // docs: --force replaces OUT; a stale report.html must not survive a CSV-only run
                complete = List.of("metrics/run_info.parquet", "report/run_info.csv", "!report/report.html");
                expect = Case.Expect.ACCEPT;
            }
            case 5 -> {
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q", "--no-events", "--format",
                        "csv");
                complete = List.of("metrics/run_info.parquet", "!metrics/fault_events.parquet",
                        "!metrics/irq_events.parquet");
                expect = Case.Expect.ACCEPT;
            }
            case 6 -> {
                Files.writeString(out, "precious\n");
                args = List.of("replay", pq.toString(), "--out", out.toString(), "-q");
            }
            case 7 -> {
                Files.createDirectories(out);
                Files.writeString(out.resolve("keep.txt"), "precious\n");
                args = List.of("replay", pq.toString(), "--out", out.toString(), "-q");
            }
            case 8 -> {
                Files.createDirectories(out);
                Files.writeString(out.resolve("stale.txt"), "old\n");
                args = List.of("replay", pq.toString(), "--out", out.toString(), "-q", "--force");
                complete = List.of("run_info.parquet", "!stale.txt");
                expect = Case.Expect.ACCEPT;
            }
            case 9 -> {
                Files.writeString(out, "precious\n");
                args = List.of("ingest", trace.toString(), "--out", out.toString(), "-q");
            }
            case 10 -> {
                Files.writeString(file, "precious\n");
                caseOut = file.resolve("out");
                args = List.of("ingest", trace.toString(), "--out", caseOut.toString(), "-q");
            }
            case 11 -> {
                Files.createDirectories(out);
                Files.writeString(out.resolve("keep.txt"), "precious\n");
                args = List.of("ingest", trace.toString(), "--out", out.toString(), "-q");
            }
            case 12 -> {
                Files.writeString(file, "precious\n");
                caseOut = file.resolve("out");
                args = List.of("sweep", pq.toString(), "--grid", grid.toString(), "--out", caseOut.toString(), "-q");
            }
            case 13 -> {
                Files.createDirectories(out);
                Files.writeString(out.resolve("keep.txt"), "precious\n");
                args = List.of("sweep", pq.toString(), "--grid", grid.toString(), "--out", out.toString(), "-q");
            }
            case 14 -> {
                Files.createDirectories(out);
                args = List.of("tlb", lackey.toString(), "--stats-csv", out.toString());
            }
            case 15 -> {
                caseOut = work.resolve("missing").resolve("stats.csv");
                args = List.of("tlb", lackey.toString(), "--stats-csv", caseOut.toString());
            }
            case 16 -> {
                Files.writeString(file, "precious\n");
                caseOut = file.resolve("stats.csv");
                args = List.of("tlb", lackey.toString(), "--stats-csv", caseOut.toString());
            }
            case 17 -> {
                Files.writeString(out, "precious\n");
                args = List.of("generate", "--out", out.toString(), "--accesses", "100", "-q");
            }
            case 18 -> {
                caseOut = null;
                args = List.of("run", trace.toString(), "--out", "", "-q");
            }
            default -> {
                Path metrics = work.resolve("metrics");
                Findings.copyTree(BaseInputs.earlierRun().resolve("metrics"), metrics);
                Files.writeString(out, "precious\n");
                args = List.of("report", metrics.toString(), "--out-dir", out.toString());
            }
        }
        List<String> keys = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                keys.add(a);
            }
        }
        keys.add(file.toString());
        List<Path> files = new ArrayList<>(List.of(trace, pq, lackey, grid));
        // The output path itself is the place of these problems; a case whose out is not work/out
        // still names work/out as its out, so that the file checks look at the right directory.
        if (caseOut != null && !caseOut.equals(out)) {
            keys.add(caseOut.toString());
        }
        return new Case(name(), index, 0, s, args, in, work, out, new Case.Places(files, keys), complete,
                expect == Case.Expect.ACCEPT, expect);
    }
}
