package org.virtreplay.ingest.importer.text;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tukaani.xz.XZInputStream;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.GzipMembers;

/**
 * The lines of one input file, plain or gzip, xz or zstd compressed. The compression is recognised
 * by the file's first bytes (its magic number), not by its name, so a renamed file still opens.
 * Lines are returned without their terminator ({@code \n} or {@code \r\n}); bytes that are not
 * UTF-8 become U+FFFD (the formats read here are ASCII apart from thread names, which are only
 * echoed in messages). A decompressor that fails (a truncated or damaged file) is reported as
 * {@code FILE:LINE: truncated or corrupt gzip data (DETAIL)}, where LINE is the line being read.
 */
public final class TextInput implements Closeable {
    private final String name;
    private final String format;
    private final BufferedReader reader;
    private long line;

    private TextInput(String name, String format, InputStream in) {
        this.name = name;
        this.format = format;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)),
                1 << 16);
    }

    /** Opens {@code file}; {@code name} is how messages call it (usually the path as given). */
    public static TextInput open(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(name + ": no such file");
        }
        InputStream raw = null;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            raw.mark(8);
            byte[] m = raw.readNBytes(6);
            raw.reset();
            if (m.length >= 2 && (m[0] & 0xFF) == 0x1F && (m[1] & 0xFF) == 0x8B) {
                return new TextInput(name, "gzip", new GzipMembers(raw)); // strict: no bytes after the last member
            }
            if (m.length >= 6 && (m[0] & 0xFF) == 0xFD && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z'
                    && m[5] == 0) {
                return new TextInput(name, "xz", new BufferedInputStream(new XZInputStream(raw), 1 << 16));
            }
            if (m.length >= 4 && (m[0] & 0xFF) == 0x28 && (m[1] & 0xFF) == 0xB5 && (m[2] & 0xFF) == 0x2F
                    && (m[3] & 0xFF) == 0xFD) {
                return new TextInput(name, "zstd", new BufferedInputStream(new ZstdInputStream(raw), 1 << 16));
            }
            return new TextInput(name, "plain", raw);
        } catch (IOException e) {
            closeQuietly(raw);
            // The stream header is read at once: a damaged header is the first line's problem.
            throw new BadInputException(name + ":1: truncated or corrupt compressed data (" + detail(e) + ")", e);
        }
    }

    /** Wraps an already open stream (tests, standard input); {@code name} is used in messages. */
    public static TextInput of(InputStream in, String name) {
        return new TextInput(name, "plain", in);
    }

    /** The file's name as messages print it. */
    public String name() {
        return name;
    }

    /** {@code plain}, {@code gzip}, {@code xz} or {@code zstd}. */
    public String format() {
        return format;
    }

    /** The number of the line last returned by {@link #next()} (1-based; 0 before the first). */
    public long lineNumber() {
        return line;
    }

    /** The next line without its terminator, or null at the end of the file. */
    public String next() {
        String s;
        try {
            s = reader.readLine();
        } catch (IOException e) {
            throw new BadInputException(name + ":" + (line + 1) + ": truncated or corrupt " + format + " data ("
                    + detail(e) + ")", e);
        }
        if (s != null) {
            line++;
        }
        return s;
    }

    private static String detail(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.io.EOFException || m == null) {
            return "unexpected end of data";
        }
        return m;
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // input only: nothing was lost
        }
    }
}
