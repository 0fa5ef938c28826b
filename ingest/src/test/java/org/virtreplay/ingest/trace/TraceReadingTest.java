package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.pe.SysRegName;
import org.virtreplay.engine.tlb.TlbiOp;
import org.virtreplay.ingest.convert.TraceConverter;

/** The reading API on both forms and every compression, with values checked by hand. */
class TraceReadingTest {
    @TempDir
    Path tmp;

    private static void checkMem(Trace t) {
        try (MemCursor m = t.mem()) {
            // 0,0,0,0,r,0x0,1
            assertTrue(m.next());
            assertEquals(0, m.ts());
            assertEquals(MemCursor.READ, m.access());
            assertEquals(1, m.size());
            // 5,0,1,1,w,0xffffffffffffffff,8
            assertTrue(m.next());
            assertEquals(5, m.ts());
            assertEquals(0, m.vm());
            assertEquals(1, m.vcpu());
            assertEquals(1, m.el());
            assertEquals(MemCursor.WRITE, m.access());
            assertEquals(-1L, m.va());
            // 5,0,0,1,x,0xffff800000001000,4
            assertTrue(m.next());
            assertEquals(MemCursor.FETCH, m.access());
            assertEquals(0xffff800000001000L, m.va());
            // 9223372036854775807,1,0,2,rw,0x7fffffffffffffff,4096
            assertTrue(m.next());
            assertEquals(Long.MAX_VALUE, m.ts());
            assertEquals(1, m.vm());
            assertEquals(2, m.el());
            assertEquals(MemCursor.READ_WRITE, m.access());
            assertEquals(Long.MAX_VALUE, m.va());
            assertEquals(4096, m.size());
            assertFalse(m.next());
        }
    }

    @Test
    void memCursorOnCsvAndParquet() throws IOException {
        Path csv = Fixtures.write(tmp.resolve("csv"), Fixtures.edgeTrace());
        checkMem(Trace.open(csv));
        Path pq = tmp.resolve("pq");
        TraceConverter.convert(csv, pq, TraceConverter.Form.PARQUET, 20, false);
        checkMem(Trace.open(pq));
    }

    @Test
    void everyCompression() throws IOException {
        byte[] plain = Fixtures.edgeTrace().get("mem.csv").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(plain);
        }
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (OutputStream o = new XZOutputStream(xz, new LZMA2Options())) {
            o.write(plain);
        }
        Map<String, byte[]> forms = Map.of("mem.csv.gz", gz.toByteArray(), "mem.csv.xz", xz.toByteArray(),
                "mem.csv.zst", Zstd.compress(plain));
        for (Map.Entry<String, byte[]> e : forms.entrySet()) {
            Map<String, String> files = Fixtures.edgeTrace();
            files.remove("mem.csv");
            Path dir = Fixtures.write(tmp.resolve(e.getKey()), files);
            Files.write(dir.resolve(e.getKey()), e.getValue());
            checkMem(Trace.open(dir));
        }
    }

    @Test
    void recordsOfSmallTables() throws IOException {
        Trace t = Trace.open(Fixtures.write(tmp.resolve("csv"), Fixtures.edgeTrace()));
        assertEquals(4, t.manifest().peCount());
        // pe.1.mpidr given as 0x100; PE 2 defaults to Aff0 = 2
        assertEquals(0x100, t.manifest().mpidr()[1]);
        assertEquals(2, t.manifest().mpidr()[2]);
        assertEquals(List.of(new VmRecord(0, "web, \"front\"", 2, 40, -1), new VmRecord(1, "db", 1, 48, 7)), t.vms());
        assertEquals(new MemslotRecord(1, 0, 0x80000000L, 1L << 30, MemslotRecord.Kind.DEVICE, 0x8000000000L, 4096),
                t.memslots().get(2));
        try (RecordReader<SysregRecord> r = t.sysregs()) {
            assertEquals(new SysregRecord(1, 0, 0, 0, 1, SysRegName.TTBR0_EL1, 0x1000040000000L), r.next());
            assertEquals(new SysregRecord(2, -1, 0, -1, 2, SysRegName.VTTBR_EL2, -1L), r.next());
            assertNull(r.next());
        }
        try (RecordReader<TlbiRecord> r = t.tlbis()) {
            assertEquals(new TlbiRecord(1, 0, 0, 0, TlbiOp.VAE1IS, 5, 0x400000L, 3, 0), r.next());
            assertEquals(new TlbiRecord(2, 1, 0, -1, TlbiOp.RIPAS2E1IS, -1, 0L, -1, 32), r.next());
            assertEquals(new TlbiRecord(3, 1, 0, -1, TlbiOp.DSB_ISH, -1, null, -1, 0), r.next());
        }
        try (RecordReader<IrqRecord> r = t.irqs()) {
            IrqRecord timer = r.next();
            assertEquals(new IrqRecord(10, 27, 0, 0, IrqRecord.Source.TIMER, -1, true, false, -1, 12, 20), timer);
            assertEquals(IrqRecord.IntClass.PPI, timer.intClass());
            assertEquals(IrqRecord.IntClass.SGI, r.next().intClass());
            assertEquals(IrqRecord.IntClass.SPI, r.next().intClass());
            assertEquals(IrqRecord.IntClass.LPI, r.next().intClass());
        }
        try (RecordReader<MapRecord> r = t.maps()) {
            assertEquals(new MapRecord(1, 0, 1, 0x40000000L, 5, 0x400000, 0x200000L, 2097152, "rwu", "normal_wb", 1,
                    false), r.next());
            r.next();
            assertEquals(new MapRecord(3, 0, 1, 0x40000000L, -1, 0x1000, null, 4096, null, null, 0, true), r.next());
        }
        try (RecordReader<SchedRecord> r = t.scheds()) {
            assertEquals(new SchedRecord(0, 0, 0, 0, SchedRecord.Event.RUN), r.next());
        }
        try (RecordReader<DaifRecord> r = t.daifs()) {
            assertEquals(new DaifRecord(3, 0, 0, true), r.next());
            assertEquals(new DaifRecord(4, 0, 0, false), r.next());
        }
        try (RecordReader<PteRecord> r = t.ptes()) {
            assertEquals(new PteRecord(3, -1, 0x40001000L, 0), r.next());
        }
    }

    @Test
    void cursorThrowsAllProblemsAtTheEndOfItsTable() throws IOException {
        Map<String, String> files = Fixtures.edgeTrace();
        files.put("daif.csv", "ts,vm,vcpu,event\n3,0,0,mask\n4,0,0,hold\n5,0,0,unmask\n2,0,0,mask\n");
        Trace t = Trace.open(Fixtures.write(tmp.resolve("csv"), files));
        String f = tmp.resolve("csv").resolve("daif.csv").toString();
        try (RecordReader<DaifRecord> r = t.daifs()) {
            assertEquals(3, r.next().ts());
            assertEquals(5, r.next().ts()); // the bad row 3 is skipped
            BadInputException e = assertThrows(BadInputException.class, r::next);
            assertEquals(List.of(f + ":3: column 'event': expected one of mask, unmask, got 'hold'",
                    f + ":5: column 'ts': time goes backwards for vm 0 vcpu 0: 2 after 5 at line 4"), e.problems());
        }
    }

    @Test
    void semanticRules() throws IOException {
        Map<String, String> files = Fixtures.edgeTrace();
        files.put("tlbi.csv", "ts,pe,vm,vcpu,op,asid,addr,ttl,pages\n1,4,0,0,VAE1IS,5,,,\n2,0,0,0,RVAE1IS,5,0x0,,\n"
                + "3,0,0,0,VMALLE1IS,,,,4\n");
        files.put("irq.csv", "ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts\n"
                + "1,27,0,-1,timer,-1,level,assert,,,\n2,40,0,0,ipi,0,edge,assert,,,\n3,5,0,0,ipi,-1,edge,assert,,,\n"
                + "4,40,0,0,device,1,level,assert,,3,\n");
        files.put("map.csv", "ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op\n"
                + "1,0,1,,1,0x1000,0x1000,4096,rw,normal_wb,1,map\n2,0,2,,1,0x1000,0x1000,4096,rwu,normal_wb,,map\n"
                + "3,0,2,,,0x1000,0x3000,12288,rw,normal_wb,,map\n4,0,2,,,0x0,,4096,,,,map\n"
                + "5,0,2,,,0x1000,0x3000,8192,rw,normal_wb,,map\n");
        files.put("pte.csv", "ts,vm,pa,value\n1,,0x1004,0x0\n");
        files.put("memslots.csv", "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x1001,4096,ram,,\n"
                + "0,1,0x10000,4096,device,,\n0,2,0x20000,4096,mmio,0x0,4096\n1,0,0xfffffffff000,0x2000,ram,,\n");
        Path dir = Fixtures.write(tmp.resolve("csv"), files);
        BadInputException e = assertThrows(BadInputException.class, () -> TraceConverter.convert(dir,
                tmp.resolve("out"), TraceConverter.Form.PARQUET, 100, false));
        String ms = dir.resolve("memslots.csv").toString();
        // the memslots table is checked first; with it broken, the other tables are not read
        assertEquals(List.of(
                ms + ":2: column 'ipa': expected a 4 KiB-aligned address, got '0x1001'",
                ms + ":3: column 'pa': expected the host PA of the pass-through device, got ''",
                ms + ":4: column 'pa': expected empty for an mmio memslot (it is not mapped), got '0x0'",
                ms + ":4: column 's2_page_size': expected empty for an mmio memslot (it is not mapped), got '4096'",
                // vm 1 has a 48-bit IPA space: 0xfffffffff000 + 0x2000 passes 2^48 = 0x1000000000000
                ms + ":5: column 'size': expected the memslot to end within the 48-bit IPA space of vm 1 "
                        + "(0x1000000000000), got '0x2000'"), e.problems());

        files.put("memslots.csv", Fixtures.edgeTrace().get("memslots.csv"));
        Path dir2 = Fixtures.write(tmp.resolve("csv2"), files);
        e = assertThrows(BadInputException.class, () -> TraceConverter.convert(dir2, tmp.resolve("out"),
                TraceConverter.Form.PARQUET, 100, false));
        String tl = dir2.resolve("tlbi.csv").toString();
        String ir = dir2.resolve("irq.csv").toString();
        String mp = dir2.resolve("map.csv").toString();
        String pt = dir2.resolve("pte.csv").toString();
        assertEquals(List.of(
                pt + ":2: column 'pa': expected an 8-byte-aligned address, got '0x1004'",
                mp + ":2: column 'root': expected the IPA of the stage-1 table root, got ''",
                mp + ":3: column 'asid': expected empty for a stage-2 mapping, got '1'",
                mp + ":3: column 'perm': expected letters from r, w, x (each at most once), got 'rwu'",
                mp + ":4: column 'size': expected a power of two (a page or block size), got '12288'",
                mp + ":5: column 'oa': expected the output address of the mapping, got ''",
                mp + ":5: column 'memtype': expected one of normal_wb, normal_nc, normal_wt, device_ngnrne, "
                        + "device_ngnre, device_gre, got ''",
                mp + ":5: column 'perm': expected letters from r, w, x (each at most once), got ''",
                // 0x1000 and 0x3000 are 4 KiB- but not 8 KiB-aligned
                mp + ":6: column 'ia': expected an address aligned to the size 8192, got '0x1000'",
                mp + ":6: column 'oa': expected an address aligned to the size 8192, got '0x3000'",
                // manifest pe_count is 4
                tl + ":2: column 'pe': expected a PE 0..3 (manifest pe_count 4) or -1, got '4'",
                tl + ":2: column 'addr': expected the address operand of TLBI VAE1IS, got ''",
                tl + ":3: column 'pages': expected the page count of range TLBI RVAE1IS, got ''",
                tl + ":4: column 'pages': expected empty (VMALLE1IS is not a range operation), got '4'",
                ir + ":2: column 'vcpu': expected a target vCPU of vm 0 (0..1): only SPIs and LPIs may be routed "
                        + "with -1, got '-1'",
                ir + ":3: column 'intid': expected an SGI (0..15) for source ipi, got '40'",
                ir + ":4: column 'source_vcpu': expected the sending vCPU of vm 0 (0..1), got '-1'",
                ir + ":5: column 'source_vcpu': expected -1 (only ipi has a source vCPU), got '1'",
                ir + ":5: column 'ack_ts': expected a time at or after ts 4, got '3'"), e.problems());
    }
}
