package org.virtreplay.ingest.importer.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.virtreplay.ingest.importer.ImportFixture.column;
import static org.virtreplay.ingest.importer.ImportFixture.kvm;
import static org.virtreplay.ingest.importer.ImportFixture.manifest;
import static org.virtreplay.ingest.importer.ImportFixture.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.ImportJob;

/**
 * The malformed-input corpus: each case is a good exit/entry pair around one bad record. Without
 * --lenient the import fails with exactly one FILE:LINE line and writes nothing; with --lenient
 * the bad record is a counted skip and the good pair is still imported.
 */
class KvmMalformedTest {
    static final String GOOD_EXIT = "  kvm-vcpu-0-1 [000] ....  1.000001: kvm_exit: TRAP: HSR_EC: 0x0018 (SYS64), PC: 0x10\n";
    static final String GOOD_ENTRY = "  kvm-vcpu-0-1 [000] ....  1.000003: kvm_entry: PC: 0x14\n";

    @TempDir
    Path dir;

    /** {bad line(s), the line of the problem, the message after "FILE:LINE: "}. */
    static final String[][] CASES = {
        // a payload that is no form of kvm_exit
        {"  kvm-vcpu-0-1 [000] ....  1.000002: kvm_exit: FOO BAR\n", "2",
            "kvm_exit: expected 'TYPE: HSR_EC: 0xEC (NAME), PC: 0xADDR' (or an older form without TYPE or EC), got 'FOO BAR'"},
        // bad numbers
        {"  kvm-vcpu-0-1 [000] ....  1.000002: kvm_entry: PC: 0xzz12\n", "2",
            "kvm_entry: expected 'PC: 0xADDR', got 'PC: 0xzz12'"},
        {"  kvm-vcpu-0-1 [000] ....  1.000002: kvm_guest_fault: ipa 0x1000, hsr 0x93c08007, hxfar 0x12345678901234567, "
            + "pc 0x10\n", "2", "kvm_guest_fault: expected 'ipa 0xIPA, hsr 0xESR, hxfar 0xFAR, pc 0xPC', got 'ipa 0x1000, "
            + "hsr 0x93c08007, hxfar 0x12345678901234567, pc 0x10'"},
        {"  kvm-vcpu-0-1 [000] ....  1.000002: vgic_update_irq_pending: VCPU: 0, IRQ 1020, level: 1\n", "2",
            "INTID 1020 is not a GIC INTID (0..1019, 8192..16777215)"},
        // a record truncated in its payload (a cut-off capture)
        {"  kvm-vcpu-0-1 [000] ....  1.000002: kvm_irq_line: Inject VGIC SPI interrupt (1), vcpu->idx: 0, num:\n", "2",
            "kvm_irq_line: expected 'Inject VGIC SPI|VGIC PPI|CPU interrupt (T), vcpu->idx: N, num: N, level: 0|1', "
            + "got 'Inject VGIC SPI interrupt (1), vcpu->idx: 0, num:'"},
        // a wrapped record whose second half is missing (the next record follows at once)
        {"  kvm-vcpu-0-1 [000] ....  1.000002: kvm_exit: TRAP:\n", "2",
            "kvm_exit: expected 'TYPE: HSR_EC: 0xEC (NAME), PC: 0xADDR' (or an older form without TYPE or EC), got 'TRAP:'"},
        // a wrapped record whose continuation is not the rest of it
        {"  kvm-vcpu-0-1 [000] ....  1.000002: kvm_entry: PC:\nHSR_EC: 0x0018 (SYS64)\n", "2",
            "kvm_entry: expected 'PC: 0xADDR', got 'PC: HSR_EC: 0x0018 (SYS64)' (the record continues to line 3: "
            + "wrapped lines are joined)"},
        // a timestamp of the 'counter' trace clock
        {"  kvm-vcpu-0-1 [000] ....  12345678: kvm_entry: PC: 0x10\n", "2",
            "timestamp '12345678' has no fraction: the trace clock was 'counter' (an event count, not time) or another "
            + "raw counter; record with -C local, mono or boot"},
        // the thread's time goes backwards
        {"  kvm-vcpu-0-1 [000] ....  1.000000: kvm_entry: PC: 0x10\n", "2",
            "time goes backwards for thread 'kvm-vcpu-0' (tid 1): 1.000000000 after 1.000001000; a thread's records "
            + "must be in time order (merge per-CPU buffers by passing each file with --kvm-events)"},
    };

    @Test
    void eachBadRecordIsOneLineOrACountedSkip() throws IOException {
        int n = 0;
        for (String[] c : CASES) {
            n++;
            Path f = write(dir, "bad" + n + ".txt", GOOD_EXIT + c[0] + GOOD_ENTRY);
            Path out = dir.resolve("out" + n);
            BadInputException e = assertThrows(BadInputException.class, () -> ImportJob.run(kvm(out, false, List.of(), f)),
                    c[0]);
            assertEquals(List.of(f + ":" + c[1] + ": " + c[2]), e.problems(), c[0]);
            assertFalse(Files.exists(out), c[0]);
            assertEquals(List.of(), leftovers(), c[0]);

            ImportJob.run(kvm(out, true, List.of(), f));
            assertEquals("1", manifest(out).get("source.1.skipped.malformed"), c[0]);
            // the good exit still gets its entry at 1.000003: 2 us
            assertEquals(List.of("2000"), column(out, "exits", "duration_ns"), c[0]);
        }
    }

    @Test
    void aContinuationLineWithNoRecordBeforeItIsMalformed() throws IOException {
        Path f = write(dir, "cont.txt", "HSR_EC: 0x0018 (SYS64), PC: 0x10\n" + GOOD_EXIT + GOOD_ENTRY);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImportJob.run(kvm(dir.resolve("o"), false, List.of(), f)));
        assertEquals(List.of(f + ":1: expected a trace record 'COMM-PID [CPU] SECS.USECS: EVENT: ...' (ftrace text or "
                + "trace-cmd report), got 'HSR_EC: 0x0018 (SYS64), PC: 0x10'"), e.problems());
    }

    @Test
    void unknownEventsAreNeverFatal() throws IOException {
        Path f = write(dir, "unk.txt", GOOD_EXIT + "  kvm-vcpu-0-1 [000] ....  1.000002: kvm_new_event_2030: x=1\n"
                + GOOD_ENTRY);
        Path out = dir.resolve("o");
        ImportJob.run(kvm(out, false, List.of(), f));
        assertEquals("kvm_new_event_2030 1", manifest(out).get("source.1.unknown_events"));
        assertEquals(List.of("2000"), column(out, "exits", "duration_ns"));
    }

    @Test
    void problemsStopAtTheErrorLimit() throws IOException {
        StringBuilder b = new StringBuilder(GOOD_EXIT);
        for (int i = 0; i < 30; i++) {
            b.append("  kvm-vcpu-0-1 [000] ....  1.000002: kvm_entry: junk\n");
        }
        Path f = write(dir, "many.txt", b.toString());
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImportJob.run(kvm(dir.resolve("o"), false, List.of(), f)));
        assertEquals(21, e.problems().size()); // 20 (the default --max-errors) and the "stopped after" line
        assertEquals("stopped after 20 problems (--max-errors 20)", e.problems().get(20));
        assertEquals(List.of(), leftovers());
    }

    private List<String> leftovers() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }
}
