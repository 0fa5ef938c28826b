package org.virtreplay.ingest.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.TableKind;

/**
 * The Avro schema of each table's Parquet form. The schemas are kept in source control as
 * {@code org/virtreplay/ingest/schema/KIND.avsc} and loaded from there; {@link #build} derives the
 * same schema from {@link TableKind}, and a test keeps the two equal. Run {@link #main} with a
 * directory to regenerate the files after changing a table.
 */
public final class AvroSchemas {
    public static final String NAMESPACE = "org.virtreplay.trace.v1";
    private static final Map<TableKind, Schema> LOADED = new EnumMap<>(TableKind.class);

    private AvroSchemas() {
    }

    /** The schema of {@code kind} as stored in the {@code .avsc} resource. */
    public static synchronized Schema load(TableKind kind) {
        return LOADED.computeIfAbsent(kind, k -> {
            String res = "/org/virtreplay/ingest/schema/" + k.tableName() + ".avsc";
            try (InputStream in = AvroSchemas.class.getResourceAsStream(res)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + res);
                }
                return new Schema.Parser().parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The schema of {@code kind} derived from its column definitions. */
    public static Schema build(TableKind kind) {
        String record = camel(kind.tableName());
        List<Schema.Field> fields = new ArrayList<>();
        for (Column c : kind.columns()) {
            Schema t = switch (c.type()) {
                case INT -> Schema.create(Schema.Type.INT);
                case LONG, SIZE, HEX -> Schema.create(Schema.Type.LONG);
                case ENUM -> Schema.createEnum(record + camel(c.name()), null, NAMESPACE, c.symbols());
                case SYSREG, TLBI, TEXT -> Schema.create(Schema.Type.STRING);
            };
            String doc = c.expected().replaceFirst("^expected ", "") + (c.type() == Column.Type.HEX
                    ? " (64-bit two's complement)" : "");
            if (c.optional()) {
                fields.add(new Schema.Field(c.name(), Schema.createUnion(Schema.create(Schema.Type.NULL), t), doc,
                        JsonProperties.NULL_VALUE));
            } else {
                fields.add(new Schema.Field(c.name(), t, doc));
            }
        }
        return Schema.createRecord(record, "virtreplay canonical trace v1, table " + kind.tableName()
                + " (docs/trace-format.md)", NAMESPACE, false, fields);
    }

    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        for (String part : snake.split("_")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    /** Writes every {@code KIND.avsc} into the directory given as the only argument. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (TableKind k : TableKind.values()) {
            Files.writeString(dir.resolve(k.tableName() + ".avsc"), build(k).toString(true) + "\n",
                    StandardCharsets.UTF_8);
        }
    }
}
