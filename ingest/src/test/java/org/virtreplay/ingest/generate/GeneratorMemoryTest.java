package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generator's memory does not grow with the data footprint (issue 14): page IPAs are arithmetic
 * and only pages that remaps moved are stored, in a table of bounded size.
 */
class GeneratorMemoryTest {

    /** Builds a generator for a 1 TiB footprint per VM (3 VMs, one of them Zipf) and prints "built". */
    public static final class BuildTerabyte {
        public static void main(String[] args) {
            GeneratorOptions o = new GeneratorOptions();
            o.footprint = "1T";
            o.ram = "2T";
            o.ipaBits = 42; // 1 GiB + 2 TiB of IPA space
            o.skew = "zipf,uniform,seq";
            new Generator(o);
            System.out.println("built");
        }
    }

    @Test
    void terabyteFootprintBuildsInA32MiBHeap() throws IOException, InterruptedException {
        // Before: Scenario held one long per data page (2^28 per VM) and the Zipf VM an int per page:
        // OutOfMemoryError long before any row was written.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx32m", "-cp",
                System.getProperty("java.class.path"), BuildTerabyte.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals("built", out.strip());
    }

    /**
     * A small scenario laid out by hand (Scenario's class comment): 1 VM, 2 processes of 2 text and 2
     * data pages, 16 MiB RAM, 2 MiB kernel data. Stage-1 roots take IPA 0x4000_0000..+2M; the table pool
     * needs 3*(0+5) + 2*((0+5)+(0+5)) = 35 tables, 280 KiB, rounded up to 2 MiB: 0x4020_0000; kernel
     * data 0x4040_0000 (2 MiB); kernel text 0x4060_0000 (16 pages); process text 0x4061_0000 (4 pages);
     * data 0x4061_4000 (4 pages); spares 0x4061_8000.
     */
    private static Scenario small() {
        GeneratorOptions o = new GeneratorOptions();
        o.vms = 1;
        o.procs = 2;
        o.textPages = 2;
        o.footprint = "16K";
        o.ram = "16M";
        o.kernelData = "2M";
        assertEquals(List.of(), o.validate());
        return new Scenario(o);
    }

    @Test
    void pageAddressesFollowTheLayout() {
        Scenario sc = small();
        assertEquals(0x4061_0000L, sc.textIpa(0, 0, 0));
        assertEquals(0x4061_3000L, sc.textIpa(0, 1, 1));
        assertEquals(0x4061_4000L, sc.homeDataIpa(0, 0, 0));
        assertEquals(0x4061_7000L, sc.homeDataIpa(0, 1, 1));
        assertEquals(0x4061_8000L, sc.spareIpa0[0]);
    }

    @Test
    void aRemapSwapsThePageWithASpareSlot() {
        Scenario sc = small();
        DataPages d = new DataPages(sc);
        assertEquals(0x4061_7000L, d.ipa(0, 1, 1));
        // page (p1, i1) takes spare slot 0's IPA; the slot keeps the page's old one
        assertEquals(0x4061_8000L, d.swapWithSpare(0, 1, 1, 0));
        assertEquals(0x4061_8000L, d.ipa(0, 1, 1));
        assertEquals(0x4061_4000L, d.ipa(0, 0, 0), "an unmoved page stays home");
        // the next page through slot 0 gets (p1, i1)'s old page
        assertEquals(0x4061_7000L, d.swapWithSpare(0, 0, 0, 0));
        assertEquals(0x4061_7000L, d.ipa(0, 0, 0));
        // slot 1 is untouched: spare page 1
        assertEquals(0x4061_9000L, d.swapWithSpare(0, 0, 1, 1));
        assertEquals(3, d.moved());
    }

    @Test
    void movedPagesAreBounded() {
        GeneratorOptions o = new GeneratorOptions();
        o.vms = 1;
        o.procs = 1;
        o.footprint = "4G"; // 2^20 data pages: twice what the table may hold
        o.ram = "5G";
        Scenario sc = new Scenario(o);
        DataPages d = new DataPages(sc);
        for (int i = 0; i < DataPages.MOVED_MAX; i++) {
            assertTrue(d.canMove(0, 0, i));
            d.swapWithSpare(0, 0, i, i % Scenario.SPARE_PAGES);
        }
        assertEquals(DataPages.MOVED_MAX, d.moved());
        assertFalse(d.canMove(0, 0, DataPages.MOVED_MAX), "a new page once the table is full");
        assertTrue(d.canMove(0, 0, 12345), "a page already moved may move again");
        d.swapWithSpare(0, 0, 12345, 3);
        assertEquals(DataPages.MOVED_MAX, d.moved());
    }
}
