package org.virtreplay.ingest.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Line ends: {@code \n} and {@code \r\n} only (docs/trace-format.md). The reader decodes 64 K
 * characters at a time, so a carriage return can be the last character it has decoded; whether
 * a line feed follows is then only known after the next read from the stream.
 */
class StrictUtf8ReaderTest {

    /** Reads everything, in reads of {@code chunk} characters. */
    private static String readAll(InputStream in, int chunk) throws IOException {
        StringBuilder b = new StringBuilder();
        char[] buf = new char[chunk];
        try (StrictUtf8Reader r = new StrictUtf8Reader(in)) {
            for (int n; (n = r.read(buf, 0, chunk)) >= 0; ) {
                b.append(buf, 0, n);
            }
        }
        return b.toString();
    }

    /** A stream that hands out at most {@code max} bytes per read, like a pipe or a decompressor. */
    private static InputStream trickle(byte[] bytes, int max) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, max));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {65535, 65536, 65537, 131071})
    void crLfAcrossAChunkBoundaryIsALineEnd(int crAt) throws IOException {
        String text = "x".repeat(crAt) + "\r\nnext\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(text, readAll(new ByteArrayInputStream(bytes), 8192));
        assertEquals(text, readAll(trickle(bytes, 65536), 1));
        assertEquals(text, readAll(trickle(bytes, 1000), 70000));
    }

    @ParameterizedTest
    @ValueSource(ints = {65535, 65536, 65537})
    void loneCrAcrossAChunkBoundaryHasItsLine(int crAt) {
        // line 1 is "a"; line 2 runs up to the lone CR at index crAt
        String text = "a\n" + "x".repeat(crAt - 2) + "\ry\n";
        StrictUtf8Reader.StreamProblem p = assertThrows(StrictUtf8Reader.StreamProblem.class,
                () -> readAll(trickle(text.getBytes(StandardCharsets.US_ASCII), 4096), 8192));
        assertEquals(2, p.line);
        assertEquals(StrictUtf8Reader.LONE_CR, p.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r", "a\nb\r", "\r"})
    void crAtTheEndOfTheFile(String text) {
        StrictUtf8Reader.StreamProblem p = assertThrows(StrictUtf8Reader.StreamProblem.class,
                () -> readAll(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), 100));
        assertEquals(text.startsWith("a\n") ? 2 : 1, p.line);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 100})
    void charactersBeforeTheProblemAreHandedOut(int chunk) {
        // "ab\n" is read in full before the problem is thrown
        StringBuilder got = new StringBuilder();
        char[] buf = new char[chunk];
        StrictUtf8Reader.StreamProblem p = assertThrows(StrictUtf8Reader.StreamProblem.class, () -> {
            try (StrictUtf8Reader r = new StrictUtf8Reader(new ByteArrayInputStream(
                    "ab\ncd\re".getBytes(StandardCharsets.US_ASCII)))) {
                for (int n; (n = r.read(buf, 0, chunk)) >= 0; ) {
                    got.append(buf, 0, n);
                }
            }
        });
        assertEquals("ab\ncd", got.toString());
        assertEquals(2, p.line);
    }
}
