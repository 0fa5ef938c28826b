package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code virtreplay import} from the command line, and the other commands on what it writes. */
class ImportCommandTest {
    /** The first 4 records of ftrace-kvm-arm64-nv2-l1-sys64-loop (../shared/samples), as the mail wrapped them. */
    static final String NV2_HEAD = """
                   kvm-vcpu-0-88776   [001] ...1.  6076.581774: kvm_exit: TRAP:\s
            HSR_EC: 0x0018 (SYS64), PC: 0x0000000080528a6c
                   kvm-vcpu-0-88776   [001] d..1.  6076.581774: kvm_entry: PC:\s
            0x0000000080528a6c
                   kvm-vcpu-0-88776   [001] ...1.  6076.581775: kvm_exit: TRAP:\s
            HSR_EC: 0x0018 (SYS64), PC: 0x0000000080528a90
                   kvm-vcpu-0-88776   [001] d..1.  6076.581776: kvm_entry: PC:\s
            0x0000000080528a90
            """;

    @TempDir
    Path dir;

    @Test
    void importPrintsTheMappingAndProvenanceAndInspectAndRunTakeTheResult() throws IOException {
        Path f = dir.resolve("nv2.txt");
        Files.writeString(f, NV2_HEAD);
        Path t = dir.resolve("t");
        IngestTestSupport.Result r = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out", t.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("vm 0 'vm0': vcpu 0 = thread 'kvm-vcpu-0' (tid 88776) [inferred, index from name]", lines.get(0));
        assertEquals("kvm-events " + f + ": 8 lines, 4 records, 4 used (kvm_entry 2, kvm_exit 2), 0 skipped",
                lines.get(1));
        assertEquals("imported 1 source -> " + t + " (parquet): vms 1, exits 2", lines.get(lines.size() - 1));
        // -q is progress only, as in every command: the same lines; --brief keeps only the last
        IngestTestSupport.Result q = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out",
                dir.resolve("tq").toString(), "-q");
        assertEquals(0, q.exit(), q.err());
        assertEquals(r.out().replace(t.toString(), dir.resolve("tq").toString()), q.out());
        IngestTestSupport.Result b = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out",
                dir.resolve("tb").toString(), "--brief");
        assertEquals(0, b.exit(), b.err());
        assertEquals(List.of("imported 1 source -> " + dir.resolve("tb") + " (parquet): vms 1, exits 2"),
                b.out().lines().toList());
        IngestTestSupport.Result i = IngestTestSupport.run("inspect", t.toString());
        assertEquals(0, i.exit(), i.err());
        assertTrue(i.out().contains("exits                2 rows"), i.out());
        assertTrue(i.out().contains("exits (observed) by type: TRAP 2; by exception class: SYS64 2"), i.out());
        IngestTestSupport.Result run = IngestTestSupport.run("run", t.toString(), "--out", dir.resolve("r").toString(),
                "-q");
        assertEquals(0, run.exit(), run.err());
    }

    /**
     * A child {@code import} stopped after reading (its sorted runs spilled to disk, one row per
     * table in memory): SIGTERM leaves nothing; kill -9 leaves its temporary, runs included, named
     * by its pid, and the next import into the same --out removes it.
     */
    @Test
    @Timeout(120)
    void sigtermLeavesNothingAndTheLeftoversOfKillMinus9GoWithTheNextImport() throws Exception {
        Path f = dir.resolve("nv2.txt");
        Files.writeString(f, NV2_HEAD);
        Path t = dir.resolve("t");
        String[] args = {"import", "--kvm-events", f.toString(), "--out", t.toString(), "-q"};
        Process term = startImportPaused(args);
        term.destroy(); // SIGTERM
        assertNotEquals(0, term.waitFor());
        assertEquals(List.of("nv2.txt"), IngestTestSupport.names(dir), "SIGTERM: the shutdown hook removes everything");

        Process kill = startImportPaused(args);
        kill.destroyForcibly();
        kill.waitFor();
        List<String> left = AtomicRunTest.temporaries(dir, "t");
        assertEquals(1, left.size(), left.toString());
        assertTrue(left.get(0).startsWith(".t.tmp-" + kill.pid() + "-"), left.toString());
        // the external sort's runs are inside the temporary, not beside --out
        assertEquals(List.of("exits.0.run"), IngestTestSupport.names(dir.resolve(left.get(0)).resolve(".runs")));
        assertEquals(List.of(left.get(0), "nv2.txt"), IngestTestSupport.names(dir));

        assertEquals(0, IngestTestSupport.run(args).exit());
        assertEquals(List.of("nv2.txt", "t"), IngestTestSupport.names(dir));
    }

    private static Process startImportPaused(String... args) throws Exception {
        return AtomicRunTest.startPaused(List.of("-D" + ImportCommand.BUFFER_ROWS + "=1"), "import:read", args);
    }

    @Test
    void aMalformedRecordIsExitTwoWithFileAndLineAndNoStackTrace() throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, NV2_HEAD.replace("HSR_EC: 0x0018 (SYS64), PC: 0x0000000080528a90",
                "HSR_EC: 0x00zz (SYS64), PC: 0x0000000080528a90"));
        Path t = dir.resolve("t");
        IngestTestSupport.Result r = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out", t.toString());
        assertEquals(2, r.exit());
        assertEquals(List.of(f + ":5: kvm_exit: expected 'TYPE: HSR_EC: 0xEC (NAME), PC: 0xADDR' (or an older form "
                + "without TYPE or EC), got 'TRAP: HSR_EC: 0x00zz (SYS64), PC: 0x0000000080528a90' (the record continues "
                + "to line 6: wrapped lines are joined)"), r.errLines());
        assertFalse(Files.exists(t));
        assertEquals(List.of("bad.txt"), IngestTestSupport.names(dir));

        IngestTestSupport.Result l = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out", t.toString(),
                "--lenient");
        assertEquals(0, l.exit(), l.err());
        assertTrue(l.out().contains("  skipped: malformed 1"), l.out());
    }

    @Test
    void existingOutputNeedsForceAndBadOptionsAreUsageErrors() throws IOException {
        Path f = dir.resolve("nv2.txt");
        Files.writeString(f, NV2_HEAD);
        Path t = Files.createDirectories(dir.resolve("t"));
        IngestTestSupport.Result r = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out", t.toString());
        assertEquals(2, r.exit());
        assertEquals(List.of(t + ": already exists; use --force to replace it"), r.errLines());
        assertEquals(0, IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out", t.toString(), "--force",
                "-q").exit());
        assertTrue(Files.exists(t.resolve("exits.parquet")));

        String[][] bad = {
            {"--offset", "nv2.txt"}, {"--vm", "web"}, {"--vm", "web=12x"}, {"--lackey", "web=x.log"}, {"--to", "json"},
            {"--clock", "tsc"}, {"--stage2", "web"}, {"--offset", "nope.txt=5"},
        };
        for (String[] b : bad) {
            IngestTestSupport.Result u = IngestTestSupport.run("import", "--kvm-events", f.toString(), "--out",
                    dir.resolve("u").toString(), b[0], b[1]);
            assertEquals(2, u.exit(), String.join(" ", b));
            assertEquals(1, u.errLines().stream().filter(s -> !s.startsWith("Try ")).count(), u.err());
            assertFalse(u.err().contains("Exception"), u.err());
            assertFalse(Files.exists(dir.resolve("u")));
        }
        IngestTestSupport.Result none = IngestTestSupport.run("import", "--out", dir.resolve("u").toString());
        assertEquals(2, none.exit());
        IngestTestSupport.Result missing = IngestTestSupport.run("import", "--kvm-events", dir.resolve("no.txt").toString(),
                "--out", dir.resolve("u").toString());
        assertEquals(List.of(dir.resolve("no.txt") + ": no such file (--kvm-events)"), missing.errLines());
    }

    @Test
    void replayIgnoresTheObservationTablesAndSweepAndIngestAcceptThem() throws IOException {
        Path plain = dir.resolve("plain");
        IngestTestSupport.Result g = IngestTestSupport.run("generate", "--out", plain.toString(), "--seed", "5",
                "--vms", "1", "--vcpus", "2", "--pes", "2", "--accesses", "3000", "--timer-hz", "2000", "--quiet");
        assertEquals(0, g.exit(), g.err());
        Path obs = dir.resolve("obs");
        Files.createDirectories(obs);
        try (var s = Files.list(plain)) {
            for (Path p : s.toList()) {
                Files.copy(p, obs.resolve(p.getFileName()));
            }
        }
        Files.writeString(obs.resolve("exits.csv"), "ts,vm,vcpu,pe,type,ec,ec_name,esr,pc,ipa,far,duration_ns\n"
                + "10,0,0,1,TRAP,0x24,DABT_LOW,0x93c08007,0xffff800080001004,0x9000000,0xffff0000c8000018,10000\n"
                + "20,0,1,-1,IRQ,,,,0x10,,,\n");
        Files.writeString(obs.resolve("spe_samples.csv"), "ts,vm,vcpu,pe,el,op,pc,va,pa,tlb,l1d,llc,total_cycles,"
                + "issue_cycles,xlat_cycles,events,data_src\n"
                + "15,0,-1,0,1,load,0xffff800080001000,0xffff000012345678,0x8012345678,miss,hit,,34,5,20,"
                + "l1d-access;tlb-access;tlb-miss;memory,\n");
        Path ra = dir.resolve("ra");
        Path rb = dir.resolve("rb");
        assertEquals(0, IngestTestSupport.run("replay", plain.toString(), "--out", ra.toString(), "-q").exit());
        IngestTestSupport.Result rr = IngestTestSupport.run("replay", obs.toString(), "--out", rb.toString(), "-q");
        assertEquals(0, rr.exit(), rr.err());
        for (String m : List.of("tlb_stats.parquet", "irq_latency.parquet", "stage2_faults.parquet", "walk_lengths.parquet")) {
            assertArrayEquals(Files.readAllBytes(ra.resolve(m)), Files.readAllBytes(rb.resolve(m)), m);
        }
        Path pq = dir.resolve("pq");
        IngestTestSupport.Result in = IngestTestSupport.run("ingest", obs.toString(), "--out", pq.toString(), "-q");
        assertEquals(0, in.exit(), in.err());
        assertTrue(in.out().contains("exits 2") && in.out().contains("spe_samples 1"), in.out());
        Path back = dir.resolve("back");
        assertEquals(0, IngestTestSupport.run("ingest", pq.toString(), "--to", "csv", "--out", back.toString(), "-q")
                .exit());
        assertEquals(Files.readString(obs.resolve("exits.csv")), Files.readString(back.resolve("exits.csv")));
        assertEquals(Files.readString(obs.resolve("spe_samples.csv")), Files.readString(back.resolve("spe_samples.csv")));
        Path grid = dir.resolve("grid.txt");
        Files.writeString(grid, "s2.backing = 4k\n");
        IngestTestSupport.Result sw = IngestTestSupport.run("sweep", pq.toString(), "--grid", grid.toString(), "--out",
                dir.resolve("sw").toString(), "--quiet");
        assertEquals(0, sw.exit(), sw.err());
    }
}
