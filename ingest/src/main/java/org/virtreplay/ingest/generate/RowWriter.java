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

    private static final long[] POW10 = new long[19];
    /** "00".."99": two digits per table lookup halve the divisions. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        long p = 1;
        for (int i = 0; i < 19; i++) {
            POW10[i] = p;
            p *= 10;
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
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
        int digits = 2;
        while (digits < 19 && v >= POW10[digits]) {
            digits++;
        }
        int i = pos + digits;
        pos = i;
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            buf[--i] = DIGIT_PAIRS[2 * r + 1];
            buf[--i] = DIGIT_PAIRS[2 * r];
            v = q;
        }
        if (v >= 10) {
            buf[--i] = DIGIT_PAIRS[2 * (int) v + 1];
            buf[--i] = DIGIT_PAIRS[2 * (int) v];
        } else {
            buf[--i] = (byte) ('0' + v);
        }
        return this;
    }

    /** Two lower-case hex digits per byte value: one lookup per byte instead of per nibble. */
    private static final byte[] HEX_PAIRS = new byte[512];

    static {
        for (int i = 0; i < 256; i++) {
            HEX_PAIRS[2 * i] = HEX[i >>> 4];
            HEX_PAIRS[2 * i + 1] = HEX[i & 0xf];
        }
    }

    /** Writes {@code 0x} and the lower-case hex digits of the unsigned 64-bit value, no leading zeros. */
    RowWriter hex(long v) throws IOException {
        ensure(18);
        byte[] b = buf;
        int p = pos;
        b[p++] = '0';
        b[p++] = 'x';
        int digits = v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 3) >>> 2;
        int i = p + digits;
        pos = i;
        while (i - p >= 2) {
            int byteVal = (int) (v & 0xff);
            b[--i] = HEX_PAIRS[2 * byteVal + 1];
            b[--i] = HEX_PAIRS[2 * byteVal];
            v >>>= 8;
        }
        if (i > p) {
            b[--i] = HEX[(int) (v & 0xf)];
        }
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
