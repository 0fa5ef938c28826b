package org.virtreplay.analysis.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.ParquetConf;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * The bound on the number of {@code timeline} windows a replay writes: a window per VM is a row, so
 * a width far below the trace's span (1 ns over 20 ms) would write tens of millions of rows and
 * take minutes and gigabytes to no purpose. At most {@link #MAX_WINDOWS} windows are allowed; a
 * {@code --window} that needs more is refused with the trace's span and a width that fits.
 *
 * <p>The span is known before the replay when every event table is Parquet (from the {@code ts}
 * statistics in the footers, cheap); otherwise the replay stops when it is about to pass the bound
 * and reads the rest of the timestamps (only those) to name the span exactly.
 */
public final class TimelineWindows {
    /** At most this many windows (rows per VM) in a timeline: 1000 s of trace at the default 1 ms. */
    public static final long MAX_WINDOWS = 1_000_000L;

    private static final TableKind[] EVENT_TABLES = {TableKind.SYSREG, TableKind.PTE, TableKind.MAP, TableKind.TLBI,
        TableKind.IRQ, TableKind.SCHED, TableKind.DAIF, TableKind.MEM};

    private TimelineWindows() {
    }

    /** Windows of width {@code w} from the one holding {@code first} to the one holding {@code last}. */
    static long count(long first, long last, long w) {
        long c = Math.floorDiv(last, w) - Math.floorDiv(first, w);
        return c == Long.MAX_VALUE ? c : c + 1; // timestamps are >= 0: no other overflow
    }

    /**
     * {least, greatest} timestamp of the trace's events, from the Parquet footers' statistics of
     * every event table's {@code ts}; null when some table is CSV or its footer has no statistics
     * (the span is then unknown without reading the table), or when there are no events.
     */
    static long[] spanFromFooters(Trace trace) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (TableKind k : EVENT_TABLES) {
            if (!trace.has(k)) {
                continue;
            }
            if (!trace.isParquet(k)) {
                return null;
            }
            long[] s = tsRange(trace.file(k));
            if (s == null) {
                return null;
            }
            if (s.length == 2) {
                lo = Math.min(lo, s[0]);
                hi = Math.max(hi, s[1]);
            }
        }
        return lo > hi ? null : new long[] {lo, hi};
    }

    /** {min, max} of column {@code ts}; {} for a file without rows; null when unknown. */
    private static long[] tsRange(Path file) {
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(ParquetConf.plain()).build())) {
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (BlockMetaData b : r.getFooter().getBlocks()) {
                if (b.getRowCount() == 0) {
                    continue;
                }
                ColumnChunkMetaData ts = null;
                for (ColumnChunkMetaData c : b.getColumns()) {
                    if (c.getPath().toDotString().equals("ts")) {
                        ts = c;
                    }
                }
                Statistics<?> st = ts == null ? null : ts.getStatistics();
                if (st == null || st.isEmpty() || !st.hasNonNullValue()
                        || !(st.genericGetMin() instanceof Long min) || !(st.genericGetMax() instanceof Long max)) {
                    return null;
                }
                lo = Math.min(lo, min);
                hi = Math.max(hi, max);
            }
            return lo > hi ? new long[0] : new long[] {lo, hi};
        } catch (IOException | RuntimeException e) {
            return null; // the table's own reader reports what is wrong with the file
        }
    }

    /** Refuses a width that needs more than {@link #MAX_WINDOWS} windows, when the span is known from the footers. */
    static void checkBeforeReplay(Trace trace, long windowNs) {
        long[] span = spanFromFooters(trace);
        if (span != null && count(span[0], span[1], windowNs) > MAX_WINDOWS) {
            throw tooMany(span[0], span[1], windowNs);
        }
    }

    /**
     * The width a replay whose timeline nobody asked for (a sweep point) uses: {@code minNs}, or the
     * least width of the 1-2-5 series that keeps the trace's windows within the bound.
     */
    public static long widthFor(Path trace, long minNs) {
        long[] span = spanFromFooters(Trace.open(trace));
        return span == null ? minNs : fit(span[0], span[1], minNs);
    }

    /** The least width ≥ {@code minNs} of the series 1, 2, 5, 10, 20, 50 … ns with at most {@link #MAX_WINDOWS} windows. */
    static long fit(long first, long last, long minNs) {
        return fit(first, last, minNs, MAX_WINDOWS);
    }

    /**
     * At most this many windows when nobody chose the width (the default {@code --window}): a
     * report's timeline charts gain nothing from more points, and a million windows per VM take
     * longer to write and check than the replay of a short trace.
     */
    public static final long DEFAULT_MAX_WINDOWS = 10_000L;

    /** The least width ≥ {@code minNs} of the series 1, 2, 5, 10 … ns with at most {@code max} windows. */
    static long fit(long first, long last, long minNs, long max) {
        if (count(first, last, minNs) <= max) {
            return minNs;
        }
        long decade = 1;
        for (int k = 0; k <= 18; k++, decade *= 10) { // 5e18 < 2^63-1
            for (long m : new long[] {1, 2, 5}) {
                long w = m * decade;
                if (w >= minNs && count(first, last, w) <= max) {
                    return w;
                }
            }
        }
        return Long.MAX_VALUE; // not reached: 5e18 ns windows cover any span in two
    }

    /** The one-line refusal: the option, the trace's span, and a width that fits. */
    static BadInputException tooMany(long first, long last, long windowNs) {
        return new BadInputException(String.format(Locale.ROOT,
                "--window %s: the trace's events span %s (ts %d to %d), which makes %,d timeline windows; at most "
                        + "%,d are allowed: use --window %s or wider",
                duration(windowNs), human(last - first), first, last, count(first, last, windowNs), MAX_WINDOWS,
                duration(fit(first, last, windowNs))));
    }

    /** A width as {@code --window} takes it: the largest unit that divides it (7ns, 20us, 5ms, 2s). */
    static String duration(long ns) {
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        if (ns % 1_000L == 0) {
            return ns / 1_000L + "us";
        }
        return ns + "ns";
    }

    /** A span for people: ns, µs, ms or s with up to 3 decimals. */
    private static String human(long ns) {
        if (ns < 1_000L) {
            return ns + " ns";
        }
        String[] units = {"us", "ms", "s"};
        double v = ns / 1_000.0;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.3f %s", v, units[u]).replaceFirst("\\.?0+ ", " ");
    }
}
