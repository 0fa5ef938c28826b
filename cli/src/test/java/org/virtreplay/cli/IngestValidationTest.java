package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.concat;
import static org.virtreplay.cli.IngestTestSupport.gzip;
import static org.virtreplay.cli.IngestTestSupport.names;
import static org.virtreplay.cli.IngestTestSupport.run;
import static org.virtreplay.cli.IngestTestSupport.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Every validation case of issue 2 item 5 through {@code virtreplay ingest}: the exact message
 * lines on stderr (format in docs/trace-format.md), exit code 2, and nothing at (or beside) --out.
 * Line numbers count the header as line 1.
 */
class IngestValidationTest {
    @TempDir
    Path tmp;
    Path in;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        in = baseTrace(tmp.resolve("in"));
        out = tmp.resolve("out");
    }

    private static final String MEM_HEADER = "ts,vm,vcpu,el,access,va,size\n";

    /** Runs ingest, expects exit 2, exactly {@code lines} on stderr, and no output left. */
    private void expectBad(String... lines) throws IOException {
        expectBad(new String[0], lines);
    }

    private void expectBad(String[] extraArgs, String... lines) throws IOException {
        String[] args = {"ingest", in.toString(), "--out", out.toString()};
        String[] all = Arrays.copyOf(args, args.length + extraArgs.length);
        System.arraycopy(extraArgs, 0, all, args.length, extraArgs.length);
        IngestTestSupport.Result r = run(all);
        assertEquals(List.of(lines), r.errLines());
        assertEquals(2, r.exit());
        assertFalse(Files.exists(out));
        assertEquals(List.of("in"), names(tmp), "no temporary directory may be left beside --out");
    }

    private String mem() {
        return in.resolve("mem.csv").toString();
    }

    @Test
    void badHexAddress() throws IOException {
        write(in.resolve("mem.csv"), MEM_HEADER + "1,0,0,0,r,zz12,8\n");
        expectBad(mem() + ":2: column 'va': expected 0x-hex address, got 'zz12'");
    }

    @Test
    void wrongColumnCount() throws IOException {
        write(in.resolve("mem.csv"), MEM_HEADER + "1,0,0,0,r,0x10,8\n2,0,0,0,r,0x10\n");
        expectBad(mem() + ":3: expected 7 columns (ts,vm,vcpu,el,access,va,size), got 6");
    }

    @Test
    void unknownColumn() throws IOException {
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size,colour\n1,0,0,0,r,0x10,8,red\n");
        expectBad(mem() + ":1: unknown column 'colour' (the mem table has columns ts,vm,vcpu,el,access,va,size)");
    }

    @Test
    void missingColumn() throws IOException {
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va\n1,0,0,0,r,0x10\n");
        expectBad(mem() + ":1: missing column 'size' (the mem table has columns ts,vm,vcpu,el,access,va,size)");
    }

    @Test
    void badNumber() throws IOException {
        write(in.resolve("mem.csv"), MEM_HEADER + "12a,0,0,0,r,0x10,8\n");
        expectBad(mem() + ":2: column 'ts': expected integer nanoseconds 0..9223372036854775807, got '12a'");
    }

    @Test
    void negativeValues() throws IOException {
        write(in.resolve("mem.csv"), MEM_HEADER + "-1,0,0,0,r,0x10,8\n2,0,0,0,r,0x10,-4\n");
        expectBad(mem() + ":2: column 'ts': expected integer nanoseconds 0..9223372036854775807, got '-1'",
                mem() + ":3: column 'size': expected integer 1..4096, got '-4'");
    }

    @Test
    void overflowingValues() throws IOException {
        // 2^63 does not fit a signed 64-bit ts; 17 hex digits do not fit 64 bits; el 3 is outside 0..2
        write(in.resolve("mem.csv"), MEM_HEADER + "9223372036854775808,0,0,0,r,0x10,8\n"
                + "2,0,0,0,r,0x10000000000000000,8\n3,0,0,3,r,0x10,8\n4,0,0,0,r,0x10,4097\n");
        expectBad(mem() + ":2: column 'ts': expected integer nanoseconds 0..9223372036854775807, got "
                        + "'9223372036854775808'",
                mem() + ":3: column 'va': expected 0x-hex address, got '0x10000000000000000'",
                mem() + ":4: column 'el': expected integer 0..2, got '3'",
                mem() + ":5: column 'size': expected integer 1..4096, got '4097'");
    }

    @Test
    void unknownVmAndVcpu() throws IOException {
        // vms declares vm 0 (2 vCPUs) and vm 1 (1 vCPU)
        write(in.resolve("mem.csv"), MEM_HEADER + "1,2,0,0,r,0x10,8\n2,0,2,0,r,0x10,8\n3,1,1,0,r,0x10,8\n");
        expectBad(mem() + ":2: column 'vm': expected a vm declared in the vms table (0, 1), got '2'",
                mem() + ":3: column 'vcpu': expected a vCPU of vm 0 (0..1), got '2'",
                mem() + ":4: column 'vcpu': expected a vCPU of vm 1 (0..0), got '1'");
    }

    @Test
    void timeGoesBackwardsPerVcpu() throws IOException {
        // vcpu 1 at ts 5 after vcpu 0 at 10 is fine (different vCPUs); vcpu 0 at 7 after 10 is not
        write(in.resolve("mem.csv"), MEM_HEADER + "10,0,0,0,r,0x10,8\n5,0,1,0,r,0x10,8\n7,0,0,0,r,0x10,8\n");
        expectBad(mem() + ":4: column 'ts': time goes backwards for vm 0 vcpu 0: 7 after 10 at line 2");
    }

    @Test
    void unknownRegister() throws IOException {
        write(in.resolve("sysreg.csv"), "ts,pe,vm,vcpu,el,reg,value\n1,0,0,0,1,TTBR0_EL1,0x0\n"
                + "2,0,0,0,1,TTBR2_EL1,0x0\n3,0,0,0,1,ttbr0_el1,0x0\n");
        String f = in.resolve("sysreg.csv").toString();
        expectBad(f + ":3: column 'reg': expected an Arm system register name such as TTBR0_EL1 "
                        + "(list in docs/trace-format.md), got 'TTBR2_EL1'",
                f + ":4: column 'reg': expected an Arm system register name such as TTBR0_EL1 "
                        + "(list in docs/trace-format.md), got 'ttbr0_el1'");
    }

    @Test
    void unknownTlbiMnemonic() throws IOException {
        write(in.resolve("tlbi.csv"), "ts,pe,vm,vcpu,op,asid,addr,ttl,pages\n1,0,0,0,VMALLE1IS,,,,\n"
                + "2,0,0,0,VAE9IS,1,0x1000,,\n");
        String f = in.resolve("tlbi.csv").toString();
        expectBad(f + ":3: column 'op': expected a TLBI mnemonic such as VAE1IS, or DSB_ISH, DSB_NSH, DSB_OSH, "
                + "DSB_SY, got 'VAE9IS'");
    }

    @Test
    void intidOutOfRange() throws IOException {
        // 1020..8191 are not INTIDs of any class (1020-1023 special, the rest reserved); -1 is not an
        // INTID; GICv3 INTIDs have at most 24 bits, so 2^24 = 16777216 is too big
        write(in.resolve("irq.csv"), "ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts\n"
                + "1,1020,0,0,device,-1,level,assert,,,\n2,8191,0,0,device,-1,level,assert,,,\n"
                + "3,-1,0,0,device,-1,level,assert,,,\n4,8192,0,0,its,-1,edge,assert,,,\n"
                + "5,16777216,0,0,its,-1,edge,assert,,,\n");
        String f = in.resolve("irq.csv").toString();
        String exp = "column 'intid': expected INTID 0..1019 (SGI, PPI, SPI) or 8192..16777215 (LPI), got ";
        expectBad(f + ":2: " + exp + "'1020'", f + ":3: " + exp + "'8191'", f + ":4: " + exp + "'-1'",
                f + ":6: " + exp + "'16777216'");
    }

    @Test
    void overlappingMemslots() throws IOException {
        // slot 1 [0x3ff00000, 0x40100000) overlaps slot 0 [0x0, 0x40000000) by 1 MiB
        write(in.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,0x40000000,ram,,4096\n"
                + "0,1,0x3ff00000,0x200000,mmio,,\n1,0,0x3ff00000,0x200000,mmio,,\n");
        String f = in.resolve("memslots.csv").toString();
        expectBad(f + ":3: memslot 1 of vm 0 [0x3ff00000, 0x40100000) overlaps memslot 0 [0x0, 0x40000000) at "
                + f + ":2");
    }

    @Test
    void emptyFile() throws IOException {
        write(in.resolve("mem.csv"), "");
        expectBad(mem() + ":1: empty file, expected a header line naming the columns (ts,vm,vcpu,el,access,va,size)");
    }

    @Test
    void invalidUtf8() throws IOException {
        // 0xff never occurs in UTF-8; it is on line 3 of vms.csv
        Files.write(in.resolve("vms.csv"), concat("vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n1,b".getBytes(
                StandardCharsets.US_ASCII), new byte[] {(byte) 0xff}, ",1,40,\n".getBytes(StandardCharsets.US_ASCII)));
        expectBad(in.resolve("vms.csv") + ":3: invalid UTF-8 byte 0xff (the file must be UTF-8)");
    }

    @Test
    void truncatedGzip() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        byte[] gz = gzip(MEM_HEADER + "1,0,0,0,r,0x10,8\n2,0,0,0,r,0x20,8\n");
        // drop the 8-byte trailer (CRC32, ISIZE): all 3 lines decode, the stream then ends early,
        // so the problem is on the line after the last line feed, line 4.
        // java.util.zip throws a bare EOFException there, which we word "truncated gzip data".
        Files.write(in.resolve("mem.csv.gz"), Arrays.copyOf(gz, gz.length - 8));
        expectBad(in.resolve("mem.csv.gz") + ":4: truncated gzip data");
    }

    @Test
    void notGzipAtAll() throws IOException {
        Files.move(in.resolve("mem.csv"), in.resolve("mem.csv.gz"));
        expectBad(in.resolve("mem.csv.gz") + ":1: not gzip data (no gzip magic at its start)");
    }

    @Test
    void truncatedXz() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new XZOutputStream(b, new LZMA2Options())) {
            o.write((MEM_HEADER + "1,0,0,0,r,0x10,8\n").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] xz = b.toByteArray();
        Files.write(in.resolve("mem.csv.xz"), Arrays.copyOf(xz, xz.length / 2));
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        // where an xz stream cut in half fails depends on its block layout; the line is 1 here
        // because LZMA2 output only appears once its chunk is complete
        assertEquals(List.of(in.resolve("mem.csv.xz") + ":1: truncated xz data"),
                r.errLines());
        assertFalse(Files.exists(out));
        assertEquals(List.of("in"), names(tmp));
    }

    @Test
    void truncatedZstd() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        byte[] z = com.github.luben.zstd.Zstd.compress((MEM_HEADER + "1,0,0,0,r,0x10,8\n")
                .getBytes(StandardCharsets.US_ASCII));
        Files.write(in.resolve("mem.csv.zst"), Arrays.copyOf(z, z.length - 4));
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        // the stream holds 2 lines; how much zstd emits before noticing the cut is up to its block
        // decoder, so the problem is on line 1 or 2
        String f = java.util.regex.Pattern.quote(in.resolve("mem.csv.zst").toString());
        assertTrue(r.errLines().get(0).matches(f + ":[12]: truncated zstd data"), r.err());
        assertFalse(Files.exists(out));
        assertEquals(List.of("in"), names(tmp));
    }

    @Test
    void corruptParquet() throws IOException {
        Files.delete(in.resolve("mem.csv"));
        // starts and ends with the magic "PAR1" but the footer length is nonsense: "ile " read as a
        // little-endian int is 543,517,801, far more than the file's 36 bytes
        Files.write(in.resolve("mem.parquet"), "PAR1 this is not a parquet file PAR1".getBytes(StandardCharsets.US_ASCII));
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(List.of(in.resolve("mem.parquet") + ": not a Parquet file (its footer length exceeds the file; "
                + "truncated?)"), r.errLines());
        assertFalse(Files.exists(out));
        assertEquals(List.of("in"), names(tmp));
    }

    @Test
    void stopsAtMaxErrors() throws IOException {
        write(in.resolve("mem.csv"), MEM_HEADER + "1,0,0,0,q,0x10,8\n2,0,0,0,q,0x10,8\n3,0,0,0,q,0x10,8\n");
        expectBad(new String[] {"--max-errors", "2"},
                mem() + ":2: column 'access': expected one of r, w, x, rw, got 'q'",
                mem() + ":3: column 'access': expected one of r, w, x, rw, got 'q'",
                "stopped after 2 problems (--max-errors 2)");
    }

    @Test
    void reportsProblemsOfEveryTable() throws IOException {
        write(in.resolve("mem.csv"), MEM_HEADER + "1,0,0,0,r,0x10,0\n");
        write(in.resolve("daif.csv"), "ts,vm,vcpu,event\n1,0,0,hold\n");
        expectBad(mem() + ":2: column 'size': expected integer 1..4096, got '0'",
                in.resolve("daif.csv") + ":2: column 'event': expected one of mask, unmask, got 'hold'");
    }

    @Test
    void refusesExistingOutWithoutForce() throws IOException {
        Files.createDirectory(out);
        write(out.resolve("keep.txt"), "mine");
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(List.of(out + ": already exists; use --force to replace it"), r.errLines());
        assertEquals(List.of("keep.txt"), names(out));
    }

    @Test
    void badOptionIsUsageError() {
        IngestTestSupport.Result r = run("ingest", in.toString(), "--out", out.toString(), "--to", "json");
        assertEquals(2, r.exit());
        assertEquals("virtreplay: --to: expected parquet or csv, got 'json'", r.errLines().get(0));
    }
}
