package org.virtreplay.ingest.trace;

import java.util.Arrays;

/**
 * One record of a table, held in primitives and reused from row to row: {@link #get} is the value
 * of a numeric column (or the symbol index of an enum-like one), {@link #isNull} whether it was
 * empty, {@link #text} the string of a TEXT column.
 */
public final class Row {
    final TableKind kind;
    final long[] values;
    final boolean[] nulls;
    final String[] texts;

    public Row(TableKind kind) {
        this.kind = kind;
        int n = kind.columns().size();
        this.values = new long[n];
        this.nulls = new boolean[n];
        this.texts = new String[n];
    }

    public TableKind kind() {
        return kind;
    }

    public long get(int col) {
        return values[col];
    }

    public int getInt(int col) {
        return (int) values[col];
    }

    public boolean isNull(int col) {
        return nulls[col];
    }

    public String text(int col) {
        return texts[col];
    }

    /** The symbol (enum-like columns) of column {@code col}, or null if empty. */
    public String symbol(int col) {
        return nulls[col] ? null : kind.column(col).symbols().get((int) values[col]);
    }

    /** Canonical CSV text of column {@code col} ("" for empty). */
    public String format(int col) {
        if (nulls[col]) {
            return "";
        }
        Column c = kind.column(col);
        return c.type() == Column.Type.TEXT ? texts[col] : c.format(values[col]);
    }

    public void set(int col, long v) {
        values[col] = v;
        nulls[col] = false;
    }

    public void setText(int col, String s) {
        texts[col] = s;
        nulls[col] = s == null;
    }

    public void setNull(int col) {
        nulls[col] = true;
        values[col] = 0;
        texts[col] = null;
    }

    void clear() {
        Arrays.fill(nulls, true);
    }

    /** An independent copy (for the small tables kept in memory). */
    public Row copy() {
        Row r = new Row(kind);
        System.arraycopy(values, 0, r.values, 0, values.length);
        System.arraycopy(nulls, 0, r.nulls, 0, nulls.length);
        System.arraycopy(texts, 0, r.texts, 0, texts.length);
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Row r) || r.kind != kind) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (nulls[i] != r.nulls[i] || (!nulls[i] && !format(i).equals(r.format(i)))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return kind.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(kind.tableName()).append('[');
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(format(i));
        }
        return b.append(']').toString();
    }
}
