package org.virtreplay.ingest.trace;

/**
 * The {@code mem} table in batches, validated exactly as {@link MemCursor} validates it: bad rows
 * are reported and skipped, and a {@link org.virtreplay.engine.BadInputException} is thrown after
 * the good rows (at the end of the table or at the error limit).
 */
public interface MemBatchSource extends AutoCloseable {
    /** Fills {@code b} from index 0 (sets {@code b.n}); returns false when no row was left. */
    boolean fill(MemBatch b);

    @Override
    void close();

    /** A batch source over a row cursor (any form of the table). */
    static MemBatchSource of(MemCursor c) {
        return new MemBatchSource() {
            @Override
            public boolean fill(MemBatch b) {
                int n = 0;
                final int cap = b.capacity();
                while (n < cap && c.next()) {
                    b.ts[n] = c.ts();
                    b.va[n] = c.va();
                    b.vm[n] = c.vm();
                    b.vcpu[n] = c.vcpu();
                    b.el[n] = c.el();
                    b.access[n] = c.access();
                    b.size[n] = c.size();
                    b.pos[n] = c.position();
                    n++;
                }
                b.n = n;
                return n > 0;
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }
}
