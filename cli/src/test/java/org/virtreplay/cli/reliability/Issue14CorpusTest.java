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
 * The reproducers of issue 14 (on the small trace where the issue used the quickstart), judged by
 * the same promises as the random corpus: so that the quick mode is sure to meet each defect the
 * issue names, whatever the random cases draw. Not random: one case per reproducer.
 */
class Issue14CorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void theReproducersOfIssue14KeepThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "issue14";
    }

    static final String[] REPRODUCERS = {
        "1: mem row va 0xfffffffffffffffc size 8 (run)",
        "1: lackey ' L ffffffffffffffff,8' (tlb)",
        "1: run --window 1ns",
        "1: a VM name of 80,000 characters (run, HTML report)",
        "2: replay --set pes=1 on a trace that schedules on PE 1",
        "2: tlb --tlb-l2-entries 2000000000",
        "2: tlb --stats-csv DIR",
        "2: tlb on a 2-byte .gz",
        "2: run --out under a regular file",
        "2: run --out naming an existing file",
        "3: run --no-events",
        "3: run --format csv --force over an earlier run",
        "6: gzip member with trailing garbage",
        "6: stage-2 map address beyond ipa_bits",
        "6: CR-only line ends in mem.csv",
        "6: CR-only line ends in irq.csv",
        "6: memslot PA that wraps past 2^64",
        "6: table pool for an undeclared VM",
        "6: two VMs with one VMID",
        "6: mem.csv.bz2 beside mem.csv",
        "6: Parquet file whose leading magic is zeroed",
        "6: a stage-1 table pool of one page (error found during replay)",
        "6: a stage-2 table pool of one page (error found during replay)",
        "6: scenario tlb.l1d 48 entries with 5 ways",
        "6: scenario with a BOM",
        "7: a 1 MB field echoed",
        "7: a quoted line break in a value",
        "7: Parquet footer length too large",
        "7: translate register file that is not UTF-8",
    };

    @Override
    public int quickCases() {
        return REPRODUCERS.length;
    }

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        BaseInputs.copyDir(BaseInputs.csvTrace(), trace);
        Path work = Files.createDirectories(caseDir.resolve("work"));
        Path out = work.resolve("out");
        String what = REPRODUCERS[index];
        List<String> run = List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", "csv");
        List<String> runComplete = List.of("metrics/run_info.parquet", "report/run_info.csv");
        List<String> args = run;
        List<String> complete = runComplete;
        Case.Expect expect = Case.Expect.REJECT;
        List<Path> files = new ArrayList<>();
        switch (index) {
            case 0 -> {
                setField(trace.resolve("mem.csv"), 2, "va", "0xfffffffffffffffc");
                setField(trace.resolve("mem.csv"), 2, "size", "8");
                expect = Case.Expect.ANY; // valid; the access wraps or faults (docs/fidelity.md decides)
            }
            case 1 -> {
                Path l = Files.writeString(in.resolve("t.lackey"), "I  0400d7d4,8\n L ffffffffffffffff,8\n");
                args = List.of("tlb", l.toString(), "--stats-csv", out.toString());
                complete = List.of("");
                expect = Case.Expect.ANY;
                files.add(l);
            }
            case 2 -> {
                args = new ArrayList<>(run);
                args.addAll(List.of("--window", "1ns"));
                expect = Case.Expect.ANY; // refused with one line, or done: never endless
            }
            case 3 -> {
                setField(trace.resolve("vms.csv"), 2, "name", "n".repeat(80_000));
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q");
                complete = List.of("metrics/run_info.parquet", "report/report.html");
                expect = Case.Expect.ACCEPT;
            }
            case 4 -> {
                args = List.of("replay", trace.toString(), "--out", out.toString(), "-q", "--set", "pes=1");
                complete = List.of("run_info.parquet");
                expect = Case.Expect.ANY; // docs/sweep.md: a bad-input message, or a replay that maps the PE
            }
            case 5, 6, 7 -> {
                Path l = in.resolve("t.lackey");
                Files.writeString(l, "I  0400d7d4,8\n L 1fff000688,8\n");
                Path stats = out;
                List<String> a = new ArrayList<>(List.of("tlb", l.toString(), "--stats-csv"));
                if (index == 5) {
                    a.addAll(List.of(stats.toString(), "--tlb-l2-entries", "2000000000"));
                } else if (index == 6) {
                    Files.createDirectories(out);
                    a.add(out.toString());
                } else {
                    Files.delete(l);
                    l = Files.write(in.resolve("t.lackey.gz"), new byte[] {0x1f, (byte) 0x8b});
                    a.set(1, l.toString());
                    a.add(stats.toString());
                }
                args = a;
                complete = List.of("");
                files.add(l);
            }
            case 8 -> {
                Path file = Files.writeString(work.resolve("file"), "precious\n");
                args = List.of("run", trace.toString(), "--out", file.resolve("out").toString(), "-q");
            }
            case 9 -> {
                Files.writeString(out, "precious\n");
            }
            case 10 -> {
                args = new ArrayList<>(run);
                args.add("--no-events");
                complete = List.of("metrics/run_info.parquet", "!metrics/fault_events.parquet",
                        "!metrics/irq_events.parquet");
                expect = Case.Expect.ACCEPT;
            }
            case 11 -> {
                Findings.copyTree(BaseInputs.earlierRun(), out);
                args = new ArrayList<>(run);
                args.add("--force");
                complete = List.of("metrics/run_info.parquet", "report/run_info.csv", "!report/report.html");
                expect = Case.Expect.ACCEPT;
            }
            case 12 -> {
                Path mem = trace.resolve("mem.csv");
                byte[] gz = Compress.Form.GZ.compress(Files.readAllBytes(mem));
                byte[] withGarbage = java.util.Arrays.copyOf(gz, gz.length + 7);
                System.arraycopy("garbage".getBytes(StandardCharsets.US_ASCII), 0, withGarbage, gz.length, 7);
                Files.delete(mem);
                Files.write(trace.resolve("mem.csv.gz"), withGarbage);
            }
            case 13 -> setField(trace.resolve("map.csv"), 2, "ia", "0x10000000000");
            case 14 -> crOnly(trace.resolve("mem.csv"));
            case 15 -> crOnly(trace.resolve("irq.csv"));
            case 16 -> setField(trace.resolve("memslots.csv"), 2, "pa", "0xfffffffffff00000");
            case 17 -> appendLine(trace.resolve("manifest.csv"), "vm.9.s1_table_pool,\"0x40000000,4096\"");
            case 18 -> setField(trace.resolve("vms.csv"), 3, "vmid", "1");
            case 19 -> Files.copy(trace.resolve("mem.csv"), trace.resolve("mem.csv.bz2"));
            case 20 -> {
                Corpus.deleteTree(trace);
                BaseInputs.copyDir(BaseInputs.parquetTrace(), trace);
                byte[] p = Files.readAllBytes(trace.resolve("sched.parquet"));
                p[0] = p[1] = p[2] = p[3] = 0;
                Files.write(trace.resolve("sched.parquet"), p);
                args = List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", "csv");
                complete = List.of("metrics/run_info.parquet");
            }
            case 21, 22 -> {
                Path m = trace.resolve("manifest.csv");
                String key = index == 21 ? "vm.0.s1_table_pool" : "host.s2_table_pool";
                List<String> kept = Files.readAllLines(m).stream().filter(l -> !l.startsWith(key + ",")).toList();
                Files.write(m, kept);
                appendLine(m, key + (index == 21 ? ",\"0x40000000,4096\"" : ",\"0x0,4096\""));
                expect = Case.Expect.ANY; // a pool too small is found during the replay: exit 2, naming the key
            }
            case 23, 24 -> {
                Path sc = in.resolve("host.txt");
                Files.writeString(sc, index == 23 ? "tlb.l1d.entries = 48\ntlb.l1d.assoc = 5\n"
                        : "\ufeffpes = 2\ncore = neoverse-n1\n", StandardCharsets.UTF_8);
                args = List.of("replay", trace.toString(), "--out", out.toString(), "-q", "--scenario",
                        sc.toString());
                complete = List.of("run_info.parquet");
                expect = index == 24 ? Case.Expect.ACCEPT : Case.Expect.REJECT;
                files.add(sc);
            }
            case 25 -> setField(trace.resolve("mem.csv"), 3, "va", "0x" + "f".repeat(1_000_000));
            case 26 -> setField(trace.resolve("vms.csv"), 2, "ipa_bits", "\"40\nx\"");
            case 27 -> {
                Corpus.deleteTree(trace);
                BaseInputs.copyDir(BaseInputs.parquetTrace(), trace);
                Path f = trace.resolve("irq.parquet");
                byte[] p = Files.readAllBytes(f);
                java.nio.ByteBuffer.wrap(p, p.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putInt(0x7fff_fff0);
                Files.write(f, p);
                args = List.of("inspect", trace.toString());
                complete = List.of();
            }
            default -> {
                Path regs = Files.write(in.resolve("regs.txt"),
                        "TCR_EL1 = 0x5\u00ff\n".getBytes(StandardCharsets.ISO_8859_1));
                Path mem = Files.writeString(in.resolve("mem.txt"), BaseInputs.MEMORY);
                args = List.of("translate", "--regs", regs.toString(), "--memory", mem.toString(), "--va", "0x1000",
                        "--el", "1", "--access", "read");
                complete = List.of();
                files.addAll(List.of(regs, mem));
            }
        }
        files.addAll(CanonicalCsvCorpusTest.list(trace));
        files.add(0, trace);
        List<String> keys = new ArrayList<>(List.of("s1_table_pool", "s2_table_pool", "'pes'",
                work.resolve("file").toString()));
        for (String a : args) {
            if (a.startsWith("--")) {
                keys.add(a);
            }
        }
        boolean writes = !args.get(0).equals("inspect") && !args.get(0).equals("translate");
        return new Case(name(), index, 0, what, args, in, work, writes ? out : null, new Case.Places(files, keys),
                complete, expect == Case.Expect.ACCEPT, expect);
    }

    /** Sets column {@code column} of 1-based line {@code line} of a CSV table. */
    static void setField(Path csv, int line, String column, String value) throws IOException {
        byte[] b = Files.readAllBytes(csv);
        String header = Mutations.lines(new String(b, StandardCharsets.ISO_8859_1)).get(0);
        int col = List.of(header.split(",")).indexOf(column);
        Files.write(csv, Mutations.setField(b, line, col, Mutations.latin1(value)));
    }

    static void crOnly(Path f) throws IOException {
        Files.write(f, Mutations.apply("cr-only", Files.readAllBytes(f), new SplittableRandom(0), ',', 0).bytes());
    }

    static void appendLine(Path f, String line) throws IOException {
        Files.writeString(f, line + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
}
