package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;

/**
 * The RLE/bit-packed hybrid decoder on bytes written by hand from parquet-format's Encodings.md:
 * header ULEB128, low bit 0 = RLE run (count = header >> 1, value in ceil(width/8) bytes LE),
 * low bit 1 = bit-packed run (header >> 1 groups of 8 values, LSB first).
 */
class ParquetMemIdsTest {
    /** Dictionary: id -> id * 10, so a wrong id shows as a wrong value. */
    private static final long[] DICT = {0, 10, 20, 30, 40, 50, 60, 70};

    private static long[] decode(byte[] page, int... chunks) {
        return decode(page, DICT, chunks);
    }

    /**
     * The ids of {@code page} through {@code dict}, read in runs of {@code chunks}: once into a
     * {@code long[]} with the {@code long} dictionary and once into an {@code int[]} with the same
     * dictionary as {@code int}s (the two copies of the decoder must agree).
     */
    private static long[] decode(byte[] page, long[] dict, int... chunks) {
        int total = 0;
        for (int c : chunks) {
            total += c;
        }
        ParquetMemIds ids = new ParquetMemIds();
        ids.init(ByteBuffer.wrap(page));
        long[] out = new long[total];
        int off = 0;
        for (int c : chunks) {
            ids.read(out, off, c, dict);
            off += c;
        }
        int[] intDict = new int[dict.length];
        for (int i = 0; i < dict.length; i++) {
            intDict[i] = (int) dict[i];
        }
        ParquetMemIds ids2 = new ParquetMemIds();
        ids2.init(ByteBuffer.wrap(page));
        int[] out2 = new int[total];
        off = 0;
        for (int c : chunks) {
            ids2.read(out2, off, c, intDict);
            off += c;
        }
        for (int i = 0; i < total; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(out[i], out2[i], "int path, id " + i);
        }
        return out;
    }

    @Test
    void rleRunThenBitPackedGroup() {
        // width 3; RLE run of 5 x id 6: header 5 << 1 = 0x0a, value 0x06 (1 byte for 3 bits);
        // bit-packed 1 group: header (1 << 1) | 1 = 0x03, ids 0..7 in 3 bits each, LSB first:
        // bits (value i at bit 3i): 0b000, 001, 010, 011, 100, 101, 110, 111 ->
        // byte0 = bits 0..7  = 0 | 1<<3 | (2 & 3)<<6        = 0x88
        // byte1 = bits 8..15 = (2>>2) | 3<<1 | 4<<4 | (5&1)<<7 = 0x00|0x06|0x40|0x80 = 0xc6
        // byte2 = bits 16..23 = (5>>1) | 6<<2 | 7<<5          = 0x02|0x18|0xe0 = 0xfa
        byte[] page = {3, 0x0a, 0x06, 0x03, (byte) 0x88, (byte) 0xc6, (byte) 0xfa};
        long[] want = {60, 60, 60, 60, 60, 0, 10, 20, 30, 40, 50, 60, 70};
        assertArrayEquals(want, decode(page, 13));
        // the same in chunks that cut both runs
        assertArrayEquals(want, decode(page, 2, 4, 1, 6));
    }

    @Test
    void paddedLastGroupAndShortBytesReadAsZero() {
        // width 2, one group with 3 real values 1, 2, 3 (byte0 = 1 | 2<<2 | 3<<4 = 0x39), the group's
        // second byte cut off: only the first 3 values are asked for
        byte[] page = {2, 0x03, 0x39};
        assertArrayEquals(new long[] {10, 20, 30}, decode(page, 3));
    }

    @Test
    void multiByteHeaderAndWidthZero() {
        // width 0 (a one-entry dictionary): RLE run of 200 ids 0, header 400 = 0x190 -> ULEB128 0x90 0x03, no value bytes
        byte[] page = {0, (byte) 0x90, 0x03};
        long[] out = decode(page, 200);
        long[] want = new long[200];
        assertArrayEquals(want, out);
    }

    @Test
    void agreesWithParquetsOwnEncoderOnMixedRuns() throws Exception {
        // parquet-column's encoder picks RLE for repeats of 8+ and bit-packing otherwise
        java.util.Random rnd = new java.util.Random(42);
        int n = 10_000;
        int[] want = new int[n];
        for (int i = 0; i < n; i++) {
            want[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(8) : (i > 0 ? want[i - 1] : 0);
        }
        org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder enc =
                new org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder(3, 1024, 1 << 20,
                        new org.apache.parquet.bytes.HeapByteBufferAllocator());
        for (int v : want) {
            enc.writeInt(v);
        }
        byte[] body = enc.toBytes().toByteArray();
        byte[] page = new byte[body.length + 1];
        page[0] = 3;
        System.arraycopy(body, 0, page, 1, body.length);
        long[] got = decode(page, 1000, 4000, 17, n - 5017);
        for (int i = 0; i < n; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(want[i] * 10L, got[i], "id " + i);
        }
    }

    /** ids for parquet-column's encoder at {@code width}: runs of repeats and random stretches. */
    private static byte[] encode(int width, int[] ids) throws IOException {
        org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder enc =
                new org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder(width, 1024, 1 << 20,
                        new org.apache.parquet.bytes.HeapByteBufferAllocator());
        for (int v : ids) {
            enc.writeInt(v);
        }
        byte[] body = enc.toBytes().toByteArray();
        byte[] page = new byte[body.length + 1];
        page[0] = (byte) width;
        System.arraycopy(body, 0, page, 1, body.length);
        return page;
    }

    @Test
    void everyWidthAgreesWithParquetsOwnEncoder() throws IOException {
        // widths up to 8 take the 8-ids-per-word path, wider ones one word per id; odd chunks start
        // and end reads inside groups and runs
        java.util.Random rnd = new java.util.Random(18);
        for (int width : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 17, 24}) {
            int n = 5_000;
            int[] want = new int[n];
            for (int i = 0; i < n; i++) {
                want[i] = rnd.nextInt(3) == 0 && i > 0 ? want[i - 1] : rnd.nextInt(1 << width);
            }
            long[] dict = new long[1 << width];
            for (int id = 0; id < dict.length; id++) {
                dict[id] = id * 10L + 3;
            }
            long[] got = decode(encode(width, want), dict, 1, 7, 993, 3000, n - 4001);
            for (int i = 0; i < n; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(want[i] * 10L + 3, got[i], "width " + width + ", id " + i);
            }
        }
    }

    @Test
    void anIdPastTheDictionaryInsideABitPackedRunIsADecodingError() throws IOException {
        // 24 ids of width 3, all bit-packed (no 8 repeats), id 6 at index 13; the dictionary has 6 entries
        int[] ids = new int[24];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 5;
        }
        ids[13] = 6;
        byte[] page = encode(3, ids);
        long[] six = {0, 10, 20, 30, 40, 50};
        ParquetDecodingException e = assertThrows(ParquetDecodingException.class, () -> decode(page, six, 24));
        org.junit.jupiter.api.Assertions.assertEquals("dictionary id 6 out of range 0..5", e.getMessage());
        // the 13 ids before it decode: id 12 is 12 % 5 = 2
        long[] first = decode(page, six, 13);
        org.junit.jupiter.api.Assertions.assertEquals(20, first[12]);
    }

    @Test
    void badIdsAndTruncatedRunsAreDecodingErrors() {
        // width 4, RLE run of 1 x id 9, but the dictionary has 8 entries
        assertThrows(ParquetDecodingException.class, () -> decode(new byte[] {4, 0x02, 0x09}, 1));
        // the page ends before a second run
        assertThrows(ParquetDecodingException.class, () -> decode(new byte[] {3, 0x02, 0x01}, 2));
        // width 33
        assertThrows(ParquetDecodingException.class, () -> decode(new byte[] {33, 0x02, 0x01}, 1));
    }
}
