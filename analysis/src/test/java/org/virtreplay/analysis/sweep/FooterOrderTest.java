package org.virtreplay.analysis.sweep;

import org.virtreplay.ingest.convert.FooterOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.MetricTableWriter;

class FooterOrderTest {
    @TempDir
    Path tmp;

    private static List<SweepResultRow> rows() {
        List<SweepResultRow> r = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            // nulls and varied doubles give columns with several encodings (levels, dictionary, plain)
            r.add(Rows.row(i, i % 3, i % 7 == 0 ? null : 1.5 * i, i % 5 == 0 ? null : 1.0 / (i + 1)));
        }
        return r;
    }

    /** Rewrites the footer with every encodings list in the given order (reversed or sorted). */
    private static byte[] withOrder(byte[] file, boolean reversed) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int len = b.getInt(file.length - 8);
        int start = file.length - 8 - len;
        FileMetaData md = Util.readFileMetaData(new ByteArrayInputStream(file, start, len));
        for (RowGroup rg : md.getRow_groups()) {
            for (ColumnChunk cc : rg.getColumns()) {
                List<Encoding> e = new ArrayList<>(cc.getMeta_data().getEncodings());
                e.sort((x, y) -> Integer.compare(x.getValue(), y.getValue()));
                if (reversed) {
                    Collections.reverse(e);
                }
                cc.getMeta_data().setEncodings(e);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writeFileMetaData(md, out);
        assertEquals(len, out.size(), "a list of enum values encodes to the same length in any order");
        byte[] copy = file.clone();
        System.arraycopy(out.toByteArray(), 0, copy, start, len);
        return copy;
    }

    @Test
    void anyEncodingsOrderBecomesTheSortedOne() throws IOException {
        MetricTableWriter.writeAll(tmp, SweepTables.SWEEP_RESULTS, rows());
        Path f = tmp.resolve("sweep_results.parquet");
        byte[] written = Files.readAllBytes(f);
        byte[] reversed = withOrder(written, true);
        byte[] sorted = withOrder(written, false);
        assertFalse(Arrays.equals(reversed, sorted), "the table has columns with more than one encoding");

        Files.write(f, reversed);
        assertTrue(FooterOrder.sortEncodings(f));
        assertArrayEquals(sorted, Files.readAllBytes(f));
        assertFalse(FooterOrder.sortEncodings(f), "already sorted: unchanged");
        assertEquals(rows(), MetricTableReader.readAll(f, SweepTables.SWEEP_RESULTS));
    }

    @Test
    void notParquetIsLeftAlone() throws IOException {
        Path f = Files.writeString(tmp.resolve("x.parquet"), "not a parquet file at all");
        assertFalse(FooterOrder.sortEncodings(f));
        assertEquals("not a parquet file at all", Files.readString(f));
    }
}
