package org.virtreplay.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.virtreplay.analysis.progress.Stderr;

/**
 * A progress line for a phase that has no count of its own to show (writing a report, reading a
 * lackey log, summarising a trace): once the phase has run {@value #QUIET_MS} ms, its label and
 * the seconds so far, redrawn in place on stderr about once a second, and erased when the phase
 * ends, so that a terminal keeps only the command's own lines and a fast phase shows nothing.
 * Only on a terminal (picocli's streams are the user's; a log or a pipe gets nothing) and never
 * with {@code -q}. Never on stdout.
 */
final class PhaseProgress implements AutoCloseable {
    static final long QUIET_MS = 2_000;
    private static final long REDRAW_NS = 1_000_000_000L;

    private final PrintWriter err;
    private final String label;
    private final Supplier<String> detail;
    private final long startNs;
    private final ScheduledExecutorService ticker;
    private long lastDrawNs;
    private boolean drawn;
    private boolean closed;

    PhaseProgress(PrintWriter err, String label, long startNs, boolean tick) {
        this(err, label, null, startNs, tick);
    }

    /** {@code detail}, when not null, says how far the phase is (e.g. the table and rows written so far). */
    PhaseProgress(PrintWriter err, String label, Supplier<String> detail, long startNs, boolean tick) {
        this.err = err;
        this.label = label;
        this.detail = detail;
        this.startNs = startNs;
        this.lastDrawNs = startNs - REDRAW_NS;
        if (tick) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "virtreplay-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(() -> tick(System.nanoTime()), 250, 250, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /**
     * Starts the line of {@code label} on {@code err}: silent unless stderr is a terminal and the
     * user did not ask for quiet.
     */
    static PhaseProgress start(PrintWriter err, String label, boolean quiet) {
        return start(err, label, null, quiet);
    }

    /** {@link #start(PrintWriter, String, boolean)} with a detail drawn after the label. */
    static PhaseProgress start(PrintWriter err, String label, Supplier<String> detail, boolean quiet) {
        boolean show = !quiet && Stderr.isTerminal();
        return new PhaseProgress(show ? err : null, label, detail, System.nanoTime(), show);
    }

    /** Redraws the line if the phase has run long enough and the last drawing is a second old. */
    synchronized void tick(long nowNs) {
        if (err == null || closed || nowNs - startNs < QUIET_MS * 1_000_000L || nowNs - lastDrawNs < REDRAW_NS) {
            return;
        }
        lastDrawNs = nowNs;
        err.print(line(nowNs));
        err.flush();
        drawn = true;
    }

    /** The text drawn at {@code nowNs}: a carriage return, the label, the seconds, erase to the end of the line. */
    String line(long nowNs) {
        String d = detail == null ? null : detail.get();
        return String.format(Locale.ROOT, "\r%s%s... %d s\033[K", label, d == null || d.isEmpty() ? "" : ": " + d,
                (nowNs - startNs) / 1_000_000_000L);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
