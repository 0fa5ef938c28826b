package org.virtreplay.ingest.trace;

/**
 * Reads one table of a trace row by row, validated: {@link #next()} moves to the next good row,
 * whose values {@link #row()} holds (reused: copy what you keep). Bad rows are reported to the
 * trace's {@link Problems} and skipped; a cursor opened by {@link Trace#cursor(TableKind)} throws
 * {@link org.virtreplay.engine.BadInputException} with all of them at the end of the table (or
 * as soon as the error limit is reached).
 */
public class TableCursor implements AutoCloseable {
    private final TableSource src;
    private final RowValidator validator;
    private final Problems problems;
    private final boolean throwAtEnd;
    protected final Row row;

    TableCursor(TableSource src, RowValidator validator, Problems problems, boolean throwAtEnd) {
        this.src = src;
        this.validator = validator;
        this.problems = problems;
        this.throwAtEnd = throwAtEnd;
        this.row = new Row(src.kind());
    }

    /** Advances to the next good row; false at the end of the table. */
    public final boolean next() {
        while (src.next(row)) {
            if (validator.check(row)) {
                return true;
            }
        }
        if (throwAtEnd) {
            problems.throwIfAny();
        }
        return false;
    }

    /** The current row (the same object on every call). */
    public final Row row() {
        return row;
    }

    public final TableKind kind() {
        return src.kind();
    }

    /** {@code FILE:LINE} or {@code FILE:row N} of the current row. */
    public final String where() {
        return src.where();
    }

    /** The line (CSV) or 1-based row number (Parquet) of the current row. */
    public final long position() {
        return src.position();
    }

    @Override
    public void close() {
        src.close();
    }
}
