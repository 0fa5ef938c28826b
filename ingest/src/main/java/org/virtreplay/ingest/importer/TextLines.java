package org.virtreplay.ingest.importer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.virtreplay.engine.BadInputException;

/**
 * The lines of a text source at byte level, without a {@code String} per line: after
 * {@link #next()} the line is {@code buf()[start() .. end())}, without its {@code \n} or
 * {@code \r\n}. Reads through one large buffer, so memory does not depend on the file. A file that
 * ends without a newline still ends its last line; a line longer than the buffer, or a compressed
 * stream that breaks off, is a {@link BadInputException} naming the file and line.
 */
public final class TextLines implements Closeable {
    private final InputStream in;
    private final String label;
    private final byte[] buf;
    private int len;
    private int pos;
    private int start;
    private int end;
    private long line;
    private boolean eof;

    public TextLines(InputStream in, String label, int bufferSize) {
        this.in = in;
        this.label = label;
        this.buf = new byte[bufferSize];
    }

    /** Opens a file (plain or compressed) for {@code what} (the option that named it). */
    public static TextLines open(Path file, String label, String what) throws IOException {
        return new TextLines(SourceFiles.open(file, label, what), label, 1 << 20);
    }

    /** Advances to the next line; false at the end of the file. */
    public boolean next() throws IOException {
        while (true) {
            int i = newline(buf, pos, len);
            if (i >= 0) {
                start = pos;
                end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                pos = i + 1;
                line++;
                return true;
            }
            if (eof) {
                if (pos < len) {
                    start = pos;
                    end = buf[len - 1] == '\r' ? len - 1 : len;
                    pos = len;
                    line++;
                    return true;
                }
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, len - pos);
                len -= pos;
                pos = 0;
            }
            if (len == buf.length) {
                throw new BadInputException(label + ":" + (line + 1) + ": line longer than " + buf.length
                        + " bytes (is this a text file?)");
            }
            int n;
            try {
                n = in.read(buf, len, buf.length - len);
            } catch (IOException e) {
                throw new BadInputException(label + ":" + (line + 1) + ": truncated or corrupt compressed data ("
                        + e.getMessage() + ")");
            }
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    /**
     * The index of the first {@code '\n'} in {@code b[from..to)}, or -1. Eight bytes at a time (the
     * line scan was a twentieth of an import's CPU): {@code (x - 0x01..) & ~x & 0x80..} has the high
     * bit set in the lowest byte of {@code x} that is zero (bytes above it may be false hits, so only
     * the lowest is taken), and {@code x} is zero where the byte is a newline.
     */
    static int newline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long hit = (x - ONES) & ~x & HIGHS;
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    public byte[] buf() {
        return buf;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    /** 1-based number of the current line. */
    public long lineNumber() {
        return line;
    }

    /** The current line as text (for messages). */
    public String text() {
        return new String(buf, start, end - start, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
