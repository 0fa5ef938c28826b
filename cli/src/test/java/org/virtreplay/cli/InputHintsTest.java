package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input given to the wrong command gets one line naming what it is and the command that reads it
 * (issue 17, item 5), on the repository's own sample files.
 */
class InputHintsTest {
    static final Path SAMPLES = Path.of("..", "sample-traces");
    static final Path LACKEY = SAMPLES.resolve("lackey/true.lackey.xz");
    static final Path FTRACE = SAMPLES.resolve("recorded/sources/ftrace-kvm-arm64-nv2-l1-sys64-loop.email-wrapped.txt");
    static final Path SPE = SAMPLES.resolve("recorded/sources/perf-script-arm-spe-addr-physaddr.txt");
    static final Path STAGE2 = SAMPLES.resolve("recorded/sources/256-4/stage2_page_tables");

    @TempDir
    Path dir;

    String out;
    String err;

    int exec(String... args) {
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    void oneLine(String expected) {
        assertEquals(expected + System.lineSeparator(), err);
        assertEquals("", out);
    }

    @Test
    void aLackeyLogGivenToRunReplayOrIngest() {
        String hint = LACKEY + ": a Valgrind lackey log, not a trace directory; use 'virtreplay tlb " + LACKEY
                + "' for a TLB study, or 'virtreplay import --lackey vm0:0=" + LACKEY + " --out DIR' for a trace to "
                + "replay";
        for (String cmd : new String[] {"run", "replay", "ingest"}) {
            assertEquals(2, exec(cmd, LACKEY.toString(), "--out", dir.resolve(cmd).toString()), cmd);
            oneLine(hint);
            assertFalse(Files.exists(dir.resolve(cmd)), cmd);
        }
        assertEquals(2, exec("inspect", LACKEY.toString()));
        oneLine(hint);
    }

    /**
     * A trace directory whose table file holds another format's text (the lackey sample saved as
     * mem.csv, the ftrace sample as irq.csv) gets one line naming it, not a problem per word of its
     * first line.
     */
    @Test
    void anotherFormatSavedAsATableIsNamed() throws Exception {
        Path t = dir.resolve("t");
        Files.createDirectories(t);
        for (String f : new String[] {"manifest.csv", "vms.csv", "memslots.csv"}) {
            Files.copy(SAMPLES.resolve("quickstart").resolve(f), t.resolve(f));
        }
        try (var in = new org.tukaani.xz.XZInputStream(Files.newInputStream(LACKEY))) {
            Files.write(t.resolve("mem.csv"), in.readNBytes(4096));
        }
        assertEquals(2, exec("ingest", t.toString(), "--out", dir.resolve("o").toString()));
        Path mem = t.resolve("mem.csv");
        oneLine(mem + ":1: a Valgrind lackey log, not the mem table of a canonical trace (its header is "
                + "ts,vm,vcpu,el,access,va,size); import it: 'virtreplay import --lackey vm0:0=" + mem + " --out DIR'");
        Files.delete(mem);
        Files.copy(FTRACE, t.resolve("irq.csv"));
        assertEquals(2, exec("inspect", t.toString()));
        oneLine(t.resolve("irq.csv") + ":1: ftrace or trace-cmd text with KVM events, not the irq table of a canonical "
                + "trace (its header is ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts); "
                + "import it: 'virtreplay import --kvm-events " + t.resolve("irq.csv") + " --out DIR'");
    }

    /** The directory above the traces, or one of lackey logs, is named with what it holds. */
    @Test
    void aDirectoryOfTracesOrOfLackeyLogs() {
        assertEquals(2, exec("run", SAMPLES.toString(), "--out", dir.resolve("o").toString()));
        // sample-traces/ holds backing, capacity, lackey, quickstart, recorded and translate; four have a
        // manifest.csv
        oneLine(SAMPLES + ": a directory of traces, not a trace (no manifest.csv); give one of them: backing, "
                + "capacity, quickstart, recorded, e.g. " + SAMPLES.resolve("backing"));
        Path lackeys = SAMPLES.resolve("lackey");
        Path first = lackeys.resolve("gcc-driver-c-small.lackey.zst"); // the first log by name
        assertEquals(2, exec("replay", lackeys.toString(), "--out", dir.resolve("o").toString()));
        oneLine(lackeys + ": a directory of Valgrind lackey logs, not a trace (no manifest.csv); give one log: use "
                + "'virtreplay tlb " + first + "' for a TLB study, or 'virtreplay import --lackey vm0:0=" + first
                + " --out DIR' for a trace to replay");
    }

    /** A trace path that does not exist is one line saying so, not also a missing manifest inside it. */
    @Test
    void aMissingTraceIsOneLine() {
        Path none = dir.resolve("no-such-trace");
        assertEquals(2, exec("inspect", none.toString()));
        oneLine(none + ": no such directory (a trace is a directory with manifest.csv and one file per table)");
        assertEquals(2, exec("replay", none.toString(), "--out", dir.resolve("o").toString()));
        oneLine(none + ": no such directory (a trace is a directory with manifest.csv and one file per table)");
    }

    @Test
    void recordingsGivenToRunAreNamed() {
        assertEquals(2, exec("run", FTRACE.toString(), "--out", dir.resolve("o").toString()));
        oneLine(FTRACE + ": ftrace or trace-cmd text with KVM events, not a trace directory; import it: "
                + "'virtreplay import --kvm-events " + FTRACE + " --out DIR'");
        assertEquals(2, exec("replay", SPE.toString(), "--out", dir.resolve("o").toString()));
        oneLine(SPE + ": perf script output of Arm SPE samples, not a trace directory; import it: "
                + "'virtreplay import --spe vm0=" + SPE + " --out DIR'");
    }

    @Test
    void aTableFileNamesItsDirectory() {
        Path mem = SAMPLES.resolve("quickstart/mem.csv.gz");
        assertEquals(2, exec("run", mem.toString(), "--out", dir.resolve("o").toString()));
        oneLine(mem + ": one table of a canonical trace, not a trace directory; give the directory that holds it, "
                + SAMPLES.resolve("quickstart"));
    }

    @Test
    void anUnknownFileIsOneLineToo() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        assertEquals(2, exec("replay", f.toString(), "--out", dir.resolve("o").toString()));
        oneLine(f + ": a file, not a trace directory (a trace is a directory with manifest.csv and one file per "
                + "table; see docs/trace-format.md)");
    }

    @Test
    void otherFormatsGivenToTlbAreNamed() {
        assertEquals(2, exec("tlb", STAGE2.toString()));
        oneLine(STAGE2 + ": a KVM stage-2 page-table dump, not a lackey log; import it: 'virtreplay import --stage2 vm0="
                + STAGE2 + " --out DIR'");
        assertEquals(2, exec("tlb", FTRACE.toString()));
        oneLine(FTRACE + ": ftrace or trace-cmd text with KVM events, not a lackey log; import it: "
                + "'virtreplay import --kvm-events " + FTRACE + " --out DIR'");
    }

    @Test
    void aDirectoryGivenToTlb() throws Exception {
        assertEquals(2, exec("tlb", SAMPLES.toString()));
        oneLine(SAMPLES + ": a directory of traces, not a trace (no manifest.csv); give one of them: backing, "
                + "capacity, quickstart, recorded, e.g. " + SAMPLES.resolve("backing"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(2, exec("tlb", empty.toString()));
        oneLine(empty + ": a directory without manifest.csv, so neither a canonical trace nor a lackey log (see "
                + "docs/trace-format.md)");
        Path quickstart = SAMPLES.resolve("quickstart");
        assertEquals(2, exec("tlb", "--input-format", "lackey", quickstart.toString()));
        oneLine(quickstart + ": a canonical trace directory, not a lackey log; leave out --input-format lackey");
    }
}
