package org.virtreplay.ingest.convert;

import java.io.Closeable;
import java.io.IOException;
import org.virtreplay.ingest.trace.Row;

/** Writes rows of one table in one form. */
public interface TableWriter extends Closeable {
    void write(Row row) throws IOException;

    /** Rows written so far. */
    long rows();
}
