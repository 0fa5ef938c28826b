package org.virtreplay.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Helpers for the ingest/inspect command tests: a small valid trace and a way to run the CLI. */
final class IngestTestSupport {
    private IngestTestSupport() {
    }

    /** What one CLI run gave. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs the CLI in this JVM, capturing what it prints. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = VirtReplay.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    /**
     * A valid trace: 2 PEs; vm 0 "a" with 2 vCPUs and a 40-bit IPA space, one 1 GiB RAM memslot at
     * IPA 0; vm 1 "b" with 1 vCPU; and a mem table of 3 accesses.
     */
    static Path baseTrace(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("manifest.csv"), "key,value\nformat_version,1\ntime_unit,ns\nclock,synthetic\npe_count,2\n");
        write(dir.resolve("vms.csv"), "vm,name,vcpus,ipa_bits,vmid\n0,a,2,40,\n1,b,1,40,\n");
        write(dir.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,0x40000000,ram,,4096\n");
        write(dir.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n1,0,0,0,r,0x1000,8\n2,0,1,1,w,0x2000,4\n"
                + "3,1,0,0,x,0x3000,4\n");
        return dir;
    }

    static void write(Path file, String text) throws IOException {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The names in {@code dir}, sorted. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** {@code s} (US-ASCII) as one gzip member. */
    static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(s.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /** The byte arrays one after the other (e.g. gzip members, or a member and trailing junk). */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
