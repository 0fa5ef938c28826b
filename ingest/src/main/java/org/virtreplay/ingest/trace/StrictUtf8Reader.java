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
 * Decodes UTF-8 strictly (malformed input is an error, never a replacement character), accepts
 * only {@code \n} and {@code \r\n} line ends (a carriage return not followed by a line feed is an
 * error, docs/trace-format.md) and knows on which line a problem is: it counts the line feeds it
 * has handed out. A problem is held back until every good character before it has been read, so
 * the rows before the bad spot are still validated and the error carries the exact line.
 *
 * <p>A lone carriage return is refused here, below the CSV parsers, because the two parsers would
 * otherwise disagree about it: Commons CSV takes it as a line end, the fast {@code mem} splitter as
 * part of a field; refusing it in every file (tables and manifest) keeps one rule.
 */
final class StrictUtf8Reader extends Reader {

    /** A problem in the byte stream, at a known 1-based line. */
    static final class StreamProblem extends IOException {
        private static final long serialVersionUID = 1L;
        final int line;
        final boolean badUtf8;
        /** The message is complete as it is (not a decompressor's detail to be worded by the caller). */
        final boolean asIs;

        StreamProblem(int line, boolean badUtf8, String message, Throwable cause) {
            this(line, badUtf8, false, message, cause);
        }

        StreamProblem(int line, boolean badUtf8, boolean asIs, String message, Throwable cause) {
            super(message, cause);
            this.line = line;
            this.badUtf8 = badUtf8;
            this.asIs = asIs;
        }
    }

    /** The message of a carriage return that does not end a line. */
    static final String LONE_CR = "carriage return (\\r) without a line feed: lines must end with \\n or \\r\\n";

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    /** Decoded characters not yet handed out (read mode). */
    private final CharBuffer chars = CharBuffer.allocate(1 << 16);
    private boolean eof;
    /** No character will be decoded beyond those in {@link #chars}. */
    private boolean decodedAll;
    private int lineFeeds;
    /** The problem that ends the stream once {@link #chars} is handed out (its line is known then). */
    private String problem;
    private boolean problemUtf8;
    private boolean problemAsIs;
    private Throwable problemCause;
    private StreamProblem thrown;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
        bytes.flip();
        chars.flip();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n = handOut(cbuf, off, len);
            if (n > 0) {
                return n;
            }
            if (problem != null) {
                if (thrown == null) {
                    thrown = new StreamProblem(lineFeeds + 1, problemUtf8, problemAsIs, problem, problemCause);
                }
                throw thrown;
            }
            if (decodedAll && !chars.hasRemaining()) {
                return -1;
            }
            decodeMore();
        }
    }

    /**
     * Copies decoded characters up to a lone carriage return (which becomes the problem) or up to a
     * carriage return that is the last decoded character (kept until the next one is decoded).
     */
    private int handOut(char[] cbuf, int off, int len) {
        char[] a = chars.array();
        int start = chars.position();
        int limit = chars.limit();
        int n = Math.min(limit - start, len);
        if (n <= 0) {
            return 0;
        }
        System.arraycopy(a, start, cbuf, off, n);
        int lf = 0;
        for (int i = 0; i < n; i++) {
            char c = cbuf[off + i];
            if (c == '\n') {
                lf++;
            } else if (c == '\r') {
                int next = start + i + 1;
                if (next < limit ? a[next] != '\n' : decodedAll) {
                    setProblem(LONE_CR, false, true, null);
                    chars.limit(start + i); // nothing after it is handed out
                    decodedAll = true;
                    n = i;
                    break;
                }
                if (next == limit) {
                    n = i; // is a line feed next? keep the CR until that is known
                    break;
                }
            }
        }
        lineFeeds += lf;
        chars.position(start + n);
        return n;
    }

    private void setProblem(String message, boolean utf8, boolean asIs, Throwable cause) {
        if (problem == null) {
            problem = message;
            problemUtf8 = utf8;
            problemAsIs = asIs;
            problemCause = cause;
        }
    }

    /** Decodes more bytes into {@link #chars}, reading the stream as needed. */
    private void decodeMore() {
        chars.compact();
        int before = chars.position();
        try {
            while (true) {
                CoderResult r = decoder.decode(bytes, chars, eof);
                if (r.isError()) {
                    int bad = bytes.get(bytes.position()) & 0xff;
                    setProblem(String.format("invalid UTF-8 byte 0x%02x", bad), true, false, null);
                    decodedAll = true;
                    return;
                }
                if (r.isOverflow()) {
                    return;
                }
                if (eof) {
                    decoder.flush(chars);
                    decodedAll = true;
                    return;
                }
                if (chars.position() > before) {
                    return;
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
                    String m = e.getMessage() != null ? e.getMessage()
                            : e instanceof java.io.EOFException ? "unexpected end of data" : "unreadable data";
                    setProblem(m, false, false, e);
                    decodedAll = true;
                    return;
                } finally {
                    bytes.flip();
                }
            }
        } finally {
            chars.flip();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
