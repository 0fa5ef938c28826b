package org.virtreplay.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.security.AccessControlException;
import org.virtreplay.engine.BadInputException;

/**
 * Moving traces and outputs between a Hadoop filesystem ({@code file://}, {@code hdfs://},
 * {@code s3a://}, ...) and the local disk of the JVM that replays them: the replay engine reads
 * and writes local files only (streaming Parquet/CSV through {@code java.nio}), so an executor
 * copies the trace directory to a local temporary directory once, and copies each output
 * directory back.
 *
 * <p>Local destinations are written through the raw local filesystem, so that no {@code .crc}
 * side files appear beside the tables (and the trace's digest is that of its own files).
 *
 * <p>Every path a task sees has been {@linkplain #qualify qualified} on the driver first: an
 * executor resolves a relative path against its own working directory (a {@code work/APP/N/}
 * directory on a standalone worker, a container directory on YARN), not the driver's.
 */
final class HadoopFiles {
    private HadoopFiles() {
    }

    /** The Hadoop configuration as plain strings, to ship to executors inside a task's closure. */
    static Map<String, String> snapshot(Configuration conf) {
        Map<String, String> m = new HashMap<>();
        conf.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    static Configuration restore(Map<String, String> m) {
        Configuration c = new Configuration(false);
        m.forEach(c::set);
        return c;
    }

    /** A serializable handle on the driver's Hadoop configuration. */
    record Conf(Map<String, String> entries) implements Serializable {
        private static final long serialVersionUID = 1L;

        Configuration get() {
            return restore(entries);
        }
    }

    private static FileSystem fs(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        return fs instanceof LocalFileSystem l ? l.getRawFileSystem() : fs;
    }

    private static FileSystem local(Configuration conf) throws IOException {
        return FileSystem.getLocal(conf).getRawFileSystem();
    }

    private static Path localPath(java.nio.file.Path p) {
        return new Path(p.toAbsolutePath().toUri());
    }

    /**
     * {@code uri} with its filesystem's scheme and authority and an absolute path, as the driver
     * understands it: a relative path is resolved against the driver's working directory on the
     * local filesystem (the directory spark-submit ran in), or against the filesystem's working
     * directory elsewhere ({@code /user/NAME} on HDFS), through Hadoop's {@code makeQualified}.
     * An executor given the result reads and writes the same place the driver does.
     */
    static String qualify(String uri, Configuration conf) throws IOException {
        Path p;
        try {
            p = new Path(uri);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(uri + ": not a Hadoop path (" + e.getMessage() + ")");
        }
        FileSystem fs;
        try {
            fs = p.getFileSystem(conf);
        } catch (UnsupportedFileSystemException e) {
            throw new BadInputException(uri + ": no filesystem for scheme '" + p.toUri().getScheme()
                    + "' on this cluster; add its Hadoop connector (see docs/spark.md)");
        }
        if ("file".equals(fs.getUri().getScheme()) && !p.isUriPathAbsolute()) {
            // Spelled out rather than left to the cached LocalFileSystem's working directory (which
            // other code in this JVM could have moved): the driver's own working directory.
            p = new Path(java.nio.file.Path.of(p.toUri().getPath()).toAbsolutePath().normalize().toString());
        }
        return fs.makeQualified(p).toString();
    }

    /** The last name of a Hadoop path ({@code hdfs://nn/traces/web-01} gives {@code web-01}). */
    static String name(String uri) {
        return new Path(uri).getName();
    }

    /** Reads a small text file (grid, scenario) from any filesystem. */
    static String readText(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = fs(p, conf);
        if (!fs.exists(p)) {
            throw new BadInputException(uri + ": no such file");
        }
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static boolean exists(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        return fs(p, conf).exists(p);
    }

    static void delete(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        fs(p, conf).delete(p, true);
    }

    /**
     * Creates the directory {@code uri} (and its parents); a directory that cannot be made (a
     * regular file in the way, no permission, a read-only filesystem) is the user's to fix, so it
     * is a {@link BadInputException} naming {@code what} (the option it is for).
     */
    static void mkdirs(String uri, String what, Configuration conf) throws IOException {
        Path p = new Path(uri);
        String why;
        try {
            if (fs(p, conf).mkdirs(p)) {
                return;
            }
            why = "no permission, or a read-only filesystem";
        } catch (ParentNotDirectoryException | FileAlreadyExistsException | AccessControlException
                | java.nio.file.AccessDeniedException e) {
            why = firstLine(e.getMessage());
        }
        throw new BadInputException(what + ": cannot create directory " + uri + " (" + why + ")");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        String l = s.lines().findFirst().orElse("").strip();
        return l.length() <= 200 ? l : l.substring(0, 200) + "...";
    }

    /**
     * Fails with a one-line {@link BadInputException} unless {@code uri} (the qualified form of
     * what the user {@code given}) is a directory; a relative {@code given} is followed by where
     * it was looked for.
     */
    static void checkTraceDir(String given, String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        String where = new Path(given).isUriPathAbsolute() ? "" : " (" + uri + ")";
        FileStatus st;
        try {
            st = fs(p, conf).getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
            throw new BadInputException(given + ": no such trace directory" + where);
        }
        if (!st.isDirectory()) {
            throw new BadInputException(given + ": not a trace directory" + where);
        }
    }

    /**
     * The regular files under {@code dirUri}, by their path relative to it ({@code /}-separated),
     * with their lengths; empty if it does not exist. One recursive listing, which object stores
     * serve as a few paged requests rather than one per file.
     */
    static Map<String, Long> listFiles(String dirUri, Configuration conf) throws IOException {
        Path dir = new Path(dirUri);
        FileSystem fs = fs(dir, conf);
        Map<String, Long> m = new TreeMap<>();
        if (!fs.exists(dir)) {
            return m;
        }
        String base = fs.makeQualified(dir).toUri().getPath();
        String prefix = base.endsWith("/") ? base : base + "/";
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            String p = s.getPath().toUri().getPath();
            if (p.startsWith(prefix)) {
                m.put(p.substring(prefix.length()), s.getLen());
            }
        }
        return m;
    }

    /** The regular files under a local directory, by relative {@code /}-separated path, with their sizes. */
    static TreeMap<String, Long> listLocalFiles(java.nio.file.Path dir) throws IOException {
        TreeMap<String, Long> m = new TreeMap<>();
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path f : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'), Files.size(f));
            }
        }
        return m;
    }

    static void rename(String from, String to, Configuration conf) throws IOException {
        Path a = new Path(from);
        Path b = new Path(to);
        if (!fs(a, conf).rename(a, b)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** A sibling of {@code uri} for a temporary output: {@code .NAME.tmp-TAG} in the same directory. */
    static String sibling(String uri, String tag) {
        Path p = new Path(uri);
        Path parent = p.getParent();
        String n = "." + p.getName() + ".tmp-" + tag;
        return parent == null ? n : new Path(parent, n).toString();
    }

    static String child(String uri, String name) {
        return new Path(new Path(uri), name).toString();
    }

    /** Copies a trace directory to a new local directory named like it; returns the local copy. */
    static java.nio.file.Path copyTraceToLocal(String uri, Configuration conf) throws IOException {
        Path src = new Path(uri);
        FileSystem fs = fs(src, conf);
        FileStatus st;
        try {
            st = fs.getFileStatus(src);
        } catch (java.io.FileNotFoundException e) {
            throw new BadInputException(uri + ": no such trace directory");
        }
        if (!st.isDirectory()) {
            throw new BadInputException(uri + ": not a trace directory");
        }
        java.nio.file.Path dir = Files.createTempDirectory("virtreplay-trace-");
        java.nio.file.Path dst = dir.resolve(src.getName());
        FileUtil.copy(fs, src, local(conf), localPath(dst), false, conf);
        deleteOnExit(dir);
        return dst;
    }

    /** Copies a local directory (a replay's output) to {@code uri}, replacing what a failed attempt left. */
    static void copyDirFromLocal(java.nio.file.Path dir, String uri, Configuration conf) throws IOException {
        Path dst = new Path(uri);
        FileSystem fs = fs(dst, conf);
        if (fs.exists(dst)) {
            fs.delete(dst, true); // a retried task: the earlier attempt's copy
        }
        FileUtil.copy(local(conf), localPath(dir), fs, dst, false, true, conf);
    }

    /** Copies one local file into the directory {@code dirUri}. */
    static void copyFileFromLocal(java.nio.file.Path file, String dirUri, Configuration conf) throws IOException {
        Path dst = new Path(new Path(dirUri), file.getFileName().toString());
        FileUtil.copy(local(conf), localPath(file), fs(dst, conf), dst, false, true, conf);
    }

    /** Traces already copied to this JVM's disk, by URI: an executor copies each trace once. */
    private static final Map<String, java.nio.file.Path> LOCAL_TRACES = new ConcurrentHashMap<>();

    static java.nio.file.Path localTrace(String uri, Configuration conf) throws IOException {
        try {
            return LOCAL_TRACES.computeIfAbsent(uri, u -> {
                try {
                    return copyTraceToLocal(u, conf);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static void deleteTree(java.nio.file.Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<java.nio.file.Path> s = Files.walk(p)) {
            for (java.nio.file.Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    private static void deleteOnExit(java.nio.file.Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                deleteTree(dir);
            } catch (IOException e) {
                // best effort: it is a temporary directory
            }
        }));
    }
}
