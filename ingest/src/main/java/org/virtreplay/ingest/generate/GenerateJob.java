package org.virtreplay.ingest.generate;

import org.virtreplay.ingest.convert.TraceConverter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.io.FileFailures;

/**
 * Writes a generated trace directory safely: everything goes to a hidden temporary directory beside
 * the target, which is renamed into place only when complete, so a failed or interrupted run never
 * leaves a partial trace at {@code out}.
 */
public final class GenerateJob {
    private GenerateJob() {
    }

    /** Table base names a trace directory may hold (docs/trace-format.md). */
    private static final String[] KINDS = {"manifest", "vms", "memslots", "sysreg", "pte", "map", "mem", "tlbi",
        "irq", "sched", "daif"};

    /**
     * Generates the trace described by {@code options} into {@code out}.
     *
     * @param force replace the trace files of an existing non-empty {@code out} (other files are kept)
     * @param progress progress sink (about once a second), or null
     */
    public static Generator.Counts run(GeneratorOptions options, Path out, Compression compression, boolean force,
            PrintWriter progress) throws IOException {
        Generator gen = new Generator(options); // validates before anything touches the disk
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new BadInputException("option '--out': " + out
                    + " exists and is not a directory; remove it or choose another path");
        }
        boolean nonEmpty = Files.isDirectory(target) && !isEmpty(target);
        if (nonEmpty && !force) {
            throw new BadInputException("option '--out': directory " + out
                    + " is not empty; choose a new directory or pass --force to replace its trace files");
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            Path blocker = FileFailures.regularFileOnTheWay(target);
            throw new BadInputException("option '--out': " + (blocker != null
                    ? blocker + " is a file, not a directory; choose another path"
                    : "directory " + parent + " does not exist; create it or choose another path"));
        }
        Path tmp = newTempDir(parent, "." + target.getFileName() + ".tmp-");
        boolean ok = false;
        try {
            Generator.Counts counts = gen.writeTo(tmp, compression, progress);
            if (!Files.exists(target)) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                if (nonEmpty) {
                    removeTraceFiles(target);
                }
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
                    for (Path f : ds) {
                        Files.move(f, target.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                Files.delete(tmp);
            }
            ok = true;
            return counts;
        } finally {
            if (!ok) {
                TraceConverter.deleteTree(tmp);
            }
        }
    }

    /** Like Files.createTempDirectory but with the umask's permissions (not 0700), as the trace keeps them. */
    private static Path newTempDir(Path parent, String prefix) throws IOException {
        long n = System.nanoTime() ^ ProcessHandle.current().pid() << 32;
        for (int i = 0; ; i++) {
            Path p = parent.resolve(prefix + Long.toHexString(n + i));
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    /** Deletes KIND.csv, KIND.csv.{gz,xz,zst} and KIND.parquet so that no kind is left in two forms. */
    private static void removeTraceFiles(Path dir) throws IOException {
        List<Path> doomed = new ArrayList<>();
        for (String k : KINDS) {
            for (String ext : new String[] {".csv", ".csv.gz", ".csv.xz", ".csv.zst", ".parquet"}) {
                doomed.add(dir.resolve(k + ext));
            }
        }
        for (Path p : doomed) {
            Files.deleteIfExists(p);
        }
    }
}
