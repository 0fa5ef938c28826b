package org.virtreplay.ingest.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;
import org.virtreplay.ingest.convert.ParquetTableWriter;
import org.virtreplay.ingest.trace.ParquetConf;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * The words for failures of the libraries and the operating system, from the real exceptions:
 * streams cut or scribbled on, Parquet files whose tail is damaged, and the file system's own
 * refusals. None may show a Java class name or an {@code Object@hash}.
 */
class FileFailuresTest {
    @TempDir
    Path tmp;

    private static final byte[] TEXT = "I  1000,4\n L 10000,8\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);

    /** What reading all of {@code in} threw. */
    interface Open {
        InputStream open(byte[] b) throws IOException;
    }

    private static Throwable readFails(Open o, byte[] b) {
        return assertThrows(Exception.class, () -> {
            try (InputStream in = o.open(b)) {
                in.readAllBytes();
            }
        });
    }

    private static void noJava(String words) {
        assertFalse(words.contains("Exception") || words.contains("java.") || words.contains("org.")
                || words.matches(".*@[0-9a-f]{4,}.*") || words.contains("null"), words);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(o)) {
            z.write(b);
        }
        return o.toByteArray();
    }

    @Test
    void gzipCutAnywhereIsTruncated() throws IOException {
        byte[] gz = gzip(TEXT);
        // 2 bytes (magic only): a bare EOFException; inside the deflate data: "Unexpected end of
        // ZLIB input stream"; 4 bytes short (no ISIZE): a bare EOFException again.
        for (int n : new int[] {2, 5, 30, gz.length - 4}) {
            Throwable t = readFails(b -> new GZIPInputStream(new ByteArrayInputStream(b)), Arrays.copyOf(gz, n));
            assertEquals("truncated gzip data", FileFailures.reading(t, FileFailures.Format.GZIP), "cut at " + n);
        }
    }

    @Test
    void gzipNotGzipOrScribbled() throws IOException {
        Throwable t = readFails(b -> new GZIPInputStream(new ByteArrayInputStream(b)), "hello, world".getBytes());
        assertEquals("not gzip data (no gzip magic at its start)", FileFailures.reading(t, FileFailures.Format.GZIP));
        byte[] gz = gzip(TEXT);
        gz[gz.length - 6] ^= 1; // the CRC32 in the trailer
        t = readFails(b -> new GZIPInputStream(new ByteArrayInputStream(b)), gz);
        String w = FileFailures.reading(t, FileFailures.Format.GZIP);
        assertTrue(w.startsWith("corrupt gzip data ("), w);
        noJava(w);
    }

    @Test
    void xzCutOrScribbled() throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream z = new XZOutputStream(o, new LZMA2Options())) {
            z.write(TEXT);
        }
        byte[] xz = o.toByteArray();
        Throwable t = readFails(b -> new XZInputStream(new ByteArrayInputStream(b)), Arrays.copyOf(xz, xz.length / 2));
        assertEquals("truncated xz data", FileFailures.reading(t, FileFailures.Format.XZ));
        byte[] bad = xz.clone();
        for (int i = 40; i < 80; i++) {
            bad[i] ^= 0x55;
        }
        t = readFails(b -> new XZInputStream(new ByteArrayInputStream(b)), bad);
        assertEquals("corrupt xz data", FileFailures.reading(t, FileFailures.Format.XZ));
        t = readFails(b -> new XZInputStream(new ByteArrayInputStream(b)), "not xz at all, no".getBytes());
        assertEquals("not xz data (no xz magic at its start)", FileFailures.reading(t, FileFailures.Format.XZ));
    }

    @Test
    void zstdCutOrNotZstd() {
        byte[] z = com.github.luben.zstd.Zstd.compress(TEXT);
        Throwable t = readFails(b -> new ZstdInputStream(new ByteArrayInputStream(b)), Arrays.copyOf(z, z.length - 4));
        assertEquals("truncated zstd data", FileFailures.reading(t, FileFailures.Format.ZSTD));
        t = readFails(b -> new ZstdInputStream(new ByteArrayInputStream(b)), "hello, world".getBytes());
        assertEquals("not zstd data (no zstd magic at its start)", FileFailures.reading(t, FileFailures.Format.ZSTD));
    }

    /** A small valid Parquet file (the canonical vms table). */
    private Path parquet() throws IOException {
        Path p = tmp.resolve("vms.parquet");
        try (ParquetTableWriter w = new ParquetTableWriter(TableKind.VMS, p)) {
            Row r = new Row(TableKind.VMS);
            r.set(0, 0);
            r.setText(1, "a");
            r.set(2, 1);
            r.set(3, 40);
            w.write(r);
        }
        return p;
    }

    private static String openFails(Path p) {
        Throwable t = assertThrows(Exception.class, () -> {
            try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(p),
                    ParquetReadOptions.builder(ParquetConf.plain()).build())) {
                r.getFooter();
            }
        });
        String w = FileFailures.reading(t, FileFailures.Format.PARQUET);
        noJava(w);
        return w;
    }

    @Test
    void parquetWithoutItsTailMagic() throws IOException {
        Path p = parquet();
        byte[] b = Files.readAllBytes(p);
        Arrays.fill(b, b.length - 4, b.length, (byte) 0); // the library says "LocalInputFile@61a485d2 is not …"
        Files.write(p, b);
        assertEquals("not a Parquet file (no PAR1 magic at its end; truncated?)", openFails(p));
    }

    @Test
    void parquetWhoseFooterLengthExceedsTheFile() throws IOException {
        Path p = parquet();
        byte[] b = Files.readAllBytes(p);
        // The 4 bytes before the tail magic hold the footer's length, little-endian. 3,221,225,472
        // (0xC0000000, negative as a Java int) is "footer is too large: 3221225472to be read".
        ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xC000_0000);
        Files.write(p, b);
        assertEquals("not a Parquet file (its footer length, 3,221,225,472 bytes, exceeds the file; truncated?)",
                openFails(p));
        // 2,147,483,000 in a file of a few hundred bytes: "the footer index is not within the file: -2147…".
        ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2_147_483_000);
        Files.write(p, b);
        assertEquals("not a Parquet file (its footer length exceeds the file; truncated?)", openFails(p));
    }

    @Test
    void parquetOfFourBytes() throws IOException {
        Path p = tmp.resolve("short.parquet");
        Files.write(p, "PAR1".getBytes(StandardCharsets.US_ASCII));
        assertEquals("not a Parquet file (only 4 bytes)", openFails(p));
    }

    @Test
    void libraryMessagesLoseClassNamesAndHashes() {
        assertEquals("is not a Parquet file", FileFailures.words("org.apache.parquet.io.LocalInputFile@61a485d2 is not a "
                + "Parquet file"));
        assertEquals("boom", FileFailures.words("java.io.IOException: boom"));
        assertEquals("no detail given", FileFailures.words(null));
        assertEquals("a\\nb", FileFailures.words("a\nb"));
    }

    // --- the environment --------------------------------------------------------------------

    @Test
    void aPathUnderARegularFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("plain"), "x");
        // The JDK's own: FileSystemException "…/plain/sub: Not a directory"
        FileSystemException e = assertThrows(FileSystemException.class, () -> Files.createDirectory(f.resolve("sub")));
        assertEquals(f.resolve("sub") + ": " + f + " is a file, not a directory; choose a path under a directory",
                FileFailures.environment(e, null, false));
        assertEquals(f, FileFailures.regularFileOnTheWay(f.resolve("sub").resolve("deeper")));
        assertNull(FileFailures.regularFileOnTheWay(tmp.resolve("nothing").resolve("here")));
    }

    @Test
    void anOutputThatCannotBeCreatedInAnExistingDirectory() {
        // What mkdir in /proc gives: ENOENT for the output's temporary sibling, its directory there
        Path out = tmp.resolve("out");
        Exception e = new java.nio.file.NoSuchFileException(tmp.resolve(".out.tmp-12-0").toString());
        assertEquals(out + ": the output directory cannot be created: " + tmp + " exists but takes no new entries "
                + "(creating one there fails with 'no such file or directory'); choose another path",
                FileFailures.environment(e, out, "output directory", false));
        // a missing input (any other path) keeps its own words
        Exception in = new java.nio.file.NoSuchFileException(tmp.resolve("in.csv").toString());
        assertEquals(tmp.resolve("in.csv") + ": no such file or directory",
                FileFailures.environment(in, out, "output directory", false));
    }

    @Test
    void anExistingFileOrDirectory() throws IOException {
        Path f = Files.writeString(tmp.resolve("plain"), "x");
        Exception e = assertThrows(IOException.class, () -> Files.createFile(f));
        assertEquals(f + ": already exists and is not a directory; remove it or choose another path",
                FileFailures.environment(e, null, true));
        Path d = Files.createDirectory(tmp.resolve("dir"));
        e = assertThrows(IOException.class, () -> Files.createDirectory(d));
        assertEquals(d + ": already exists; use --force to replace it, or choose another path",
                FileFailures.environment(e, null, true));
        assertEquals(d
                + ": already exists; remove it or choose another path", FileFailures.environment(e, null, false));
        e = assertThrows(IOException.class, () -> Files.newOutputStream(d).close());
        assertEquals(d + ": is a directory; name a file", FileFailures.environment(e, null, false));
    }

    @Test
    void aMissingDirectory() {
        Path p = tmp.resolve("no").resolve("such").resolve("file");
        Exception e = assertThrows(IOException.class, () -> Files.newOutputStream(p).close());
        assertEquals(p + ": directory " + p.getParent() + " does not exist; create it or choose another path",
                FileFailures.environment(e, null, false));
    }

    @Test
    void deniedOrReadOnly() {
        // As the JDK reports EACCES and EROFS (a test running as root cannot provoke them; the
        // read-only file system is real in the cli module's FileSystemFaultsTest).
        Path p = tmp.resolve("out");
        assertEquals(p + ": permission denied; check its permissions (and its directory's) or choose another path",
                FileFailures.environment(new java.io.UncheckedIOException(new AccessDeniedException(p.toString())), null,
                        false));
        assertEquals(p + ": read-only file system; choose a path on a writable file system",
                FileFailures.environment(new FileSystemException(p.toString(), null, "Read-only file system"), null,
                        false));
    }

    @Test
    void aFullDeviceNamesTheFileAndTheWrite() throws IOException {
        Path full = Path.of("/dev/full"); // every write: ENOSPC
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "no /dev/full here");
        IOException e = assertThrows(IOException.class, () -> OutputFiles.writeString(full, "x".repeat(5000)));
        NoSpaceException ns = assertInstanceOf(NoSpaceException.class, e);
        assertEquals(0, ns.written());
        assertEquals(5000, ns.attempted());
        String line = FileFailures.environment(new java.io.UncheckedIOException(e), null, false);
        assertTrue(line.startsWith("/dev/full: no space left on device writing 5,000 bytes at byte 0 of it ("), line);
        assertTrue(line.endsWith("); free space there or choose another path"), line);
        // Without our stream the operating system's message names nothing: the command's output does.
        IOException bare = assertThrows(IOException.class, () -> Files.writeString(full, "y"));
        assertFalse(bare instanceof NoSpaceException);
        assertTrue(FileFailures.environment(bare, tmp.resolve("out"), false).startsWith(
                tmp.resolve("out") + ": no space left on device ("), FileFailures.environment(bare, tmp, false));
        assertNull(FileFailures.environment(new IOException("something else"), tmp, false));
    }

    @Test
    void theParquetOutputFileNamesAFullDevice() throws IOException {
        // (That it writes the bytes LocalOutputFile writes is ParquetTableWriterTest's comparison
        // with parquet-avro's own writer.)
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "no /dev/full here");
        IOException e = assertThrows(IOException.class, () -> {
            try (OutputStream o = OutputFiles.parquet(full).createOrOverwrite(0)) {
                o.write(new byte[100]);
                o.write(new byte[300]);
            }
        });
        NoSpaceException ns = assertInstanceOf(NoSpaceException.class, e);
        assertEquals("/dev/full", ns.getFile());
        assertTrue(ns.written() >= 0 && ns.written() <= 400, Long.toString(ns.written()));
    }

    /** A failure inside an output under construction is shown at the path the output will have. */
    @org.junit.jupiter.api.Test
    void temporaryComponentsAreShownAsTheNamesTheyBecome() {
        assertEquals("/m/out/metrics/tlb_stats.parquet",
                FileFailures.shown("/m/.out.tmp-4581-0/.metrics.tmp-4581-2/.tlb_stats.parquet.tmp"));
        assertEquals("out/report/report.html", FileFailures.shown(".out.tmp-12-0/.report.tmp-12-3/report.html"));
        assertEquals("w/trace", FileFailures.shown("w/.trace.partial-99"));
        // Names that only look alike stay as they are.
        assertEquals("/m/.hidden/x.tmp.csv", FileFailures.shown("/m/.hidden/x.tmp.csv"));
        assertEquals("/m/a.tmp-1/b", FileFailures.shown("/m/a.tmp-1/b"));
        // A read-only file system met while creating the temporary is reported at the target.
        FileSystemException e = new FileSystemException("/ro/.out.tmp-5-0", null, "Read-only file system");
        assertEquals("/ro/out: read-only file system; choose a path on a writable file system",
                FileFailures.environment(e, null, true));
    }
}
