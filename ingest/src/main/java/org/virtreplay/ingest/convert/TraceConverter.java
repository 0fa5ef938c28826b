package org.virtreplay.ingest.convert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.Problems;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Validates a whole trace and writes it in another form: Parquet ({@code virtreplay ingest}) or
 * canonical CSV ({@code virtreplay ingest --to csv}). Streams every table (memory does not grow
 * with its length), writes through an {@link AtomicOutput}: a temporary directory beside the target,
 * renamed into place only when every table is good, so a failed run leaves nothing at the target.
 */
public final class TraceConverter {
    /** The form to write. */
    public enum Form { PARQUET, CSV }

    private TraceConverter() {
    }

    /**
     * Told how far a conversion has got: the rows of {@code kind} read so far, every
     * {@link #EVERY} rows and once more at the table's end ({@code tableDone}). The {@code vms}
     * and {@code memslots} tables, read whole at open, are not reported.
     */
    @FunctionalInterface
    public interface Progress {
        long EVERY = 1L << 16;

        Progress NONE = (kind, rows, tableDone) -> { };

        void rows(TableKind kind, long rows, boolean tableDone);
    }

    /**
     * Converts {@code in} to {@code out}. Returns the number of rows written per table.
     *
     * @throws BadInputException with one line per problem (at most {@code maxErrors}) if the
     *                           input is bad, if {@code out} exists and {@code force} is false,
     *                           or if {@code out} is or holds {@code in}
     */
    public static Map<TableKind, Long> convert(Path in, Path out, Form to, int maxErrors, boolean force) {
        return convert(in, out, to, maxErrors, force, Progress.NONE);
    }

    /** {@link #convert(Path, Path, Form, int, boolean)}, telling {@code progress} how far it has got. */
    public static Map<TableKind, Long> convert(Path in, Path out, Form to, int maxErrors, boolean force,
            Progress progress) {
        Problems problems = new Problems(maxErrors);
        try (AtomicOutput o = AtomicOutput.directory(out, force, in)) {
            Map<TableKind, Long> counts = writeAll(in, o.path(), to, problems, progress);
            problems.throwIfAny();
            o.commit();
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<TableKind, Long> writeAll(Path in, Path tmp, Form to, Problems problems, Progress progress)
            throws IOException {
        Map<TableKind, Long> counts = new EnumMap<>(TableKind.class);
        Trace trace = Trace.open(in, problems);
        if (problems.any()) {
            // the other tables are checked against the manifest, vms and memslots: with those
            // broken, their messages would be noise
            return counts;
        }
        Files.copy(in.resolve("manifest.csv"), tmp.resolve("manifest.csv"));
        for (TableKind kind : TableKind.values()) {
            if (!trace.has(kind)) {
                continue;
            }
            Path file = tmp.resolve(kind.tableName() + (to == Form.PARQUET ? ".parquet" : ".csv"));
            try (TableWriter w = to == Form.PARQUET ? new ParquetTableWriter(kind, file) : new CsvTableWriter(kind, file)) {
                if (kind == TableKind.VMS || kind == TableKind.MEMSLOTS) {
                    for (Row r : trace.smallTableRows(kind)) {
                        w.write(r);
                    }
                } else {
                    long n = 0;
                    try (TableCursor c = trace.cursor(kind)) {
                        // once anything is wrong nothing will be kept, but the rest is still validated
                        while (c.next()) {
                            if (!problems.any()) {
                                w.write(c.row());
                            }
                            if ((++n & (Progress.EVERY - 1)) == 0) {
                                progress.rows(kind, n, false);
                            }
                        }
                    }
                    progress.rows(kind, n, true);
                }
                counts.put(kind, w.rows());
            }
        }
        return counts;
    }

    /** Deletes a directory tree (or file) if it exists: {@link AtomicOutput#deleteTree}. */
    public static void deleteTree(Path p) {
        AtomicOutput.deleteTree(p);
    }
}
