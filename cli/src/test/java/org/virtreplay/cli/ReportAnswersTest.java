package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 2: the report states its answers, on the quickstart sample.
 *
 * <p>The fault counts are derived from the trace files without the replay: a stage-1 walk in
 * time order (each access's VA looked up in the stage-1 mappings that map.csv has set up for the
 * vCPU's current TTBR0_EL1/TTBR1_EL1 root at that time), then an access whose IPA is in memslot 2
 * (0x0a00_0000, 64 KiB, mmio) is an MMIO exit, and each distinct 4 KB IPA page of memslot 1
 * (0x4200_0000, 32 MiB, 4 KB pages, no stage-2 records) touched is one lazy mapping. That gives
 * MMIO exits vm0 31, vm1 39, vm2 34 (104 in all, as SCENARIO.md's mem row says) and lazy mappings
 * only for vm2: 26 pages; no access finds its VA unmapped at stage 1.
 */
class ReportAnswersTest {
    @TempDir
    static Path tmp;

    static String html;
    static String compareOut;
    static String runOut;

    @BeforeAll
    static void runBoth() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        String[] r = RunAcceptanceTest.exec("run", RunAcceptanceTest.quickstart().toString(), "--out", a.toString(),
                "--events", "-q");
        assertEquals("0", r[0], r[1] + r[2]);
        runOut = r[1];
        r = RunAcceptanceTest.exec("run", RunAcceptanceTest.quickstart().toString(), "--out", b.toString(),
                "--events", "-q", "--set", "s2.backing=2m");
        assertEquals("0", r[0], r[1] + r[2]);
        html = Files.readString(a.resolve("report/report.html"));
        r = RunAcceptanceTest.exec("compare", a.toString(), b.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        compareOut = r[1];
    }

    @Test
    void faultsAreAttributedToMemslotsInOneSentencePerVm() {
        assertTrue(html.contains("<li>vm0: 31 of 31 stage-2 faults are MMIO exits in memslot 2 (mmio, not mapped)"
                + "</li>"), html);
        assertTrue(html.contains("<li>vm1: 39 of 39 stage-2 faults are MMIO exits in memslot 2 (mmio, not mapped)"
                + "</li>"), html);
        assertTrue(html.contains("<li>vm2: 34 of 60 stage-2 faults are MMIO exits in memslot 2 (mmio, not mapped); "
                + "26 are lazy mappings in memslot 1 (ram, 4 KB backing)</li>"), html);
        // the terminal says the same, after the summary (the same hand counts)
        assertTrue(runOut.contains("\nfaults: vm2: 34 of 60 stage-2 faults are MMIO exits in memslot 2 (mmio, not "
                + "mapped); 26 are lazy mappings in memslot 1 (ram, 4 KB backing)\n"), runOut);
        assertTrue(runOut.contains("\nfaults: vm0: 31 of 31 stage-2 faults are MMIO exits in memslot 2 (mmio, not "
                + "mapped)\n"), runOut);
        // each cause explained once
        assertTrue(html.contains("<dt><code>lazy_map</code></dt><dd>first touch of RAM"), html);
        assertTrue(html.contains("<dt><code>mmio</code></dt><dd>an access to an emulated device memslot"), html);
    }

    @Test
    void titleIsTheManifestNameAndTheHeaderListsOverrides() {
        // manifest.csv: name,quickstart; the output's trace directory is called "trace"
        assertTrue(html.contains("<title>virtreplay report: quickstart</title>"), html);
        assertTrue(html.contains("--set overrides: none"), html);
    }

    @Test
    void walkCaptionDerivesTheLongestWalkFromTheConfiguration() {
        // SCENARIO.md: stage 2 with a 4 KB granule starting at level 1 (3 levels); TCR_EL1 0x2b5103510
        // has T0SZ = T1SZ = 16, a 48-bit VA: 4 stage-1 levels. 4 x (3 + 1) + 3 = 19 reads.
        assertTrue(html.contains("(stage 1 + stage 2): 4 + 3 levels → 19 reads."), html);
    }

    @Test
    void perVmRowsMarkPercentilesOnFewSamples() {
        assertTrue(html.indexOf("id=\"per-vm\"") < html.indexOf("id=\"summary\""), "per-VM rows come first");
        // SCENARIO.md: 291 irq rows; every VM has under 100 interrupts, so every percentile is marked
        assertTrue(html.contains("fewer than 100 samples"), html);
        assertTrue(html.contains(" †</td>"), html);
    }

    @Test
    void compareNamesTheChangeAndTranslationTime() {
        String first = compareOut.lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("B vs A (s2.backing trace → 2m): "), first);
        assertTrue(first.contains("translation time "), first);
        assertTrue(compareOut.contains("\n  translation time "), compareOut);
        assertTrue(compareOut.contains("\n  time in EL2 "), compareOut);
    }
}
