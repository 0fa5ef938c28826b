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
 * Scenario files (docs/scenario.md): a valid scenario that sets every key, mutated as text, with a
 * key's value at or past its limits, or with a conflicting combination; read by {@code replay}
 * (and {@code run}) of the small trace.
 */
class ScenarioCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyMutatedScenarioKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "scenario";
    }

    @Override
    public int quickCases() {
        return 50;
    }

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        BaseInputs.copyDir(BaseInputs.parquetTrace(), trace);
        byte[] base = BaseInputs.SCENARIO.getBytes(StandardCharsets.UTF_8);
        Mutations.Mutated m = new Mutations.Mutated(base, "unmutated");
        Case.Expect expect = Case.Expect.ACCEPT;
        if (index > 0) {
            int p = r.nextInt(100);
            if (p < 40) {
                String op = Mutations.GENERIC.get(r.nextInt(Mutations.GENERIC.size()));
                m = Mutations.apply(op, base, r, '=', Settings.longMode() ? 2_000_000 : 50_000);
                // A text file: blank lines and comments are ignored, \r\n ends a line; a BOM is
                // ignored as in a CSV table (issue 14, item 6); values are case-insensitive.
                expect = switch (op) {
                    case "bom", "crlf", "blank-lines", "pad-field", "empty" -> Case.Expect.ACCEPT;
                    default -> Case.Expect.ANY;
                };
            } else if (p < 85) {
                String[] kv = ScenarioValues.pick(r, false);
                m = setKey(base, kv[0], kv[1]);
                expect = Case.Expect.ANY;
            } else {
                m = combination(base, r);
                expect = Case.Expect.REJECT;
            }
        }
        Path scenario = in.resolve("host.txt");
        Files.write(scenario, m.bytes());
        Path work = caseDir.resolve("work");
        Path out = work.resolve("out");
        boolean run = index % 4 == 2;
        List<String> args = run
                ? List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", "csv", "--scenario",
                        scenario.toString())
                : List.of("replay", trace.toString(), "--out", out.toString(), "-q", "--scenario", scenario.toString());
        List<Path> files = new ArrayList<>(CanonicalCsvCorpusTest.list(trace));
        files.add(0, scenario);
        List<String> keys = new ArrayList<>(ScenarioValues.quotedKeys());
        keys.add("--scenario");
        return new Case(name(), index, 0, m.what(), args, in, work, out, new Case.Places(files, keys),
                List.of(run ? "metrics/run_info.parquet" : "run_info.parquet"), true, expect);
    }

    /** The scenario with {@code key = value} (replacing the key's line, or added at the end). */
    static Mutations.Mutated setKey(byte[] base, String key, String value) {
        String text = new String(base, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(Mutations.lines(text));
        String v = Mutations.latin1(value);
        boolean done = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(key + " =")) {
                lines.set(i, key + " = " + v);
                done = true;
                return new Mutations.Mutated(Mutations.join(lines, text), "line " + (i + 1) + " " + key + " = '"
                        + Promises.cut(value, 30) + "'"
                        + (value.length() > 30 ? " (" + value.length() + " chars)" : ""));
            }
        }
        if (!done) {
            lines.add(key + " = " + v);
        }
        return new Mutations.Mutated(Mutations.join(lines, text), "added " + key + " = '" + Promises.cut(value, 30)
                + "'");
    }

    /** A combination the documentation rules out although each value is valid. */
    static Mutations.Mutated combination(byte[] base, SplittableRandom r) {
        String text = new String(base, StandardCharsets.ISO_8859_1);
        return switch (r.nextInt(4)) {
            case 0 -> {
                Mutations.Mutated m = setKey(base, "tlb.l1d.entries", "48");
                m = setKey(m.bytes(), "tlb.l1d.assoc", "5");
                yield new Mutations.Mutated(m.bytes(), "tlb.l1d 48 entries, 5 ways");
            }
            case 1 -> new Mutations.Mutated(Mutations.bytes(text + "pes = 2\n"), "pes given twice");
            case 2 -> new Mutations.Mutated(Mutations.bytes(text + "tlb.l3.entries = 64\n"),
                    "unknown key tlb.l3.entries");
            default -> {
                Mutations.Mutated m = setKey(base, "tlb.l2.entries", "1024");
                m = setKey(m.bytes(), "tlb.l2.assoc", "3");
                yield new Mutations.Mutated(m.bytes(), "tlb.l2 1024 entries, 3 ways");
            }
        };
    }
}
