package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.concat;
import static org.virtreplay.cli.IngestTestSupport.gzip;
import static org.virtreplay.cli.IngestTestSupport.names;
import static org.virtreplay.cli.IngestTestSupport.run;
import static org.virtreplay.cli.IngestTestSupport.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that used to be accepted without a word or reported in the wrong place (issue 14 item 6),
 * through {@code virtreplay ingest}: the exact lines on stderr, exit code 2, nothing at --out. The
 * rules are those of docs/trace-format.md; the base trace declares vm 0 (2 vCPUs, 40-bit IPAs, one
 * 1 GiB RAM memslot at IPA 0) and vm 1 (1 vCPU, 40-bit IPAs, no memslot). The header is line 1.
 */
class IngestStrictnessTest {
    @TempDir
    Path tmp;
    Path in;
    Path out;

    private static final String MEM_HEADER = "ts,vm,vcpu,el,access,va,size\n";
    private static final String MAP_HEADER = "ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op\n";
    private static final String MANIFEST = "key,value\nformat_version,1\ntime_unit,ns\nclock,synthetic\npe_count,2\n";
    private static final String LONE_CR = "carriage return (\\r) without a line feed: lines must end with \\n or \\r\\n";

    @BeforeEach
    void setUp() throws IOException {
        in = baseTrace(tmp.resolve("in"));
        out = tmp.resolve("out");
    }

    private void expectBad(String... lines) throws IOException {
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(List.of(lines), r.errLines());
        assertEquals(2, r.exit());
        assertFalse(Files.exists(out));
        assertEquals(List.of("in"), names(tmp), "no temporary directory may be left beside --out");
    }

    private void expectGood() throws IOException {
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
    }

    private String f(String name) {
        return in.resolve(name).toString();
    }

    // ------------------------------------------------------------------ gzip

    @Test
    void gzipWithTrailingGarbage() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        byte[] gz = gzip(MEM_HEADER + "1,0,0,0,r,0x10,8\n2,0,0,0,r,0x20,8\n");
        // the 3 lines decode; then come 8 bytes that are not a gzip member, at offset gz.length
        Files.write(in.resolve("mem.csv.gz"), concat(gz, "garbage!".getBytes(StandardCharsets.US_ASCII)));
        expectBad(f("mem.csv.gz") + ":4: corrupt gzip data (data after the last gzip member, at byte "
                + gz.length + ", is not another member)");
    }

    @Test
    void gzipWithOneStrayByte() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        byte[] gz = gzip(MEM_HEADER + "1,0,0,0,r,0x10,8\n");
        Files.write(in.resolve("mem.csv.gz"), concat(gz, new byte[] {0x1f}));
        expectBad(f("mem.csv.gz") + ":3: corrupt gzip data (data after the last gzip member, at byte "
                + gz.length + ", is not another member)");
    }

    @Test
    void concatenatedGzipMembersAreOneFile() throws IOException {
        // `cat a.gz b.gz` is a valid gzip file (RFC 1952 2.2): its text is the two texts joined
        Files.delete(in.resolve("mem.csv"));
        Files.write(in.resolve("mem.csv.gz"), concat(gzip(MEM_HEADER + "1,0,0,0,r,0x10,8\n"),
                gzip("2,0,1,1,w,0x20,4\n3,1,0,0,x,0x30,4\n")));
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("ingested " + in + " -> " + out + " (parquet): vms 2, memslots 1, mem 3", r.out().strip());
    }

    @Test
    void lackeyGzipWithTrailingGarbage() throws IOException {
        // the tlb command's lackey reader opens gzip the same strict way
        byte[] gz = gzip("I  00400000,4\n L 00601000,8\n S 00601008,8\n");
        Path lackey = tmp.resolve("t.lackey.gz");
        Files.write(lackey, gz);
        assertEquals(0, run("tlb", lackey.toString()).exit());
        Files.write(lackey, concat(gz, "junk".getBytes(StandardCharsets.US_ASCII)));
        IngestTestSupport.Result r = run("tlb", lackey.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(List.of(lackey + ": corrupt gzip data (data after the last gzip member, at byte " + gz.length
                + ", is not another member)"), r.errLines());
    }

    // ------------------------------------------------------------------ line ends

    @Test
    void crOnlyLineEndsInIrq() throws IOException {
        // accepted before (Commons CSV takes a lone CR as a line end)
        write(in.resolve("irq.csv"), "ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts\r"
                + "1,40,0,0,device,-1,level,assert,,,\r2,40,0,0,device,-1,level,deassert,,,\r");
        expectBad(f("irq.csv") + ":1: " + LONE_CR);
    }

    @Test
    void crOnlyLineEndsInMem() throws IOException {
        // misreported before as a header with unknown columns ('size1', '0', ...)
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\r1,0,0,0,r,0x1000,8\r2,0,1,1,w,0x2000,4\r");
        expectBad(f("mem.csv") + ":1: " + LONE_CR);
    }

    @Test
    void loneCrAfterGoodLinesHasItsLine() throws IOException {
        // lines 1-2 end with \n, line 3 with \r\n (fine), line 4 holds a lone CR
        write(in.resolve("mem.csv"), MEM_HEADER + "1,0,0,0,r,0x1000,8\n2,0,1,1,w,0x2000,4\r\n3,0,0,0,r,0x10\r,8\n");
        expectBad(f("mem.csv") + ":4: " + LONE_CR);
    }

    @Test
    void crOnlyLineEndsInTheManifest() throws IOException {
        write(in.resolve("manifest.csv"), MANIFEST.replace('\n', '\r'));
        expectBad(f("manifest.csv") + ":1: " + LONE_CR);
    }

    @Test
    void loneCrInsideAQuotedField() throws IOException {
        // (in vm 1's row: the problem ends the file, and vm 0 must be declared for memslots)
        write(in.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n1,\"b\rc\",1,40,\n");
        expectBad(f("vms.csv") + ":3: " + LONE_CR);
    }

    @Test
    void crLfInsideAQuotedFieldIsALineBreak() throws IOException {
        write(in.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\r\n0,\"a\r\nb\",2,40,\r\n1,b,1,40,\r\n");
        expectGood();
    }

    // ------------------------------------------------------------------ map addresses

    @Test
    void stage2MapBeyondTheIpaSpace() throws IOException {
        // vm 0 has 40-bit IPAs: [0, 0x10000000000). Line 2 ends exactly there (fine); line 3 starts
        // there; line 4 (an unmap) starts beyond; line 5 is a 4 TiB block at 0 that ends beyond.
        write(in.resolve("map.csv"), MAP_HEADER
                + "1,0,2,,,0xffffe00000,0x80000000,2097152,rw,normal_wb,,map\n"
                + "2,0,2,,,0x10000000000,0x80000000,4096,rw,normal_wb,,map\n"
                + "3,0,2,,,0x20000000000,,4096,,,,unmap\n"
                + "4,0,2,,,0x0,0x0,4398046511104,rw,normal_wb,,map\n");
        String exp = "column 'ia': expected a mapping that ends within the 40-bit IPA space of vm 0 (0x10000000000), got ";
        expectBad(f("map.csv") + ":3: " + exp + "'0x10000000000'", f("map.csv") + ":4: " + exp + "'0x20000000000'",
                f("map.csv") + ":5: " + exp + "'0x0'");
    }

    @Test
    void stage1OutputAndRootBeyondTheIpaSpace() throws IOException {
        // stage 1: oa and root are IPAs; ia is a VA (any 64-bit value)
        write(in.resolve("map.csv"), MAP_HEADER
                + "1,0,1,0x3fc00000,1,0xffff000000000000,0xfffffff000,4096,rw,normal_wb,1,map\n"
                + "2,0,1,0x3fc00000,1,0x400000,0x10000000000,4096,rw,normal_wb,1,map\n"
                + "3,0,1,0x10000000000,1,0x400000,0x200000,4096,rw,normal_wb,1,map\n");
        String space = "the 40-bit IPA space of vm 0 (0x10000000000)";
        expectBad(f("map.csv") + ":3: column 'oa': expected a mapping that ends within " + space
                        + ", got '0x10000000000'",
                f("map.csv") + ":4: column 'root': expected an IPA within " + space + ", got '0x10000000000'");
    }

    // ------------------------------------------------------------------ memslots, VMIDs

    @Test
    void memslotHostRangeWrapsPast2To64() throws IOException {
        write(in.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,0x40000000,ram,,4096\n"
                + "0,1,0x40000000,0x2000,device,0xffffffffffffe000,\n"
                + "0,2,0x40002000,0x2000,device,0xfffffffffffff000,\n");
        // slot 1 ends exactly at 2^64; slot 2 would end at 2^64 + 0x1000
        expectBad(f("memslots.csv") + ":4: column 'pa': expected a host PA range [pa, pa + size) that ends at or below "
                + "2^64, got '0xfffffffffffff000'");
    }

    @Test
    void twoVmsWithOneVmid() throws IOException {
        write(in.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,5\n1,b,1,40,5\n");
        expectBad(f("vms.csv") + ":3: column 'vmid': VMID 5 is already vm 0's (at " + f("vms.csv")
                + ":2); each VM needs its own VMID");
    }

    @Test
    void distinctVmidsAndEmptyOnesAreFine() throws IOException {
        write(in.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,5\n1,b,1,40,6\n2,c,1,40,\n3,d,1,40,\n");
        expectGood();
    }

    // ------------------------------------------------------------------ table pools

    @Test
    void hostPoolThatWrapsPast2To64() throws IOException {
        write(in.resolve("manifest.csv"), MANIFEST + "host.s2_table_pool,\"0xfffffffffffff000,0x100000\"\n");
        expectBad(f("manifest.csv") + ":6: key 'host.s2_table_pool': expected 0xPA,SIZE with SIZE >= 4096 and PA + "
                + "SIZE <= 2^48 (the host's 48-bit PA space), got '0xfffffffffffff000,0x100000'");
    }

    @Test
    void hostPoolBeyond48BitsOrEmpty() throws IOException {
        write(in.resolve("manifest.csv"), MANIFEST + "host.s2_table_pool,\"0xfffffff00000,0x100001\"\n"
                + "name,x\nvm.0.s1_table_pool,\"0x3ff00000,0\"\n");
        // 0xfffffff00000 + 0x100001 = 2^48 + 1; a pool of 0 bytes has no room for a table
        expectBad(f("manifest.csv") + ":6: key 'host.s2_table_pool': expected 0xPA,SIZE with SIZE >= 4096 and PA + "
                        + "SIZE <= 2^48 (the host's 48-bit PA space), got '0xfffffff00000,0x100001'",
                f("manifest.csv") + ":8: key 'vm.0.s1_table_pool': expected 0xIPA,SIZE with SIZE >= 4096 and IPA + "
                        + "SIZE <= 2^64, got '0x3ff00000,0'");
    }

    @Test
    void poolsThatEndExactlyAtTheirLimitsAreFine() throws IOException {
        // the host pool ends at 2^48; vm 0's pool ends where its RAM memslot ends (1 GiB)
        write(in.resolve("manifest.csv"), MANIFEST + "host.s2_table_pool,\"0xfffffff00000,0x100000\"\n"
                + "vm.0.s1_table_pool,\"0x3ff00000,1048576\"\n");
        expectGood();
    }

    @Test
    void stage1PoolThatWrapsPast2To64() throws IOException {
        write(in.resolve("manifest.csv"), MANIFEST + "vm.0.s1_table_pool,\"0xfffffffffffff000,0x2000\"\n");
        expectBad(f("manifest.csv") + ":6: key 'vm.0.s1_table_pool': expected 0xIPA,SIZE with SIZE >= 4096 and IPA + "
                + "SIZE <= 2^64, got '0xfffffffffffff000,0x2000'");
    }

    @Test
    void stage1PoolOfAnUndeclaredVm() throws IOException {
        // ignored before: the replay only looked up the pools of declared VMs
        write(in.resolve("manifest.csv"), MANIFEST + "vm.7.s1_table_pool,\"0x3ff00000,0x1000\"\n");
        expectBad(f("manifest.csv") + ":6: key 'vm.7.s1_table_pool': expected the pool of a vm declared in the vms "
                + "table (0, 1), got vm 7");
    }

    @Test
    void stage1PoolOutsideTheVmsRam() throws IOException {
        // vm 0's RAM is [0, 0x40000000): line 6 crosses its end; vm 1 has no RAM at all (line 7);
        // line 8 is beyond vm 0's 40-bit IPA space
        write(in.resolve("manifest.csv"), MANIFEST + "vm.0.s1_table_pool,\"0x3ffff000,0x2000\"\n"
                + "vm.1.s1_table_pool,\"0x1000,0x1000\"\n");
        expectBad(f("manifest.csv") + ":6: key 'vm.0.s1_table_pool': expected an IPA range inside the ram memslots of "
                        + "vm 0, got '0x3ffff000,0x2000'",
                f("manifest.csv") + ":7: key 'vm.1.s1_table_pool': expected an IPA range inside the ram memslots of "
                        + "vm 1, got '0x1000,0x1000'");
        write(in.resolve("manifest.csv"), MANIFEST + "vm.0.s1_table_pool,\"0x10000000000,0x1000\"\n");
        expectBad(f("manifest.csv") + ":6: key 'vm.0.s1_table_pool': expected an IPA range inside the ram memslots of "
                + "vm 0, got '0x10000000000,0x1000'");
    }

    // ------------------------------------------------------------------ file forms

    @Test
    void unknownCompressionBesideTheTable() throws IOException {
        // mem.csv.bz2 beside mem.csv was ignored
        Files.copy(in.resolve("mem.csv"), in.resolve("mem.csv.bz2"));
        expectBad(f("mem.csv.bz2") + ": unknown compression '.bz2' (a table file is KIND.csv, KIND.csv.gz, "
                + "KIND.csv.xz, KIND.csv.zst or KIND.parquet)");
    }

    @Test
    void parquetWithZeroedLeadingMagic() throws IOException {
        // parquet-mr reads the footer from the end and never looks at the first 4 bytes
        Path pq = tmp.resolve("pq");
        assertEquals(0, run("ingest", in.toString(), "--out", pq.toString()).exit());
        in = pq;
        String bad = ": not a Parquet file (no PAR1 magic at its start; its first bytes are 00 00 00 00)";
        zeroFirstBytes(pq.resolve("memslots.parquet"));
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(List.of(pq.resolve("memslots.parquet") + bad), r.errLines());
        assertEquals(2, r.exit());
        Files.delete(pq.resolve("memslots.parquet"));
        write(pq.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,0x40000000,ram,,4096\n");
        zeroFirstBytes(pq.resolve("mem.parquet"));
        r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(List.of(pq.resolve("mem.parquet") + bad), r.errLines());
        assertEquals(2, r.exit());
        // the replay reads mem.parquet a page at a time: the same check, the same line
        r = run("replay", in.toString(), "--out", out.toString(), "-q");
        assertEquals(List.of(pq.resolve("mem.parquet") + bad), r.errLines());
        assertEquals(2, r.exit());
        assertFalse(Files.exists(out));
    }

    private static void zeroFirstBytes(Path f) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[4]), 0);
        }
    }
}
