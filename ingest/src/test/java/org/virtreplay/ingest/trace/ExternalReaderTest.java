package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.convert.TraceConverter;

/**
 * Our Parquet files read by a reader that is not ours: parquet-hadoop's example
 * {@link GroupReadSupport} (parquet-cli 1.17.0 does not resolve from the registry here). Values
 * are compared with the hand-written {@link Fixtures#edgeTrace()}.
 */
class ExternalReaderTest {
    @TempDir
    Path tmp;
    Path pq;

    @BeforeEach
    void ingest() throws IOException {
        Path csv = Fixtures.write(tmp.resolve("csv"), Fixtures.edgeTrace());
        pq = tmp.resolve("pq");
        TraceConverter.convert(csv, pq, TraceConverter.Form.PARQUET, 20, false);
    }

    private List<Group> read(TableKind k) throws IOException {
        List<Group> rows = new ArrayList<>();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(pq.resolve(k.tableName() + ".parquet").toUri());
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), p).build()) {
            for (Group g; (g = r.read()) != null; ) {
                rows.add(g);
            }
        }
        return rows;
    }

    private static Long longOrNull(Group g, String f) {
        return g.getFieldRepetitionCount(f) == 0 ? null : g.getLong(f, 0);
    }

    @Test
    void footerSchemaIsFlatWithOurColumnNames() throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(pq.resolve("mem.parquet")))) {
            MessageType s = r.getFooter().getFileMetaData().getSchema();
            assertEquals(List.of("ts", "vm", "vcpu", "el", "access", "va", "size"),
                    s.getFields().stream().map(f -> f.getName()).toList());
            assertEquals("ZSTD", r.getFooter().getBlocks().get(0).getColumns().get(0).getCodec().name());
            assertEquals(4, r.getRecordCount());
        }
    }

    @Test
    void memValues() throws IOException {
        List<Group> g = read(TableKind.MEM);
        assertEquals(4, g.size());
        // row 2: 5,0,1,1,w,0xffffffffffffffff,8 -> va is -1 as int64
        assertEquals(5L, g.get(1).getLong("ts", 0));
        assertEquals(1, g.get(1).getInteger("vcpu", 0));
        assertEquals("w", g.get(1).getString("access", 0));
        assertEquals(-1L, g.get(1).getLong("va", 0));
        assertEquals(8, g.get(1).getInteger("size", 0));
        // row 4: ts 2^63-1, va 0x7fffffffffffffff, rw, 4096
        assertEquals(Long.MAX_VALUE, g.get(3).getLong("ts", 0));
        assertEquals(Long.MAX_VALUE, g.get(3).getLong("va", 0));
        assertEquals("rw", g.get(3).getString("access", 0));
        assertEquals(4096, g.get(3).getInteger("size", 0));
        // row 3: 0xffff800000001000 = -(2^47) + 0x1000 as int64
        assertEquals(0xffff800000001000L, g.get(2).getLong("va", 0));
    }

    @Test
    void everyOtherTable() throws IOException {
        List<Group> vms = read(TableKind.VMS);
        assertEquals("web, \"front\"", vms.get(0).getString("name", 0));
        assertEquals(0, vms.get(0).getFieldRepetitionCount("vmid"));
        assertEquals(7, vms.get(1).getInteger("vmid", 0));

        List<Group> slots = read(TableKind.MEMSLOTS);
        assertEquals(1L << 30, slots.get(0).getLong("size", 0));
        assertEquals("mmio", slots.get(1).getString("kind", 0));
        assertNull(longOrNull(slots.get(1), "pa"));
        assertEquals(0x8000000000L, slots.get(2).getLong("pa", 0));

        List<Group> sys = read(TableKind.SYSREG);
        assertEquals("TTBR0_EL1", sys.get(0).getString("reg", 0));
        assertEquals(0x1000040000000L, sys.get(0).getLong("value", 0));
        assertEquals(-1, sys.get(1).getInteger("vcpu", 0));
        assertEquals(-1L, sys.get(1).getLong("value", 0));

        List<Group> pte = read(TableKind.PTE);
        assertEquals(0, pte.get(0).getFieldRepetitionCount("vm"));
        assertEquals(Long.MAX_VALUE, pte.get(1).getLong("value", 0));

        List<Group> map = read(TableKind.MAP);
        assertEquals("rwu", map.get(0).getString("perm", 0));
        assertEquals("normal_wb", map.get(0).getString("memtype", 0));
        assertEquals("unmap", map.get(2).getString("op", 0));
        assertNull(longOrNull(map.get(2), "oa"));

        List<Group> tlbi = read(TableKind.TLBI);
        assertEquals("RIPAS2E1IS", tlbi.get(1).getString("op", 0));
        assertEquals(32, tlbi.get(1).getInteger("pages", 0));
        assertEquals("DSB_ISH", tlbi.get(2).getString("op", 0));

        List<Group> irq = read(TableKind.IRQ);
        assertEquals(8192, irq.get(3).getInteger("intid", 0));
        assertEquals(12L, irq.get(0).getLong("ack_ts", 0));
        assertEquals(0, irq.get(1).getFieldRepetitionCount("ack_ts"));
        assertEquals("ipi", irq.get(1).getString("source", 0));

        assertEquals("block", read(TableKind.SCHED).get(2).getString("event", 0));
        assertEquals("unmask", read(TableKind.DAIF).get(1).getString("event", 0));
    }
}
