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
    /** The current bit-packed run: its first byte, and the bit offset in it of the next id. */
    private int runStart;
    private long runBit;

    private static final java.lang.invoke.VarHandle LE_LONG = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

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
                java.util.Arrays.fill(dst, i, i + k, lookup(dict, rleValue));
            } else {
                unpack(dst, i, k, dict);
            }
            i += k;
        }
    }

    /**
     * {@code k} ids of the current bit-packed run. Ids are cut out of little-endian words read at the
     * byte that holds their first bit, so they do not depend on each other (no bit accumulator carried
     * from one to the next): for widths up to 8, a whole group of 8 ids (width bytes, byte-aligned)
     * from one word; otherwise, and for the ids before the first whole group and after the last, one
     * word per id. Near the end of the page, where a word would read past it, the bytes are gathered
     * one at a time, missing ones as 0.
     */
    private void unpack(long[] dst, int off, int k, long[] dict) {
        final byte[] b = buf;
        final int w = width;
        final long msk = mask & 0xffffffffL;
        final int base = runStart;
        final int words = end - 8; // a word read at byte q <= words stays inside the page
        final int n = dict.length;
        long bit = runBit;
        int j = 0;
        if (w > 0 && w <= 8) {
            final long group = 8L * w;
            while (j < k && bit % group != 0) {
                dst[off + j] = one(b, base, bit, words, msk, dict);
                bit += w;
                j++;
            }
            for (int q = base + (int) (bit >>> 3); k - j >= 8 && q <= words; q += w) {
                long word = (long) LE_LONG.get(b, q);
                for (int t = 0; t < 8; t++) {
                    int id = (int) (word >>> (t * w)) & (int) msk;
                    if (id >= n) {
                        throw badId(id, dict);
                    }
                    dst[off + j + t] = dict[id];
                }
                bit += group;
                j += 8;
            }
        }
        for (; j < k; j++) {
            dst[off + j] = one(b, base, bit, words, msk, dict);
            bit += w;
        }
        runBit = bit;
    }

    /** The id at bit {@code bit} of the run at byte {@code base}, through {@code dict}. */
    private long one(byte[] b, int base, long bit, int words, long msk, long[] dict) {
        int q = base + (int) (bit >>> 3);
        long word = q <= words ? (long) LE_LONG.get(b, q) : tail(q);
        int id = (int) ((word >>> (bit & 7)) & msk);
        if (id >= dict.length || id < 0) {
            throw badId(id, dict);
        }
        return dict[id];
    }

    /** As {@link #read(long[], int, int, long[])}, for a dictionary of {@code int}s. */
    void read(int[] dst, int off, int m, int[] dict) {
        int i = off;
        final int stop = off + m;
        while (i < stop) {
            if (runLeft == 0) {
                nextRun();
            }
            int k = Math.min(runLeft, stop - i);
            runLeft -= k;
            if (!packed) {
                java.util.Arrays.fill(dst, i, i + k, lookup(dict, rleValue));
            } else {
                unpack(dst, i, k, dict);
            }
            i += k;
        }
    }

    /** As {@link #unpack(long[], int, int, long[])}. */
    private void unpack(int[] dst, int off, int k, int[] dict) {
        final byte[] b = buf;
        final int w = width;
        final long msk = mask & 0xffffffffL;
        final int base = runStart;
        final int words = end - 8; // a word read at byte q <= words stays inside the page
        final int n = dict.length;
        long bit = runBit;
        int j = 0;
        if (w > 0 && w <= 8) {
            final long group = 8L * w;
            while (j < k && bit % group != 0) {
                dst[off + j] = one(b, base, bit, words, msk, dict);
                bit += w;
                j++;
            }
            for (int q = base + (int) (bit >>> 3); k - j >= 8 && q <= words; q += w) {
                long word = (long) LE_LONG.get(b, q);
                for (int t = 0; t < 8; t++) {
                    int id = (int) (word >>> (t * w)) & (int) msk;
                    if (id >= n) {
                        throw badId(id, dict);
                    }
                    dst[off + j + t] = dict[id];
                }
                bit += group;
                j += 8;
            }
        }
        for (; j < k; j++) {
            dst[off + j] = one(b, base, bit, words, msk, dict);
            bit += w;
        }
        runBit = bit;
    }

    private int one(byte[] b, int base, long bit, int words, long msk, int[] dict) {
        int q = base + (int) (bit >>> 3);
        long word = q <= words ? (long) LE_LONG.get(b, q) : tail(q);
        int id = (int) ((word >>> (bit & 7)) & msk);
        if (id >= dict.length || id < 0) {
            throw badId(id, dict);
        }
        return dict[id];
    }

    /** The little-endian word at byte {@code q}, bytes at or past the page's end read as 0. */
    private long tail(int q) {
        long word = 0;
        for (int j = 0; j < 8 && q + j < end; j++) {
            word |= (long) (buf[q + j] & 0xff) << (8 * j);
        }
        return word;
    }

    private static long lookup(long[] dict, int id) {
        if (id < 0 || id >= dict.length) {
            throw badId(id, dict.length);
        }
        return dict[id];
    }

    private static int lookup(int[] dict, int id) {
        if (id < 0 || id >= dict.length) {
            throw badId(id, dict.length);
        }
        return dict[id];
    }

    private static ParquetDecodingException badId(int id, long[] dict) {
        return badId(id, dict.length);
    }

    private static ParquetDecodingException badId(int id, int[] dict) {
        return badId(id, dict.length);
    }

    private static ParquetDecodingException badId(int id, int entries) {
        return new ParquetDecodingException("dictionary id " + (id & 0xffffffffL) + " out of range 0.."
                + (entries - 1));
    }

    private void nextRun() {
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
            // a run is whole groups of 8 ids, width bytes each: the next run starts after it
            runStart = pos;
            runBit = 0;
            pos = (int) Math.min(end, pos + count * width);
            count *= 8;
        }
        if (count > Integer.MAX_VALUE) {
            throw new ParquetDecodingException("bad run length " + count + " in dictionary ids");
        }
        runLeft = (int) count;
    }
}
