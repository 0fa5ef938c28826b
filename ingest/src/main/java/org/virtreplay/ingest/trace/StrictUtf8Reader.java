package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 strictly (malformed input is an error, never a replacement character) and knows
 * on which line a problem is: it counts the line feeds it has handed out. A decoding or
 * decompression error is held back until every good character before it has been read, so the
 * rows before the bad spot are still validated and the error carries the exact line.
 */
final class StrictUtf8Reader extends Reader {

    /** A problem in the byte stream, at a known 1-based line. */
    static final class StreamProblem extends IOException {
        private static final long serialVersionUID = 1L;
        final int line;
        final boolean badUtf8;

        StreamProblem(int line, boolean badUtf8, String message, Throwable cause) {
            super(message, cause);
            this.line = line;
            this.badUtf8 = badUtf8;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private boolean eof;
    private boolean flushed;
    private int lineFeeds;
    private StreamProblem pending;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
        bytes.flip();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pending != null) {
            throw pending;
        }
        if (flushed) {
            return -1;
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (true) {
            CoderResult r = decoder.decode(bytes, out, eof);
            if (r.isError()) {
                int bad = bytes.get(bytes.position()) & 0xff;
                String msg = String.format("invalid UTF-8 byte 0x%02x", bad);
                return deliver(cbuf, off, out, new StreamProblem(0, true, msg, null));
            }
            if (r.isOverflow()) {
                return deliver(cbuf, off, out, null);
            }
            // underflow: needs more input
            if (eof) {
                if (!flushed) {
                    decoder.flush(out);
                    flushed = true;
                }
                int n = out.position() - off;
                return n == 0 ? -1 : deliver(cbuf, off, out, null);
            }
            if (out.position() > off) {
                return deliver(cbuf, off, out, null);
            }
            bytes.compact();
            try {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
            } catch (IOException e) {
                bytes.flip();
                String m = e.getMessage() != null ? e.getMessage()
                        : e instanceof java.io.EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
                return deliver(cbuf, off, out, new StreamProblem(0, false, m, e));
            }
            bytes.flip();
        }
    }

    /** Counts the line feeds handed out; arms {@code problem} for the next read. */
    private int deliver(char[] cbuf, int off, CharBuffer out, StreamProblem problem) throws StreamProblem {
        int end = out.position();
        for (int i = off; i < end; i++) {
            if (cbuf[i] == '\n') {
                lineFeeds++;
            }
        }
        if (problem != null) {
            pending = new StreamProblem(lineFeeds + 1, problem.badUtf8, problem.getMessage(), problem.getCause());
            if (end == off) {
                throw pending;
            }
        }
        return end - off;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
