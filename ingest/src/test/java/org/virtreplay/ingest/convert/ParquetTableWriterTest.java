package org.virtreplay.ingest.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Our primitive Parquet writer against the reference, parquet-avro's {@code AvroParquetWriter}:
 * byte for byte the same file, for every table and for nulls, extreme values and text.
 */
class ParquetTableWriterTest {
    @TempDir
    Path tmp;

    private static Row row(TableKind k, long seed) {
        Row r = new Row(k);
        for (int i = 0; i < k.columns().size(); i++) {
            var c = k.column(i);
            long v = seed * 0x9E3779B97F4A7C15L + i;
            if (c.optional() && (seed + i) % 3 == 0) {
                r.setNull(i);
            } else if (c.type() == org.virtreplay.ingest.trace.Column.Type.TEXT) {
                r.setText(i, "t\u00e9xt," + seed);
            } else if (c.isSymbolic()) {
                r.set(i, Math.floorMod(v, c.symbols().size()));
            } else if (c.type() == org.virtreplay.ingest.trace.Column.Type.INT) {
                r.set(i, (int) v);
            } else {
                r.set(i, seed % 2 == 0 ? v : seed % 3 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
            }
        }
        return r;
    }

    @Test
    void sameBytesAsAvroParquetWriter() throws IOException {
        for (TableKind k : TableKind.values()) {
            Path ours = tmp.resolve(k.tableName() + ".ours.parquet");
            Path ref = tmp.resolve(k.tableName() + ".ref.parquet");
            try (ParquetTableWriter a = new ParquetTableWriter(k, ours);
                    AvroRecordTableWriter b = new AvroRecordTableWriter(k, ref)) {
                for (long s = 0; s < 2000; s++) {
                    Row r = row(k, s);
                    a.write(r);
                    b.write(r);
                }
            }
            // Our writer puts each column's encodings list in a fixed order (FooterOrder); parquet-avro
            // leaves it in hash order, which varies between processes. Normalise the reference the
            // same way: every other byte must already be equal.
            FooterOrder.sortEncodings(ref);
            assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(ours), k.tableName());
        }
    }
}
