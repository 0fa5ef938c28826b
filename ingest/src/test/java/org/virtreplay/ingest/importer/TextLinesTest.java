package org.virtreplay.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte-level line reader: newlines found eight bytes at a time agree with a byte-by-byte scan. */
class TextLinesTest {
    @Test
    void newlineIsTheFirstOneAtEveryOffsetAndWidth() {
        // every position of one newline in windows of every width up to 20, with the bytes around it
        // 0x0A + 0x100 - 1 (0x09, 0x0B) and 0x8A, the near misses of the word trick
        for (int width = 0; width <= 20; width++) {
            for (int at = -1; at < width; at++) {
                byte[] b = new byte[width + 6];
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) (k % 3 == 0 ? 0x09 : k % 3 == 1 ? 0x0B : 0x8A);
                }
                if (at >= 0) {
                    b[3 + at] = '\n';
                    if (3 + at + 2 < b.length) {
                        b[3 + at + 2] = '\n'; // a later one must not win
                    }
                }
                int expected = at < 0 ? -1 : 3 + at;
                assertEquals(expected, TextLines.newline(b, 3, 3 + width), "width " + width + " at " + at);
            }
        }
    }

    @Test
    void linesAcrossBufferRefillsWithCrLfAndNoFinalNewline() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String l = "x".repeat(i % 23) + i;
            expected.add(l);
            text.append(l).append(i % 5 == 0 ? "\r\n" : "\n");
        }
        expected.add("");
        text.append('\n');
        expected.add("last");
        text.append("last");
        // a 64-byte buffer: lines straddle every refill
        try (TextLines t = new TextLines(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)),
                "t.txt", 64)) {
            List<String> got = new ArrayList<>();
            while (t.next()) {
                got.add(t.text());
                assertEquals(got.size(), t.lineNumber());
            }
            assertEquals(expected, got);
            assertFalse(t.next());
        }
    }
}
