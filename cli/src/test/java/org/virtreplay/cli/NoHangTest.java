package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid input never hangs (issue 14, item 1): the reproducers, run through the command line. The
 * timeout is only a guard that turns a hang into a failure; it asserts nothing about speed.
 */
class NoHangTest {
    private static final Duration GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static IngestTestSupport.Result run(String... args) {
        return assertTimeoutPreemptively(GUARD, () -> IngestTestSupport.run(args));
    }

    @Test
    void memRowCrossingTwoToThe64Replays() throws Exception {
        // vm 0 vCPU 0 at EL1 with its MMU off reads 8 bytes at 2^64 - 4: the first 4 bytes' page is
        // beyond the 48-bit PA range (a stage-1 Address size fault, counted), the other 4 wrap to
        // VA 0 = IPA 0, in the RAM memslot (a lazy stage-2 map, then translated).
        Path t = IngestTestSupport.baseTrace(dir.resolve("t"));
        IngestTestSupport.write(t.resolve("mem.csv"), "ts,vm,vcpu,el,access,va,size\n1,0,0,1,r,0xfffffffffffffffc,8\n");
        IngestTestSupport.Result r = run("run", t.toString(), "--out", dir.resolve("out").toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        IngestTestSupport.Result s = run("replay", t.toString(), "--out", dir.resolve("out2").toString(), "-q");
        assertEquals(0, s.exit(), s.err());
    }

    @Test
    void lackeyLoadCrossingTwoToThe64IsTwoPageLookups() throws Exception {
        // " L ffffffffffffffff,8": the last VA page (outside the lackey VM's 48-bit range: a faulting
        // walk) and VA page 0 (mapped on first touch, a walk that translates).
        Path t = dir.resolve("t.lackey");
        Files.writeString(t, " L ffffffffffffffff,8\n");
        IngestTestSupport.Result r = run("tlb", t.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("1 pages mapped, 2 page lookups"), r.out());
        assertTrue(r.out().contains("walks: 2,") && r.out().contains("faults: 1"), r.out());
    }

    @Test
    void windowTooNarrowForTheTraceIsRefusedWithOneLine() throws Exception {
        // Events from ts 1 to ts 2,000,000: 1 ns windows would be 2,000,000 of them; 2 ns windows
        // 1,000,001 (0 .. 1,000,000); 5 ns 400,001. run converts to Parquet first, so the span comes
        // from the footers; replay reads the CSV and stops at the event that passes the bound.
        Path t = IngestTestSupport.baseTrace(dir.resolve("t"));
        Files.writeString(t.resolve("mem.csv"), "2000000,1,0,0,r,0x4000,8\n", java.nio.file.StandardOpenOption.APPEND);
        String line = "--window 1ns: the trace's events span 2 ms (ts 1 to 2000000), which makes 2,000,000 timeline "
                + "windows; at most 1,000,000 are allowed: use --window 5ns or wider";
        for (String cmd : new String[] {"run", "replay"}) {
            Path out = dir.resolve("out-" + cmd);
            IngestTestSupport.Result r = run(cmd, t.toString(), "--out", out.toString(), "--window", "1ns", "-q");
            assertEquals(2, r.exit(), cmd + ": " + r.err());
            List<String> lines = r.errLines();
            assertEquals(1, lines.size(), cmd + ": " + r.err());
            assertTrue(lines.get(0).endsWith(line), cmd + ": " + lines.get(0));
            if (cmd.equals("replay")) {
                assertFalse(Files.exists(out));
            }
        }
    }
}
