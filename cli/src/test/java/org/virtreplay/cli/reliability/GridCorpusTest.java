package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grid files of {@code virtreplay sweep} (docs/sweep.md): a 2 x 2 grid mutated as text, with a
 * value list holding a value at or past a key's limits, or with a form the documentation rules
 * out; swept over the small trace with one worker.
 */
class GridCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyMutatedGridKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "grid";
    }

    @Override
    public int quickCases() {
        return 16;
    }

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        BaseInputs.copyDir(BaseInputs.parquetTrace(), trace);
        byte[] base = BaseInputs.GRID.getBytes(StandardCharsets.UTF_8);
        String text = BaseInputs.GRID;
        Mutations.Mutated m = new Mutations.Mutated(base, "unmutated");
        Case.Expect expect = Case.Expect.ACCEPT;
        if (index > 0) {
            expect = Case.Expect.ANY;
            int p = r.nextInt(100);
            if (p < 35) {
                String op = Mutations.GENERIC.get(r.nextInt(Mutations.GENERIC.size()));
                m = Mutations.apply(op, base, r, r.nextBoolean() ? '=' : ',', Settings.longMode() ? 2_000_000 : 50_000);
                expect = switch (op) {
                    case "blank-lines", "bom", "crlf" -> Case.Expect.ACCEPT;
                    default -> Case.Expect.ANY;
                };
            } else if (p < 75) {
                String[] kv = ScenarioValues.pick(r, true);
                String v = Mutations.latin1(kv[1]);
                String shown = "'" + Promises.cut(kv[1], 30) + "'" + (kv[1].length() > 30 ? " (" + kv[1].length()
                        + " chars)" : "");
                if (kv[0].equals("vms")) {
                    m = new Mutations.Mutated(Mutations.bytes(text.replace("vms = 1, 2", "vms = 1, " + v)),
                            "vms = 1, " + shown);
                } else if (kv[0].equals("s2.backing")) {
                    m = new Mutations.Mutated(Mutations.bytes(text.replace("s2.backing = 4k, 2m", "s2.backing = 4k, "
                            + v)), "s2.backing = 4k, " + shown);
                } else {
                    m = new Mutations.Mutated(Mutations.bytes(text + kv[0] + " = " + v + "\n"),
                            "added " + kv[0] + " = " + shown);
                }
            } else {
                String[] forms = {
                    "points:\nvms=1 s2.backing=4k\nvms=2\n",
                    "sched.policy = pinned\npoints:\nvms=1  s2.backing=4k\nvms=2  s2.backing=2m\n",
                    "vms = 1, 2\npoints:\nvms=1\n",
                    "pes = 2\novercommit = 1\n",
                    "vms = 1,,2\n",
                    "vms = 1, 2\nvms = 3\n",
                    "tlb.l2.entries = " + "64, ".repeat(110) + "64\ntlb.l1d.entries = " + "32, ".repeat(99) + "32\n",
                    "",
                    "# only a comment\n",
                    "points:\n",
                };
                int k = r.nextInt(forms.length);
                m = new Mutations.Mutated(Mutations.bytes(forms[k]), "grid form " + k + ": "
                        + Promises.cut(forms[k].replace("\n", "\\n"), 60));
                expect = k == 1 ? Case.Expect.ACCEPT : k == 0 || k == 2 || k == 3 || k == 5 || k == 6
                        ? Case.Expect.REJECT : Case.Expect.ANY;
            }
        }
        Path grid = in.resolve("grid.txt");
        Files.write(grid, m.bytes());
        Path work = caseDir.resolve("work");
        Path out = work.resolve("out");
        List<String> args = List.of("sweep", trace.toString(), "--grid", grid.toString(), "--out", out.toString(), "-q",
                "--workers", "1");
        List<Path> files = new ArrayList<>(CanonicalCsvCorpusTest.list(trace));
        files.add(0, grid);
        List<String> keys = new ArrayList<>(ScenarioValues.quotedKeys());
        keys.addAll(List.of("--grid", "sweep point"));
        // A sweep is one replay per point: its rerun is compared in every third case as elsewhere.
        return new Case(name(), index, 0, m.what(), args, in, work, out, new Case.Places(files, keys),
                List.of("sweep_results.parquet", "sweep.html", "grid.txt"), true, expect);
    }
}
