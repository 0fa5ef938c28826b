package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.virtreplay.ingest.trace.TableKind;
import org.junit.jupiter.api.Test;

/** PhaseProgress with its clock given by the test: nothing before 2 s, then about once a second, erased at the end. */
class PhaseProgressTest {
    static final long S = 1_000_000_000L;

    @Test
    void silentForAFastPhase() {
        StringWriter w = new StringWriter();
        PhaseProgress p = new PhaseProgress(new PrintWriter(w), "report: writing out/report", 0, false);
        p.tick(S);
        p.tick(2 * S - 1);
        p.close();
        assertEquals("", w.toString());
    }

    @Test
    void aLongPhaseIsShownThenErased() {
        StringWriter w = new StringWriter();
        PhaseProgress p = new PhaseProgress(new PrintWriter(w), "report: writing out/report", 0, false);
        p.tick(2 * S);          // drawn: 2 s
        p.tick(2 * S + S / 2);  // within a second of the last drawing: not redrawn
        p.tick(3 * S + S / 4);  // drawn: 3 s
        p.close();
        p.tick(9 * S);          // after the end: nothing
        assertEquals("\rreport: writing out/report... 2 s\033[K\rreport: writing out/report... 3 s\033[K\r\033[K",
                w.toString());
    }

    @Test
    void noStreamNoOutput() {
        PhaseProgress p = new PhaseProgress(null, "x", 0, false);
        p.tick(10 * S);
        p.close();
    }

    /** Not a terminal (the tests' stderr): nothing, whatever the time. */
    @Test
    void startIsSilentWithoutATerminal() throws Exception {
        StringWriter w = new StringWriter();
        try (PhaseProgress p = PhaseProgress.start(new PrintWriter(w), "x", false)) {
            p.tick(System.nanoTime() + 10 * S);
        }
        assertEquals("", w.toString());
    }

    @Test
    void theDetailIsDrawnAfterTheLabel() {
        StringWriter w = new StringWriter();
        RunCommand.RowsSoFar rows = new RunCommand.RowsSoFar();
        PhaseProgress p = new PhaseProgress(new PrintWriter(w), "ingest: writing out/trace", rows::toString, 0, false);
        p.tick(2 * S);  // no table yet: the label alone
        rows.rows(TableKind.MEM, 1_048_576, false);
        p.tick(3 * S);
        p.close();
        assertEquals("\ringest: writing out/trace... 2 s\033[K"
                + "\ringest: writing out/trace: mem 1,048,576 rows... 3 s\033[K\r\033[K", w.toString());
    }
}
