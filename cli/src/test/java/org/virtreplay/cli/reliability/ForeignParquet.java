package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Parquet "written by another tool" (docs/trace-format.md accepts any flat file with the column
 * names): every integer-like column INT64, every other column a string, all nullable, so that
 * values our writer would never write (out of range, negative, null in a required column) reach
 * the readers unvalidated.
 */
final class ForeignParquet {

    private ForeignParquet() {
    }

    /**
     * Writes CSV text {@code csv} (header and rows, no quoting) of table {@code kind} as Parquet.
     * Columns named in {@code asString} are written as strings although they are numbers; a value
     * that is not a number in a numeric column becomes null.
     */
    static void write(TableKind kind, String csv, Path file, Set<String> asString) throws IOException {
        List<String> lines = Mutations.lines(csv);
        String[] header = lines.get(0).split(",", -1);
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("foreign_" + kind.tableName())
                .namespace("other.tool").fields();
        boolean[] numeric = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            int ci = kind.indexOf(header[i]);
            Column.Type t = ci < 0 ? Column.Type.TEXT : kind.column(ci).type();
            numeric[i] = !asString.contains(header[i]) && switch (t) {
                case INT, LONG, SIZE, HEX -> true;
                default -> false;
            };
            String name = header[i].isEmpty() || !header[i].matches("[A-Za-z_][A-Za-z0-9_]*") ? "c" + i : header[i];
            if (numeric[i]) {
                f = f.name(name).type().nullable().longType().noDefault();
            } else {
                f = f.name(name).type().nullable().stringType().noDefault();
            }
        }
        Schema schema = f.endRecord();
        Files.deleteIfExists(file);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] v = line.split(",", -1);
                GenericRecord r = new GenericData.Record(schema);
                for (int i = 0; i < header.length; i++) {
                    String s = i < v.length ? v[i] : "";
                    String name = schema.getFields().get(i).name();
                    r.put(name, numeric[i] ? number(s) : (s.isEmpty() ? null
                            : new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
                }
                w.write(r);
            }
        }
    }

    /** A CSV number as the 64-bit value a tool would store: hex as its bit pattern; null if it is none. */
    static Long number(String s) {
        String t = s.strip();
        try {
            if (t.toLowerCase(Locale.ROOT).startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
