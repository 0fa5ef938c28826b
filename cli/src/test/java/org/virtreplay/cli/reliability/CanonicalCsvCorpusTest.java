package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.TableKind;

/**
 * The canonical trace in CSV: one table of the small generated trace mutated per case (generic
 * text mutations, boundary values in typed columns, compressed forms and their damage), read by
 * {@code run} (ingest, replay, report), {@code ingest} or {@code inspect}.
 */
class CanonicalCsvCorpusTest implements InputKind {

    @TempDir
    Path tmp;

    @Test
    void everyMutatedCsvTraceKeepsThePromises() throws IOException {
        Corpus.run(this, tmp);
    }

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public int quickCases() {
        return 50;
    }

    @Override
    public Case build(int index, SplittableRandom r, Path caseDir) throws IOException {
        Path in = caseDir.resolve("in");
        Path trace = in.resolve("trace");
        BaseInputs.copyDir(BaseInputs.csvTrace(), trace);
        String what = "unmutated";
        Case.Expect expect = Case.Expect.ACCEPT;
        if (index > 0 && r.nextInt(10) == 0) {
            TextCase m = documentedInvalid(trace, r);
            what = m.what;
            expect = m.expect;
        } else if (index > 0) {
            List<Path> files = list(trace);
            Path f = files.get(r.nextInt(files.size()));
            TextCase m = mutateTable(f, r, Settings.longMode() ? 2_000_000 : 100_000);
            what = m.what;
            expect = m.expect;
        }
        // Mostly the whole job; ingest and inspect read the same tables by the same validator.
        int pick = index == 0 ? 0 : r.nextInt(10);
        Path work = caseDir.resolve("work");
        Path out = work.resolve("out");
        List<String> args;
        List<String> complete;
        boolean rerun = true;
        if (pick < 5) {
            // The HTML report (charts) costs most of a small run: one run in three writes it.
            boolean html = index % 3 == 0;
            args = List.of("run", trace.toString(), "--out", out.toString(), "-q", "--format", html ? "both" : "csv");
            complete = List.of("trace/manifest.csv", "metrics/run_info.parquet",
                    html ? "report/report.html" : "report/run_info.csv");
        } else if (pick < 8) {
            args = List.of("ingest", trace.toString(), "--out", out.toString(), "-q");
            complete = List.of("manifest.csv", "vms.parquet");
        } else {
            args = List.of("inspect", trace.toString());
            complete = List.of();
            out = null;
            rerun = false;
        }
        return new Case(name(), index, 0, what, args, in, work, out, places(trace, args), complete, rerun, expect);
    }

    /** The trace directory and its files; the manifest's pool keys; the options on the line. */
    static Case.Places places(Path trace, List<String> args) throws IOException {
        List<Path> files = new ArrayList<>(list(trace));
        files.add(0, trace);
        List<String> keys = new ArrayList<>(List.of("s1_table_pool", "s2_table_pool"));
        for (String a : args) {
            if (a.startsWith("--")) {
                keys.add(a);
            }
        }
        return new Case.Places(files, keys);
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** A mutated table file and what the format says of it. */
    record TextCase(String what, Case.Expect expect) {
    }

    /**
     * Mutates CSV table {@code f} in place: a generic text mutation, a boundary value in a typed
     * column, or a compressed form (intact or damaged). The file may change its name (mem.csv to
     * mem.csv.gz).
     */
    static TextCase mutateTable(Path f, SplittableRandom r, int hugeMax) throws IOException {
        String file = f.getFileName().toString();
        byte[] plain = Files.readAllBytes(f);
        int lines = Mutations.lines(new String(plain, StandardCharsets.ISO_8859_1)).size();
        int p = r.nextInt(100);
        Mutations.Mutated m;
        Case.Expect expect = Case.Expect.ANY;
        if (p < 50) {
            String op = Mutations.GENERIC.get(r.nextInt(Mutations.GENERIC.size()));
            m = Mutations.apply(op, plain, r, ',', hugeMax);
            expect = switch (op) {
                // docs/trace-format.md: a BOM is ignored, \r\n ends a line, blank lines are ignored
                case "crlf", "bom", "blank-lines" -> Case.Expect.ACCEPT;
                // ... and the text is strict UTF-8, every table has a header line, lines end with \n or \r\n
                case "invalid-utf8", "empty" -> Case.Expect.REJECT;
                case "cr-only" -> lines >= 3 ? Case.Expect.REJECT : Case.Expect.ANY;
                default -> Case.Expect.ANY;
            };
            if (m.what().startsWith("flip-byte on an empty")) {
                expect = Case.Expect.ANY;
            }
        } else if (p < 80) {
            m = boundary(file, plain, r);
        } else {
            m = new Mutations.Mutated(plain, "intact");
        }
        if (file.equals("manifest.csv") || p < 80 && r.nextInt(4) != 0) {
            // manifest.csv is always plain; most text mutations stay in plain files too
            Files.write(f, m.bytes());
            return new TextCase(file + ": " + m.what(), expect);
        }
        Compress.Form form = Compress.Form.values()[1 + r.nextInt(3)];
        byte[] c = form.compress(m.bytes());
        String what = file + form.suffix + ": " + m.what();
        if (p >= 80 && r.nextInt(3) != 0) {
            Mutations.Mutated d = Compress.damage(form, c, r);
            c = d.bytes();
            what = file + form.suffix + ": " + d.what();
            String op = d.what();
            boolean certain = op.contains("cut at") || op.contains("first 2 bytes") || op.contains("trailing garbage")
                    || op.contains("twice") || (op.contains("zeroed") && form != Compress.Form.ZST);
            expect = certain ? Case.Expect.REJECT : Case.Expect.ANY;
        } else if (p >= 80) {
            expect = Case.Expect.ACCEPT;
        }
        Files.delete(f);
        Files.write(f.resolveSibling(file + form.suffix), c);
        return new TextCase(what, expect);
    }

    /**
     * A rule of docs/trace-format.md broken on purpose, each value valid on its own: the trace must
     * be refused (issue 14, item 6 found several of these read silently).
     */
    static TextCase documentedInvalid(Path trace, SplittableRandom r) throws IOException {
        Path vms = trace.resolve("vms.csv");
        Path manifest = trace.resolve("manifest.csv");
        return switch (r.nextInt(10)) {
            case 0 -> {
                // vm 1 gets vm 0's VMID
                byte[] b = Files.readAllBytes(vms);
                String vmid0 = Mutations.fields(Mutations.lines(new String(b, StandardCharsets.ISO_8859_1)), 1, ',')
                        .get(4);
                Files.write(vms, Mutations.setField(b, 3, 4, vmid0));
                yield new TextCase("vms.csv: two VMs with VMID " + vmid0, Case.Expect.REJECT);
            }
            case 1 -> {
                Path map = trace.resolve("map.csv");
                Files.write(map, Mutations.setField(Files.readAllBytes(map), 2, 5, "0x10000000000"));
                yield new TextCase("map.csv: line 2 stage-2 ia 0x10000000000, beyond the VM's 40-bit IPA space",
                        Case.Expect.REJECT);
            }
            case 2 -> {
                Path ms = trace.resolve("memslots.csv");
                Files.write(ms, Mutations.setField(Files.readAllBytes(ms), 2, 5, "0xfffffffffff00000"));
                yield new TextCase("memslots.csv: line 2 pa 0xfffffffffff00000, the slot wraps past 2^64",
                        Case.Expect.REJECT);
            }
            case 3 -> {
                Files.writeString(manifest, Files.readString(manifest) + "vm.9.s1_table_pool,\"0x40000000,4096\"\n");
                yield new TextCase("manifest.csv: a table pool for vm 9, which is not declared", Case.Expect.REJECT);
            }
            case 4 -> {
                List<String> kept = Files.readAllLines(manifest).stream()
                        .filter(l -> !l.startsWith("host.s2_table_pool")).toList();
                Files.write(manifest, kept);
                Files.writeString(manifest, "host.s2_table_pool,\"0xfffffffffff00000,2097152\"\n",
                        java.nio.file.StandardOpenOption.APPEND);
                yield new TextCase("manifest.csv: host.s2_table_pool wraps past 2^64", Case.Expect.REJECT);
            }
            case 5 -> {
                Files.copy(trace.resolve("mem.csv"), trace.resolve("mem.csv.bz2"));
                yield new TextCase("mem.csv.bz2 beside mem.csv", Case.Expect.REJECT);
            }
            case 6 -> {
                Files.writeString(vms, Files.readString(vms) + "1,again,1,40,\n");
                yield new TextCase("vms.csv: vm 1 declared twice", Case.Expect.REJECT);
            }
            case 7 -> {
                Path ms = trace.resolve("memslots.csv");
                Files.write(ms, Mutations.setField(Files.readAllBytes(ms), 3, 2, "0x40000000"));
                yield new TextCase("memslots.csv: slots 0 and 1 of vm 0 overlap", Case.Expect.REJECT);
            }
            case 8 -> {
                Path irq = trace.resolve("irq.csv");
                Files.write(irq, Mutations.setField(Files.readAllBytes(irq), 2, 9, "1"));
                yield new TextCase("irq.csv: line 2 ack_ts 1, before its ts", Case.Expect.REJECT);
            }
            default -> {
                List<String> kept = Files.readAllLines(manifest).stream()
                        .map(l -> l.startsWith("pe_count,") ? "pe_count,1" : l).toList();
                Files.write(manifest, kept);
                yield new TextCase("manifest.csv: pe_count 1, but the schedule runs vCPUs on PE 1", Case.Expect.REJECT);
            }
        };
    }

    /** A value at or past a boundary of its column (or a known-dangerous combination of values). */
    static Mutations.Mutated boundary(String file, byte[] plain, SplittableRandom r) {
        String text = new String(plain, StandardCharsets.ISO_8859_1);
        List<String> lines = Mutations.lines(text);
        if (file.equals("manifest.csv")) {
            String[] extra = {"vm.0.s1_table_pool,\"0xfffffffffffff000,8192\"",
                "host.s2_table_pool,\"0xfffffffffffff000,1048576\"", "vm.0.s1_table_pool,\"0x40000000,0\"",
                "vm.9.s1_table_pool,\"0x40000000,4096\"", "pe_count,4096", "pe_count,0", "pe_count,4097",
                "pe.1.mpidr,0xffffffffffffffff", "host.s2_table_pool,\"0x0,4096\"",
                "vm.1.s1_table_pool,\"0x40000000,4096\""};
            String e = extra[r.nextInt(extra.length)];
            String key = e.substring(0, e.indexOf(','));
            List<String> kept = new ArrayList<>(lines.stream().filter(l -> !l.startsWith(key + ",")).toList());
            kept.add(e);
            return new Mutations.Mutated(Mutations.join(kept, text), "manifest " + e);
        }
        String table = file.substring(0, file.indexOf('.'));
        TableKind kind = TableKind.byTableName(table);
        if (kind == null || lines.size() < 2) {
            return Mutations.apply("extreme-field", plain, r, ',', 1000);
        }
        List<String> header = List.of(lines.get(0).split(",", -1));
        int row = 2 + r.nextInt(lines.size() - 1);
        if (kind == TableKind.MEM && r.nextInt(3) == 0) {
            // An access whose last byte lies beyond 2^64 - 1 (issue 14, item 1).
            String va = Mutations.HIGH_ADDRESSES.get(r.nextInt(4));
            String size = new String[] {"8", "4", "4096", "2"}[r.nextInt(4)];
            byte[] b = Mutations.setField(plain, row, header.indexOf("va"), va);
            b = Mutations.setField(b, row, header.indexOf("size"), size);
            return new Mutations.Mutated(b, "line " + row + " va " + va + " size " + size);
        }
        if (kind.isTimed() && r.nextInt(4) == 0) {
            // The last row far in the future: a replay's timeline windows and its schedule span it.
            int last = lines.size();
            String ts = new String[] {"9223372036854775807", "4611686018427387904", "1000000000000"}[r.nextInt(3)];
            return new Mutations.Mutated(Mutations.setField(plain, last, header.indexOf("ts"), ts),
                    "last line " + last + " ts " + ts);
        }
        int col = r.nextInt(header.size());
        Column c = kind.columns().get(kind.indexOf(header.get(col)));
        List<String> v = switch (c.type()) {
            case HEX -> List.of(Mutations.HIGH_ADDRESSES.get(r.nextInt(Mutations.HIGH_ADDRESSES.size())), "0x0",
                    "0x" + Long.toHexString(r.nextLong()), "0x10000000000000000", "0x1001");
            case LONG -> List.of("0", "9223372036854775807", "9223372036854775808", "-1", "4611686018427387904");
            case INT -> List.of(Long.toString(c.min() - 1), Long.toString(c.max() + 1), Long.toString(c.min()),
                    Long.toString(c.max()), "2147483648", "-2147483649");
            case SIZE -> List.of("0", "4095", "4096", "0x1000", "1099511627776", "9223372036854775807",
                    "0xffffffffffffffff", "0x8000000000000000");
            // a long name is valid text: the report must still be written (issue 14, item 1)
            default -> List.of(c.symbols().isEmpty() ? "x" : c.symbols().get(r.nextInt(c.symbols().size())),
                    c.symbols().isEmpty() ? "" : c.symbols().get(0).toUpperCase(java.util.Locale.ROOT), "",
                    "\"a,b\"", Mutations.latin1("é"), "n".repeat(Settings.longMode() ? 1_000_000 : 200_000));
        };
        String value = v.get(r.nextInt(v.size()));
        return new Mutations.Mutated(Mutations.setField(plain, row, col, value),
                "line " + row + " " + c.name() + " = '" + Promises.cut(value, 30) + "'"
                        + (value.length() > 30 ? " (" + value.length() + " chars)" : ""));
    }
}
