package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --set KEY=VALUE} and {@code --window} on {@code replay} and {@code run}: each scenario
 * key at and past its limits (one or two at once), malformed {@code --set} words, window widths
 * from one nanosecond to the largest long.
 */
class SetOptionCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everySetOptionKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "set";
    }

    @Override
    public int quickCases() {
        return 30;
    }

    static final List<String> MALFORMED = List.of("pes", "=2", "pes==2", "PES=2", " pes = 2 ", "pes=2\nseed=3",
            "tlb.l3.entries=4", "vms=2", "pes=", "core=neoverse-n1=x", "", "=");

    static final List<String> WINDOWS = List.of("1ns", "1", "0", "-1ms", "1.5ms", "1h", "", "9223372036854775807",
            "9223372036854775807s", "10000000000000000000", "100us", "1s", "ms", "5 ms");

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        boolean csv = index % 4 == 1;
        BaseInputs.copyDir(csv ? BaseInputs.csvTrace() : BaseInputs.parquetTrace(), trace);
        Path work = caseDir.resolve("work");
        Path out = work.resolve("out");
        List<String> opts = new ArrayList<>();
        String what = "no --set";
        Case.Expect expect = Case.Expect.ACCEPT;
        if (index > 0) {
            expect = Case.Expect.ANY;
            int p = r.nextInt(100);
            if (p < 60) {
                int n = 1 + r.nextInt(2);
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String[] kv = ScenarioValues.pick(r, false);
                    opts.add("--set");
                    opts.add(kv[0] + "=" + kv[1]);
                    parts.add(kv[0] + "=" + Promises.cut(kv[1], 30) + (kv[1].length() > 30 ? "(" + kv[1].length()
                            + " chars)" : ""));
                }
                what = "--set " + String.join(" --set ", parts);
            } else if (p < 80) {
                String s = MALFORMED.get(r.nextInt(MALFORMED.size()));
                opts.add("--set");
                opts.add(s);
                what = "--set '" + s.replace("\n", "\\n") + "'";
                expect = s.equals(" pes = 2 ") ? Case.Expect.ANY : Case.Expect.REJECT;
            } else {
                String w = WINDOWS.get(r.nextInt(WINDOWS.size()));
                opts.add("--window");
                opts.add(w);
                what = "--window '" + w + "'";
            }
        }
        List<String> args = new ArrayList<>();
        boolean run = csv || index % 4 == 2;
        if (run) {
            args.addAll(List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", "csv"));
        } else {
            args.addAll(List.of("replay", trace.toString(), "--out", out.toString(), "-q"));
        }
        args.addAll(opts);
        List<Path> files = new ArrayList<>(CanonicalCsvCorpusTest.list(trace));
        files.add(0, trace);
        List<String> keys = new ArrayList<>(ScenarioValues.quotedKeys());
        keys.addAll(List.of("--set", "--window"));
        return new Case(name(), index, 0, what, args, in, work, out, new Case.Places(files, keys),
                List.of(run ? "metrics/run_info.parquet" : "run_info.parquet"), true, expect);
    }
}
