package org.virtreplay.analysis.sweep;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.virtreplay.analysis.progress.Stderr;

/**
 * Progress of a whole sweep on stderr: points done of the total, elapsed time and an ETA from the
 * mean time per point so far. On a terminal the line is redrawn in place; otherwise (logs, CI)
 * one line is printed per finished point, which stays short because sweeps have few points.
 * Silent with {@code --quiet}. Thread-safe: workers report as they finish.
 */
final class SweepProgress {
    private final PrintWriter out;
    private final boolean terminal;
    private final int total;
    private final int workers;
    private final LongSupplier clock;
    private final long start;
    private int done;

    SweepProgress(PrintWriter out, boolean terminal, int total, int workers, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.workers = workers;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /**
     * Progress on {@code err}, the command's error writer (stderr for the command line, whatever
     * an in-process caller gives), redrawn in place when the process's stderr is a terminal.
     */
    static SweepProgress forStderr(PrintWriter err, int total, int workers, boolean quiet) {
        return new SweepProgress(quiet ? null : err, Stderr.isTerminal(), total, workers, System::nanoTime);
    }

    synchronized void pointDone() {
        done++;
        if (out == null) {
            return;
        }
        String l = line(done, total, workers, clock.getAsLong() - start);
        if (terminal) {
            out.print('\r' + l + "\033[K");
        } else {
            out.println(l);
        }
        out.flush();
    }

    synchronized void finish() {
        if (out != null && terminal && done > 0) {
            out.println();
            out.flush();
        }
    }

    /** The text of the progress line; pure, for tests. */
    static String line(int done, int total, int workers, long elapsedNs) {
        StringBuilder sb = new StringBuilder(80);
        sb.append(String.format(Locale.ROOT, "sweep: %d/%d points (%.0f%%), %d worker%s, elapsed %s", done, total,
                100.0 * done / total, workers, workers == 1 ? "" : "s", clock(elapsedNs / 1_000_000_000L)));
        if (done > 0 && done < total) {
            long eta = (long) Math.ceil(elapsedNs / 1e9 / done * (total - done));
            sb.append(", ETA ").append(clock(eta));
        }
        return sb.toString();
    }

    private static String clock(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
