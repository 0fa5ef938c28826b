package org.virtreplay.ingest.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.virtreplay.ingest.io.OutputFiles;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Writes a table as Parquet: the table's Avro schema (the {@code .avsc} in source control),
 * converted to Parquet by parquet-avro's {@link AvroSchemaConverter} and recorded in the footer
 * exactly as parquet-avro's own writer records it, so Avro readers and Spark see a parquet-avro
 * file. Rows go straight from the {@link Row}'s primitives to the {@link RecordConsumer} (no
 * GenericRecord, no boxing): a test checks the bytes equal those of {@code AvroParquetWriter}.
 * ZSTD-compressed, {@code LocalOutputFile} (no Hadoop {@code Path}); rows are written in the order
 * given, which validation has checked is time-ordered per vCPU.
 */
public final class ParquetTableWriter implements TableWriter {
    private final ParquetWriter<Row> writer;
    private final Path file;
    private long rows;

    public ParquetTableWriter(TableKind kind, Path file) throws IOException {
        this.file = file;
        Schema avro = AvroSchemas.load(kind);
        this.writer = new Builder(OutputFiles.parquet(file), kind, avro)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withDictionaryEncoding(true)
                .build();
    }

    @Override
    public void write(Row row) throws IOException {
        writer.write(row);
        rows++;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
        // Same rows, same bytes in every process (parquet-java lists encodings in hash order).
        FooterOrder.sortEncodings(file);
    }

    private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
        private final TableKind kind;
        private final Schema avro;

        Builder(OutputFile file, TableKind kind, Schema avro) {
            super(file);
            this.kind = kind;
            this.avro = avro;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(Configuration conf) {
            return new RowWriteSupport(kind, avro);
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport(kind, avro);
        }
    }

    /** Row -> record consumer, one primitive call per present value. */
    private static final class RowWriteSupport extends WriteSupport<Row> {
        private final TableKind kind;
        private final Schema avro;
        private final String[] names;
        private final Column.Type[] types;
        private final Binary[][] symbols;
        private RecordConsumer out;

        RowWriteSupport(TableKind kind, Schema avro) {
            this.kind = kind;
            this.avro = avro;
            int n = kind.columns().size();
            this.names = new String[n];
            this.types = new Column.Type[n];
            this.symbols = new Binary[n][];
            this.recent = new String[n][4];
            this.recentBin = new Binary[n][4];
            this.recentNext = new int[n];
            for (int i = 0; i < n; i++) {
                Column c = kind.column(i);
                names[i] = c.name();
                types[i] = c.type();
                if (c.isSymbolic()) {
                    symbols[i] = new Binary[c.symbols().size()];
                    for (int j = 0; j < symbols[i].length; j++) {
                        symbols[i][j] = Binary.fromConstantByteArray(c.symbols().get(j).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }

        // the last few strings of each TEXT column and their UTF-8 form: tables repeat a few words
        // (an exit type, a permission string) row after row
        private final String[][] recent;
        private final Binary[][] recentBin;
        private final int[] recentNext;

        private Binary text(int col, String s) {
            String[] r = recent[col];
            for (int k = 0; k < r.length; k++) {
                if (r[k] == s) {
                    return recentBin[col][k];
                }
            }
            Binary b = Binary.fromString(s);
            int k = recentNext[col];
            r[k] = s;
            recentBin[col][k] = b;
            recentNext[col] = (k + 1) % r.length;
            return b;
        }

        @Override
        public String getName() {
            return "avro"; // recorded as writer.model.name, as parquet-avro does
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return context();
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return context();
        }

        private WriteContext context() {
            MessageType schema = new AvroSchemaConverter().convert(avro);
            return new WriteContext(schema, Map.of("parquet.avro.schema", avro.toString()));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Row row) {
            out.startMessage();
            for (int i = 0; i < names.length; i++) {
                if (row.isNull(i)) {
                    continue;
                }
                out.startField(names[i], i);
                switch (types[i]) {
                    case INT -> out.addInteger(row.getInt(i));
                    case LONG, SIZE, HEX -> out.addLong(row.get(i));
                    case TEXT -> out.addBinary(text(i, row.text(i)));
                    default -> out.addBinary(symbols[i][row.getInt(i)]);
                }
                out.endField(names[i], i);
            }
            out.endMessage();
        }
    }
}
