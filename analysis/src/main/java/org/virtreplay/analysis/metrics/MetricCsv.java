package org.virtreplay.analysis.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.virtreplay.ingest.io.OutputFiles;

/**
 * A metric table's Parquet file as CSV, every column the file has, in file order: RFC 4180 —
 * comma-separated, CRLF line ends, fields holding a comma, quote, CR or LF are quoted and their
 * quotes doubled; null is an empty field. Streams, so an event table of any size fits. The
 * report's CSV files and a sweep's {@code sweep_results.csv} are written by it.
 */
public final class MetricCsv {
    private MetricCsv() {
    }

    /** Writes {@code parquet} as CSV to {@code target}, through a temporary file beside it and a rename. */
    public static void write(Path parquet, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (BufferedWriter w = OutputFiles.newBufferedWriter(tmp)) {
            writeTable(parquet, w);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code parquet}'s header and rows to {@code w}. */
    public static void writeTable(Path parquet, Writer w) throws IOException {
        IOException[] failure = {null};
        boolean[] header = {false};
        MetricTableReader.forEachRecord(parquet, rec -> {
            if (failure[0] != null) {
                return;
            }
            try {
                List<Schema.Field> fields = rec.getSchema().getFields();
                if (!header[0]) {
                    List<String> names = new ArrayList<>(fields.size());
                    for (Schema.Field f : fields) {
                        names.add(f.name());
                    }
                    writeRow(w, names);
                    header[0] = true;
                }
                List<String> cells = new ArrayList<>(fields.size());
                for (Schema.Field f : fields) {
                    Object v = rec.get(f.pos());
                    cells.add(v == null ? "" : v.toString());
                }
                writeRow(w, cells);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        if (!header[0]) {
            // an empty table still gets its header, from the file's schema
            writeRow(w, headerOf(parquet));
        }
    }

    private static List<String> headerOf(Path parquet) {
        List<String> names = new ArrayList<>();
        MetricTableReader.info(parquet).schema().getFields().forEach(f -> names.add(f.getName()));
        return names;
    }

    /** One CSV line of {@code cells}, CRLF-terminated. */
    public static void writeRow(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(quote(cells.get(i)));
        }
        w.write("\r\n");
    }

    /** RFC 4180 field: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
    public static String quote(String s) {
        boolean needs = false;
        for (int i = 0; i < s.length() && !needs; i++) {
            char c = s.charAt(i);
            needs = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
