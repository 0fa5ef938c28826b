package org.virtreplay.ingest.io;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdIOException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;
import org.apache.parquet.io.ParquetDecodingException;
import org.tukaani.xz.CorruptedInputException;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZFormatException;
import org.virtreplay.engine.UserText;

/**
 * Failures of the operating system and of the libraries we read with, in words. Messages name the
 * file and say what happened (and, for the environment, what to do); they never show a Java class
 * name or an {@code Object@hash}, which is what the libraries' own messages often hold
 * ({@code LocalInputFile@61a485d2 is not a Parquet file}, {@code footer is too large:
 * 2355156428to be read}, or nothing at all: a truncated gzip stream is an {@code EOFException}
 * without a message).
 */
public final class FileFailures {

    /** The compressed or binary form being read, for the words of a failure. */
    public enum Format {
        PLAIN(""), GZIP("gzip"), XZ("xz"), ZSTD("zstd"), PARQUET("Parquet");

        private final String word;

        Format(String word) {
            this.word = word;
        }
    }

    private static final Pattern FOOTER_TOO_LARGE = Pattern.compile("footer is too large: ?(\\d+)");
    private static final Pattern FOOTER_INDEX = Pattern.compile("footer index is not within the file");
    private static final Pattern TOO_LOW = Pattern.compile("length is too low: ?(\\d+)");
    /** A Java class name, with an {@code @hash} if any: {@code org.apache.parquet.io.LocalInputFile@61a485d2}. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:@[0-9a-f]+)?\\b:?\\s*");
    private static final Pattern HASH = Pattern.compile("\\b[A-Z][A-Za-z0-9_$]*@[0-9a-f]{4,}\\b\\s*");

    /** Characters of a library's message shown: enough for "… at line: 2, position: 6". */
    private static final int WORDS_MAX = 160;

    private FileFailures() {
    }

    /**
     * Why reading a file of the given format failed, in words: {@code truncated gzip data},
     * {@code not a Parquet file (no PAR1 magic at its end)}, {@code not UTF-8 text}, … The caller
     * puts the file (and line or row) in front.
     */
    public static String reading(Throwable t, Format format) {
        String env = environmentWords(t);
        if (env != null) {
            return env;
        }
        String fmt = format == null ? "" : format.word;
        // The most telling cause wins: a ParquetDecodingException often wraps the checksum failure.
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage();
            Matcher mm;
            if (m.contains("is not a Parquet file") && m.contains("magic number")) {
                return "not a Parquet file (no PAR1 magic at its end; truncated?)";
            }
            if ((mm = TOO_LOW.matcher(m)).find()) {
                return "not a Parquet file (only " + mm.group(1) + " bytes)";
            }
            if ((mm = FOOTER_TOO_LARGE.matcher(m)).find()) {
                return String.format(Locale.ROOT, "not a Parquet file (its footer length, %,d bytes, exceeds the "
                        + "file; truncated?)", Long.parseLong(mm.group(1)));
            }
            if (FOOTER_INDEX.matcher(m).find()) {
                return "not a Parquet file (its footer length exceeds the file; truncated?)";
            }
            if (m.contains("CRC checksum verification failed") || m.contains("could not verify page integrity")) {
                return "corrupt Parquet data (a page's checksum does not match its contents)";
            }
            if (c instanceof CharacterCodingException) {
                return "not UTF-8 text";
            }
            if (c instanceof ZipException) {
                return m.contains("Not in GZIP format") ? "not gzip data (no gzip magic at its start)"
                        : "corrupt gzip data (" + words(m) + ")";
            }
            if (c instanceof XZFormatException) {
                return "not xz data (no xz magic at its start)";
            }
            if (c instanceof CorruptedInputException) {
                return "corrupt xz data";
            }
            if (c instanceof UnsupportedOptionsException) {
                return "xz data with options this reader does not support";
            }
            if (c instanceof MemoryLimitException) {
                return "xz data that needs more memory to decompress than allowed";
            }
            if (c instanceof ZstdIOException || c instanceof ZstdException) {
                return m.contains("Truncated") ? "truncated zstd data"
                        : m.contains("Unknown frame descriptor") ? "not zstd data (no zstd magic at its start)"
                        : "corrupt zstd data (" + words(m) + ")";
            }
            if (c instanceof EOFException || m.contains("Unexpected end of ZLIB input stream")) {
                return fmt.isEmpty() ? "ends unexpectedly (truncated?)" : "truncated " + fmt + " data";
            }
            if (c instanceof ParquetCryptoRuntimeException) {
                return "an encrypted Parquet file (not supported)";
            }
            if (c instanceof ParquetDecodingException) {
                return "corrupt Parquet data (" + words(m) + ")";
            }
        }
        String m = words(rootMessage(t));
        if (format == Format.PARQUET) {
            return "not a readable Parquet file (" + m + ")";
        }
        return fmt.isEmpty() ? "cannot be read (" + m + ")" : "corrupt " + fmt + " data (" + m + ")";
    }

    /**
     * The one line for an environment failure anywhere in {@code t}'s causes — permission denied, a
     * read-only file system, a path under a regular file, a file that already exists, no space
     * left — as {@code PATH: what happened; what to do}, or null when {@code t} is no such failure.
     *
     * @param output the command's output path, named when the failure itself names no file (a
     *     full disk seen by a library), or null
     * @param hasForce whether the command has {@code --force}, offered for an existing output
     */
    public static String environment(Throwable t, Path output, boolean hasForce) {
        return environment(t, output, "output", hasForce);
    }

    /**
     * {@link #environment(Throwable, Path, boolean)}, naming the output as {@code outputNoun}
     * ("output directory", "output file") where its creation itself failed.
     */
    public static String environment(Throwable t, Path output, String outputNoun, boolean hasForce) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof NoSuchFileException nsf && nsf.getFile() != null && output != null) {
                String line = outputNotCreated(nsf, output, outputNoun);
                if (line != null) {
                    return line;
                }
            }
            if (c instanceof NoSpaceException ns) {
                return noSpace(ns.getFile(), ns.written(), ns.attempted(), ns.usable());
            }
            if (c instanceof FileSystemException fse && fse.getFile() != null) {
                String line = fileSystem(fse, hasForce);
                if (line != null) {
                    return line;
                }
            }
            if (c instanceof IOException && OutputFiles.isNoSpace(c)) {
                return noSpace(output == null ? null : output.toString(), -1, -1, -1);
            }
        }
        return null;
    }

    /**
     * The output itself (its temporary sibling), or a missing directory on its way, could not be
     * created though the directory to hold it exists: the system answers "no such file or
     * directory" where a directory takes no new entries (/proc, /sys), which reads as if
     * something were missing. Null for any other path.
     */
    private static String outputNotCreated(NoSuchFileException e, Path output, String noun) {
        Path failed = Path.of(shown(e.getFile())).toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        Path parent = failed.getParent();
        if (!out.startsWith(failed) || parent == null || !Files.isDirectory(parent)) {
            return null;
        }
        return output + ": the " + noun + " cannot be created: " + parent + " exists but takes no new entries "
                + "(creating one there fails with 'no such file or directory'); choose another path";
    }

    /** The words of {@link #environment} without the path, for a reading failure; null if none. */
    private static String environmentWords(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof NoSuchFileException) {
                return "no such file";
            }
            if (c instanceof AccessDeniedException) {
                return "permission denied";
            }
            String reason = c instanceof FileSystemException fse ? fse.getReason()
                    : c instanceof IOException ? c.getMessage() : null;
            if (reason != null) {
                String r = reason.toLowerCase(Locale.ROOT);
                if (r.contains("is a directory")) {
                    return "is a directory, expected a file";
                }
                if (r.contains("input/output error")) {
                    return "input/output error (a failing disk or a network file system?)";
                }
            }
        }
        return null;
    }

    private static String fileSystem(FileSystemException e, boolean hasForce) {
        String real = e.getFile();
        String file = shown(real);
        String reason = e.getReason() == null ? "" : e.getReason();
        String r = reason.toLowerCase(Locale.ROOT);
        if (e instanceof AccessDeniedException || r.contains("permission denied")) {
            return file + ": permission denied; check its permissions (and its directory's) or choose another path";
        }
        if (r.contains("read-only file system")) {
            return file + ": read-only file system; choose a path on a writable file system";
        }
        if (r.contains("not a directory") || e instanceof NotDirectoryException) {
            Path blocker = regularFileOnTheWay(Path.of(real));
            return (blocker != null ? file + ": " + blocker + " is a file, not a directory"
                    : file + ": not a directory") + "; choose a path under a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            Path p = Path.of(real);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                return file + ": already exists and is not a directory; remove it or choose another path";
            }
            return file + ": already exists; " + (hasForce ? "use --force to replace it, or choose another path"
                    : "remove it or choose another path");
        }
        if (e instanceof DirectoryNotEmptyException) {
            return file + ": directory not empty; " + (hasForce ? "use --force to replace it, or choose another path"
                    : "remove it or choose another path");
        }
        if (e instanceof NoSuchFileException) {
            Path p = Path.of(real).toAbsolutePath();
            Path parent = p.getParent();
            if (parent != null && !Files.exists(parent)) {
                return file + ": directory " + parent + " does not exist; create it or choose another path";
            }
            return file + ": no such file or directory";
        }
        if (r.contains("is a directory")) {
            String target = e.getOtherFile() != null ? e.getOtherFile() : file;
            return target + ": is a directory; name a file";
        }
        if (OutputFiles.isNoSpace(e)) {
            if (e.getOtherFile() != null) {
                // A copy names its source first: the target is what filled, the source's size what it needed.
                long size;
                try {
                    size = Files.size(Path.of(real));
                } catch (IOException | RuntimeException x) {
                    size = -1;
                }
                return noSpace(e.getOtherFile(), size > 0 ? 0 : -1, size, -1);
            }
            return noSpace(file, -1, -1, -1);
        }
        if (r.contains("file name too long")) {
            return file + ": file name too long; choose a shorter path";
        }
        if (r.contains("too many levels of symbolic links")) {
            return file + ": too many levels of symbolic links (a loop?); choose another path";
        }
        if (r.contains("operation not permitted")) {
            return file + ": operation not permitted; choose another path";
        }
        if (r.contains("input/output error")) {
            return file + ": input/output error (a failing disk or a network file system?)";
        }
        if (r.contains("too many open files")) {
            return file + ": too many open files; raise the limit (ulimit -n) or run fewer at once";
        }
        if (r.contains("device or resource busy") || r.contains("text file busy")) {
            return file + ": busy (in use by another program); try again or choose another path";
        }
        return null;
    }

    /**
     * The nearest ancestor of {@code p} that exists, when it is not a directory (a file where a
     * directory must be), else null.
     */
    public static Path regularFileOnTheWay(Path p) {
        for (Path a = p.toAbsolutePath().getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                return Files.isDirectory(a) ? null : a;
            }
        }
        return null;
    }

    /**
     * A path as the user knows it: every output is built under a temporary sibling of its target
     * ({@code .NAME.tmp-PID-N}, org.virtreplay.ingest.output.AtomicOutput; a table's own
     * {@code .NAME.tmp}), renamed onto NAME when complete, so each such component is shown as the
     * NAME it becomes. A full disk in {@code out/.out.tmp-7-0/.metrics.tmp-7-2/.tlb_stats.parquet.tmp}
     * is then reported at {@code out/metrics/tlb_stats.parquet}.
     */
    static String shown(String file) {
        if (file == null || file.indexOf('.') < 0) {
            return file;
        }
        return TEMP_COMPONENT.matcher(file).replaceAll("$1$2");
    }

    private static final Pattern TEMP_COMPONENT =
            Pattern.compile("(^|/)\\.([^/]+?)\\.(?:tmp|partial|old)(?:-\\d+(?:-[^/]*)?)?(?=/|$)");

    private static String noSpace(String file, long written, long attempted, long usable) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "no space left on device" : shown(file) + ": no space left on device");
        if (attempted > 0 && written >= 0) {
            sb.append(String.format(Locale.ROOT, " writing %,d bytes at byte %,d of it", attempted, written));
        } else if (written >= 0) {
            sb.append(String.format(Locale.ROOT, " after %,d bytes of it", written));
        }
        String store = file == null ? null : store(Path.of(file), usable);
        if (store != null) {
            sb.append(" (").append(store).append(')');
        }
        sb.append("; free space there or choose another path");
        return sb.toString();
    }

    /**
     * {@code 0 bytes free on /mnt} for the file system holding {@code p} ({@code usable} if known,
     * else as it is now), or null.
     */
    private static String store(Path p, long usable) {
        Path a = p.toAbsolutePath();
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        if (a == null) {
            return null;
        }
        try {
            FileStore fs = Files.getFileStore(a);
            return String.format(Locale.ROOT, "%,d bytes free on %s", usable >= 0 ? usable : fs.getUsableSpace(),
                    mountPoint(a, fs));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The directory the file store is mounted on: the highest ancestor still on it. */
    private static Path mountPoint(Path a, FileStore fs) {
        Path m = a;
        try {
            for (Path p = a.getParent(); p != null && Files.getFileStore(p).equals(fs); p = p.getParent()) {
                m = p;
            }
        } catch (IOException e) {
            // keep what we have
        }
        return m;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getMessage();
        }
        return m == null || m.isBlank() ? "no detail given" : m;
    }

    /**
     * A library's message made fit to show: class names and {@code Object@hash}es removed, one
     * line, cut to a readable length.
     */
    public static String words(String message) {
        if (message == null || message.isBlank()) {
            return "no detail given";
        }
        String m = CLASS_NAME.matcher(message).replaceAll("");
        m = HASH.matcher(m).replaceAll("").strip();
        if (m.isEmpty()) {
            return "no detail given";
        }
        return UserText.oneLine(m, WORDS_MAX);
    }
}
