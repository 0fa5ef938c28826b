package org.virtreplay.ingest.generate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.io.FileFailures;
import org.virtreplay.ingest.output.AtomicOutput;

/**
 * Writes a generated trace directory safely: everything goes to a hidden temporary directory beside
 * the target ({@link AtomicOutput}), which is renamed into place only when complete, so a failed or
 * interrupted run never leaves a partial trace at {@code out}. With {@code --force}, the files of
 * an existing directory that are not trace files are copied into the new one first.
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
     * @param force replace an existing non-empty {@code out}, keeping its files other than trace files
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
        try (AtomicOutput o = AtomicOutput.directory(target, true)) {
            Generator.Counts counts = gen.writeTo(o.path(), compression, progress);
            if (nonEmpty) {
                copyOtherFiles(target, o.path());
            }
            o.commit();
            return counts;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    /**
     * Copies what {@code --force} keeps of an existing directory into the new one before it
     * replaces it whole: every entry but the trace files (KIND.csv, KIND.csv.{gz,xz,zst},
     * KIND.parquet, so that no kind is left in two forms) and those the generator wrote.
     */
    private static void copyOtherFiles(Path from, Path to) throws IOException {
        Set<String> trace = new HashSet<>();
        for (String k : KINDS) {
            for (String ext : new String[] {".csv", ".csv.gz", ".csv.xz", ".csv.zst", ".parquet"}) {
                trace.add(k + ext);
            }
        }
        List<Path> keep = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!trace.contains(n) && !Files.exists(to.resolve(n), LinkOption.NOFOLLOW_LINKS)) {
                    keep.add(p);
                }
            }
        }
        for (Path top : keep) {
            try (Stream<Path> s = Files.walk(top)) {
                for (Path p : s.toList()) {
                    Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
