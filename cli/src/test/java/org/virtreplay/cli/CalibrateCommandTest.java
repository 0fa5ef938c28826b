package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line of {@code calibrate} and {@code replay --emit-observations}: the refusals are one
 * line with exit code 2 and leave no output. (The fit itself: ClosedLoopCalibrationTest in analysis.)
 */
class CalibrateCommandTest {
    @TempDir
    Path tmp;

    private static final Path RECORDED = Path.of("..", "sample-traces", "recorded");

    @Test
    void aTraceWithoutInterruptLatenciesOrExitDurationsIsRefusedInOneLine() {
        // sample-traces/recorded has observed exits, but too few of any reason with a duration to fit.
        Path out = tmp.resolve("host.txt");
        IngestTestSupport.Result r = IngestTestSupport.run("calibrate", RECORDED.toString(), "--out", out.toString(),
                "-q");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("nothing to calibrate against"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void fixNeedsACostName() {
        IngestTestSupport.Result r = IngestTestSupport.run("calibrate", RECORDED.toString(), "--out",
                tmp.resolve("h.txt").toString(), "--fix", "tlb.l2.entries=5");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--fix: expected a cost name"), r.err());
    }

    @Test
    void observationsGoToADirectoryOfTheirOwn() {
        Path out = tmp.resolve("m");
        IngestTestSupport.Result r = IngestTestSupport.run("replay", RECORDED.toString(), "--out", out.toString(),
                "--emit-observations", out.toString(), "-q");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("choose another output"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void helpShowsAnExample() {
        IngestTestSupport.Result r = IngestTestSupport.run("calibrate", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("virtreplay calibrate recorded --out host.txt --fix trap_cycles=0"), r.out());
    }

    @Test
    void runWritesTheObservationsBesideTheMetrics() {
        // traces/exits of the analysis tests: its modelled exits are derived by hand in ExitStatsReplayTest.
        Path trace = Path.of("..", "analysis", "src", "test", "resources", "traces", "exits");
        Path out = tmp.resolve("run");
        IngestTestSupport.Result r = IngestTestSupport.run("run", trace.toString(), "--out", out.toString(),
                "--emit-observations", "-q", "--format", "csv");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("observations: " + out.resolve("observations")), r.err()); // status lines go to stderr
        org.virtreplay.ingest.trace.Trace t = org.virtreplay.ingest.trace.Trace.open(out.resolve("observations"));
        try (org.virtreplay.ingest.trace.TableCursor c = t.cursor(org.virtreplay.ingest.trace.TableKind.EXITS)) {
            int n = 0;
            while (c.next()) {
                n++;
            }
            assertEquals(7, n); // 4 aborts, 1 trap, 1 WFx, 1 kick (defaults change times, not exits)
        }
    }
}
