package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code virtreplay tlb}: options, exit codes, the table and the CSV, on tiny hand-made traces. */
class TlbCommandTest {
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

    Path trace(String text) throws Exception {
        Path p = dir.resolve("t.lackey");
        Files.writeString(p, text);
        return p;
    }

    /** The lackey log of {@link #countsOfAHandMadeTrace}, whose counts are derived there. */
    static final String HAND_MADE =
            "==1== x\nI  1000,4\nI  1ffe,4\n L 10000,8\n M 10004,4\n S 11000,4\n L 12000,4\n L 10000,4\n";

    /** {@code tlb} on {@code t} with 2-entry L1s and no L2; the lines of its --stats-csv. */
    List<String> handMadeStats(Path t) throws Exception {
        Path csv = dir.resolve("s.csv");
        assertEquals(0, exec("tlb", t.toString(), "--tlb-l1i-entries", "2", "--tlb-l1d-entries", "2",
                "--tlb-l2-entries", "0", "--stats-csv", csv.toString()), err);
        return Files.readAllLines(csv);
    }

    @Test
    void countsOfAHandMadeTrace() throws Exception {
        // 4K pages, L1 2-entry fully associative, no L2:
        //  I  0x1000,4        l1i miss (walk 1)
        //  I  0x1ffe,4        spans 0x1000 and 0x2000 pages: l1i hit 0x1000, miss 0x2000 (walk 2)
        //   L 0x10000,8       l1d miss (walk 3)
        //   M 0x10004,4       l1d hit (one lookup)
        //   S 0x11000,4       l1d miss (walk 4)
        //   L 0x12000,4       l1d miss, evicts LRU 0x10000 (walk 5)
        //   L 0x10000,4       l1d miss (walk 6)
        // l1i: 3 lookups, 1 hit, 2 misses; l1d: 5 lookups, 1 hit, 4 misses; 2 instructions.
        // Each walk is a full 4+4-level nested walk of 24 descriptor reads (no walk caches).
        List<String> lines = handMadeStats(trace(HAND_MADE));
        assertEquals("structure,lookups,hits,misses,miss_rate,mpki,walks,descriptor_reads,entries,ways", lines.get(0));
        assertEquals("l1i,3,1,2,0.666667,1000.000000,2,48,2,2", lines.get(1));
        assertEquals("l1d,5,1,4,0.800000,2000.000000,4,96,2,2", lines.get(2));
        assertEquals("l2,0,0,0,0.000000,0.000000,6,144,0,0", lines.get(3));
        assertTrue(out.contains("l1i"), out);
    }

    @Test
    void coreWalkCachesCutReads() throws Exception {
        // Neoverse-N1 preset: 64x4 stage-1 and stage-2 walk caches; its IPA cache holds only >= 2 MB
        // stage-2 blocks, so with 4K stage-2 pages it never hits. Tables: stage-1 tables at IPA
        // 0x4000_0000.. (one 2 MB stage-2 region), data IPA 0x1_0000_0000 then 0x1_0000_1000.
        // Walk 1 (VA 0x10000), caches empty:
        //   S1 L0: stage-2 walk of IPA 0x4000_0000: 4 reads (fills S2 walk cache L0-L2), + 1 S1 read
        //   S1 L1, L2, L3: their table IPAs hit the S2 walk cache at level 2: 1 + 1 read each
        //   final IPA 0x1_0000_0000: S2 walk cache hit at level 0 only: L1, L2, L3 = 3 reads
        //   = 5 + 2 + 2 + 2 + 3 = 14
        // Walk 2 (VA 0x11000, same 2 MB region): S1 walk cache hit at level 2 -> only S1 L3: its
        //   table IPA hits the S2 walk cache at level 2 (1 read) + 1 S1 read; final IPA
        //   0x1_0000_1000 hits the S2 walk-cache level-2 entry filled by walk 1 (1 read) = 3
        // Total 17 (48 without walk caches).
        Path t = trace(" L 10000,8\n L 11000,8\n");
        Path csv = dir.resolve("s.csv");
        assertEquals(0, exec("tlb", t.toString(), "--core", "neoverse-n1", "--stats-csv", csv.toString()), err);
        List<String> lines = Files.readAllLines(csv);
        String[] l1d = lines.get(2).split(",");
        assertEquals("l1d", l1d[0]);
        assertEquals("2", l1d[6]);
        long reads = Long.parseLong(l1d[7]);
        assertEquals(17, reads);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("s1_walk_cache,")));
    }

    @Test
    void aLackeyLogNamedLikeATableIsReplayed() throws Exception {
        // the trace of countsOfAHandMadeTrace saved as d/mem.csv: recognised by its lines, not refused
        // by its name as "one table of a canonical trace"; the same counts (derived there)
        Files.createDirectories(dir.resolve("d"));
        List<String> lines = handMadeStats(Files.writeString(dir.resolve("d").resolve("mem.csv"), HAND_MADE));
        assertEquals("l1i,3,1,2,0.666667,1000.000000,2,48,2,2", lines.get(1));
        assertEquals("l1d,5,1,4,0.800000,2000.000000,4,96,2,2", lines.get(2));
    }

    @Test
    void maxErrorsIsAtLeastOneWhateverTheInput() throws Exception {
        // as in run, ingest and import (docs/cli.md): 0 problems allowed means nothing can be read
        String expected = "--max-errors: expected an integer >= 1, got 0";
        assertEquals(2, exec("tlb", trace("I  1000,4\n").toString(), "--max-errors", "0"));
        assertTrue(err.startsWith("virtreplay: " + expected + "\n"), err);
        assertEquals(2, exec("tlb", Path.of("src", "test", "resources", "tlb-two-vms").toString(), "--max-errors",
                "0"));
        assertTrue(err.startsWith("virtreplay: " + expected + "\n"), err);
        assertEquals(2, exec("run", Path.of("src", "test", "resources", "tlb-two-vms").toString(), "--out",
                dir.resolve("o").toString(), "--max-errors", "0"));
        assertTrue(err.startsWith("virtreplay: " + expected + "\n"), err);
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void badTraceLineIsExit2WithFileAndLineAndNoCsv() throws Exception {
        Path t = trace("I  1000,4\nbogus line\n");
        Path csv = dir.resolve("s.csv");
        assertEquals(2, exec("tlb", t.toString(), "--stats-csv", csv.toString()));
        assertTrue(err.startsWith(t + ":2: "), err);
        assertFalse(err.contains("Exception"), err);
        assertFalse(Files.exists(csv));
    }

    @Test
    void badOptionsAreExit2() throws Exception {
        Path t = trace("I  1000,4\n");
        assertEquals(2, exec("tlb", t.toString(), "--tlb-l2-entries", "1000", "--tlb-l2-assoc", "3"));
        assertTrue(err.contains("must be positive and divide the entry count 1000"), err);
        assertEquals(2, exec("tlb", t.toString(), "--core", "cortex-z9"));
        assertTrue(err.contains("unknown preset"), err);
        assertEquals(2, exec("tlb", t.toString(), "--granule", "8k"));
        assertEquals(2, exec("tlb", t.toString(), "--s2-block", "32m"));
        assertTrue(err.contains("no 32m block"), err);
        assertEquals(2, exec("tlb", t.toString(), "--tlb-replacement", "mru"));
        assertEquals(2, exec("tlb", t.toString(), "--input-format", "canonical"));
        assertTrue(err.contains("not a trace directory"), err);
        assertEquals(2, exec("tlb", dir.resolve("missing").toString()));
    }

    @Test
    void nonPowerOfTwoGeometriesAndS2Blocks() throws Exception {
        Path t = trace("I  1000,4\n L 200000,4\n L 201000,4\n");
        assertEquals(0, exec("tlb", t.toString(), "--tlb-l1d-entries", "48", "--tlb-l2-entries", "1280",
                "--tlb-l2-assoc", "5", "--s2-block", "2m", "--tlb-replacement", "plru"), err);
        assertEquals(0, exec("tlb", t.toString(), "--granule", "64k", "--s2-granule", "4k",
                "--tlb-replacement", "random"), err);
        assertEquals(0, exec("tlb", t.toString(), "--granule", "16k", "--tlb-replacement", "fifo"), err);
    }

    @Test
    void help() {
        assertEquals(0, exec("tlb", "--help"));
        assertTrue(out.contains("--tlb-l1d-entries") && out.contains("--stats-csv") && out.contains("--s2-block"));
    }

    @Test
    void withoutCoreOnlyTheNamedStructuresExist() throws Exception {
        // The same trace as above. Naming only the L1s: no L2, so every L1 miss walks
        // (2 + 4 = 6 walks) and the l2 row is empty.
        Path t = trace("I  1000,4\nI  1ffe,4\n L 10000,8\n M 10004,4\n S 11000,4\n L 12000,4\n L 10000,4\n");
        Path csv = dir.resolve("only-l1.csv");
        assertEquals(0, exec("tlb", t.toString(), "--tlb-l1i-entries", "2", "--tlb-l1d-entries", "2",
                "--stats-csv", csv.toString()), err);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("l2,0,0,0,0.000000,0.000000,6,144,0,0", lines.get(3));
        // Asking for an L2 too: it sees the 6 L1 misses of both kinds in trace order. Of those, only the
        // L1D miss of 0x10000 after its eviction (the last access) finds the page in the 4-entry L2:
        // 6 lookups, 1 hit, 5 misses, 5 walks of 24 reads.
        Path csv2 = dir.resolve("with-l2.csv");
        assertEquals(0, exec("tlb", t.toString(), "--tlb-l1i-entries", "2", "--tlb-l1d-entries", "2",
                "--tlb-l2-entries", "4", "--tlb-l2-assoc", "4", "--stats-csv", csv2.toString()), err);
        assertEquals("l2,6,1,5,0.833333,2500.000000,5,120,4,4", Files.readAllLines(csv2).get(3));
    }

    /**
     * A canonical trace (src/test/resources/tlb-two-vms, hand-made): VM 0 reads VA 0x8000_0000 (L1D
     * miss, walk) and writes 0x8000_0008 on the same page (hit); VM 1 reads 0x8000_0000 (miss, walk:
     * VM 0's entry is tagged with another VMID), reads 0x8000_1000 (another page: miss), reads
     * 0x8000_0010 (hit) and fetches 0x8000_1004 (L1I miss). Without an L2 (--tlb-l2-entries 0) the
     * walks count on the L1 rows. Rows per VM, structures that were looked up.
     */
    @Test
    void aCanonicalTraceGivesRowsPerVm() throws Exception {
        Path t = Path.of("src", "test", "resources", "tlb-two-vms");
        Path csv = dir.resolve("s.csv");
        assertEquals(0, exec("tlb", t.toString(), "--tlb-l2-entries", "0", "-q", "--stats-csv", csv.toString()), err);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("vm,structure,lookups,hits,misses,miss_rate,walks,descriptor_reads,stale_hits", lines.get(0));
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("0,l1d,2,1,1,0.500000,1,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1,l1i,1,0,1,1.000000,1,"), lines.get(2));
        assertTrue(lines.get(3).startsWith("1,l1d,3,1,2,0.666667,2,"), lines.get(3));
        assertTrue(out.contains("2 VMs, "), out);
        assertTrue(out.contains("L2 none"), out);
        assertEquals("", err);
        // the options mirror scenario keys: --set tlb.l2.entries=0 is the same host, so the same rows
        Path csv2 = dir.resolve("s2.csv");
        assertEquals(0, exec("tlb", t.toString(), "--set", "tlb.l2.entries=0", "-q", "--stats-csv", csv2.toString()),
                err);
        assertEquals(lines, Files.readAllLines(csv2));
    }

    @Test
    void canonicalTracesRefuseTheLackeyGranuleOptions() {
        Path t = Path.of("src", "test", "resources", "tlb-two-vms");
        assertEquals(2, exec("tlb", t.toString(), "--granule", "16k"));
        assertTrue(err.startsWith("option '--granule': a canonical trace's page tables give its granules"), err);
        assertEquals(2, exec("tlb", t.toString(), "--set", "tlb.l9.entries=4"));
        assertTrue(err.contains("--set: unknown key 'tlb.l9.entries'; did you mean 'tlb.l2.entries'?"), err);
    }

    @Test
    void setIsOnlyForCanonicalTraces() throws Exception {
        Path t = trace("I  1000,4\n");
        assertEquals(2, exec("tlb", t.toString(), "--set", "core=cortex-a76"));
        assertTrue(err.startsWith("option '--set': only for canonical traces"), err);
    }

    @Test
    void theOldStaleCheckSpellingStillWorks() throws Exception {
        Path t = trace("I  1000,4\n");
        assertEquals(0, exec("tlb", t.toString(), "--stale-check", "1"), err);
        assertEquals(0, exec("tlb", t.toString(), "--tlb-stale-check", "1"), err);
        assertFalse(exec("tlb", "--help") != 0 || out.contains("--stale-check,") || out.contains(" --stale-check "),
                out);
    }

    /** Runs {@code args} through the full command tree, as every other command is run. */
    int execFullTree(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        picocli.CommandLine cl = VirtReplay.newCommandLine();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void lightStartPathBehavesAsTheFullCommandTree() throws Exception {
        // `virtreplay tlb` builds only its own picocli model (VirtReplay.newTlbCommandLine); the
        // user must not see a difference: help, version, usage errors, bad input, the table.
        Path t = trace("I  1000,4\n L 10000,8\n");
        Path bad = dir.resolve("bad.lackey");
        Files.writeString(bad, "I  1000,4\nX 1,1\n");
        String[][] cases = {
            {"tlb", "--help"},
            {"tlb", "--version"},
            {"tlb"},
            {"tlb", t.toString(), "--no-such-option"},
            {"tlb", t.toString(), "--tlb-l1d-entries", "x"},
            {"tlb", t.toString(), "--granule", "8k"},
            {"tlb", bad.toString()},
            {"tlb", t.toString(), "--core", "neoverse-n1"},
        };
        for (String[] args : cases) {
            int lightCode = exec(args);
            String lightOut = out.replaceAll("time: .*", "time:");
            String lightErr = err;
            int fullCode = execFullTree(args);
            String what = String.join(" ", args);
            assertEquals(fullCode, lightCode, what);
            assertEquals(out.replaceAll("time: .*", "time:"), lightOut, what);
            assertEquals(err, lightErr, what);
        }
        assertEquals(2, exec("tlb", bad.toString()));
        assertTrue(err.contains("bad.lackey:2:"), err);
        assertEquals(0, exec("tlb", "--help"));
        assertTrue(out.startsWith("Usage: virtreplay tlb "), out);
    }
}
