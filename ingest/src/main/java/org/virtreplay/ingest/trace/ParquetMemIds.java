package org.virtreplay.ingest.trace;

import java.nio.ByteBuffer;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * Dictionary ids of a data page, decoded from Parquet's RLE/bit-packed hybrid encoding straight
 * into the column's values (through the dictionary table), a run at a time. parquet-column's own
 * decoder pulls each bit-packed group through a {@code DataInputStream}, which cost most of the
 * page decoding time here.
 *
 * <p>Format (parquet-format Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"): the page's
 * value section starts with one byte, the bit width; then runs, each a ULEB128 header: low bit 0 =
 * RLE run of {@code header >>> 1} copies of one value held in {@code ceil(width / 8)} bytes,
 * little-endian; low bit 1 = {@code header >>> 1} groups of 8 values, bit-packed LSB first,
 * {@code width} bytes per group. The last group may be padded past the page's values, and (as
 * parquet-column allows) its bytes may be cut short at the end of the page: missing bytes read as 0.
 */
final class ParquetMemIds {
    private byte[] buf;
    private int pos;
    private int end;
    private int width;
    private int mask;
    /** Values left in the current run. */
    private int runLeft;
    private boolean packed;
    private int rleValue;
    private long acc;
    private int bits;

    /** Starts a page whose value section is {@code page} (from its bit-width byte). */
    void init(ByteBuffer page) {
        int n = page.remaining();
        if (page.hasArray()) {
            buf = page.array();
            pos = page.arrayOffset() + page.position();
        } else {
            if (buf == null || buf.length < n) {
                buf = new byte[Math.max(n, 1 << 16)];
            }
            page.duplicate().get(buf, 0, n);
            pos = 0;
        }
        end = pos + n;
        if (n == 0) {
            throw new ParquetDecodingException("dictionary-encoded page without a bit width");
        }
        width = buf[pos++] & 0xff;
        if (width > 32) {
            throw new ParquetDecodingException("dictionary id bit width " + width + " > 32");
        }
        mask = width == 32 ? -1 : (1 << width) - 1;
        runLeft = 0;
        acc = 0;
        bits = 0;
    }

    /** Decodes the next {@code m} ids into {@code dst[off..off+m)} as {@code dict[id]}. */
    void read(long[] dst, int off, int m, long[] dict) {
        int i = off;
        final int stop = off + m;
        while (i < stop) {
            if (runLeft == 0) {
                nextRun();
            }
            int k = Math.min(runLeft, stop - i);
            runLeft -= k;
            if (!packed) {
                long v = lookup(dict, rleValue);
                for (int j = 0; j < k; j++) {
                    dst[i + j] = v;
                }
                i += k;
            } else {
                final byte[] b = buf;
                final int w = width;
                final int msk = mask;
                long a = acc;
                int nb = bits;
                int p = pos;
                for (int j = 0; j < k; j++) {
                    while (nb < w) {
                        a |= (long) (p < end ? b[p] & 0xff : 0) << nb;
                        p++;
                        nb += 8;
                    }
                    int id = (int) a & msk;
                    a >>>= w;
                    nb -= w;
                    if (id >= dict.length) {
                        throw badId(id, dict);
                    }
                    dst[i + j] = dict[id];
                }
                acc = a;
                bits = nb;
                pos = p;
                i += k;
            }
        }
    }

    private static long lookup(long[] dict, int id) {
        if (id < 0 || id >= dict.length) {
            throw badId(id, dict);
        }
        return dict[id];
    }

    private static ParquetDecodingException badId(int id, long[] dict) {
        return new ParquetDecodingException("dictionary id " + (id & 0xffffffffL) + " out of range 0.."
                + (dict.length - 1));
    }

    private void nextRun() {
        // a bit-packed run ends on a byte boundary (8 values of width bits)
        acc = 0;
        bits = 0;
        long header = 0;
        int shift = 0;
        while (true) {
            if (pos >= end) {
                throw new ParquetDecodingException("dictionary ids end before the page's values");
            }
            int b = buf[pos++] & 0xff;
            header |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 35) {
                throw new ParquetDecodingException("bad run header in dictionary ids");
            }
        }
        long count = header >>> 1;
        if ((header & 1) == 0) {
            packed = false;
            int bytes = (width + 7) >>> 3;
            if (pos + bytes > end) {
                throw new ParquetDecodingException("dictionary ids end inside a run");
            }
            int v = 0;
            for (int j = 0; j < bytes; j++) {
                v |= (buf[pos++] & 0xff) << (8 * j);
            }
            rleValue = v;
        } else {
            packed = true;
            count *= 8;
        }
        if (count > Integer.MAX_VALUE) {
            throw new ParquetDecodingException("bad run length " + count + " in dictionary ids");
        }
        runLeft = (int) count;
    }
}
