package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.convert.TraceConverter.Form;

/** CSV -> Parquet -> CSV is lossless, and ingest is deterministic. */
class RoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void canonicalCsvComesBackByteForByte() throws IOException {
        Map<String, String> files = Fixtures.edgeTrace();
        Path csv = Fixtures.write(tmp.resolve("csv"), files);
        Path pq = tmp.resolve("pq");
        Path back = tmp.resolve("back");
        Map<TableKind, Long> rows = TraceConverter.convert(csv, pq, Form.PARQUET, 20, false);
        // rows per table counted by hand in Fixtures.edgeTrace()
        assertEquals(Map.ofEntries(Map.entry(TableKind.VMS, 2L), Map.entry(TableKind.MEMSLOTS, 3L),
                Map.entry(TableKind.SYSREG, 2L), Map.entry(TableKind.PTE, 2L), Map.entry(TableKind.MAP, 3L),
                Map.entry(TableKind.MEM, 4L), Map.entry(TableKind.TLBI, 3L), Map.entry(TableKind.IRQ, 4L),
                Map.entry(TableKind.SCHED, 4L), Map.entry(TableKind.DAIF, 2L), Map.entry(TableKind.EXITS, 2L),
                Map.entry(TableKind.SPE_SAMPLES, 2L)), rows);
        for (TableKind k : TableKind.values()) {
            assertEquals(true, Files.isRegularFile(pq.resolve(k.tableName() + ".parquet")), k.tableName());
        }
        TraceConverter.convert(pq, back, Form.CSV, 20, false);
        for (Map.Entry<String, String> e : files.entrySet()) {
            assertEquals(e.getValue(), Files.readString(back.resolve(e.getKey())), e.getKey());
        }
    }

    @Test
    void nonCanonicalCsvKeepsEveryValue() throws IOException {
        Map<String, String> files = Fixtures.edgeTrace();
        // the same values written differently: upper-case hex, hex sizes, leading zeros
        files.put("mem.csv", "ts,vm,vcpu,el,access,va,size\n0,0,0,0,r,0x0,1\n5,0,1,1,w,0XFFFFFFFFFFFFFFFF,8\n"
                + "5,0,0,1,x,0xFFFF800000001000,04\n9223372036854775807,1,0,2,rw,0x7FFFFFFFFFFFFFFF,4096\n");
        files.put("memslots.csv", "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,0x40000000,ram,,0x200000\n"
                + "0,1,0x40000000,0x1000,mmio,,\n1,0,0x80000000,1073741824,device,0x8000000000,4096\n");
        Path csv = Fixtures.write(tmp.resolve("csv"), files);
        Path pq = tmp.resolve("pq");
        TraceConverter.convert(csv, pq, Form.PARQUET, 20, false);
        Path back = tmp.resolve("back");
        TraceConverter.convert(pq, back, Form.CSV, 20, false);
        Map<String, String> canonical = Fixtures.edgeTrace();
        assertEquals(canonical.get("mem.csv"), Files.readString(back.resolve("mem.csv")));
        assertEquals(canonical.get("memslots.csv"), Files.readString(back.resolve("memslots.csv")));
        for (TableKind k : TableKind.values()) {
            assertEquals(rows(csv, k), rows(pq, k), k.tableName());
        }
    }

    @Test
    void progressIsToldEvery65536RowsAndAtEachTablesEnd() throws IOException {
        Map<String, String> files = Fixtures.edgeTrace();
        int n = 2 * 65536 + 100;
        StringBuilder mem = new StringBuilder("ts,vm,vcpu,el,access,va,size\n");
        for (int i = 0; i < n; i++) {
            mem.append(i).append(",0,0,0,r,0x").append(Integer.toHexString(i * 8)).append(",8\n");
        }
        files.put("mem.csv", mem.toString());
        Path csv = Fixtures.write(tmp.resolve("csv"), files);
        List<String> calls = new ArrayList<>();
        TraceConverter.convert(csv, tmp.resolve("pq"), Form.PARQUET, 20, false,
                (kind, rows, done) -> calls.add(kind.tableName() + " " + rows + (done ? " done" : "")));
        // vms and memslots are read whole at open and not reported; the other tables of the
        // fixture are small (one call each, at their end, with the counts of the first test)
        assertEquals(List.of("sysreg 2 done", "pte 2 done", "map 3 done", "mem 65536", "mem 131072", "mem 131172 done",
                "tlbi 3 done", "irq 4 done", "sched 4 done", "daif 2 done", "exits 2 done", "spe_samples 2 done"), calls);
    }

    @Test
    void ingestIsDeterministic() throws IOException {
        Path csv = Fixtures.write(tmp.resolve("csv"), Fixtures.edgeTrace());
        TraceConverter.convert(csv, tmp.resolve("a"), Form.PARQUET, 20, false);
        TraceConverter.convert(csv, tmp.resolve("b"), Form.PARQUET, 20, false);
        for (TableKind k : TableKind.values()) {
            String f = k.tableName() + ".parquet";
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
        }
    }

    @Test
    void forceReplacesOnlyWhenComplete() throws IOException {
        Path csv = Fixtures.write(tmp.resolve("csv"), Fixtures.edgeTrace());
        Path out = tmp.resolve("out");
        Files.createDirectory(out);
        Files.writeString(out.resolve("old.txt"), "old");
        TraceConverter.convert(csv, out, Form.PARQUET, 20, true);
        assertEquals(false, Files.exists(out.resolve("old.txt")));
        assertEquals(true, Files.exists(out.resolve("mem.parquet")));
        assertEquals(List.of("csv", "out"), Files.list(tmp).map(p -> p.getFileName().toString()).sorted().toList());
    }

    static List<Row> rows(Path dir, TableKind k) {
        Trace t = Trace.open(dir);
        List<Row> out = new ArrayList<>();
        if (k == TableKind.VMS || k == TableKind.MEMSLOTS) {
            return t.smallTableRows(k);
        }
        try (TableCursor c = t.cursor(k)) {
            while (c.next()) {
                out.add(c.row().copy());
            }
        }
        return out;
    }
}
