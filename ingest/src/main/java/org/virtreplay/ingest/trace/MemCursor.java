package org.virtreplay.ingest.trace;

/**
 * The {@code mem} table as primitives, for the replay loop: no object per access.
 *
 * <pre>
 * try (MemCursor m = trace.mem()) {
 *     while (m.next()) { engine.access(m.ts(), m.vm(), m.vcpu(), m.el(), m.access(), m.va(), m.size()); }
 * }
 * </pre>
 */
public final class MemCursor extends TableCursor {
    public static final int TS = 0;
    public static final int VM = 1;
    public static final int VCPU = 2;
    public static final int EL = 3;
    public static final int ACCESS = 4;
    public static final int VA = 5;
    public static final int SIZE = 6;

    /** {@link #access()} codes, the index of the symbol in the {@code access} column. */
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;
    /** A read-modify-write: one access that needs both read and write permission. */
    public static final int READ_WRITE = 3;

    private final long[] v;

    MemCursor(TableSource src, RowValidator validator, Problems problems, boolean throwAtEnd) {
        super(src, validator, problems, throwAtEnd);
        this.v = row.values;
    }

    public long ts() {
        return v[TS];
    }

    public int vm() {
        return (int) v[VM];
    }

    public int vcpu() {
        return (int) v[VCPU];
    }

    public int el() {
        return (int) v[EL];
    }

    /** {@link #READ}, {@link #WRITE}, {@link #FETCH} or {@link #READ_WRITE}. */
    public int access() {
        return (int) v[ACCESS];
    }

    public long va() {
        return v[VA];
    }

    public int size() {
        return (int) v[SIZE];
    }
}
