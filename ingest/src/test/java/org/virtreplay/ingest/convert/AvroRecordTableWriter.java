package org.virtreplay.ingest.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * TEST ORACLE: the plain parquet-avro way ({@link AvroParquetWriter} with GenericRecords), kept to
 * check that {@link ParquetTableWriter} writes the very same bytes.
 *
 * <p>Writes a table as Parquet with parquet-avro ({@code LocalOutputFile}, no Hadoop {@code Path}),
 * ZSTD-compressed, rows in the order given (the input order, which validation has checked is
 * time-ordered per vCPU). One {@link GenericData.Record} is reused; enum-like values are
 * pre-made symbol objects, so a row allocates only the boxes of large numbers.
 */
final class AvroRecordTableWriter implements TableWriter {
    private final TableKind kind;
    private final ParquetWriter<GenericRecord> writer;
    private final GenericData.Record record;
    private final Object[][] symbols;
    private long rows;

    AvroRecordTableWriter(TableKind kind, Path file) throws IOException {
        this.kind = kind;
        Schema schema = AvroSchemas.load(kind);
        this.writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema)
                .withDataModel(GenericData.get())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withDictionaryEncoding(true)
                .build();
        this.record = new GenericData.Record(schema);
        List<Column> cols = kind.columns();
        this.symbols = new Object[cols.size()][];
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            if (c.isSymbolic()) {
                Schema fs = schema.getField(c.name()).schema();
                if (fs.getType() == Schema.Type.UNION) {
                    fs = fs.getTypes().get(1);
                }
                Object[] s = new Object[c.symbols().size()];
                for (int j = 0; j < s.length; j++) {
                    s[j] = c.type() == Column.Type.ENUM ? new GenericData.EnumSymbol(fs, c.symbols().get(j))
                            : new Utf8(c.symbols().get(j));
                }
                symbols[i] = s;
            }
        }
    }

    @Override
    public void write(Row row) throws IOException {
        List<Column> cols = kind.columns();
        for (int i = 0; i < symbols.length; i++) {
            Object v;
            if (row.isNull(i)) {
                v = null;
            } else {
                v = switch (cols.get(i).type()) {
                    case INT -> Integer.valueOf(row.getInt(i));
                    case LONG, SIZE, HEX -> Long.valueOf(row.get(i));
                    case TEXT -> row.text(i);
                    default -> symbols[i][row.getInt(i)];
                };
            }
            record.put(i, v);
        }
        writer.write(record);
        rows++;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
