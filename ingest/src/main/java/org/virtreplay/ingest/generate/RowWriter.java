package org.virtreplay.ingest.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A CSV row formatter writing ASCII straight into a large byte buffer: decimal and {@code 0x}-hex
 * numbers are formatted by hand (no {@code String.format}, no temporary strings), so that writing a
 * row allocates nothing. Not thread-safe; one writer per table.
 */
final class RowWriter implements AutoCloseable {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int CAPACITY = 1 << 20;

    private final OutputStream out;
    private final byte[] buf = new byte[CAPACITY];
    private int pos;
    private long rows;

    RowWriter(OutputStream out) {
        this.out = out;
    }

    /** Rows ended so far (the header counts as a row). */
    long rows() {
        return rows;
    }

    private void ensure(int n) throws IOException {
        if (pos + n > CAPACITY) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    /** Writes the bytes of a constant (precomputed) token. */
    RowWriter raw(byte[] b) throws IOException {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    /** Writes an ASCII string (slow path: headers, names, manifest values). */
    RowWriter text(String s) throws IOException {
        return raw(s.getBytes(StandardCharsets.UTF_8));
    }

    RowWriter comma() throws IOException {
        ensure(1);
        buf[pos++] = ',';
        return this;
    }

    /** Ends a row. */
    void endRow() throws IOException {
        ensure(1);
        buf[pos++] = '\n';
        rows++;
    }

    /** Writes a signed decimal integer. */
    RowWriter dec(long v) throws IOException {
        ensure(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return text(Long.toString(v));
            }
            buf[pos++] = '-';
            v = -v;
        }
        if (v < 10) {
            buf[pos++] = (byte) ('0' + v);
            return this;
        }
        int digits = 1;
        for (long t = v / 10; t != 0; t /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        pos = end;
        return this;
    }

    /** Writes {@code 0x} and the lower-case hex digits of the unsigned 64-bit value, no leading zeros. */
    RowWriter hex(long v) throws IOException {
        ensure(18);
        buf[pos++] = '0';
        buf[pos++] = 'x';
        int digits = v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 3) >>> 2;
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
        pos = end;
        return this;
    }

    /** Flushes the buffer to the stream (does not close it). */
    void flush() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
