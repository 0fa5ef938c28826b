package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.convert.ParquetTableWriter;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;

/**
 * The page decoder gives exactly what the row path ({@code MemBatchSource.of(trace.mem())}) gives:
 * the same rows, and on bad files the same problems (or, for damaged pages, the same kind of
 * {@code FILE:row N: corrupt Parquet data} report).
 */
class ParquetMemBatchSourceTest {
    @TempDir
    Path tmp;

    private static final String MANIFEST = "key,value\nformat_version,1\ntime_unit,ns\nclock,none\npe_count,4\n";

    /** What a source delivers: every row as text, then the problems it threw with (if any). */
    private record Outcome(List<String> rows, List<String> problems) {
    }

    private static Outcome drain(MemBatchSource s, int batch) {
        List<String> rows = new ArrayList<>();
        List<String> problems = List.of();
        MemBatch b = new MemBatch(batch);
        try (s) {
            while (s.fill(b)) {
                for (int i = 0; i < b.n; i++) {
                    rows.add(b.ts[i] + "," + b.vm[i] + "," + b.vcpu[i] + "," + b.el[i] + "," + b.access[i] + ","
                            + Long.toHexString(b.va[i]) + "," + b.size[i]);
                }
            }
        } catch (BadInputException e) {
            problems = e.problems();
        }
        return new Outcome(rows, problems);
    }

    /** Both paths over {@code dir}; asserts the fast one was used and that they agree. */
    private Outcome bothAgree(Path dir, int batch) {
        Outcome slow;
        try {
            slow = drain(MemBatchSource.of(Trace.open(dir).mem()), batch);
        } catch (BadInputException e) {
            slow = new Outcome(List.of(), e.problems());
        }
        MemBatchSource fast = Trace.open(dir).memBatches();
        assertInstanceOf(ParquetMemBatchSource.class, fast);
        Outcome f = drain(fast, batch);
        assertEquals(slow.problems(), f.problems());
        assertEquals(slow.rows().size(), f.rows().size());
        assertEquals(slow.rows(), f.rows());
        return f;
    }

    private Path trace(String name, String vms) throws IOException {
        return Fixtures.write(tmp.resolve(name), Map.of("manifest.csv", MANIFEST, "vms.csv", vms));
    }

    /** Writes mem.parquet with our writer; rows are {ts, vm, vcpu, el, access, va, size}. */
    private static void writeMem(Path dir, long[][] rows) throws IOException {
        try (ParquetTableWriter w = new ParquetTableWriter(TableKind.MEM, dir.resolve("mem.parquet"))) {
            Row r = new Row(TableKind.MEM);
            for (long[] v : rows) {
                for (int k = 0; k < 7; k++) {
                    r.set(k, v[k]);
                }
                w.write(r);
            }
        }
    }

    @Test
    void generatedTraceGivesTheSameRowsAsTheRowPath() throws IOException {
        GeneratorOptions o = new GeneratorOptions();
        o.seed = 7;
        o.vms = 2;
        o.vcpus = 3;
        o.pes = 4;
        o.accesses = 200_000;
        Path csv = tmp.resolve("gen");
        GenerateJob.run(o, csv, org.virtreplay.ingest.generate.Compression.NONE, false, null);
        Path pq = tmp.resolve("pq");
        TraceConverter.convert(csv, pq, TraceConverter.Form.PARQUET, 20, false);
        assertTrue(Files.exists(pq.resolve("mem.parquet")));
        Outcome f = bothAgree(pq, 4096);
        // the generator writes --accesses rows of mem (some are split in two at a page crossing)
        assertTrue(f.rows().size() >= 200_000, "rows " + f.rows().size());
        assertEquals(List.of(), f.problems());
        // an odd batch size that does not divide pages or row groups
        bothAgree(pq, 777);
    }

    @Test
    void edgeValuesFromTheCsvFixture() throws IOException {
        Path csv = Fixtures.write(tmp.resolve("edge"), Fixtures.edgeTrace());
        Path pq = tmp.resolve("edge-pq");
        TraceConverter.convert(csv, pq, TraceConverter.Form.PARQUET, 20, false);
        Outcome f = bothAgree(pq, 3);
        // mem.csv of the fixture, written out by hand: access r=0, w=1, x=2, rw=3
        assertEquals(List.of("0,0,0,0,0,0,1", "5,0,1,1,1,ffffffffffffffff,8", "5,0,0,1,2,ffff800000001000,4",
                "9223372036854775807,1,0,2,3,7fffffffffffffff,4096"), f.rows());
    }

    /** Writes {@code n} rows of {@code mem.parquet} with parquet-avro; {@code fill} sets row {@code i}. */
    private static void writeAvroMem(Path dir, CompressionCodecName codec, int pageSize, long rowGroupSize,
            int dictionaryPageSize, int n, java.util.function.ObjIntConsumer<GenericRecord> fill) throws IOException {
        Schema avro = org.virtreplay.ingest.convert.AvroSchemas.load(TableKind.MEM);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir.resolve("mem.parquet"))).withSchema(avro).withCompressionCodec(codec)
                .withPageSize(pageSize).withRowGroupSize(rowGroupSize).withDictionaryPageSize(dictionaryPageSize)
                .build()) {
            for (int i = 0; i < n; i++) {
                GenericRecord r = new GenericData.Record(avro);
                fill.accept(r, i);
                w.write(r);
            }
        }
    }

    /** The access symbol r, w, x, rw (k = 0..3) as the record's enum. */
    private static GenericData.EnumSymbol access(GenericRecord r, int k) {
        return new GenericData.EnumSymbol(r.getSchema().getField("access").schema(), new String[] {"r", "w", "x", "rw"}[k]);
    }

    @Test
    void manyRowGroupsAndPagesWithPlainAndDictionaryPages() throws IOException {
        Path dir = trace("many", "vm,name,vcpus,ipa_bits,vmid\n0,a,4,40,\n3,b,2,40,\n");
        // 1 KiB pages and 64 KiB row groups: hundreds of pages; va is incompressible so its
        // dictionary overflows and falls back to PLAIN mid-chunk, while vm/vcpu/el stay dictionary
        int n = 60_000;
        writeAvroMem(dir, CompressionCodecName.SNAPPY, 1024, 64 * 1024L, 2048, n, (r, i) -> {
            r.put("ts", (long) i / 3);
            r.put("vm", i % 5 == 0 ? 3 : 0);
            r.put("vcpu", i % 5 == 0 ? i % 2 : i % 4);
            r.put("el", i % 3);
            r.put("access", access(r, i % 4));
            r.put("va", i % 7 == 0 ? -1L : (long) i * 0x9E3779B97F4A7C15L);
            r.put("size", 1 + i % 4096);
        });
        try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
                new org.apache.parquet.io.LocalInputFile(dir.resolve("mem.parquet")))) {
            assertTrue(r.getRowGroups().size() > 3, "row groups " + r.getRowGroups().size());
        }
        Outcome f = bothAgree(dir, 1000);
        assertEquals(n, f.rows().size());
        assertEquals(List.of(), f.problems());
        // row 7 by hand: ts 7/3 = 2, vm 0, vcpu 7%4 = 3, el 7%3 = 1, access sym[3] = rw (3), va -1, size 8
        assertEquals("2,0,3,1,3,ffffffffffffffff,8", f.rows().get(7));
    }

    @Test
    void zstdPagesAndChunkBuffersAreReusedAcrossPagesAndRowGroups() throws IOException {
        // The decoder reuses one decompressed-page array per column and the row groups' chunk
        // buffers: over many ZSTD pages and row groups it must still give the row path's rows,
        // allocate chunk buffers anew only when a group needs more than any before, and hold none
        // once closed.
        Path dir = trace("zstd", "vm,name,vcpus,ipa_bits,vmid\n0,a,4,40,\n");
        int n = 80_000;
        writeAvroMem(dir, CompressionCodecName.ZSTD, 1024, 32 * 1024L, ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE, n,
                (r, i) -> {
                    r.put("ts", (long) i);
                    r.put("vm", 0);
                    r.put("vcpu", i % 4);
                    r.put("el", i % 2);
                    r.put("access", access(r, i % 4));
                    r.put("va", (long) i * 0x9E3779B97F4A7C15L);
                    r.put("size", 1 + i % 8);
                });
        int groups;
        try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
                new org.apache.parquet.io.LocalInputFile(dir.resolve("mem.parquet")))) {
            groups = r.getRowGroups().size();
            assertTrue(groups > 10, "row groups " + groups);
            assertEquals(CompressionCodecName.ZSTD, r.getRowGroups().get(0).getColumns().get(0).getCodec());
        }
        Outcome f = bothAgree(dir, 999);
        assertEquals(n, f.rows().size());
        // row 5 by hand: ts 5, vm 0, vcpu 1, el 1, access sym[1] = w (1), va 5 * 0x9E3779B97F4A7C15, size 6
        assertEquals("5,0,1,1,1," + Long.toHexString(5L * 0x9E3779B97F4A7C15L) + ",6", f.rows().get(5));
        ParquetMemBatchSource s = (ParquetMemBatchSource) Trace.open(dir).memBatches();
        assertEquals(f, drain(s, 999));
        ChunkBufferPool pool = s.chunkBuffers();
        assertTrue(pool.freshAllocations() <= groups / 2,
                pool.freshAllocations() + " chunk buffers allocated for " + groups + " row groups");
        assertEquals(0, pool.outstanding(), "buffers still lent after close");
    }

    @Test
    void dataPageV2AndOptionalColumnsWithNulls() throws IOException {
        Path dir = trace("v2", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n");
        // a foreign writer: every column nullable (definition levels), data page v2, no dictionary
        Schema s = SchemaBuilder.record("Mem").fields()
                .optionalLong("ts").optionalInt("vm").optionalInt("vcpu").optionalInt("el")
                .optionalString("access").optionalLong("va").optionalLong("size").endRecord();
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir.resolve("mem.parquet"))).withSchema(s)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0).withDictionaryEncoding(false)
                .withPageSize(512).build()) {
            for (int i = 0; i < 5000; i++) {
                GenericRecord r = new GenericData.Record(s);
                r.put("ts", (long) i);
                r.put("vm", 0);
                r.put("vcpu", i % 2);
                r.put("el", i == 1234 ? null : 1);      // a null in a required column
                r.put("access", i == 2000 ? "rwx" : "w"); // a symbol that is not one
                r.put("va", (long) i << 12);
                r.put("size", i == 3000 ? 8192L : 4L);  // out of range 1..4096
                w.write(r);
            }
        }
        Outcome f = bothAgree(dir, 256);
        // 4997 good rows; as on the row path, the fill that reaches the end of a table with problems
        // throws instead of returning its partial batch (4997 - 19 * 256 = 133 rows)
        assertEquals(19 * 256, f.rows().size());
        Path p = dir.resolve("mem.parquet");
        assertEquals(List.of(p + ":row 1235: column 'el': expected integer 0..2, got ''",
                p + ":row 2001: column 'access': expected one of r, w, x, rw, got 'rwx'",
                p + ":row 3001: column 'size': expected integer 1..4096, got '8192'"), f.problems());
    }

    @Test
    void foreignDictionaryPagesWithAnUnknownSymbolAndInt64Columns() throws IOException {
        Path dir = trace("dict", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n");
        // a foreign writer: access as a plain string column and vm/el/size as INT64, all
        // dictionary-encoded (few distinct values), required
        Schema s = SchemaBuilder.record("Mem").fields().requiredLong("ts").requiredLong("vm").requiredInt("vcpu")
                .requiredLong("el").requiredString("access").requiredLong("va").requiredLong("size").endRecord();
        String[] acc = {"r", "w", "x", "rw", "rwx"};
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir.resolve("mem.parquet"))).withSchema(s).withPageSize(2048).build()) {
            for (int i = 0; i < 3000; i++) {
                GenericRecord r = new GenericData.Record(s);
                r.put("ts", (long) i);
                r.put("vm", 0L);
                r.put("vcpu", i % 2);
                r.put("el", (long) (i % 3));
                r.put("access", acc[i == 1500 ? 4 : i % 4]); // one unknown symbol, at row 1501
                r.put("va", (long) (i % 10) << 12);
                r.put("size", 8L);
                w.write(r);
            }
        }
        Outcome f = bothAgree(dir, 128);
        Path p = dir.resolve("mem.parquet");
        assertEquals(List.of(p + ":row 1501: column 'access': expected one of r, w, x, rw, got 'rwx'"), f.problems());
        // 2999 good rows; the fill reaching the end throws, so 23 full batches of 128 come back
        assertEquals(23 * 128, f.rows().size());
        // row 3 (i = 2) by hand: ts 2, vm 0, vcpu 0, el 2, access x (2), va 0x2000, size 8
        assertEquals("2,0,0,2,2,2000,8", f.rows().get(2));
    }

    @Test
    void crossRowRulesGiveTheRowPathsMessages() throws IOException {
        Path dir = trace("bad", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n");
        writeMem(dir, new long[][] {
            {10, 0, 0, 1, 0, 0x1000, 8},
            {5, 0, 0, 1, 0, 0x1000, 8},   // backwards for vcpu 0 (row 2 after row 1)
            {6, 0, 1, 1, 0, 0x1000, 8},   // vcpu 1 has its own clock: fine
            {11, 9, 0, 1, 0, 0x1000, 8},  // vm 9 not declared
            {12, 0, 2, 1, 0, 0x1000, 8},  // vcpu 2 of a 2-vCPU VM
            {13, 0, 0, 3, 1, 0x1000, 8},  // el 3
            {14, 0, 0, 2, 2, 0x1000, 0},  // size 0
        });
        // batches of 2 good rows: the first (rows 1 and 3) is returned before the end throws
        Outcome f = bothAgree(dir, 2);
        assertEquals(List.of("10,0,0,1,0,1000,8", "6,0,1,1,0,1000,8"), f.rows());
        Path p = dir.resolve("mem.parquet");
        assertEquals(5, f.problems().size(), f.problems().toString());
        assertEquals(p + ":row 2: column 'ts': time goes backwards for vm 0 vcpu 0: 5 after 10 at row 1",
                f.problems().get(0));
        assertTrue(f.problems().get(1).startsWith(p + ":row 4: column 'vm': expected a vm declared"), f.problems().get(1));
        assertEquals(p + ":row 5: column 'vcpu': expected a vCPU of vm 0 (0..1), got '2'", f.problems().get(2));
        assertEquals(p + ":row 6: column 'el': expected integer 0..2, got '3'", f.problems().get(3));
        assertEquals(p + ":row 7: column 'size': expected integer 1..4096, got '0'", f.problems().get(4));
    }

    @Test
    void badValuesInTheMiddleOfOtherwiseGoodPages() throws IOException {
        // Bounds are checked per dictionary and per run of rows, not per value: a bad value deep in
        // a page of good ones must still be found at its row and column, and the good rows around it
        // kept (a dropped row moves the rest of its batch down a place).
        Path dir = trace("mid", "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n1,b,2,40,\n2,c,1,40,\n");
        int n = 6000;
        long[][] rows = new long[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new long[] {1000 + i, i % 2, (i / 2) % 2, 1, i % 4, (long) i << 12, 8};
        }
        rows[1500][6] = 5000;      // row 1501: size out of bounds (its dictionary then holds 5000)
        rows[2000][0] = -5;        // row 2001: ts negative (ts is PLAIN: the run's max pass finds it)
        rows[2500][0] = 2400;      // row 2501: time goes back for vm 0 vcpu 0 (row 2497 had 3496)
        rows[3000] = new long[] {4000, 2, 0, 0, 1, 0x5000, 4}; // row 3001: vm 2's first row, good
        rows[3500][1] = 7;         // row 3501: vm 7 is not declared
        rows[4000][2] = 1;         // row 4001: fine (vm 0 has vCPUs 0 and 1) ...
        rows[4000][1] = 2;         // ... but as vm 2's, which has one vCPU, not
        rows[4500][3] = 3;         // row 4501: el 3
        writeMem(dir, rows);
        Path p = dir.resolve("mem.parquet");
        List<String> want = List.of(
                p + ":row 1501: column 'size': expected integer 1..4096, got '5000'",
                p + ":row 2001: column 'ts': expected integer nanoseconds 0..9223372036854775807, got '-5'",
                p + ":row 2501: column 'ts': time goes backwards for vm 0 vcpu 0: 2400 after 3496 at row 2497",
                p + ":row 3501: column 'vm': expected a vm declared in the vms table (0, 1, 2), got '7'",
                p + ":row 4001: column 'vcpu': expected a vCPU of vm 2 (0..0), got '1'",
                p + ":row 4501: column 'el': expected integer 0..2, got '3'");
        for (int batch : new int[] {16384, 4096, 1000, 333}) {
            Outcome f = bothAgree(dir, batch);
            assertEquals(want, f.problems(), "batch " + batch);
            if (batch == 16384) {
                // one batch takes every row, and the fill that reaches the end throws: none come back
                assertEquals(List.of(), f.rows());
            }
        }
        // the good rows by hand, read with batches smaller than the file so that they come back
        Outcome f = drain(Trace.open(dir).memBatches(), 1000);
        List<String> rowsWant = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i != 1500 && i != 2000 && i != 2500 && i != 3500 && i != 4000 && i != 4500) {
                long[] r = rows[i];
                rowsWant.add(r[0] + "," + r[1] + "," + r[2] + "," + r[3] + "," + r[4] + "," + Long.toHexString(r[5])
                        + "," + r[6]);
            }
        }
        // 5994 good rows; the fill that reaches the end (rows 5001.. give the 6th batch) throws
        assertEquals(rowsWant.subList(0, 5 * 1000), f.rows());
    }

    @Test
    void errorLimitStopsBothPathsAtTheSameProblem() throws IOException {
        Path dir = trace("limit", "vm,name,vcpus,ipa_bits,vmid\n0,a,1,40,\n");
        long[][] rows = new long[100][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new long[] {i, 0, 0, 1, 0, 0x1000, i % 2 == 0 ? 8 : 5000};
        }
        writeMem(dir, rows);
        Outcome f = bothAgree(dir, 16);
        // 20 problems (rows 2, 4, ... 40), then the line saying it stopped
        assertEquals(Trace.DEFAULT_MAX_ERRORS + 1, f.problems().size());
        assertTrue(f.problems().get(Trace.DEFAULT_MAX_ERRORS - 1).contains(":row 40: column 'size'"));
        assertTrue(f.problems().get(Trace.DEFAULT_MAX_ERRORS).startsWith("stopped after"));
    }

    @Test
    void otherSchemasAndUnreadableFilesGoToTheRowPath() throws IOException {
        Path dir = trace("junk", "vm,name,vcpus,ipa_bits,vmid\n0,a,1,40,\n");
        Files.write(dir.resolve("mem.parquet"), "not parquet".getBytes(StandardCharsets.UTF_8));
        Problems p = new Problems(20);
        assertNull(ParquetMemBatchSource.open(dir.resolve("mem.parquet"), p, false, s -> null));
        assertFalse(p.any());
        MemBatchSource s = Trace.open(dir).memBatches();
        assertFalse(s instanceof ParquetMemBatchSource);
        Outcome o = drain(s, 8);
        assertEquals(1, o.problems().size());
        // 11 bytes: shorter than the two magics and the footer length
        assertEquals(dir.resolve("mem.parquet") + ": not a Parquet file (only 11 bytes)", o.problems().get(0));

        // an extra column: the row path reports it
        Path dir2 = trace("extra", "vm,name,vcpus,ipa_bits,vmid\n0,a,1,40,\n");
        Schema s2 = SchemaBuilder.record("Mem").fields().requiredLong("ts").requiredInt("vm").requiredInt("vcpu")
                .requiredInt("el").requiredString("access").requiredLong("va").requiredInt("size")
                .requiredInt("extra").endRecord();
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir2.resolve("mem.parquet"))).withSchema(s2).build()) {
            GenericRecord r = new GenericData.Record(s2);
            r.put("ts", 1L);
            r.put("vm", 0);
            r.put("vcpu", 0);
            r.put("el", 0);
            r.put("access", "r");
            r.put("va", 0L);
            r.put("size", 1);
            r.put("extra", 1);
            w.write(r);
        }
        MemBatchSource s3 = Trace.open(dir2).memBatches();
        assertFalse(s3 instanceof ParquetMemBatchSource);
        assertTrue(drain(s3, 8).problems().get(0).contains("unknown column 'extra'"));
    }

    @Test
    void damagedPagesEndInOneCorruptDataReport() throws IOException {
        Path dir = trace("corrupt", "vm,name,vcpus,ipa_bits,vmid\n0,a,1,40,\n");
        long[][] rows = new long[100_000][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new long[] {i, 0, 0, 0, i % 4, (long) i * 0x9E3779B97F4A7C15L, 8};
        }
        writeMem(dir, rows);
        Path mem = dir.resolve("mem.parquet");
        byte[] b = Files.readAllBytes(mem);
        for (int i = b.length / 3; i < b.length / 3 + 4096; i++) {
            b[i] = (byte) 0xa5;
        }
        Files.write(mem, b);
        MemBatchSource s = Trace.open(dir).memBatches();
        assertInstanceOf(ParquetMemBatchSource.class, s);
        Outcome f = drain(s, 4096);
        assertEquals(1, f.problems().size(), f.problems().toString());
        assertTrue(f.problems().get(0).matches(java.util.regex.Pattern.quote(mem.toString())
                + ":row [0-9]+: corrupt Parquet data \\(.*\\)"), f.problems().get(0));
        Outcome slow = drain(MemBatchSource.of(Trace.open(dir).mem()), 4096);
        assertEquals(1, slow.problems().size());
        assertNotNull(slow.problems().get(0));
        // every row delivered before the damage is a row of the file, in order
        for (int i = 0; i < f.rows().size(); i++) {
            assertTrue(f.rows().get(i).startsWith(i + ",0,0,0,"), f.rows().get(i));
        }
    }
}
