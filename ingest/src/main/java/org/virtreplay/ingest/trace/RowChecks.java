package org.virtreplay.ingest.trace;

/**
 * The validation rules of a time-ordered table (docs/trace-format.md: ranges of ids, per-stream
 * time order, the per-table rules) applied to rows a program makes rather than reads, such as the
 * rows {@code virtreplay import} is about to write. Messages name the table and the row number.
 */
public final class RowChecks {
    private final RowValidator validator;
    private final Current src;

    /**
     * @param vcpusOf vCPU count by vm id (0 = not declared)
     * @param ipaBits IPA size by vm id
     * @param peCount PEs of the trace
     */
    public RowChecks(TableKind kind, String name, Problems problems, int[] vcpusOf, int[] ipaBits, int peCount) {
        if (!kind.isTimed()) {
            throw new IllegalArgumentException(kind + " is not a time-ordered table");
        }
        this.src = new Current(kind, name);
        this.validator = new RowValidator(kind, src, problems, vcpusOf, ipaBits, peCount);
    }

    /** True if the row is good; otherwise its problems go to the {@link Problems}. */
    public boolean check(Row row) {
        src.row = row;
        src.n++;
        return validator.check(row);
    }

    /** The row being checked, as a table source for the validator's messages. */
    private static final class Current implements TableSource {
        private final TableKind kind;
        private final String name;
        Row row;
        long n;

        Current(TableKind kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        @Override
        public TableKind kind() {
            return kind;
        }

        @Override
        public boolean next(Row r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String where() {
            return name + ":row " + n;
        }

        @Override
        public long position() {
            return n;
        }

        @Override
        public String positionLabel() {
            return "row";
        }

        @Override
        public String raw(int col) {
            return col < 0 ? "" : row.format(col);
        }

        @Override
        public boolean hasColumn(int col) {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
