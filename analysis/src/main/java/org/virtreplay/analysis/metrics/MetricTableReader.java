package org.virtreplay.analysis.metrics;

import java.io.IOException;
import org.apache.parquet.ParquetReadOptions;
import org.virtreplay.ingest.trace.ParquetConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.io.FileFailures;

/**
 * Reads metric tables back, checking first that a file is Parquet and has every column of the
 * table with the right type. Columns the table does not know are ignored, so a newer writer's
 * extra columns do not break an older reader. Problems with the file are {@link BadInputException}s
 * naming the file.
 */
public final class MetricTableReader {
    private MetricTableReader() {
    }

    /** The Parquet schema and key-value metadata of a file, after checking it is Parquet at all. */
    public record FileInfo(MessageType schema, Map<String, String> keyValue, long rows) {
    }

    public static FileInfo info(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such file");
        }
        FileInfo info;
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(ParquetConf.plain()).build())) {
            info = new FileInfo(r.getFooter().getFileMetaData().getSchema(),
                    r.getFooter().getFileMetaData().getKeyValueMetaData(), r.getRecordCount());
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file + ": " + FileFailures.reading(e, FileFailures.Format.PARQUET));
        }
        // after parquet-mr's own checks, the one it skips
        String magic = org.virtreplay.ingest.trace.ParquetMagic.problem(file);
        if (magic != null) {
            throw new BadInputException(file + ": not a Parquet file (" + magic + ")");
        }
        return info;
    }

    /** Checks that {@code file} holds {@code table}: every column present with the expected type. */
    public static FileInfo check(Path file, MetricTable<?> table) {
        FileInfo info = info(file);
        List<String> problems = new ArrayList<>();
        for (Column c : table.columns()) {
            if (!info.schema().containsField(c.name())) {
                problems.add(file + ": column '" + c.name() + "': missing (not a " + table.name() + " table?)");
                continue;
            }
            Type t = info.schema().getType(c.name());
            PrimitiveType.PrimitiveTypeName want = switch (c.type()) {
                case INT -> PrimitiveType.PrimitiveTypeName.INT32;
                case LONG -> PrimitiveType.PrimitiveTypeName.INT64;
                case DOUBLE -> PrimitiveType.PrimitiveTypeName.DOUBLE;
                case BOOLEAN -> PrimitiveType.PrimitiveTypeName.BOOLEAN;
                case STRING -> PrimitiveType.PrimitiveTypeName.BINARY;
            };
            if (!t.isPrimitive() || t.asPrimitiveType().getPrimitiveTypeName() != want
                    || t.isRepetition(Type.Repetition.REPEATED)) {
                problems.add(file + ": column '" + c.name() + "': expected " + c.type().name().toLowerCase()
                        + ", got " + t.toString().trim());
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return info;
    }

    /** Streams the rows of {@code file} as {@code table} rows, in file order. */
    public static <R extends Record> void forEach(Path file, MetricTable<R> table, Consumer<? super R> sink) {
        check(file, table);
        List<Column> cols = table.columns();
        Object[] values = new Object[cols.size()];
        long rowNo = 0;
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file),
                ParquetConf.plain()).withDataModel(GenericData.get()).build()) {
            for (GenericRecord rec = r.read(); rec != null; rec = r.read()) {
                rowNo++;
                for (int i = 0; i < values.length; i++) {
                    Column c = cols.get(i);
                    Object v = rec.get(c.name());
                    if (v == null && !c.nullable()) {
                        throw new BadInputException(file + ":" + rowNo + ": column '" + c.name()
                                + "': expected a value, got null");
                    }
                    values[i] = v instanceof CharSequence cs ? cs.toString() : v;
                }
                sink.accept(table.newRow(values));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(file + ":row " + (rowNo + 1) + ": "
                    + FileFailures.reading(e, FileFailures.Format.PARQUET));
        }
    }

    /** Reads a whole table into memory (aggregate tables are small; stream the event tables). */
    public static <R extends Record> List<R> readAll(Path file, MetricTable<R> table) {
        List<R> rows = new ArrayList<>();
        forEach(file, table, rows::add);
        return rows;
    }

    /** Streams the raw records of any Parquet file (used for CSV export of every column). */
    public static void forEachRecord(Path file, Consumer<GenericRecord> sink) {
        info(file);
        long rowNo = 0;
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file),
                ParquetConf.plain()).withDataModel(GenericData.get()).build()) {
            for (GenericRecord rec = r.read(); rec != null; rec = r.read()) {
                rowNo++;
                sink.accept(rec);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(file + ":row " + (rowNo + 1) + ": "
                    + FileFailures.reading(e, FileFailures.Format.PARQUET));
        }
    }
}
