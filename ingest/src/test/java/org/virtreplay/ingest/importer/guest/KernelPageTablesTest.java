package org.virtreplay.ingest.importer.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.Granule;

/**
 * The AmpereOne linear-map sample (arm64-kernel-page-tables-linear-map-ampereone.txt, a copy of
 * /work/shared/samples). Expected counts were made by hand from its 43 lines: each range's size
 * divided by its level's entry size with a 4K granule (PTE 4K, PMD 2M, PUD 1G).
 */
class KernelPageTablesTest {
    @TempDir
    Path dir;

    static final Path SAMPLE = resource("arm64-kernel-page-tables-linear-map-ampereone.txt");

    static Path resource(String name) {
        try {
            return Path.of(KernelPageTablesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    record Row(long va, long ipa, long size, String perm, String memtype, boolean ng, long line) { }

    static List<Row> read(Path f, KernelPageTables.Options o, KernelPageTables.Result[] result) {
        List<Row> rows = new ArrayList<>();
        result[0] = KernelPageTables.read(f, f.getFileName().toString(), o,
                (va, ipa, size, perm, memtype, ng, line) -> rows.add(new Row(va, ipa, size, perm, memtype, ng, line)));
        return rows;
    }

    static final long K4 = 4096;
    static final long M2 = 2L << 20;
    static final long G1 = 1L << 30;

    @Test
    void linearMapRowsCountedByHand() {
        KernelPageTables.Result[] res = new KernelPageTables.Result[1];
        List<Row> rows = read(SAMPLE, KernelPageTables.Options.defaults(), res);
        KernelPageTables.Result r = res[0];
        assertEquals(Granule.K4, r.granule());
        assertEquals(48, r.vaBits());
        assertEquals(0xffff000000000000L, r.linearStart());
        assertEquals(0xffff000000000000L, r.firstMapped());
        assertEquals(0x40000000L, r.ramBase());
        assertTrue(r.ramBaseAssumed());
        assertEquals(43, r.lines());
        assertEquals(41, r.ranges());
        assertEquals(39, r.validRanges());
        // PTE leaves: lines 3, 4, 6, 7 (16 + 496 + 336 + 176 = 1024), lines 12-26 (1536),
        // lines 30-37 (1024): 3584. PMD leaves: lines 2, 5, 8, 9, 11, 27, 28, 29, 38, 39
        // (1 + 16 + 13 + 480 + 16 + 13 + 480 + 13 + 1 + 496 = 1529). PUD: lines 10 and 40 (4 + 5 = 9).
        assertEquals(3584, rows.stream().filter(x -> x.size() == K4).count());
        assertEquals(1529, rows.stream().filter(x -> x.size() == M2).count());
        assertEquals(9, rows.stream().filter(x -> x.size() == G1).count());
        assertEquals(5122, r.mapRows());
        // The whole 12G of the VM's RAM, from IPA 0x40000000.
        assertEquals(12L << 30, rows.stream().mapToLong(Row::size).sum());
        assertEquals(0x40000000L + (12L << 30), r.maxIpaEnd());
        // Read-only leaves (ro): lines 4, 5, 6, 14, 18, 22, 24, 32, 35 = 496 + 16 + 336 + 49 + 2 + 8
        // + 453 + 227 + 285 = 1872; all are NX and none is USR, so the rest is "rw".
        assertEquals(1872, rows.stream().filter(x -> x.perm().equals("r")).count());
        assertEquals(3250, rows.stream().filter(x -> x.perm().equals("rw")).count());
        assertTrue(rows.stream().allMatch(x -> x.memtype().equals("normal_wb") && !x.ng()));
        // CON: lines 3, 7, 9, 11, 12, 16, 20, 26, 28, 30, 34, 37, 39 =
        // 16 + 176 + 480 + 16 + 288 + 224 + 32 + 400 + 480 + 400 + 16 + 64 + 496 = 3088.
        assertEquals(3088, r.contiguousLeaves());
        assertEquals(0, r.notGlobalLeaves());
        assertEquals(Map.of(), r.notMapped());
        assertEquals(new Row(0xffff000000000000L, 0x40000000L, M2, "rw", "normal_wb", false, 2), rows.get(0));
        assertEquals(new Row(0xffff000000200000L, 0x40200000L, K4, "rw", "normal_wb", false, 3), rows.get(1));
        // Line 10: the first 1G block, VA 0xffff000040000000 -> IPA 0x80000000.
        Row pud = rows.stream().filter(x -> x.line() == 10).findFirst().orElseThrow();
        assertEquals(new Row(0xffff000040000000L, 0x80000000L, G1, "rw", "normal_wb", false, 10), pud);
    }

    @Test
    void ramBaseMovesTheOutputAddresses() {
        KernelPageTables.Result[] res = new KernelPageTables.Result[1];
        List<Row> rows = read(SAMPLE, new KernelPageTables.Options(null, 0x80000000L, false, 20), res);
        assertEquals(0x80000000L, rows.get(0).ipa());
        assertEquals(0x80000000L + (12L << 30), res[0].maxIpaEnd());
        // A base that is not 1G-aligned cannot hold the linear map's 1G blocks (line 10).
        BadInputException e = assertThrows(BadInputException.class,
                () -> read(SAMPLE, new KernelPageTables.Options(null, 0x80200000L, false, 20), res));
        assertEquals("arm64-kernel-page-tables-linear-map-ampereone.txt:10: the linear map's 1G entry at VA "
                + "0xffff000040000000 needs a 1G-aligned IPA, but RAM base 0x80200000 puts it at 0xc0200000 (give the "
                + "guest's RAM base, the IPA of VA 0xffff000000000000)", e.getMessage());
    }

    @Test
    void otherRegionsAreCountedNotMapped() throws IOException {
        Path f = dir.resolve("k.txt");
        Files.writeString(f, """
                ---[ Linear Mapping start ]---
                0xffff000000000000-0xffff000000001000           4K PTE   USR ro x  SHD AF NG                MEM/NORMAL
                0xffff000000001000-0xffff000000002000           4K PTE       RW NX SHD    NG         UXN    MEM/NORMAL
                0xffff000000002000-0xffff000000003000           4K PTE       RW NX SHD AF                   DEVICE/nGnRE
                ---[ Linear Mapping end ]---
                ---[ Modules start ]---
                0xffff800000000000-0xffff800000004000          16K PTE       RW NX SHD AF            UXN    MEM/NORMAL
                0xffff800000004000-0xffff800008000000      131056K PTE
                """);
        KernelPageTables.Result[] res = new KernelPageTables.Result[1];
        List<Row> rows = read(f, KernelPageTables.Options.defaults(), res);
        // Line 2: a user page, read-only, executable at EL0 (UXN clear), nG. Line 3 has AF clear.
        assertEquals(List.of(
                new Row(0xffff000000000000L, 0x40000000L, K4, "rxu", "normal_wb", true, 2),
                new Row(0xffff000000002000L, 0x40002000L, K4, "rw", "device_ngnre", false, 4)), rows);
        assertEquals(Map.of("no output address in the dump: Modules start", 4L, "Access flag clear", 1L),
                res[0].notMapped());
        assertEquals(1, res[0].notGlobalLeaves());
    }

    @Test
    void malformedCorpusGivesOneLinePerProblem() throws IOException {
        String head = "---[ Linear Mapping start ]---\n"
                + "0xffff000000000000-0xffff000000200000           2M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL\n";
        String ok = "       RW NX SHD AF            UXN    MEM/NORMAL";
        String[][] cases = {
            {"0xffff000000200000-0xffff00000020", "k.txt:3: expected a range line '0xSTART-0xEND SIZE LEVEL "
                    + "[ATTRIBUTES]', got '0xffff000000200000-0xffff00000020'"},
            {"0xffff000000200000-0xffff000000201000           4K PXD" + ok, "k.txt:3: expected a level name PGD, P4D, "
                    + "PUD, PMD or PTE, got 'PXD'"},
            {"0xffff000000200000-0xffff000000201000          4.0K PTE" + ok, "k.txt:3: expected a size such as 4K, 2M "
                    + "or 1G (a decimal count and a unit K, M, G, T, P or E), got '4.0K'"},
            {"0xffff000000200000-0xffff000000201000           4K PTE   RW ro NX AF UXN MEM/NORMAL", "k.txt:3: "
                    + "expected one of ro/RW and one of NX/x on a valid range, got 'RW ro NX AF UXN MEM/NORMAL'"},
            {"0xffff000000200000-0xffff000000201000           4K PTE   RW AF UXN MEM/NORMAL", "k.txt:3: "
                    + "expected one of ro/RW and one of NX/x on a valid range, got 'RW AF UXN MEM/NORMAL'"},
            {"0xffff000000200000-0xffff000000201000           4K PTE   RW NX AF WXYZ MEM/NORMAL", "k.txt:3: "
                    + "expected attributes from F, USR, ro, RW, NX, x, SHD, AF, NG, CON, BLK, UXN, GP, TBL and one "
                    + "memory type (DEVICE/nGnRnE, DEVICE/nGnRE, DEVICE/GRE, MEM/NORMAL-NC, MEM/NORMAL-WT, MEM/NORMAL, "
                    + "MEM/NORMAL-TAGGED), got 'WXYZ'"},
            {"0xffff000000200000-0xffff000000201000           4K PTE   RW NX AF MEM/NORMAL MEM/NORMAL-NC", "k.txt:3: "
                    + "expected one memory type, got a second one 'MEM/NORMAL-NC'"},
            {"0xffff000000200000-0xffff000000201000           4K PTE   RW NX AF BLK MEM/NORMAL", "k.txt:3: "
                    + "expected no BLK on a PTE page, got 'RW NX AF BLK MEM/NORMAL'"},
            {"0xffff000000100000-0xffff000000101000           4K PTE" + ok, "k.txt:3: expected ranges in increasing "
                    + "address order, got 0xffff000000100000, which is before the end 0xffff000000200000 of the range "
                    + "at line 2"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("k.txt");
            Files.writeString(f, head + c[0] + "\n");
            KernelPageTables.Result[] res = new KernelPageTables.Result[1];
            BadInputException e = assertThrows(BadInputException.class,
                    () -> read(f, KernelPageTables.Options.defaults(), res), c[0]);
            assertEquals(List.of(c[1]), e.problems(), c[0]);
            List<Row> rows = read(f, new KernelPageTables.Options(Granule.K4, -1, true, 20), res);
            assertEquals(1, rows.size(), c[0]);
            assertEquals(1, res[0].skipped().values().stream().mapToLong(Long::longValue).sum(), c[0]);
        }
    }
}
