package org.virtreplay.ingest.lackey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.UserText;

/**
 * Parses the text of a lackey trace at byte level. Grammar (Valgrind {@code lackey/lk_main.c}):
 * <pre>
 *   "I  " HEX "," DEC     instruction fetch
 *   " L " HEX "," DEC     load
 *   " S " HEX "," DEC     store
 *   " M " HEX "," DEC     modify: one access needing read and write permission
 *   "SB " HEX             superblock (--trace-superblocks=yes): skipped
 *   "==" ...              Valgrind banner and summary lines: skipped
 *   ""                    blank lines: skipped
 * </pre>
 * HEX is 1 to 16 hex digits without {@code 0x} (lackey prints at least 8); DEC is a decimal byte
 * count from 1 to 1,000,000. A {@code \r} before the newline is accepted. Anything else is a
 * problem reported as {@code FILE:LINE: ...}; parsing goes on (skipping the line) until
 * {@code maxErrors} problems have been found.
 *
 * <p>No object is created per line: lines are parsed in place in a large byte buffer (only whole
 * lines are parsed; the incomplete tail moves to the front before the next read) and records go
 * into {@link LackeyBatch} arrays.
 */
public final class LackeyParser {
    public static final byte LOAD = 0, STORE = 1, MODIFY = 2, FETCH = 3;

    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
        }
        for (int c = 'A'; c <= 'F'; c++) {
            HEX[c] = (byte) (c - 'A' + 10);
        }
    }

    private final String fileName;
    private final int maxErrors;
    private final boolean lenient;
    private long skipped;
    private final List<String> problems = new ArrayList<>();
    private final byte[] buf;
    private int len;
    private int pos; // start of the unparsed bytes in buf
    private long line; // number of the next line to parse, from 1
    private boolean eof;
    private long records;

    public LackeyParser(String fileName, int maxErrors, int bufferSize) {
        this(fileName, maxErrors, bufferSize, false);
    }

    /**
     * @param lenient skip malformed lines and only count them ({@link #skipped()}) instead of
     *                reporting them as problems
     */
    public LackeyParser(String fileName, int maxErrors, int bufferSize, boolean lenient) {
        this.fileName = fileName;
        this.maxErrors = Math.max(1, maxErrors);
        this.buf = new byte[bufferSize];
        this.line = 1;
        this.lenient = lenient;
    }

    /** Malformed lines skipped (lenient parsers only). */
    public long skipped() {
        return skipped;
    }

    public LackeyParser(String fileName, int maxErrors) {
        this(fileName, maxErrors, 1 << 20);
    }

    /** Problems found so far, one line each. */
    public List<String> problems() {
        return problems;
    }

    public boolean tooManyErrors() {
        return problems.size() >= maxErrors;
    }

    /** Lines read so far. */
    public long lines() {
        return line - 1;
    }

    public long records() {
        return records;
    }

    /**
     * Fills {@code batch} with the next records from {@code in}.
     *
     * @return false when the input is exhausted (or too many errors) and the batch is empty
     */
    public boolean next(InputStream in, LackeyBatch batch) throws IOException {
        batch.count = 0;
        while (batch.count == 0) {
            if (tooManyErrors()) {
                return false;
            }
            // Parse the complete lines in buf[pos, lastNewline]; the tail stays for the next read.
            int lastNl = -1;
            for (int i = len - 1; i >= pos; i--) {
                if (buf[i] == '\n') {
                    lastNl = i;
                    break;
                }
            }
            if (lastNl < 0) {
                // No complete line left: compact, then read more (or finish).
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, len - pos);
                    len -= pos;
                    pos = 0;
                }
                if (eof) {
                    if (len > 0) {
                        if (len == buf.length) {
                            problems.add(fileName + ":" + line + ": line longer than " + buf.length + " bytes");
                            return false;
                        }
                        buf[len++] = '\n'; // a final line without a newline
                        continue;
                    }
                    return false;
                }
                if (len == buf.length) {
                    problems.add(fileName + ":" + line + ": line longer than " + buf.length + " bytes");
                    return false;
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    eof = true;
                } else {
                    len += n;
                }
                continue;
            }
            pos = parseLines(batch, pos, lastNl + 1);
        }
        return true;
    }

    /** Parses whole lines from {@code start} to {@code end} (end is just after a newline). */
    private int parseLines(LackeyBatch batch, int start, int end) {
        final byte[] b = buf;
        final byte[] hex = HEX;
        final byte[] kinds = batch.kind;
        final long[] addrs = batch.addr;
        final int[] sizes = batch.size;
        final int cap = kinds.length;
        int n = batch.count;
        int p = start;
        long ln = line;
        while (p < end && n < cap) {
            final int lineStart = p;
            byte c0 = b[p];
            byte kind;
            if (c0 == 'I' && b[p + 1] == ' ' && b[p + 2] == ' ') {
                kind = FETCH;
            } else if (c0 == ' ' && b[p + 1] != '\n' && b[p + 2] == ' ') {
                byte c1 = b[p + 1];
                if (c1 == 'L') {
                    kind = LOAD;
                } else if (c1 == 'S') {
                    kind = STORE;
                } else if (c1 == 'M') {
                    kind = MODIFY;
                } else {
                    p = bad(lineStart, ln, "expected ' L', ' S' or ' M' after the leading space");
                    ln++;
                    continue;
                }
            } else if (c0 == '=' || (c0 == 'S' && b[p + 1] == 'B') || c0 == '\n' || (c0 == '\r' && b[p + 1] == '\n')) {
                while (b[p] != '\n') {
                    p++;
                }
                p++;
                ln++;
                continue;
            } else {
                p = bad(lineStart, ln, "expected 'I  ADDR,SIZE', ' L ADDR,SIZE', ' S ADDR,SIZE', ' M ADDR,SIZE', "
                        + "'SB ADDR' or a '==' line");
                ln++;
                continue;
            }
            p += 3;
            long a = 0;
            int digits = 0;
            int d;
            while ((d = hex[b[p] & 0xFF]) >= 0) {
                a = (a << 4) | d;
                p++;
                digits++;
            }
            if (digits == 0 || digits > 16 || b[p] != ',') {
                p = bad(lineStart, ln, digits > 16 ? "address has more than 16 hex digits"
                        : "expected a hex address followed by ','");
                ln++;
                continue;
            }
            p++;
            int s = 0;
            int sd = 0;
            int c;
            while ((c = b[p] - '0') >= 0 && c <= 9 && sd < 8) {
                s = s * 10 + c;
                p++;
                sd++;
            }
            if (b[p] == '\r') {
                p++;
            }
            if (sd == 0 || b[p] != '\n' || s == 0 || s > 1_000_000) {
                p = bad(lineStart, ln, "expected a decimal size from 1 to 1000000 at the end of the line");
                ln++;
                continue;
            }
            p++;
            ln++;
            kinds[n] = kind;
            addrs[n] = a;
            sizes[n] = s;
            n++;
        }
        records += n - batch.count;
        batch.count = n;
        line = ln;
        return p;
    }

    /** Records a problem for the line starting at {@code lineStart}; returns the start of the next line. */
    private int bad(int lineStart, long ln, String what) {
        int e = lineStart;
        while (buf[e] != '\n') {
            e++;
        }
        if (lenient) {
            skipped++;
            return e + 1;
        }
        if (problems.size() < maxErrors) {
            int len = e > lineStart && buf[e - 1] == '\r' ? e - lineStart - 1 : e - lineStart;
            String start = new String(buf, lineStart, Math.min(len, UserText.SHOWN + 1), StandardCharsets.ISO_8859_1);
            problems.add(fileName + ":" + ln + ": " + what + ", got " + UserText.quote(start, len));
        }
        return e + 1;
    }
}
