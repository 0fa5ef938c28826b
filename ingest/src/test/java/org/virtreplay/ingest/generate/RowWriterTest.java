package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hand-rolled number formatting against values written out by hand. */
class RowWriterTest {
    private static String fmt(ThrowingWrite w) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (RowWriter r = new RowWriter(b)) {
            w.write(r);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    interface ThrowingWrite {
        void write(RowWriter w) throws Exception;
    }

    @Test
    void decimal() throws Exception {
        assertEquals("0,7,10,-1,-42,1000000", fmt(w -> w.dec(0).comma().dec(7).comma().dec(10).comma().dec(-1)
                .comma().dec(-42).comma().dec(1_000_000)));
        assertEquals("9223372036854775807,-9223372036854775808",
                fmt(w -> w.dec(Long.MAX_VALUE).comma().dec(Long.MIN_VALUE)));
    }

    @Test
    void hexLowerCaseNoLeadingZeros() throws Exception {
        assertEquals("0x0,0xf,0x10,0x40000000,0xffff800008000000,0xffffffffffffffff",
                fmt(w -> w.hex(0).comma().hex(15).comma().hex(16).comma().hex(0x4000_0000L).comma()
                        .hex(0xFFFF_8000_0800_0000L).comma().hex(-1L)));
    }

    @Test
    void rowsAndLargeOutputCrossBufferBoundary() throws Exception {
        // 200 000 rows of "123456789,0xabc\n" (16 bytes) = 3.2 MB: several 1 MiB buffer flushes.
        String s = fmt(w -> {
            for (int i = 0; i < 200_000; i++) {
                w.dec(123456789).comma().hex(0xabc).endRow();
            }
        });
        assertEquals(200_000 * 16, s.length());
        assertEquals("123456789,0xabc\n", s.substring(16 * 123_456, 16 * 123_457));
    }
}
