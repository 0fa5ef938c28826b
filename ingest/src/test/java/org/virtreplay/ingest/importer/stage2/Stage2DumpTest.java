package org.virtreplay.ingest.importer.stage2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.Granule;

/**
 * The stage-2 dumps: the real v9 sample (kvm-stage2-ptdump-v9-qemu-4k.txt, a copy of
 * /work/shared/samples) and the FEAT_XNX form written from arch/arm64/kvm/ptdump.c. Every expected
 * value below was counted by hand from the dump's lines, as the comments say.
 */
class Stage2DumpTest {
    @TempDir
    Path dir;

    static final Path V9 = resource("kvm-stage2-ptdump-v9-qemu-4k.txt");

    static Path resource(String name) {
        try {
            return Path.of(Stage2DumpTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    record Slot(long ipa, long size, long pa, long pageSize, long line) { }

    record Map1(long ipa, long pa, long size, String perm, long line) { }

    static final class Collect implements Stage2Layout.Out {
        final List<Slot> slots = new ArrayList<>();
        final List<Map1> maps = new ArrayList<>();

        @Override
        public void memslot(long ipa, long size, long pa, long pageSize, long firstLine) {
            slots.add(new Slot(ipa, size, pa, pageSize, firstLine));
        }

        @Override
        public void map(long ipa, long pa, long size, String perm, long line) {
            maps.add(new Map1(ipa, pa, size, perm, line));
        }
    }

    static final long M2 = 2L << 20;
    static final long BASE = HostPaAllocator.BASE;

    /**
     * The v9 sample, counted by hand. Valid lines (with attributes) are 4, 8-14, 16, 18, 20, 22, 24,
     * 25; the others are unmapped. Adjacent valid lines with the same leaf size form the memslots:
     * line 4 (one 4K page at 0x1020000); lines 8-14 (0x80000000-0x82a00000, 42M of 2M blocks);
     * 16 (6M); 18 (6M); 20 (2M); 22 (2M); 24-25 (0x9b600000-0x9c000000, 10M). Host PAs: from 512 GiB,
     * each slot congruent to its IPA modulo 2M: 0x1020000 mod 2M = 0x20000, so slot 0 is at
     * BASE + 0x20000 and ends at BASE + 0x21000; slot 1 at the next 2M boundary BASE + 0x200000, 42M
     * long, so slot 2 at BASE + 0x2c00000, and so on.
     */
    @Test
    void v9SampleGivesTheHandCountedLayout() {
        Collect c = new Collect();
        Stage2Dump.Result r = Stage2Dump.read(V9, "v9.txt", Stage2Dump.Options.defaults(), new HostPaAllocator(), c);
        assertEquals(Granule.K4, r.granule());
        assertTrue(r.granuleInferred());
        assertEquals(Stage2DumpParser.Form.X_COLUMN, r.form());
        assertEquals(26, r.lines());
        assertEquals(25, r.ranges());
        assertEquals(14, r.validRanges());
        assertEquals(0x9c000000L, r.maxValidEnd());
        assertEquals(List.of(
                new Slot(0x1020000L, 0x1000, BASE + 0x20000, 4096, 4),
                new Slot(0x80000000L, 42 * (1L << 20), BASE + 0x200000, M2, 8),
                new Slot(0x82c00000L, 6 * (1L << 20), BASE + 0x2c00000L, M2, 16),
                new Slot(0x83400000L, 6 * (1L << 20), BASE + 0x3200000L, M2, 18),
                new Slot(0x8fe00000L, M2, BASE + 0x3800000L, M2, 20),
                new Slot(0x99400000L, M2, BASE + 0x3a00000L, M2, 22),
                new Slot(0x9b600000L, 10 * (1L << 20), BASE + 0x3c00000L, M2, 24)), c.slots);
        assertEquals(7, r.memslots());
        // Leaves: 1 page + 18M/2M + 8M/2M + 1 + 3 + 1 + 2 + 1 (lines 8-14) + 3 + 3 + 1 + 1 + 4 + 1 = 35.
        assertEquals(35, c.maps.size());
        assertEquals(35, r.mapRows());
        assertEquals(68 * (1L << 20) + 4096, r.mappedBytes());
        // The X column marks execute-never entries (v9 prints X when XN is set): lines without X are
        // executable: 9 blocks of line 8 and one block each of lines 10, 12, 14, 20, 25 = 14.
        assertEquals(14, c.maps.stream().filter(m -> m.perm().equals("rwx")).count());
        assertEquals(21, c.maps.stream().filter(m -> m.perm().equals("rw")).count());
        assertEquals(new Map1(0x1020000L, BASE + 0x20000, 4096, "rw", 4), c.maps.get(0));
        assertEquals(new Map1(0x80000000L, BASE + 0x200000, M2, "rwx", 8), c.maps.get(1));
        assertEquals(new Map1(0x81000000L, BASE + 0x200000 + 0x1000000, M2, "rwx", 8), c.maps.get(9));
        assertEquals(new Map1(0x81200000L, BASE + 0x200000 + 0x1200000, M2, "rw", 9), c.maps.get(10));
        assertEquals(new Map1(0x9be00000L, BASE + 0x3c00000L + 0x800000, M2, "rwx", 25), c.maps.get(34));
        assertEquals(0, r.afClearEntries());
        assertEquals(Map.of(), r.skipped());
    }

    @Test
    void xColumnCanBeReadAsExecutable() {
        Collect c = new Collect();
        Stage2Dump.read(V9, "v9.txt", new Stage2Dump.Options(null, Stage2DumpParser.XColumn.EXECUTABLE, false, 20),
                new HostPaAllocator(), c);
        assertEquals(21, c.maps.stream().filter(m -> m.perm().equals("rwx")).count());
        assertEquals(14, c.maps.stream().filter(m -> m.perm().equals("rw")).count());
    }

    /** The debugfs directory form: stage2_levels 4 and ipa_range 44 (the cover letter's values). */
    @Test
    void directoryWithLevelsAndIpaRange() throws IOException {
        Path d = dir.resolve("256-4");
        Files.createDirectories(d);
        Files.copy(V9, d.resolve("stage2_page_tables"));
        Files.writeString(d.resolve("ipa_range"), "44\n");
        Files.writeString(d.resolve("stage2_levels"), "4\n");
        Stage2Dump.Result r = Stage2Dump.read(d, "256-4", Stage2Dump.Options.defaults(), new HostPaAllocator(),
                new Collect());
        assertEquals(44, r.ipaBits());
        assertEquals(4, r.levels());
        assertEquals(Granule.K4, r.granule());
        // 4 levels at 44 bits is KVM's 4K geometry ((44 - 8) / 9 = 4); 16K would give 3, so a given
        // 16K granule contradicts the files, and so does a level count of 3.
        BadInputException e = assertThrows(BadInputException.class, () -> Stage2Dump.read(d, "256-4",
                new Stage2Dump.Options(Granule.K16, Stage2DumpParser.XColumn.EXECUTE_NEVER, false, 20),
                new HostPaAllocator(), new Collect()));
        assertEquals("256-4/stage2_page_tables:4: --s2-granule 16K: a level-3 range of a 16K granule is a whole "
                + "number of 16K entries, got 0x1020000-0x1021000 (4K)", e.getMessage());
        Files.writeString(d.resolve("stage2_levels"), "3\n");
        e = assertThrows(BadInputException.class, () -> Stage2Dump.read(d, "256-4", Stage2Dump.Options.defaults(),
                new HostPaAllocator(), new Collect()));
        assertEquals("256-4/stage2_page_tables:7: expected levels 1..3 (stage2_levels 3), got level 0", e.getMessage());
    }

    /**
     * A dump in the FEAT_XNX form of Linux 6.19 (stage2_pte_bits: F/space, R, W, one of "px ux ",
     * "PXNux ", "PXNUXN", "px UXN", AF, BLK), 16K granule: 16K pages at level 3, 32M blocks at level 2.
     */
    static final String XNX_16K = """
            ---[ Guest IPA ]---
            0x0000000000000000-0x0000000080000000           2G 2
            0x0000000080000000-0x0000000084000000          64M 2   R W px ux  AF BLK
            0x0000000084000000-0x0000000084010000          64K 3   R W PXNUXN AF
            0x0000000084010000-0x0000000084018000          32K 3   R W PXNUXN
            0x0000000084018000-0x0000000084020000          32K 3   R   px UXN AF
            0x0000000084020000-0x0000000086000000       32640K 3
            0x0000000086000000-0x0000000088000000          32M 2   R W PXNux  AF BLK
            """;

    @Test
    void xnxForm16kGranule() throws IOException {
        Path f = dir.resolve("xnx.txt");
        Files.writeString(f, XNX_16K);
        Collect c = new Collect();
        Stage2Dump.Result r = Stage2Dump.read(f, "xnx.txt", Stage2Dump.Options.defaults(), new HostPaAllocator(), c);
        // 32K ranges at level 3 rule out 64K; nothing rules out 4K or 16K: the larger is taken.
        assertEquals(Granule.K16, r.granule());
        assertEquals(Stage2DumpParser.Form.XNX, r.form());
        // Runs: line 3 (64M, 32M blocks); lines 4-6 (0x84000000-0x84020000, 16K pages); line 8 (32M).
        assertEquals(List.of(
                new Slot(0x80000000L, 64L << 20, BASE, 32L << 20, 3),
                new Slot(0x84000000L, 0x20000, BASE + (64L << 20), 16384, 4),
                new Slot(0x86000000L, 32L << 20, 0x8006000000L, 32L << 20, 8)), c.slots);
        // Leaves: 2 blocks (line 3), 4 pages (line 4), line 5 has AF clear (2 pages, not mapped),
        // 2 pages (line 6, executable at EL1 only: no x), 1 block (line 8, PXNux: EL0 only, no x).
        assertEquals(List.of(
                new Map1(0x80000000L, BASE, 32L << 20, "rwx", 3),
                new Map1(0x82000000L, BASE + (32L << 20), 32L << 20, "rwx", 3),
                new Map1(0x84000000L, BASE + (64L << 20), 16384, "rw", 4),
                new Map1(0x84004000L, BASE + (64L << 20) + 0x4000, 16384, "rw", 4),
                new Map1(0x84008000L, BASE + (64L << 20) + 0x8000, 16384, "rw", 4),
                new Map1(0x8400c000L, BASE + (64L << 20) + 0xc000, 16384, "rw", 4),
                new Map1(0x84018000L, BASE + (64L << 20) + 0x18000, 16384, "r", 6),
                new Map1(0x8401c000L, BASE + (64L << 20) + 0x1c000, 16384, "r", 6),
                new Map1(0x86000000L, 0x8006000000L, 32L << 20, "rw", 8)), c.maps);
        assertEquals(2, r.afClearEntries());
        assertEquals(3, r.singleElExec());
    }

    @Test
    void compressedDumpsGiveTheSameLayout() throws IOException {
        Collect plain = new Collect();
        Stage2Dump.read(V9, "v9.txt", Stage2Dump.Options.defaults(), new HostPaAllocator(), plain);
        byte[] bytes = Files.readAllBytes(V9);
        for (String ext : new String[] {"gz", "xz", "zst"}) {
            Path f = dir.resolve("v9." + ext);
            try (OutputStream o = compress(ext, Files.newOutputStream(f))) {
                o.write(bytes);
            }
            Collect c = new Collect();
            Stage2Dump.read(f, f.toString(), Stage2Dump.Options.defaults(), new HostPaAllocator(), c);
            assertEquals(plain.slots, c.slots, ext);
            assertEquals(plain.maps, c.maps, ext);
        }
    }

    static OutputStream compress(String ext, OutputStream raw) throws IOException {
        return switch (ext) {
            case "gz" -> new GZIPOutputStream(raw);
            case "xz" -> new XZOutputStream(raw, new LZMA2Options(1));
            default -> new ZstdOutputStream(raw);
        };
    }

    /** One malformed line per case: exactly one FILE:LINE problem, never another exception. */
    @Test
    void malformedCorpusGivesOneLinePerProblem() throws IOException {
        String head = "---[ Guest IPA ]---\n0x0000000000000000-0x0000000001000000          16M 2\n";
        String[][] cases = {
            {"0x0000000001000000-0x00000000010", "t.txt:3: expected a range line '0xSTART-0xEND SIZE LEVEL "
                    + "[ATTRIBUTES]', got '0x0000000001000000-0x00000000010'"},
            {"0x0000000001000000-0x000000000102zz00           4K 3   R W X AF", "t.txt:3: expected '0xSTART-0xEND' "
                    + "(two 0x-hex addresses of 1 to 16 digits joined by '-'), got '0x0000000001000000-0x000000000102zz00'"},
            {"0x0000000001000000-0x0000000001001000           8K 3   R W X AF", "t.txt:3: expected the size column "
                    + "to equal the range's 4K, got '8K'"},
            {"0x0000000001000000-0x0000000001001000          4Q 3", "t.txt:3: expected a size such as 4K, 2M or 1G "
                    + "(a decimal count and a unit K, M, G, T, P or E), got '4Q'"},
            {"0x0000000001000000-0x0000000001001000           4K PTE   R W", "t.txt:3: expected a level number 0..3 "
                    + "(stage2_page_tables prints numbers), got 'PTE'"},
            {"0x0000000001000000-0x0000000001001000           4K 3   R W Q AF", "t.txt:3: expected stage-2 "
                    + "attributes from R, W, X, px, ux, PXNux, PXNUXN, UXN, AF, BLK, F, got 'Q'"},
            {"0x0000000000800000-0x0000000000801000           4K 3   R W X AF", "t.txt:3: expected ranges in "
                    + "increasing address order, got 0x800000, which is before the end 0x1000000 of the range at line 2"},
            {"0x0000000001000000-0x0000000001001000           4K 3   R W px AF", "t.txt:3: expected the execute "
                    + "column as one of 'px ux', 'PXNux', 'PXNUXN', 'px UXN', got 'R W px AF'"},
            {"0x0000000001000000-0x0000000001200000           2M 2   R W X AF", "t.txt:3: expected BLK on a valid "
                    + "level-2 leaf (a block descriptor), got 'R W X AF'"},
            {"0x0000000001000000-0x0000000001001000           4K 3   R W X AF\n"
                    + "0x0000000001001000-0x0000000001002000           4K 3   R W px ux AF",
                "t.txt:4: expected the single X column of line 3, got 'R W px ux AF'"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("t.txt");
            Files.writeString(f, head + c[0] + "\n");
            BadInputException e = assertThrows(BadInputException.class, () -> Stage2Dump.read(f, "t.txt",
                    Stage2Dump.Options.defaults(), new HostPaAllocator(), new Collect()), c[0]);
            assertEquals(List.of(c[1]), e.problems(), c[0]);
            // Lenient: the line is skipped and counted, the rest is read.
            Stage2Dump.Result r = Stage2Dump.read(f, "t.txt", new Stage2Dump.Options(Granule.K4,
                    Stage2DumpParser.XColumn.EXECUTE_NEVER, true, 20), new HostPaAllocator(), new Collect());
            assertEquals(1, r.skipped().values().stream().mapToLong(Long::longValue).sum(), c[0]);
        }
    }

    @Test
    void truncatedCompressedDumpIsOneProblem() throws IOException {
        byte[] bytes = Files.readAllBytes(V9);
        Path gz = dir.resolve("v9.gz");
        try (OutputStream o = compress("gz", Files.newOutputStream(gz))) {
            o.write(bytes);
        }
        byte[] all = Files.readAllBytes(gz);
        Files.write(gz, java.util.Arrays.copyOf(all, all.length / 2));
        BadInputException e = assertThrows(BadInputException.class, () -> Stage2Dump.read(gz, "v9.gz",
                Stage2Dump.Options.defaults(), new HostPaAllocator(), new Collect()));
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().matches("v9\\.gz:\\d+: truncated or corrupt gzip data \\(.*\\)"), e.getMessage());
    }

    @Test
    void emptyFileAndNotADump() throws IOException {
        Path f = dir.resolve("e.txt");
        Files.writeString(f, "---[ Guest IPA ]---\n");
        BadInputException e = assertThrows(BadInputException.class, () -> Stage2Dump.read(f, "e.txt",
                Stage2Dump.Options.defaults(), new HostPaAllocator(), new Collect()));
        assertEquals("e.txt: expected range lines '0xSTART-0xEND SIZE LEVEL [ATTRIBUTES]' (a stage2_page_tables dump), "
                + "found none", e.getMessage());
        Path d = dir.resolve("empty-dir");
        Files.createDirectories(d);
        e = assertThrows(BadInputException.class, () -> Stage2Dump.read(d, "empty-dir", Stage2Dump.Options.defaults(),
                new HostPaAllocator(), new Collect()));
        assertTrue(e.getMessage().startsWith("empty-dir: a directory without stage2_page_tables"), e.getMessage());
    }

    @Test
    void unmappedRangesAboveLevel3DoNotDecideTheGranule() {
        // The v9 sample's `1G 0` row (line 7) does not fit any granule's level-0 entry (512G with 4K);
        // it is an unmapped range and is not used, which is why the sample still reads as 4K.
        Stage2Range row = new Stage2Range(7, 0x40000000L, 0x80000000L, 0, false, false, false, 0, false, false);
        assertFalse(Stage2Geometry.misfit(Granule.K4, row) == null);
        Stage2Geometry g = new Stage2Geometry();
        g.add(row);
        assertEquals(0, g.validRanges());
    }
}
