package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/** gzip read strictly (RFC 1952): members in sequence, every header field, checked trailers, nothing after. */
class GzipMembersTest {

    private static byte[] read(byte[] gz) throws IOException {
        try (InputStream in = new GzipMembers(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /**
     * A member written by hand: FLG with FEXTRA, FNAME, FCOMMENT and FHCRC set (RFC 1952 2.3.1),
     * raw deflate data, CRC-32 and ISIZE little-endian.
     */
    private static byte[] memberWithEveryField(byte[] data, boolean goodHeaderCrc) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 1, 2, 3, 4, 0, 3});
        h.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'}); // XLEN = 3, then 3 bytes
        h.writeBytes("mem.csv\0".getBytes(StandardCharsets.US_ASCII));
        h.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII));
        CRC32 hc = new CRC32();
        hc.update(h.toByteArray());
        int crc16 = (int) hc.getValue() & 0xffff ^ (goodHeaderCrc ? 0 : 1);
        h.write(crc16 & 0xff);
        h.write(crc16 >>> 8);
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 64];
        int n = d.deflate(buf);
        d.end();
        h.write(buf, 0, n);
        CRC32 c = new CRC32();
        c.update(data);
        long[] trailer = {c.getValue(), data.length};
        for (long v : trailer) {
            for (int i = 0; i < 4; i++) {
                h.write((int) (v >>> (8 * i)) & 0xff);
            }
        }
        return h.toByteArray();
    }

    @Test
    void membersInSequenceAreOneStream() throws IOException {
        byte[] a = "ts,vm\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "1,0\n".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(concat(a, b, a), read(concat(gzip(a), gzip(b), memberWithEveryField(a, true))));
        assertArrayEquals(new byte[0], read(gzip(new byte[0])));
    }

    @Test
    void headerCrcIsChecked() {
        ZipException e = assertThrows(ZipException.class,
                () -> read(memberWithEveryField("x\n".getBytes(StandardCharsets.US_ASCII), false)));
        assertEquals("corrupt gzip header (header CRC) at byte 0", e.getMessage());
    }

    @Test
    void bytesAfterTheLastMemberAreAnError() throws IOException {
        byte[] gz = gzip("1,0\n".getBytes(StandardCharsets.US_ASCII));
        for (byte[] junk : new byte[][] {{0}, {0x1f}, "garbage that is longer than a gzip header".getBytes(
                StandardCharsets.US_ASCII)}) {
            ZipException e = assertThrows(ZipException.class, () -> read(concat(gz, junk)));
            assertEquals("data after the last gzip member, at byte " + gz.length + ", is not another member",
                    e.getMessage());
        }
        // a second member cut short is a truncated file
        byte[] two = concat(gz, gz);
        assertThrows(EOFException.class, () -> read(java.util.Arrays.copyOf(two, two.length - 3)));
    }

    @Test
    void trailerIsChecked() throws IOException {
        byte[] gz = gzip("1,0\n".getBytes(StandardCharsets.US_ASCII));
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        assertEquals("corrupt gzip data (CRC-32 mismatch)", assertThrows(ZipException.class, () -> read(badCrc))
                .getMessage());
        byte[] badSize = gz.clone();
        badSize[gz.length - 4] ^= 1;
        assertEquals("corrupt gzip data (length mismatch)", assertThrows(ZipException.class, () -> read(badSize))
                .getMessage());
    }

    @Test
    void notGzipOrEmpty() {
        assertEquals("Not in GZIP format", assertThrows(ZipException.class,
                () -> read("ts,vm\n".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertThrows(EOFException.class, () -> read(new byte[0]));
    }
}
