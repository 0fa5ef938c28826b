package org.virtreplay.ingest.trace;

import java.util.function.Function;

/** Reads a small table as records: {@code next()} returns null at the end. */
public final class RecordReader<R> implements AutoCloseable {
    private final TableCursor cursor;
    private final Function<Row, R> convert;

    RecordReader(TableCursor cursor, Function<Row, R> convert) {
        this.cursor = cursor;
        this.convert = convert;
    }

    /** The next record, or null at the end of the table. */
    public R next() {
        return cursor.next() ? convert.apply(cursor.row()) : null;
    }

    /** {@code FILE:LINE} or {@code FILE:row N} of the last record returned. */
    public String where() {
        return cursor.where();
    }

    /** The line (CSV) or 1-based row number (Parquet) of the last record returned. */
    public long position() {
        return cursor.position();
    }

    @Override
    public void close() {
        cursor.close();
    }
}
