package org.virtreplay.ingest.trace;

import java.io.Closeable;

/**
 * A stream of rows of one table file (CSV or Parquet), parsed and range-checked column by column.
 * Problems with a row or with the file are reported to the {@link Problems} given at open; rows
 * with a problem are skipped. Cross-row and cross-table rules are the {@link RowValidator}'s.
 */
public interface TableSource extends Closeable {
    TableKind kind();

    /**
     * Reads the next good row into {@code row}; false at the end of the file (or after a problem
     * that makes the rest unreadable, such as a corrupt compressed stream).
     */
    boolean next(Row row);

    /** Where the current row is, for messages: {@code FILE:LINE} or {@code FILE:row N}. */
    String where();

    /** The line (CSV) or 1-based row number (Parquet) of the current row. */
    long position();

    /** {@code line} or {@code row}. */
    String positionLabel();

    /** The row's original text (or formatted value) of column {@code col}, for messages. */
    String raw(int col);

    /** Whether column {@code col} is present in the file (optional columns may be absent). */
    boolean hasColumn(int col);

    @Override
    void close();
}
