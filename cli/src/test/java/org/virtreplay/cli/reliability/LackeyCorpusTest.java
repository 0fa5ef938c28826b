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
 * The Valgrind lackey importer: the head of the bundled /bin/true trace mutated (generic text
 * mutations, addresses and sizes at their limits, compressed forms and their damage), and the
 * {@code tlb} command's own options at theirs; read by {@code tlb --stats-csv}.
 */
class LackeyCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyMutatedLackeyTraceKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "lackey";
    }

    @Override
    public int quickCases() {
        return 70;
    }

    /** Option values at or past their limits, with the option they belong to. */
    static final String[][] OPTIONS = {
        {"--tlb-l2-entries", "2000000000"}, {"--tlb-l2-entries", "0"}, {"--tlb-l2-entries", "-1"},
        {"--tlb-l2-entries", "1048576"}, {"--tlb-l1d-entries", "2147483647"}, {"--tlb-l1d-assoc", "3"},
        {"--tlb-l1d-assoc", "0"}, {"--tlb-l1i-entries", "1"}, {"--tlb-l2-assoc", "1024"}, {"--core", "cortex-x9"},
        {"--granule", "8k"}, {"--granule", "64k"}, {"--s2-granule", "16k"}, {"--s2-block", "1g"},
        {"--s2-block", "512m"}, {"--tlb-replacement", "random"}, {"--tlb-replacement", "mru"},
        {"--seed", "-9223372036854775808"}, {"--stale-check", "1"}, {"--stale-check", "-5"}, {"--max-errors", "0"},
        {"--max-errors", "2147483647"}, {"--input-format", "canonical"}, {"--input-format", "dinero"},
        {"--tlb-l2-entries", "99999999999"}};

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = Files.createDirectories(caseDir.resolve("in"));
        byte[] plain = BaseInputs.lackey(1500);
        String what = "unmutated";
        Case.Expect expect = Case.Expect.ACCEPT;
        Compress.Form form = Compress.Form.PLAIN;
        byte[] bytes = plain;
        List<String> extra = new ArrayList<>();
        Path work = caseDir.resolve("work");
        Path out = work.resolve("stats.csv");
        if (index > 0) {
            int p = r.nextInt(100);
            if (p < 40) {
                String op = Mutations.GENERIC.get(r.nextInt(Mutations.GENERIC.size()));
                Mutations.Mutated m = Mutations.apply(op, plain, r, ',', Settings.longMode() ? 2_000_000 : 100_000);
                bytes = m.bytes();
                what = m.what();
                expect = op.equals("crlf") ? Case.Expect.ACCEPT : Case.Expect.ANY;
            } else if (p < 65) {
                Mutations.Mutated m = limits(plain, r);
                bytes = m.bytes();
                what = m.what();
                expect = Case.Expect.ANY;
            } else if (p < 85) {
                form = Compress.Form.values()[1 + r.nextInt(3)];
                byte[] c = form.compress(plain);
                Mutations.Mutated d = Compress.damage(form, c, r);
                bytes = d.bytes();
                what = d.what();
                String op = d.what();
                boolean certain = op.contains("cut at") || op.contains("first 2 bytes")
                        || op.contains("trailing garbage") || (op.contains("zeroed") && form != Compress.Form.ZST);
                expect = certain ? Case.Expect.REJECT : Case.Expect.ANY;
            } else {
                String[] o = OPTIONS[r.nextInt(OPTIONS.length)];
                extra.add(o[0]);
                extra.add(o[1]);
                what = "option " + o[0] + " " + o[1];
                expect = Case.Expect.ANY;
                if (r.nextInt(4) == 0) {
                    // --stats-csv naming a directory, or a file in a missing directory
                    out = r.nextBoolean() ? Files.createDirectories(work.resolve("stats-dir"))
                            : work.resolve("missing").resolve("stats.csv");
                    what += ", --stats-csv " + work.relativize(out);
                }
            }
        }
        if (form == Compress.Form.PLAIN && index > 0 && r.nextInt(4) == 0) {
            // The reader recognises compression by its magic bytes: an intact compressed form too.
            form = Compress.Form.values()[1 + r.nextInt(3)];
            bytes = form.compress(bytes);
            what += " (" + form.suffix + ")";
        }
        Path trace = in.resolve("true.lackey" + form.suffix);
        Files.write(trace, bytes);
        List<String> args = new ArrayList<>(List.of("tlb", trace.toString(), "--stats-csv", out.toString()));
        args.addAll(extra);
        List<String> keys = new ArrayList<>(List.of(out.toString()));
        for (String a : args) {
            if (a.startsWith("--")) {
                keys.add(a);
            }
        }
        boolean outIsOurs = !Files.isDirectory(out) && out.getParent().equals(work);
        return new Case(name(), index, 0, what, args, in, work, outIsOurs ? out : work.resolve("stats.csv"),
                new Case.Places(List.of(trace), keys), outIsOurs ? List.of("") : List.of(), outIsOurs, expect);
    }

    /** An address or size at its limit on one access line, or an unknown kind letter. */
    static Mutations.Mutated limits(byte[] plain, SplittableRandom r) {
        String text = new String(plain, StandardCharsets.ISO_8859_1);
        List<String> lines = Mutations.lines(text);
        List<Integer> access = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^(I | [LSM]) [0-9a-f]+,\\d+$")) {
                access.add(i);
            }
        }
        int li = access.get(r.nextInt(access.size()));
        String l = lines.get(li);
        String head = l.substring(0, 3);
        String addr = l.substring(3, l.indexOf(','));
        String size = l.substring(l.indexOf(',') + 1);
        int k = r.nextInt(4);
        String desc;
        if (k == 0) {
            // an access crossing 2^64 (issue 14, item 1: ` L ffffffffffffffff,8`)
            addr = new String[] {"ffffffffffffffff", "fffffffffffffffc", "fffffffffffff000",
                "ffffffffffffff00"}[r.nextInt(4)];
            size = new String[] {"8", "4", "4096", "1"}[r.nextInt(4)];
            desc = "near 2^64";
        } else if (k == 1) {
            addr = new String[] {"0", "10000000000000000", "8000000000000000", "7fffffffffffffff", "-1", "0x400",
                "ffffffffffffffffff", ""}[r.nextInt(8)];
            desc = "address";
        } else if (k == 2) {
            size = new String[] {"0", "4096", "4097", "65536", "2147483647", "2147483648", "-8", "99999999999", "",
                "8x"}[r.nextInt(10)];
            desc = "size";
        } else {
            head = new String[] {" X ", "I  ", " L ", "  L", "L  ", " l "}[r.nextInt(6)];
            desc = "kind";
        }
        lines.set(li, head + addr + "," + size);
        return new Mutations.Mutated(Mutations.join(lines, text), desc + ": line " + (li + 1) + " '" + lines.get(li)
                + "'");
    }
}
