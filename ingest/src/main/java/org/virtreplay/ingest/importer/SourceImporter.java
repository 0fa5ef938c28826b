package org.virtreplay.ingest.importer;

import java.io.IOException;

/**
 * Reads the sources of one format and hands their rows to the sink. One class per format (the
 * parser of the format and nothing else): the sink does ordering, time normalisation, VM and PE
 * declarations and writing.
 *
 * <p>Contract: timestamps handed to the sink are nanoseconds on the source's own clock (the sink
 * adds {@code --offset} and makes them relative to the earliest event of all sources);
 * {@link ImportSink#AT_START} marks a snapshot taken before the recording; the earliest event
 * of a source is told with {@link SourceSink#event} even if it makes no row (time 0 of the trace
 * is the earliest event of all sources). Rows of one table may
 * come in any time order. A malformed record is reported with {@link SourceSink#malformed} (one
 * line, {@code FILE:LINE: ...}) and skipped; every line read, record used, record skipped by kind
 * and anything inferred rather than recorded is told to the {@link SourceSink}, which prints it
 * and writes it to the manifest. Memory must not grow with the length of the source.
 */
public interface SourceImporter {

    /** Reads every source this importer was made for. */
    void read(ImportSink sink) throws IOException;

    /**
     * Called once every importer has read its sources: rows that depend on what all sources
     * declared (e.g. one row per vCPU of a VM, whose vCPU count other sources may raise).
     */
    default void finish(ImportSink sink) throws IOException {
    }
}
