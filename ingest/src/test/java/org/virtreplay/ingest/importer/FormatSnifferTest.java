package org.virtreplay.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.importer.FormatSniffer.Format;

/** FormatSniffer on the first lines of each format (as in the public samples) and on near misses. */
class FormatSnifferTest {
    @TempDir
    Path dir;

    Format sniff(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return FormatSniffer.sniff(p);
    }

    @Test
    void lackey() throws Exception {
        assertEquals(Format.LACKEY, sniff("a", "==123== Lackey\n S 00600aa0,1\nI  004005b6,5\n L 7ff000398,8\n"));
    }

    @Test
    void ftraceWithAndWithoutKvmEvents() throws Exception {
        assertEquals(Format.KVM_EVENTS, sniff("a", " qemu-768 [002] .....   410.544665: kvm_exit: IRQ: x\n"
                + " qemu-768 [002] d....   410.544666: kvm_entry: PC: 0x401ec4\n"));
        // email-wrapped: every event on two lines
        assertEquals(Format.KVM_EVENTS, sniff("b", " qemu-768 [002] .....   410.544665: kvm_exit: IRQ:\n"
                + "HSR_EC: 0x0000 (UNKNOWN), PC: 0x0000000000401ec4\n"
                + " qemu-768 [002] d....   410.544666: kvm_entry: PC:\n0x0000000000401ec4\n"));
        // no task column, as an arm32 host prints them
        assertEquals(Format.KVM_EVENTS, sniff("c", "179.182896: kvm_entry:  PC: 0x802c1f24\n"
                + "179.183041: kvm_exit:   PC: 0x802c21c8; exit count: 80671\n"));
        assertEquals(Format.FTRACE, sniff("d", "cpus=8\n"
                + "  sleep-89142 [001] ...1. 162573.215752: function:             mutex_unlock\n"
                + "  sleep-89142 [001] ..... 162573.215755: lock_release:  0xffffffff855e7448 x\n"));
    }

    @Test
    void perfScriptSpe() throws Exception {
        // the period column between the time and the event tells perf script from ftrace
        assertEquals(Format.PERF_SPE, sniff("a", "\tsleep 49337 [004] 20133.731889:          1             "
                + "l1d-access: ffff800034123970 ffffcbebcde1d5b8 [unknown] ([unknown])       153d19970\n"
                + "\tsleep 49337 [004] 20133.731889:          1             tlb-access: ffff800034123970 x\n"));
    }

    @Test
    void pageTableDumps() throws Exception {
        assertEquals(Format.STAGE2_PTDUMP, sniff("a", "---[ Guest IPA ]---\n"
                + "0x0000000000000000-0x0000000001000000          16M 2\n"
                + "0x0000000001020000-0x0000000001021000           4K 3   R W X AF    \n"));
        assertEquals(Format.GUEST_PTDUMP, sniff("b", "---[ Linear Mapping start ]---\n"
                + "0xffff000000000000-0xffff000000200000           2M PMD       RW NX SHD AF        BLK UXN    MEM\n"
                + "0xffff000000200000-0xffff000000210000          64K PTE       RW NX SHD AF    CON     UXN    MEM\n"));
    }

    @Test
    void theRepositorysOwnDumps() {
        Path res = Path.of("src", "test", "resources", "org", "virtreplay", "ingest", "importer");
        assertEquals(Format.STAGE2_PTDUMP, FormatSniffer.sniff(res.resolve("stage2/kvm-stage2-ptdump-v9-qemu-4k.txt")));
        assertEquals(Format.GUEST_PTDUMP,
                FormatSniffer.sniff(res.resolve("guest/arm64-kernel-page-tables-linear-map-ampereone.txt")));
    }

    @Test
    void aTableFileByItsName() throws Exception {
        assertEquals(Format.TRACE_TABLE, sniff("mem.csv.gz", "not even gzip"));
        assertEquals(Format.TRACE_TABLE, sniff("manifest.csv", "key,value\n"));
        assertEquals(Format.UNKNOWN, sniff("notes.csv", "a,b\n1,2\n"));
    }

    @Test
    void unknownTextAndMixturesStayUnknown() throws Exception {
        assertEquals(Format.UNKNOWN, sniff("a", "2 0 \n0 1000 \n0 70f60888 \n")); // dinero
        assertEquals(Format.UNKNOWN, sniff("b", "Taking exception 5 [IRQ]\n...from EL2 to EL2\n"));
        assertEquals(Format.UNKNOWN, sniff("c", ""));
        // one lackey line among prose is not a lackey log
        assertEquals(Format.UNKNOWN, sniff("d", "hello\nworld\nI  004005b6,5\nmore prose\n"));
        assertEquals(Format.UNKNOWN, FormatSniffer.sniff(dir.resolve("missing")));
    }

    @Test
    void hintsNameTheFile() {
        Path f = Path.of("x", "prog.lackey");
        assertEquals("use 'virtreplay tlb x/prog.lackey' for a TLB study, or 'virtreplay import --lackey "
                + "vm0:0=x/prog.lackey --out DIR' for a trace to replay", Format.LACKEY.hint(f));
        assertEquals("give the directory that holds it, t", Format.TRACE_TABLE.hint(Path.of("t", "mem.csv")));
    }
}
