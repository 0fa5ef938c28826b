package org.virtreplay.ingest.importer.text;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the two ptdump readers ({@code kernel_page_tables} and KVM's {@code stage2_page_tables})
 * share: the line loop (blank lines skipped, marker lines counted, range lines read into one reused
 * {@link PtdumpRow}) and the order rule, that ranges come in increasing address order (the walker's
 * order), a gap allowed (an excerpt), an overlap not. What a range line's level and attributes mean
 * is each subclass's {@link #parseLine}.
 *
 * @param <R> the range a well-formed line becomes
 */
public abstract class PtdumpParser<R> {
    protected final Issues issues;
    protected final PtdumpRow row = new PtdumpRow();
    private boolean any;
    private long lastEnd;
    private long lastLine;
    private long ranges;
    private long markers;

    protected PtdumpParser(Issues issues) {
        this.issues = issues;
    }

    /** Range lines read (including skipped ones). */
    public final long ranges() {
        return ranges;
    }

    /** Marker lines read. */
    public final long markers() {
        return markers;
    }

    /** Reads every line of {@code in}, giving the well-formed range lines to {@code sink} in file order. */
    public final void parse(TextInput in, Consumer<? super R> sink) {
        String line;
        while ((line = in.next()) != null) {
            long ln = in.lineNumber();
            if (line.isBlank()) {
                continue;
            }
            if (PtdumpRow.isMarker(line)) {
                markers++;
                marker(line);
                continue;
            }
            ranges++;
            String err = row.parse(line);
            if (err != null) {
                issues.malformed(ln, "malformed range line", err);
                continue;
            }
            R r = parseLine(ln);
            if (r != null) {
                sink.accept(r);
            }
        }
    }

    /** Called for each marker line ({@code ---[ name ]---}); nothing by default. */
    protected void marker(String line) {
    }

    /**
     * The range of the range line {@code ln}, already split into {@link #row}, or null after
     * reporting why its level or attributes are not well formed.
     */
    protected abstract R parseLine(long ln);

    /**
     * True if a range starting at {@code start} on line {@code ln} is in order after the last
     * accepted one; otherwise reports the problem and returns false. An end of 0 is the top of the
     * 64-bit space (the last range wraps), after which nothing is checked.
     */
    protected final boolean inOrder(long ln, long start) {
        if (any && lastEnd != 0 && Long.compareUnsigned(start, lastEnd) < 0) {
            issues.malformed(ln, "ranges out of order", String.format(Locale.ROOT,
                    "expected ranges in increasing address order, got 0x%x, which is before the end 0x%x of the range"
                            + " at line %d", start, lastEnd, lastLine));
            return false;
        }
        return true;
    }

    /** Records the range ending at {@code end} on line {@code ln} as the last accepted one. */
    protected final void accepted(long ln, long end) {
        any = true;
        lastEnd = end;
        lastLine = ln;
    }
}
