package org.virtreplay.analysis.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for long runs: events per second, percent done and the estimated time
 * left, redrawn in place on a terminal at most a few times a second. Jobs call {@link #update}
 * every few thousand events (it is cheap: one clock read); the meter decides when to redraw.
 *
 * <p>Silent when {@code out} is null (use {@link #forStderr} to get null when stderr is not a
 * terminal or the user asked for quiet), so that logs and CI output stay clean.
 */
public final class ProgressMeter {
    private static final long REDRAW_NS = 250_000_000L;

    private final PrintStream out;
    private final String label;
    private final LongSupplier clock;
    private final long startNs;
    private long lastDrawNs;
    private long total;
    private boolean drawn;

    public ProgressMeter(PrintStream out, String label, long total, LongSupplier clock) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.clock = clock;
        this.startNs = clock.getAsLong();
        this.lastDrawNs = startNs;
    }

    /** A meter on stderr when it is a terminal and {@code quiet} is false; otherwise a silent one. */
    public static ProgressMeter forStderr(String label, long total, boolean quiet) {
        PrintStream ps = (!quiet && Stderr.isTerminal()) ? System.err : null;
        return new ProgressMeter(ps, label, total, System::nanoTime);
    }

    /** Changes the expected total (0 or less: unknown, no percent or ETA). */
    public void setTotal(long total) {
        this.total = total;
    }

    /** Reports that {@code done} events have been processed so far. */
    public void update(long done) {
        if (out == null) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDrawNs < REDRAW_NS) {
            return;
        }
        lastDrawNs = now;
        out.print('\r' + line(done, now - startNs, total, label) + "\033[K");
        out.flush();
        drawn = true;
    }

    /** Ends the line (if anything was drawn). */
    public void finish(long done) {
        if (out == null || !drawn) {
            return;
        }
        out.print('\r' + line(done, clock.getAsLong() - startNs, total, label) + "\033[K\n");
        out.flush();
    }

    /** The text of the bar; a pure function so that it can be tested. */
    static String line(long done, long elapsedNs, long total, String label) {
        double secs = Math.max(elapsedNs, 1) / 1e9;
        double rate = done / secs;
        StringBuilder sb = new StringBuilder(96);
        sb.append(label);
        if (total > 0) {
            sb.append(' ');
            double frac = Math.min(1.0, done / (double) total);
            int width = 24;
            int full = (int) Math.round(frac * width);
            sb.append('[');
            for (int i = 0; i < width; i++) {
                sb.append(i < full ? '#' : '.');
            }
            sb.append("] ").append(String.format(Locale.ROOT, "%5.1f%%", frac * 100));
        }
        sb.append(' ').append(humanRate(rate)).append(" events/s");
        if (total > 0 && done > 0 && done < total) {
            long etaS = (long) Math.ceil((total - done) / rate);
            sb.append(String.format(Locale.ROOT, " ETA %d:%02d", etaS / 60, etaS % 60));
        }
        return sb.toString();
    }

    static String humanRate(double r) {
        if (r >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", r / 1e6);
        }
        if (r >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", r / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", r);
    }
}
