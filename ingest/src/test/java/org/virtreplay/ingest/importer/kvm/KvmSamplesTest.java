package org.virtreplay.ingest.importer.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.ingest.importer.ImportFixture.column;
import static org.virtreplay.ingest.importer.ImportFixture.kvm;
import static org.virtreplay.ingest.importer.ImportFixture.kvmSample;
import static org.virtreplay.ingest.importer.ImportFixture.manifest;
import static org.virtreplay.ingest.importer.ImportFixture.table;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import org.virtreplay.ingest.importer.ImportJob;

/**
 * The real captures of trace-formats.md (copied from ../shared/samples with their .source.txt).
 * Every expected value below was counted by hand from the sample files, as each comment says.
 */
class KvmSamplesTest {
    static final String NV2 = "ftrace-kvm-arm64-nv2-l1-sys64-loop.email-wrapped.txt";
    static final String NV1 = "ftrace-kvm-arm64-nv-l1-irq-loop.email-wrapped.txt";
    static final String ARM32 = "ftrace-kvm-arm32-guest-fault-homework.txt";
    static final String DOC = "trace-cmd-report-doc-example.txt";

    @TempDir
    Path dir;

    @Test
    void nv2SysregLoopGivesElevenSys64TrapsWithMicrosecondDurations() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.Result r = ImportJob.run(kvm(out, false, List.of(), kvmSample(NV2)));
        // The file has 42 physical lines = 21 records, each wrapped after "TRAP: " / "PC: ".
        // Records alternate kvm_exit / kvm_entry starting and ending with kvm_exit: 11 exits, 10 entries.
        // Every exit reads "TRAP: HSR_EC: 0x0018 (SYS64)": 11 exits of EC 0x18.
        List<Map<String, String>> exits = table(out, "exits");
        assertEquals(11, exits.size());
        for (Map<String, String> e : exits) {
            assertEquals("TRAP", e.get("type"));
            assertEquals("0x18", e.get("ec"));
            assertEquals("SYS64", e.get("ec_name"));
            assertEquals("0", e.get("vm"));
            assertEquals("0", e.get("vcpu")); // thread kvm-vcpu-0
            assertEquals("1", e.get("pe")); // [001]
            assertEquals("", e.get("esr"));
            assertEquals("", e.get("ipa"));
        }
        // exit times (seconds) 6076.581774 .581775 .581778 .581779 .581780 .581783 .581784 .581785
        // .581788 .581789 .581790, relative to the first (the earliest event) in ns:
        assertEquals(List.of("0", "1000", "4000", "5000", "6000", "9000", "10000", "11000", "14000", "15000", "16000"),
                column(out, "exits", "ts"));
        // each exit's next kvm_entry: .581774 .581776 .581778 .581779 .581781 .581783 .581784 .581786
        // .581788 .581789, none after the last exit: durations in us 0,1,0,0,1,0,0,1,0,0,(empty)
        assertEquals(List.of("0", "1000", "0", "0", "1000", "0", "0", "1000", "0", "0", ""),
                column(out, "exits", "duration_ns"));
        // the PCs cycle 0x80528a6c, 0x80528a90, 0x80528a60 (the exit record's "PC:")
        assertEquals(List.of("0x80528a6c", "0x80528a90", "0x80528a60", "0x80528a6c", "0x80528a90", "0x80528a60",
                "0x80528a6c", "0x80528a90", "0x80528a60", "0x80528a6c", "0x80528a90"), column(out, "exits", "pc"));
        Map<String, String> m = manifest(out);
        assertEquals("42", m.get("source.1.lines"));
        assertEquals("21", m.get("source.1.records"));
        assertEquals("21", m.get("source.1.wrapped_lines_joined"));
        assertEquals("11", m.get("source.1.used.kvm_exit"));
        assertEquals("10", m.get("source.1.used.kvm_entry"));
        assertEquals("0", m.get("source.1.skipped"));
        assertEquals("1000", m.get("source.1.ts_precision_ns")); // 6 fraction digits
        assertEquals("6076581774000", m.get("source.ts_epoch_ns"));
        assertEquals("local", m.get("clock"));
        assertEquals("2", m.get("pe_count")); // highest CPU 001, inferred
        assertTrue(m.containsKey("source.inferred.pe_count"));
        assertEquals(List.of("vm0"), column(out, "vms", "name"));
        assertEquals(List.of("1"), column(out, "vms", "vcpus"));
        assertTrue(String.join("\n", r.report()).contains("vcpu 0 = thread 'kvm-vcpu-0' (tid 88776)"),
                String.join("\n", r.report()));
    }

    @Test
    void nv1IrqLoopGivesThreeIrqExitsWithoutEc() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), kvmSample(NV1)));
        // 10 lines = 5 records: exit .544665, entry .544666, exit .544675, entry .544676, exit .544685,
        // all "IRQ: HSR_EC: 0x0000 (UNKNOWN)" on [002] from thread aarch32_id_regs-768
        assertEquals(List.of("IRQ", "IRQ", "IRQ"), column(out, "exits", "type"));
        // KVM forces the EC of a non-trap exit to 0: it is left empty, not read as an UNKNOWN trap
        assertEquals(List.of("", "", ""), column(out, "exits", "ec"));
        assertEquals(List.of("", "", ""), column(out, "exits", "ec_name"));
        assertEquals(List.of("0", "10000", "20000"), column(out, "exits", "ts"));
        assertEquals(List.of("1000", "1000", ""), column(out, "exits", "duration_ns"));
        assertEquals(List.of("2", "2", "2"), column(out, "exits", "pe"));
        assertEquals(List.of("0x401ec4", "0x401ec4", "0x401ec4"), column(out, "exits", "pc"));
        // "aarch32_id_regs" names no vCPU: index 0 by first appearance, recorded as inferred
        Map<String, String> m = manifest(out);
        assertTrue(m.get("source.1.inferred.vcpu_index").contains("first appeared"));
    }

    @Test
    void arm32HomeworkImportsItsExitWithTheAppendedFieldSkipped() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), kvmSample(ARM32)));
        Map<String, String> m = manifest(out);
        // 6 records (one per line, no prefix): 1 kvm_entry at 179.182896 (no exit before it: skipped),
        // 2 kvm_exit at 179.183041 "PC: 0x802c21c8; exit count: 80671" (the old 32-bit form, with the
        // students' appended field skipped), 3 kvm_exchvc (their own event: unknown), 4 kvm_guest_fault
        // at 179.183120 (fills in that exit), 5-6 kvm_userspace_exit (no canonical table holds them).
        assertEquals("6", m.get("source.1.records"));
        assertEquals("2", m.get("source.1.used"));
        assertEquals("1", m.get("source.1.skipped.no_kvm_exit_before"));
        assertEquals("2", m.get("source.1.skipped.not_in_canonical_tables"));
        assertEquals("kvm_exchvc 1", m.get("source.1.unknown_events"));
        assertEquals("4", m.get("source.1.skipped"));
        List<Map<String, String>> exits = table(out, "exits");
        assertEquals(1, exits.size());
        Map<String, String> x = exits.get(0);
        // 179.183041 - 179.182896 (the earliest event) = 145 us; no kvm_entry follows: no duration.
        assertEquals("145000", x.get("ts"));
        assertEquals("", x.get("duration_ns"));
        // the old form prints neither type nor EC; the guest fault gives hsr, hxfar, ipa and pc, and
        // hsr 0x93800006 = 1001 0011 1000 ...: bits [31:26] = 100100 = EC 0x24, a data abort from a
        // lower EL
        assertEquals("", x.get("type"));
        assertEquals("0x24", x.get("ec"));
        assertEquals("DABT_LOW", x.get("ec_name"));
        assertEquals("0x93800006", x.get("esr"));
        assertEquals("0x1c010000", x.get("ipa"));
        assertEquals("0xf80100a8", x.get("far"));
        assertEquals("0x802c21c8", x.get("pc"));
    }

    @Test
    void traceCmdReportDocExampleHasNoKvmEventsAndCountsTheOthers() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), kvmSample(DOC)));
        Map<String, String> m = manifest(out);
        // lines 2..11: function x6 (lines 2,3,6,8,9,10), lock_release x2, preempt_disable, preempt_enable
        assertEquals("10", m.get("source.1.records"));
        assertEquals("11", m.get("source.1.lines"));
        assertEquals("function 6, lock_release 2, preempt_disable 1, preempt_enable 1", m.get("source.1.unknown_events"));
        assertEquals("8", m.get("pe_count")); // "cpus=8"
        assertEquals(List.of(), table(out, "vms"));
    }

    @Test
    void compressedCopiesImportTheSame() throws IOException {
        Path plain = dir.resolve("plain");
        ImportJob.run(kvm(plain, false, List.of(), kvmSample(NV2)));
        byte[] text = Files.readAllBytes(kvmSample(NV2));
        Path gz = dir.resolve("s.txt.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(text);
        }
        Path xz = dir.resolve("s.txt.xz");
        try (OutputStream o = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options())) {
            o.write(text);
        }
        Path zst = dir.resolve("s.txt.zst");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
            o.write(text);
        }
        for (Path p : new Path[] {gz, xz, zst}) {
            Path out = dir.resolve("o-" + p.getFileName());
            ImportJob.run(kvm(out, false, List.of(), p));
            assertEquals(Files.readString(plain.resolve("exits.csv")), Files.readString(out.resolve("exits.csv")), p.toString());
        }
    }

    @Test
    void allSamplesImportWithLenientAndTheSameInputGivesTheSameBytes() throws IOException {
        for (String s : new String[] {NV1, NV2, ARM32, DOC}) {
            Path a = dir.resolve("a-" + s);
            Path b = dir.resolve("b-" + s);
            ImportJob.run(kvm(a, true, List.of(), kvmSample(s)));
            ImportJob.run(kvm(b, true, List.of(), kvmSample(s)));
            for (String f : List.of("manifest.csv", "vms.csv", "exits.csv")) {
                if (Files.exists(a.resolve(f))) {
                    assertEquals(Files.readString(a.resolve(f)), Files.readString(b.resolve(f)), s + " " + f);
                }
            }
        }
    }
}
