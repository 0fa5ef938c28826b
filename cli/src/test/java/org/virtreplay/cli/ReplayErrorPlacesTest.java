package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.cli.IngestTestSupport.baseTrace;
import static org.virtreplay.cli.IngestTestSupport.names;
import static org.virtreplay.cli.IngestTestSupport.run;
import static org.virtreplay.cli.IngestTestSupport.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems the model finds while it replays (issue 14 item 6) name the user's own file and line,
 * also when {@code run} or {@code sweep} replays the Parquet copy it made of a CSV trace (which is
 * deleted when the run fails), and a full table pool names the manifest key and what to do.
 *
 * <p>The base trace: 2 PEs; vm 0 (2 vCPUs) and vm 1 (1 vCPU), both with 40-bit IPAs; vm 0 has one
 * 1 GiB RAM memslot at IPA 0. Files below put a blank line before the row that fails, so that its
 * line is not its row number plus one.
 */
class ReplayErrorPlacesTest {
    @TempDir
    Path tmp;
    Path in;
    Path out;

    private static final String MAP_HEADER = "ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op\n";
    private static final String MANIFEST = "key,value\nformat_version,1\ntime_unit,ns\nclock,synthetic\npe_count,2\n";
    /** A 2 MiB stage-2 block, then (after a blank line 3) a 4 KiB page inside it, on line 4. */
    private static final String MAP_INTO_BLOCK = MAP_HEADER
            + "0,0,2,,,0x200000,0x80200000,2097152,rw,normal_wb,,map\n\n"
            + "1,0,2,,,0x201000,0x80000000,4096,rw,normal_wb,,map\n";

    @BeforeEach
    void setUp() throws IOException {
        in = baseTrace(tmp.resolve("in"));
        out = tmp.resolve("out");
    }

    /** Runs the command, expects exit 2 and one line on stderr, and returns it. */
    private String fails(String... args) {
        IngestTestSupport.Result r = run(args);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        return r.errLines().get(0);
    }

    private String f(String name) {
        return in.resolve(name).toString();
    }

    @Test
    void runNamesTheUsersMapLineNotTheIngestedParquetRow() throws IOException {
        write(in.resolve("map.csv"), MAP_INTO_BLOCK);
        String line = fails("run", in.toString(), "--out", out.toString(), "-q");
        // before: OUT/trace/map.parquet:row 2, a file the failed run had already deleted
        assertTrue(line.startsWith(f("map.csv") + ":4: "), line);
        assertTrue(line.endsWith("inside an existing level-2 block"), line);
        assertFalse(Files.exists(out));
        assertEquals(List.of("in"), names(tmp));
    }

    @Test
    void runNamesTheLineInACompressedTable() throws IOException {
        Files.write(in.resolve("map.csv.gz"), gzip(MAP_INTO_BLOCK));
        String line = fails("run", in.toString(), "--out", out.toString(), "-q");
        assertTrue(line.startsWith(f("map.csv.gz") + ":4: "), line);
    }

    @Test
    void replayOfTheUsersOwnTablesNamesThemAsTheyAre() throws IOException {
        write(in.resolve("map.csv"), MAP_INTO_BLOCK);
        String line = fails("replay", in.toString(), "--out", out.toString(), "-q");
        assertTrue(line.startsWith(f("map.csv") + ":4: "), line);
        // a Parquet trace of the user's: its row (the second row of map.parquet)
        Path pq = tmp.resolve("pq");
        assertEquals(0, run("ingest", in.toString(), "--out", pq.toString()).exit());
        line = fails("replay", pq.toString(), "--out", out.toString(), "-q");
        assertTrue(line.startsWith(pq.resolve("map.parquet") + ":row 2: "), line);
        line = fails("run", pq.toString(), "--out", out.toString(), "-q");
        assertTrue(line.startsWith(pq.resolve("map.parquet") + ":row 2: "), line);
    }

    @Test
    void sweepNamesTheUsersLine() throws IOException {
        write(in.resolve("map.csv"), MAP_INTO_BLOCK);
        Path grid = tmp.resolve("grid.txt");
        write(grid, "gic.list_registers = 4\n");
        String line = fails("sweep", in.toString(), "--grid", grid.toString(), "--out", out.toString(), "-q");
        assertTrue(line.startsWith("sweep point 0 (gic.list_registers=4): " + f("map.csv") + ":4: "), line);
    }

    @Test
    void memslotTheModelRefusesIsNamedByItsLine() throws IOException {
        // valid for the format (a 4 KiB-aligned PA below 2^64), beyond the modelled host's 48-bit PAs
        write(in.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,0x40000000,ram,,4096\n\n"
                + "0,1,0x40000000,0x1000,device,0x1000000000000,\n");
        String line = fails("run", in.toString(), "--out", out.toString(), "-q");
        assertTrue(line.startsWith(f("memslots.csv") + ":4: "), line);
        assertTrue(line.contains("48-bit"), line);
    }

    @Test
    void fullStage2PoolNamesTheKeyAndTheRowThatNeededATable() throws IOException {
        // Each VM's stage-2 root for 40-bit IPAs with 4 KiB pages starts at level 1 with two
        // concatenated tables (2^40 / 2^30 = 1024 entries, 8 KiB): the two VMs take 0x4000 bytes, the
        // whole pool. The first access (mem.csv line 3, after a blank line) faults, and mapping it
        // needs a level-2 table, at 0xf000004000.
        write(in.resolve("manifest.csv"), MANIFEST + "host.s2_table_pool,\"0xf000000000,0x4000\"\n");
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n\n1,0,0,0,r,0x1000,8\n");
        String line = fails("run", in.toString(), "--out", out.toString(), "-q");
        assertEquals(f("manifest.csv") + ":6: key 'host.s2_table_pool' = 0xf000000000,0x4000: no room for another "
                + "stage-2 table at 0xf000004000 (needed by " + f("mem.csv") + ":3); give the pool a larger SIZE", line);
        assertFalse(Files.exists(out));
    }

    @Test
    void aRowTheModelRefusesInsideABatchIsNamedByItsLine() throws IOException {
        // The replay hands the model whole batches of mem rows (the flat loop of issue 18): a row it
        // refuses after others of its batch were replayed must still be the one named. The pool has
        // room for the two VMs' roots (0x4000) and two more tables: the first access (line 3) maps
        // its page with a level-2 and a level-3 table, the second (line 4) hits that page, and the
        // third (line 6, after a blank line), 2 MiB further, needs a new level-3 table at 0xf000006000.
        write(in.resolve("manifest.csv"), MANIFEST + "host.s2_table_pool,\"0xf000000000,0x6000\"\n");
        write(in.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n\n1,0,0,0,r,0x1000,8\n2,0,0,0,w,0x1008,8\n\n"
                + "3,0,0,0,r,0x201000,8\n4,0,0,0,r,0x1010,8\n");
        for (String cmd : new String[] {"run", "replay"}) {
            String line = fails(cmd, in.toString(), "--out", out.toString(), "-q");
            assertEquals(f("manifest.csv") + ":6: key 'host.s2_table_pool' = 0xf000000000,0x6000: no room for another "
                    + "stage-2 table at 0xf000006000 (needed by " + f("mem.csv") + ":6); give the pool a larger SIZE",
                    line, cmd);
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void poolTooSmallForTheRootsNamesTheVm() throws IOException {
        // vm 0's 8 KiB root takes 0x2000 of the 0x3000 bytes; vm 1's does not fit
        write(in.resolve("manifest.csv"), MANIFEST + "host.s2_table_pool,\"0xf000000000,0x3000\"\n");
        String line = fails("replay", in.toString(), "--out", out.toString(), "-q");
        assertEquals(f("manifest.csv") + ":6: key 'host.s2_table_pool' = 0xf000000000,0x3000: no room for another "
                + "stage-2 table at 0xf000002000 (needed by " + f("vms.csv") + ":3); give the pool a larger SIZE", line);
    }

    @Test
    void fullDefaultStage1PoolNamesTheKeyToSet() throws IOException {
        // vm 0's first RAM memslot is 4 KiB at 0x100000, so its default stage-1 pool (the last 4 MiB
        // of that slot, at most the slot) is that one page. The map row (line 3) maps a VA through a
        // 4-level walk (no TCR_EL1 written: 48-bit VAs, 4 KiB granule) under the root at IPA 0: the
        // level-1 table takes the pool's page, the level-2 table finds it full at 0x101000.
        write(in.resolve("memslots.csv"), "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x100000,0x1000,ram,,4096\n"
                + "0,1,0x0,0x100000,ram,,4096\n");
        write(in.resolve("map.csv"), MAP_HEADER + "\n0,0,1,0x0,1,0x400000,0x2000,4096,rw,normal_wb,1,map\n");
        String line = fails("run", in.toString(), "--out", out.toString(), "-q");
        assertEquals(f("manifest.csv") + ": key 'vm.0.s1_table_pool' is not set (default: the last 4 MiB of vm 0's "
                + "first ram memslot): no room for another stage-1 table at 0x101000 (needed by " + f("map.csv")
                + ":3); set the key to a larger IPA range of the VM's RAM", line);
    }

    @Test
    void scenarioCombinationIsCheckedBeforeRunIngests() throws IOException {
        Path sc = tmp.resolve("host.txt");
        write(sc, "# L1 data TLB\ntlb.l1d.entries = 48\ntlb.l1d.assoc = 5\n");
        String line = fails("run", in.toString(), "--out", out.toString(), "--scenario", sc.toString(), "-q");
        assertEquals(sc + ":2,3: tlb.l1d: 5 ways (tlb.l1d.assoc) do not divide 48 entries (tlb.l1d.entries); "
                + "choose ways that divide the entries (equal to them: fully associative)", line);
        assertFalse(Files.exists(out), "nothing ingested");
        line = fails("replay", in.toString(), "--out", out.toString(), "--set", "tlb.l1d.assoc=5");
        // the Neoverse N1 (the default core) has a 48-entry L1 data TLB (docs/cores.md, as Cortex-A76)
        assertEquals("--set tlb.l1d.assoc=5: tlb.l1d: 5 ways (tlb.l1d.assoc from --set tlb.l1d.assoc=5) do not "
                + "divide 48 entries (the neoverse-n1 preset's); choose ways that divide the entries (equal to them: "
                + "fully associative)", line);
    }

    @Test
    void scenarioWithAByteOrderMarkIsAccepted() throws IOException {
        // as a CSV table's: before, the first key was "\uFEFFgic.list_registers", an unknown key
        Path sc = tmp.resolve("host.txt");
        write(sc, "\uFEFFgic.list_registers = 2\n");
        IngestTestSupport.Result r = run("replay", in.toString(), "--out", out.toString(), "--scenario", sc.toString(),
                "-q");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isDirectory(out));
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(s.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }
}
