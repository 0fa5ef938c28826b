package org.virtreplay.analysis.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {

    @Test
    void lineShowsPercentRateAndEta() {
        // 2.5 M of 10 M events in 1 s: 25 %, 2.5 M events/s, 7.5 M left at 2.5 M/s = 3 s.
        String l = ProgressMeter.line(2_500_000, 1_000_000_000L, 10_000_000, "replay");
        assertEquals("replay [######..................]  25.0% 2.5M events/s ETA 0:03", l);
    }

    @Test
    void unknownTotalShowsRateOnly() {
        assertEquals("replay 1.5k events/s", ProgressMeter.line(3000, 2_000_000_000L, 0, "replay"));
    }

    @Test
    void redrawsAtMostEveryQuarterSecondAndEndsTheLine() {
        long[] now = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressMeter m = new ProgressMeter(new PrintStream(bytes, true, StandardCharsets.UTF_8), "x", 100, () -> now[0]);
        now[0] = 100_000_000L;
        m.update(10); // 0.1 s after start: too soon, nothing drawn
        assertEquals(0, bytes.size());
        now[0] = 300_000_000L;
        m.update(30);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\rx ["), s);
        m.finish(100);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("\n"));
    }

    @Test
    void silentMeterPrintsNothing() {
        ProgressMeter m = new ProgressMeter(null, "x", 10, () -> 1_000_000_000L);
        m.update(5);
        m.finish(10); // must not throw
    }
}
