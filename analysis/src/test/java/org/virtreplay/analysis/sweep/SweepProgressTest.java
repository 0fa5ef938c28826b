package org.virtreplay.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SweepProgressTest {

    @Test
    void lineShowsPointsElapsedAndEta() {
        // 3 of 12 points in 30 s: 10 s per point, 9 left -> 90 s = 1:30
        assertEquals("sweep: 3/12 points (25%), 2 workers, elapsed 0:30, ETA 1:30",
                SweepProgress.line(3, 12, 2, 30_000_000_000L));
        assertEquals("sweep: 12/12 points (100%), 1 worker, elapsed 1:02:03",
                SweepProgress.line(12, 12, 1, 3723_000_000_000L));
    }

    @Test
    void withoutATerminalEachPointIsOneLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        long[] now = {0};
        SweepProgress p = new SweepProgress(new PrintWriter(b, true, StandardCharsets.UTF_8), false, 2, 2, () -> now[0]);
        now[0] = 4_000_000_000L;
        p.pointDone();
        now[0] = 8_000_000_000L;
        p.pointDone();
        p.finish();
        assertEquals("sweep: 1/2 points (50%), 2 workers, elapsed 0:04, ETA 0:04\n"
                + "sweep: 2/2 points (100%), 2 workers, elapsed 0:08\n", b.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }
}
