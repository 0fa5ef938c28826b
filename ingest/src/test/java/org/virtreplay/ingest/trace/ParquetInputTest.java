package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.convert.TraceConverter;

/**
 * Parquet written by someone else: any flat schema with our column names is read, integer
 * columns may be INT64 and enum-like ones plain strings, and bad values get {@code FILE:row N:}
 * messages (row 1 = the first row).
 */
class ParquetInputTest {
    @TempDir
    Path tmp;

    /** A mem table whose every numeric column is a long and access a plain string. */
    private static final Schema FOREIGN = new Schema.Parser().parse("""
            {"type":"record","name":"M","fields":[
              {"name":"ts","type":"long"},{"name":"vm","type":"long"},{"name":"vcpu","type":"long"},
              {"name":"el","type":"long"},{"name":"access","type":"string"},{"name":"va","type":"long"},
              {"name":"size","type":"long"}]}""");

    private Path traceWithForeignMem(long[][] rows, String[] access) throws IOException {
        Path dir = Fixtures.write(tmp.resolve("in"), java.util.Map.of(
                "manifest.csv", "key,value\nformat_version,1\ntime_unit,ns\nclock,none\npe_count,1\n",
                "vms.csv", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n"));
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir.resolve("mem.parquet"))).withSchema(FOREIGN).build()) {
            for (int i = 0; i < rows.length; i++) {
                GenericData.Record r = new GenericData.Record(FOREIGN);
                String[] names = {"ts", "vm", "vcpu", "el", "access", "va", "size"};
                for (int c = 0; c < names.length; c++) {
                    r.put(names[c], c == 4 ? access[i] : (Object) rows[i][c]);
                }
                w.write(r);
            }
        }
        return dir;
    }

    @Test
    void memRowCountComesFromTheFooterOfAParquetTableOnly() throws IOException {
        long[][] rows = {{1, 0, 0, 0, 0, 0, 8}, {2, 0, 1, 0, 0, 8, 8}, {3, 0, 0, 1, 0, 16, 4}};
        Path dir = traceWithForeignMem(rows, new String[] {"r", "w", "x"});
        assertEquals(3, Trace.open(dir).memRowCount());
        Path csv = Fixtures.write(tmp.resolve("csv"), java.util.Map.of(
                "manifest.csv", "key,value\nformat_version,1\ntime_unit,ns\nclock,none\npe_count,1\n",
                "vms.csv", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n",
                "mem.csv", "ts,vm,vcpu,el,access,va,size\n1,0,0,0,r,0x0,8\n"));
        assertEquals(-1, Trace.open(csv).memRowCount(), "CSV: unknown without reading it");
    }

    @Test
    void readsForeignTypes() throws IOException {
        Path dir = traceWithForeignMem(new long[][] {{1, 0, 1, 0, 0, -1, 8}}, new String[] {"x"});
        try (MemCursor m = Trace.open(dir).mem()) {
            assertTrue(m.next());
            assertEquals(1, m.ts());
            assertEquals(1, m.vcpu());
            assertEquals(MemCursor.FETCH, m.access());
            assertEquals(-1L, m.va());
            assertEquals(8, m.size());
            assertFalse(m.next());
        }
    }

    @Test
    void badValuesAreReportedByRow() throws IOException {
        Path dir = traceWithForeignMem(new long[][] {
            {1, 0, 0, 0, 0, 0x10, 8},
            {2, 0, 0, 0, 0, 0x10, -4},     // size out of range
            {3, 0, 0, 0, 0, 0x10, 8},      // access 'q'
            {4, 0, 5, 0, 0, 0x10, 8},      // vcpu 5 of a 2-vCPU vm (0..511 by range, but not declared)
            {3, 0, 0, 0, 0, 0x10, 8}},     // ts 3 after ts 4? no: after row 1's 1 (rows 2-4 were bad)... see below
                new String[] {"r", "r", "q", "r", "r"});
        Path out = tmp.resolve("out");
        BadInputException e = assertThrows(BadInputException.class,
                () -> TraceConverter.convert(dir, out, TraceConverter.Form.PARQUET, 20, false));
        String f = dir.resolve("mem.parquet").toString();
        // row 5 (ts 3) is good: rows 2-4 were rejected, so the last good ts of vm 0 vcpu 0 is 1
        assertEquals(List.of(
                f + ":row 2: column 'size': expected integer 1..4096, got '-4'",
                f + ":row 3: column 'access': expected one of r, w, x, rw, got 'q'",
                f + ":row 4: column 'vcpu': expected a vCPU of vm 0 (0..1), got '5'"), e.problems());
        assertFalse(Files.exists(out));
    }

    @Test
    void truncatedParquetFile() throws IOException {
        Path dir = traceWithForeignMem(new long[][] {{1, 0, 0, 0, 0, 0x10, 8}}, new String[] {"r"});
        Path mem = dir.resolve("mem.parquet");
        byte[] b = Files.readAllBytes(mem);
        Files.write(mem, Arrays.copyOf(b, b.length - 10)); // the footer and trailing magic are gone
        BadInputException e = assertThrows(BadInputException.class, () -> Trace.open(dir).mem().next());
        assertEquals(1, e.problems().size());
        // which check fails first (the footer length read from the bytes now last, or the magic)
        // depends on those bytes; either way it is one line in words
        assertTrue(e.problems().get(0).matches(java.util.regex.Pattern.quote(mem + ": not a Parquet file (")
                + ".*; truncated\\?\\)"), e.problems().get(0));
    }

    @Test
    void missingAndUnknownColumns() throws IOException {
        Path dir = Fixtures.write(tmp.resolve("in"), java.util.Map.of(
                "manifest.csv", "key,value\nformat_version,1\ntime_unit,ns\nclock,none\npe_count,1\n",
                "vms.csv", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n"));
        Schema s = new Schema.Parser().parse("""
                {"type":"record","name":"D","fields":[{"name":"ts","type":"long"},{"name":"vm","type":"int"},
                  {"name":"vcpu","type":"int"},{"name":"state","type":"string"}]}""");
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir.resolve("daif.parquet"))).withSchema(s).build()) {
            GenericData.Record r = new GenericData.Record(s);
            r.put("ts", 1L);
            r.put("vm", 0);
            r.put("vcpu", 0);
            r.put("state", "mask");
            w.write(r);
        }
        String f = dir.resolve("daif.parquet").toString();
        BadInputException e = assertThrows(BadInputException.class, () -> Trace.open(dir).daifs().next());
        assertEquals(List.of(f + ": unknown column 'state' (the daif table has columns ts,vm,vcpu,event)",
                f + ": missing column 'event' (the daif table has columns ts,vm,vcpu,event)"), e.problems());
    }
}
