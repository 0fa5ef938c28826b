package org.virtreplay.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.text.TextInput;

/**
 * The importers' sources read gzip as strictly as trace tables (issue 14 item 6): bytes after the
 * last gzip member are an error, not the silent end of the file java.util.zip makes of them.
 */
class ImportGzipTest {
    @TempDir
    Path tmp;

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(s.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    private Path withJunk(byte[] gz) throws IOException {
        Path f = tmp.resolve("src.gz");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(gz);
        b.writeBytes("junk".getBytes(StandardCharsets.US_ASCII));
        Files.write(f, b.toByteArray());
        return f;
    }

    @Test
    void sourceFilesRefuseTrailingBytes() throws IOException {
        byte[] gz = gzip("line 1\nline 2\n");
        Path f = withJunk(gz);
        try (InputStream in = SourceFiles.open(f, "src.gz", "--source")) {
            ZipException e = assertThrows(ZipException.class, in::readAllBytes);
            assertEquals("data after the last gzip member, at byte " + gz.length + ", is not another member",
                    e.getMessage());
        }
        Files.write(f, gz);
        try (InputStream in = SourceFiles.open(f, "src.gz", "--source")) {
            assertArrayEquals("line 1\nline 2\n".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
        }
    }

    @Test
    void textInputRefusesTrailingBytesAfterItsLines() throws IOException {
        byte[] gz = gzip("line 1\nline 2\n");
        try (TextInput in = TextInput.open(withJunk(gz), "src.gz")) {
            BadInputException e = assertThrows(BadInputException.class, () -> {
                while (in.next() != null) {
                    // the two lines, then the problem
                }
            });
            assertEquals("src.gz:" + (in.lineNumber() + 1) + ": truncated or corrupt gzip data (data after the last "
                    + "gzip member, at byte " + gz.length + ", is not another member)", e.getMessage());
        }
        Files.write(tmp.resolve("ok.gz"), gz);
        try (TextInput in = TextInput.open(tmp.resolve("ok.gz"), "ok.gz")) {
            assertEquals("line 1", in.next());
            assertEquals("line 2", in.next());
            assertNull(in.next());
        }
    }
}
