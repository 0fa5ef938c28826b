package org.virtreplay.ingest.trace;

import org.apache.parquet.conf.PlainParquetConfiguration;

/** The configuration virtreplay's Parquet readers and writers of local files use. */
public final class ParquetConf {
    private ParquetConf() {
    }

    /**
     * parquet-java's defaults, without Hadoop's {@code Configuration}: that one parses its XML
     * resources again for every file opened, and a sweep opens some twenty files per point (the
     * parsing was a seventh of a short sweep's time). Nothing is set, so every option keeps the
     * default it has under an empty Hadoop configuration.
     */
    public static PlainParquetConfiguration plain() {
        return new PlainParquetConfiguration();
    }
}
