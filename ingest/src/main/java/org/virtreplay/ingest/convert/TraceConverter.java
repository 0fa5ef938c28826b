package org.virtreplay.ingest.convert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.Problems;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Validates a whole trace and writes it in another form: Parquet ({@code virtreplay ingest}) or
 * canonical CSV ({@code virtreplay ingest --to csv}). Streams every table (memory does not grow
 * with its length), writes into a temporary directory beside the target and renames it into place
 * only when every table is good, so a failed run leaves nothing at the target.
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
     *                           input is bad, or if {@code out} exists and {@code force} is false
     */
    public static Map<TableKind, Long> convert(Path in, Path out, Form to, int maxErrors, boolean force) {
        return convert(in, out, to, maxErrors, force, Progress.NONE);
    }

    /** {@link #convert(Path, Path, Form, int, boolean)}, telling {@code progress} how far it has got. */
    public static Map<TableKind, Long> convert(Path in, Path out, Form to, int maxErrors, boolean force,
            Progress progress) {
        Path target = out.toAbsolutePath().normalize();
        if (target.equals(in.toAbsolutePath().normalize())) {
            throw new BadInputException(out + ": is the input trace; write to another directory");
        }
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new BadInputException(out + ": already exists (use --force to replace it)");
        }
        Problems problems = new Problems(maxErrors);
        Path parent = target.getParent();
        Path tmp;
        try {
            Files.createDirectories(parent);
            // not createTempDirectory: its owner-only permissions would stay on the renamed result
            tmp = parent.resolve("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid());
            deleteTree(tmp);
            Files.createDirectory(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean done = false;
        try {
            Map<TableKind, Long> counts = writeAll(in, tmp, to, problems, progress);
            problems.throwIfAny();
            install(tmp, target);
            done = true;
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
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

    /** Moves {@code tmp} to {@code target}, replacing an old target only once the new one is complete. */
    private static void install(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
            deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(target + ": appeared while ingesting; not replaced");
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Deletes a directory tree (or file) if it exists. */
    public static void deleteTree(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
