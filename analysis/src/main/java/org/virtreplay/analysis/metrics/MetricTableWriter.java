package org.virtreplay.analysis.metrics;

import java.io.Closeable;
import org.virtreplay.ingest.trace.ParquetConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.virtreplay.ingest.io.OutputFiles;

/**
 * Streams the rows of one metric table into {@code DIR/<table>.parquet} (ZSTD, dictionary
 * encoding). Rows go to a temporary file beside the target, {@code DIR/.<table>.parquet.tmp},
 * which {@link #close()} renames onto the target; {@link #abort()} (or a failed write followed by
 * close) deletes it, so a reader never sees a half-written table.
 *
 * <p>Deterministic: the file holds only the rows, the schema and fixed metadata (table name and
 * schema version; Parquet's own {@code created_by} names the library version) — no time, host or
 * path — so the same rows in the same order give a byte-identical file. Rows are written in the
 * caller's order; callers sort by the table's key columns.
 *
 * @param <R> the row record
 */
public final class MetricTableWriter<R extends Record> implements Closeable {

    /** Key-value metadata key naming the table a file holds. */
    public static final String META_TABLE = "virtreplay.table";
    /** Key-value metadata key holding {@link MetricTables#SCHEMA_VERSION}. */
    public static final String META_SCHEMA_VERSION = "virtreplay.schema_version";

    private final MetricTable<R> table;
    private final Path target;
    private final Path tmp;
    private final ParquetWriter<GenericRecord> writer;
    private final GenericData.Record reuse;
    private long rows;
    private boolean failed;
    private boolean closed;

    private MetricTableWriter(Path dir, MetricTable<R> table) throws IOException {
        this.table = table;
        this.target = dir.resolve(table.fileName());
        this.tmp = dir.resolve("." + table.fileName() + ".tmp");
        Files.createDirectories(dir);
        Files.deleteIfExists(tmp);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_TABLE, table.name());
        meta.put(META_SCHEMA_VERSION, Integer.toString(MetricTables.SCHEMA_VERSION));
        this.writer = AvroParquetWriter.<GenericRecord>builder(OutputFiles.parquet(tmp))
                .withConf(ParquetConf.plain())
                .withSchema(table.schema())
                .withDataModel(GenericData.get())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withDictionaryEncoding(true)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withExtraMetaData(meta)
                .build();
        this.reuse = new GenericData.Record(table.schema());
    }

    /** Opens a writer for {@code table} in {@code dir} (created if missing). */
    public static <R extends Record> MetricTableWriter<R> open(Path dir, MetricTable<R> table) throws IOException {
        return new MetricTableWriter<>(dir, table);
    }

    /** Writes a whole table at once: the common case for the aggregate tables. */
    public static <R extends Record> void writeAll(Path dir, MetricTable<R> table, Iterable<? extends R> rows)
            throws IOException {
        try (MetricTableWriter<R> w = open(dir, table)) {
            for (R r : rows) {
                w.write(r);
            }
        }
    }

    public void write(R row) throws IOException {
        if (closed) {
            throw new IllegalStateException(table + " writer is closed");
        }
        try {
            table.fill(row, reuse);
            writer.write(reuse);
            rows++;
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    /** The file this writer produces on a successful {@link #close()}. */
    public Path target() {
        return target;
    }

    /** Finishes the file and renames it onto the target; after a failed write, deletes it instead. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (failed) {
            Files.deleteIfExists(tmp);
            return;
        }
        // Same rows, same bytes in every process (parquet-java lists encodings in hash order).
        org.virtreplay.ingest.convert.FooterOrder.sortEncodings(tmp);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Drops everything written; the target is left as it was. */
    public void abort() throws IOException {
        failed = true;
        close();
    }
}
