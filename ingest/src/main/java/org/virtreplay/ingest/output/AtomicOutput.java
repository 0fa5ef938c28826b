package org.virtreplay.ingest.output;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.engine.BadInputException;

/**
 * One output of a command — a directory ({@link #directory}) or a file ({@link #file}) — built
 * under a temporary name beside its target and renamed onto the target only when complete, so that
 * the target is always either what was there before or the whole new output.
 *
 * <p>Use:
 * <pre>{@code
 * AtomicOutput.check(out, force, trace);          // optional: refuse early, before any work
 * try (AtomicOutput o = AtomicOutput.directory(out, force, trace)) {
 *     write(o.path());                             // everything goes under o.path()
 *     o.commit();                                  // the rename; without it, close() deletes o.path()
 * }
 * }</pre>
 *
 * <p>The promises, and how they are kept:
 * <ul>
 * <li>The temporary is {@code .NAME.tmp-PID-N} in the target's directory (same file system, so the
 *     final rename is atomic), created with the umask's permissions, which the output keeps.</li>
 * <li>An existing target is refused ({@code NAME: already exists; use --force to replace it}) unless
 *     {@code force}; with it, the old target is moved aside to {@code .NAME.old-PID-N}, the new one
 *     renamed in, and the old one deleted. A directory is always replaced whole, never merged.</li>
 * <li>A target that is, or holds, one of the command's inputs is refused, force or not.</li>
 * <li>An exception before {@link #commit} (a bad row, a full disk): {@link #close} deletes the
 *     temporary. SIGTERM, SIGINT, {@code System.exit}: a shutdown hook deletes the temporaries of
 *     every output still open (a commit under way finishes first, so the target is old or new).
 *     {@code kill -9} runs no code: its temporary stays, named by its pid, and the next command
 *     writing the same target removes every {@code .NAME.tmp-PID…}, {@code .NAME.partial-PID…}
 *     (ingest's older name) and {@code .NAME.old-PID…} whose process is no longer alive; an
 *     {@code .old} one is moved back when the target is missing (killed between the two renames).
 *     Only siblings of the same NAME are touched.</li>
 * <li>For tests and fault drills, {@link #phase} lets {@code -Dvirtreplay.pause-at=PHASE} stop the
 *     process at a named phase and {@code -Dvirtreplay.fail-at=PHASE} fail there as a full disk
 *     would; every output passes the phases {@code commit} and {@code commit:NAME} just before its
 *     rename.</li>
 * </ul>
 *
 * <p>Outputs may nest (a run's directory holds the trace, metrics and report directories, each an
 * output of its own inside the run's temporary); they may be open in several threads at once.
 */
public final class AtomicOutput implements AutoCloseable {
    /** System property: the phase at which {@link #phase} stops the process until it is killed. */
    public static final String PAUSE_AT = "virtreplay.pause-at";
    /** System property: the phase at which {@link #phase} throws an {@link IOException}, as a full disk would. */
    public static final String FAIL_AT = "virtreplay.fail-at";

    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQ = new AtomicLong();
    private static final Set<AtomicOutput> OPEN = ConcurrentHashMap.newKeySet();
    private static boolean hookInstalled;
    /**
     * Held by the shutdown hook while it removes the open temporaries, and by {@link #open} while
     * it creates one and registers it: an output opened once the hook has begun (a run's replay
     * opening its tables inside the run's temporary as the process is told to stop) would
     * otherwise re-create the run's deleted temporary as the parent of its own, and be left
     * behind, since the hook had already gone through the open ones.
     */
    private static final Object SHUTDOWN = new Object();
    private static boolean shuttingDown;

    private final Path target;
    private final String shown;
    private final Path tmp;
    private final boolean dir;
    private final boolean force;
    private Path old;
    private boolean committed;
    private boolean aborted;

    private AtomicOutput(Path target, String shown, Path tmp, boolean dir, boolean force) {
        this.target = target;
        this.shown = shown;
        this.tmp = tmp;
        this.dir = dir;
        this.force = force;
    }

    /**
     * Checks, before any work, that {@code target} may be written as a directory: refuses (a
     * {@link BadInputException}) a target that is or holds one of {@code inputs}, whose nearest
     * existing ancestor is not a directory, that exists but is not a directory, or that exists
     * when {@code force} is false.
     */
    public static void check(Path target, boolean force, Path... inputs) {
        check(target, true, force, inputs);
    }

    /**
     * Checks, before any work, that {@code target} may be written as a file: as {@link #check},
     * but an existing directory is refused and an existing file, when {@code force}, is not.
     */
    public static void checkFile(Path target, boolean force, Path... inputs) {
        check(target, false, force, inputs);
    }

    /**
     * Starts writing the directory {@code target}: checks it as {@link #check} does, creates its
     * parent directories, removes the stale temporaries of dead processes beside it, and creates
     * the (empty) temporary directory {@link #path()}.
     */
    public static AtomicOutput directory(Path target, boolean force, Path... inputs) throws IOException {
        return open(target, true, force, inputs);
    }

    /**
     * Starts writing the file {@code target}; {@link #path()} is an empty temporary file to write.
     * An existing file is replaced when {@code force} (as a shell redirection replaces it); a
     * directory never is, and a missing parent directory is refused (as by a shell redirection).
     */
    public static AtomicOutput file(Path target, boolean force, Path... inputs) throws IOException {
        return open(target, false, force, inputs);
    }

    private static void check(Path target, boolean directory, boolean force, Path... inputs) {
        if (target.toString().isEmpty()) {
            // Path.of("") is the working directory: an empty option value would write (or with
            // --force replace) the directory the user is in.
            throw new BadInputException("the output path is empty; give a " + (directory ? "directory" : "file")
                    + " path");
        }
        Path abs = target.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (in != null && holds(abs, in)) {
                throw new BadInputException(target + ": is or holds the input " + in + "; choose another output");
            }
        }
        if (abs.getParent() == null) {
            throw new BadInputException(target + ": is a root directory; choose another output");
        }
        for (Path a = abs.getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                if (!Files.isDirectory(a)) {
                    throw new BadInputException(target + ": cannot be created: " + a
                            + " is not a directory; choose another path");
                }
                break;
            }
        }
        if (!directory && !Files.isDirectory(abs.getParent())) {
            // A file output behaves as a shell redirection: its directory must exist (an output
            // directory, like mkdir -p, gets its missing parents).
            throw new BadInputException(target + ": directory " + abs.getParent()
                    + " does not exist; create it or choose another path");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            if (directory && !Files.isDirectory(abs)) {
                throw new BadInputException(target + ": exists and is not a directory; remove it or choose another path");
            }
            if (!directory && Files.isDirectory(abs)) {
                throw new BadInputException(target + ": is a directory; expected a file name, such as "
                        + target.resolve("out.csv"));
            }
            if (!force) {
                throw new BadInputException(target + ": already exists; use --force to replace it");
            }
        }
    }

    /** Whether {@code dir} is {@code p} or one of its ancestors, by name and, where both exist, on disk. */
    private static boolean holds(Path dir, Path p) {
        Path a = p.toAbsolutePath().normalize();
        if (a.startsWith(dir)) {
            return true;
        }
        try {
            return Files.exists(dir) && Files.exists(a) && a.toRealPath().startsWith(dir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static AtomicOutput open(Path target, boolean directory, boolean force, Path... inputs)
            throws IOException {
        check(target, directory, force, inputs);
        Path abs = target.toAbsolutePath().normalize();
        installHook();
        synchronized (SHUTDOWN) {
            if (shuttingDown) {
                throw new InterruptedIOException(target + ": not written: the process is shutting down");
            }
            Files.createDirectories(abs.getParent());
            removeStale(abs);
            String prefix = "." + abs.getFileName() + ".tmp-" + PID + "-";
            for (;;) {
                Path tmp = abs.resolveSibling(prefix + SEQ.getAndIncrement());
                try {
                    // not createTempDirectory/-File: their owner-only permissions would stay on the result
                    if (directory) {
                        Files.createDirectory(tmp);
                    } else {
                        Files.createFile(tmp);
                    }
                } catch (FileAlreadyExistsException e) {
                    continue; // a dead process with our pid left it; the next number is free
                }
                AtomicOutput o = new AtomicOutput(abs, target.toString(), tmp, directory, force);
                OPEN.add(o);
                return o;
            }
        }
    }

    /** Where to write: the temporary directory or file. */
    public Path path() {
        return tmp;
    }

    /** The target (absolute, normalized). */
    public Path target() {
        return target;
    }

    /**
     * Renames the temporary onto the target, replacing an old target (allowed by {@code force})
     * only now that the new one is complete. After a shutdown has begun, throws instead.
     */
    public void commit() throws IOException {
        phase("commit:" + target.getFileName());
        phase("commit");
        synchronized (this) {
            if (aborted) {
                throw new InterruptedIOException(shown + ": not written: the process is shutting down");
            }
            if (committed) {
                throw new IllegalStateException("committed twice: " + target);
            }
            if (dir && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!force) {
                    throw new BadInputException(shown + ": appeared while this command ran; not replaced");
                }
                old = target.resolveSibling("." + target.getFileName() + ".old-" + PID + "-" + SEQ.getAndIncrement());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                if (dir) {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        throw new BadInputException(shown + ": appeared while this command ran; not replaced");
                    }
                    // rename(2) replaces a file atomically
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException | RuntimeException e) {
                if (old != null) {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                    old = null;
                }
                throw e;
            }
            committed = true;
        }
        if (old != null) {
            deleteTree(old);
            synchronized (this) {
                old = null;
            }
        }
        OPEN.remove(this);
    }

    /** Deletes the temporary unless committed; a committed output is left as it is. */
    @Override
    public void close() {
        abort();
        OPEN.remove(this);
    }

    private synchronized void abort() {
        if (!committed) {
            aborted = true;
            deleteTree(tmp);
        } else if (old != null) {
            deleteTree(old); // the commit's clean-up was cut short
        }
    }

    private static synchronized void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (SHUTDOWN) {
                    shuttingDown = true;
                    OPEN.forEach(AtomicOutput::abort);
                }
            }, "virtreplay-output-cleanup"));
            hookInstalled = true;
        }
    }

    /**
     * A named point of a command's work, for tests and fault drills: stops here (saying
     * {@code virtreplay: paused at PHASE (pid N)} on stderr, then waiting to be killed) when the
     * system property {@value #PAUSE_AT} names it; throws an {@link IOException} as a full disk
     * would when {@value #FAIL_AT} names it; does nothing otherwise.
     */
    public static void phase(String name) throws IOException {
        if (name.equals(System.getProperty(PAUSE_AT))) {
            System.err.println("virtreplay: paused at " + name + " (pid " + PID + ")");
            System.err.flush();
            try {
                for (;;) {
                    Thread.sleep(Long.MAX_VALUE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted at " + name);
            }
        }
        if (name.equals(System.getProperty(FAIL_AT))) {
            throw new IOException(name + ": No space left on device (injected by -D" + FAIL_AT + ")");
        }
    }

    private static final Pattern STALE = Pattern.compile("\\.(tmp|partial|old)-(\\d{1,19})(-[^/]*)?");

    /**
     * Removes the temporaries that processes no longer alive left beside {@code target}
     * ({@code .NAME.tmp-PID…}, {@code .NAME.partial-PID…}, {@code .NAME.old-PID…}); an {@code .old}
     * one is moved back onto a missing target instead. Returns what it removed or restored.
     * Problems (a file that cannot be deleted) are left for the user: they do not stop the command.
     */
    public static List<Path> removeStale(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String prefix = "." + abs.getFileName();
        List<Path> done = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return done;
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent,
                p -> p.getFileName().toString().startsWith(prefix + "."))) {
            ds.forEach(candidates::add);
        } catch (IOException e) {
            return done;
        }
        candidates.sort(null);
        for (Path p : candidates) {
            Matcher m = STALE.matcher(p.getFileName().toString().substring(prefix.length()));
            if (!m.matches() || alive(m.group(2))) {
                continue;
            }
            if (m.group(1).equals("old") && !Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.move(p, abs, StandardCopyOption.ATOMIC_MOVE);
                    done.add(p);
                    continue;
                } catch (IOException e) {
                    // fall through: delete it like any other leftover
                }
            }
            deleteTree(p);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                done.add(p);
            }
        }
        return done;
    }

    private static boolean alive(String pid) {
        try {
            long n = Long.parseLong(pid);
            return n == PID || ProcessHandle.of(n).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false; // no process has such a number
        }
    }

    /**
     * Deletes a file or directory tree if it exists, without following links, tolerating files
     * that vanish or appear meanwhile (a writer thread still at work during a shutdown). Best
     * effort: what cannot be deleted stays.
     */
    public static void deleteTree(Path p) {
        for (int attempt = 0; attempt < 5 && Files.exists(p, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                Files.walkFileTree(p, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException exc) {
                        delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // retried
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // not empty yet (a writer added a file) or not ours to delete: retried, then left
        }
    }
}
