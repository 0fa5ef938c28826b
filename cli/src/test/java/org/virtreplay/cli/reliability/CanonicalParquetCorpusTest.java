package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.trace.TableKind;

/**
 * The canonical trace in Parquet, as {@code ingest} writes it: a table's file damaged byte-wise
 * (magic, footer, data, length), rewritten by a "foreign" writer with values our writer would
 * never produce, or the directory given an extra or a second file for a table; read by
 * {@code run} (replay and report), {@code replay} or {@code inspect}.
 */
class CanonicalParquetCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyDamagedParquetTraceKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "parquet";
    }

    @Override
    public int quickCases() {
        return 40;
    }

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        BaseInputs.copyDir(BaseInputs.parquetTrace(), trace);
        String what = "unmutated";
        Case.Expect expect = Case.Expect.ACCEPT;
        if (index > 0) {
            List<Path> tables = CanonicalCsvCorpusTest.list(trace).stream()
                    .filter(p -> p.toString().endsWith(".parquet")).toList();
            Path f = tables.get(r.nextInt(tables.size()));
            String file = f.getFileName().toString();
            String table = file.substring(0, file.indexOf('.'));
            TableKind kind = TableKind.byTableName(table);
            Path csv = BaseInputs.csvTrace().resolve(table + ".csv");
            int p = r.nextInt(100);
            if (p < 45) {
                Mutations.Mutated m = ParquetDamage.damage(Files.readAllBytes(f), r);
                Files.write(f, m.bytes());
                what = file + ": " + m.what();
                String op = m.what();
                // Damage that leaves no readable file; a flipped bit may land where nothing checks it.
                expect = op.contains("flipped") ? Case.Expect.ANY : Case.Expect.REJECT;
            } else if (p < 80) {
                byte[] plain = Files.readAllBytes(csv);
                int q = r.nextInt(10);
                Mutations.Mutated m;
                Set<String> asString = Set.of();
                expect = Case.Expect.ANY;
                if (q < 6) {
                    m = CanonicalCsvCorpusTest.boundary(table + ".csv", plain, r);
                } else if (q < 8) {
                    String op = List.of("swap-lines", "dup-line", "del-line", "extreme-field").get(r.nextInt(4));
                    m = Mutations.apply(op, plain, r, ',', 1000);
                } else {
                    // a numeric column stored as text: a schema problem
                    String[] header = Mutations.lines(new String(plain, StandardCharsets.ISO_8859_1)).get(0).split(",");
                    String col = header[r.nextInt(header.length)];
                    asString = Set.of(col);
                    m = new Mutations.Mutated(plain, "column '" + col + "' written as a string");
                }
                ForeignParquet.write(kind, new String(m.bytes(), StandardCharsets.ISO_8859_1), f, asString);
                what = file + " (foreign writer): " + m.what();
            } else {
                String[] extra = {table + ".csv", table + ".csv.bz2", "foo.parquet", "README.txt",
                    ".hidden.parquet", "replace-with-csv"};
                String e = extra[r.nextInt(extra.length)];
                if (e.equals("replace-with-csv")) {
                    // Forms may be mixed: the table as CSV (perhaps mutated) instead of Parquet.
                    Files.delete(f);
                    Path t = trace.resolve(table + ".csv");
                    Files.copy(csv, t);
                    CanonicalCsvCorpusTest.TextCase m = CanonicalCsvCorpusTest.mutateTable(t, r, 10_000);
                    what = file + " replaced by " + m.what();
                    expect = m.expect();
                } else {
                    Files.copy(csv, trace.resolve(e));
                    what = "extra file " + e + " beside " + file;
                    // docs/trace-format.md: one file per table; unknown tables are errors; other
                    // files and dot files are ignored.
                    expect = e.startsWith(".") || e.endsWith(".txt") ? Case.Expect.ACCEPT : Case.Expect.REJECT;
                }
            }
        }
        Path work = caseDir.resolve("work");
        Path out = work.resolve("out");
        int pick = index == 0 ? 0 : r.nextInt(10);
        List<String> args;
        List<String> complete;
        boolean rerun = true;
        if (pick < 5) {
            boolean html = index % 3 == 0;
            args = List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", html ? "both" : "csv");
            complete = List.of("metrics/run_info.parquet", html ? "report/report.html" : "report/run_info.csv");
        } else if (pick < 7) {
            args = List.of("replay", trace.toString(), "--out", out.toString(), "-q", "--events");
            complete = List.of("run_info.parquet", "fault_events.parquet");
        } else {
            args = List.of("inspect", trace.toString());
            complete = List.of();
            out = null;
            rerun = false;
        }
        return new Case(name(), index, 0, what, args, in, work, out, CanonicalCsvCorpusTest.places(trace, args),
                complete, rerun, expect);
    }
}
