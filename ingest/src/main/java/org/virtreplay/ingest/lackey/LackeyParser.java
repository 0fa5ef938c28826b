package org.virtreplay.ingest.lackey;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 *
 * <p>Lackey prints addresses with at least eight digits ({@code %08lx}), so the first eight are
 * read as one little-endian {@code long} and checked and converted eight bytes at a time (SWAR);
 * only the digits after them, a line whose first eight bytes are not all hex digits (a short
 * address, or a bad line) and the size go byte by byte. The two paths give the same result for
 * every line: the word path only takes lines whose eight bytes the byte path would also read as
 * hex digits ({@code LackeyParserTest} compares them on random lines).
 *
 * <p>Before that, the two forms of nearly every line of a real trace (97 % of a gcc run's: a kind,
 * eight hex digits, or ten, then {@code ,D} with one size digit D from 1 to 9) are recognised from
 * three words per line, with no loop per byte; any other line goes the general way. The word path
 * only takes lines the general path reads as the same record ({@code LackeyParserTest} parses
 * random mixes of good, nearly good and bad lines both ways and compares records and messages).
 */
public final class LackeyParser {
    public static final byte LOAD = 0, STORE = 1, MODIFY = 2, FETCH = 3;

    private static final byte[] HEX = new byte[256];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

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

    /**
     * The kind of a line by its first three bytes as a little-endian number {@code x}:
     * {@code KIND[x % KIND_MOD]}, -1 for none, to be confirmed by {@code PREFIX[kind] == x}.
     */
    private static final int KIND_MOD = 61;
    private static final byte[] KIND = new byte[KIND_MOD];
    private static final int[] PREFIX = new int[4];

    static {
        java.util.Arrays.fill(KIND, (byte) -1);
        PREFIX[FETCH] = 'I' | ' ' << 8 | ' ' << 16;
        PREFIX[LOAD] = ' ' | 'L' << 8 | ' ' << 16;
        PREFIX[STORE] = ' ' | 'S' << 8 | ' ' << 16;
        PREFIX[MODIFY] = ' ' | 'M' << 8 | ' ' << 16;
        for (int k = 0; k < 4; k++) {
            if (KIND[PREFIX[k] % KIND_MOD] != -1) {
                throw new AssertionError("KIND_MOD does not separate the four prefixes");
            }
            KIND[PREFIX[k] % KIND_MOD] = (byte) k;
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
    /** The whole-line word path of {@link #parseLines} on (the default); off only to compare the two. */
    private boolean wholeLineWords = true;

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

    /** Turns the whole-line word path off (or on again), for tests comparing it with the general one. */
    void setWholeLineWords(boolean on) {
        wholeLineWords = on;
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
        final int fastEnd = wholeLineWords ? end - 16 : -1;
        while (p < end && n < cap) {
            if (p <= fastEnd) {
                // The two forms of nearly every lackey line, read as words: KIND, eight hex digits, then
                // ",D\n" or two more hex digits and ",D\n" (D a digit 1-9). Any other line, and the
                // last 16 bytes before end, take the general path below, which gives the same record.
                final long w0 = (long) LONG_LE.get(b, p);
                final int k = KIND[(int) (w0 & 0xFFFFFF) % KIND_MOD];
                final long a8;
                if (k >= 0 && (w0 & 0xFFFFFF) == PREFIX[k] && (a8 = hex8((long) LONG_LE.get(b, p + 3))) >= 0) {
                    final long t = (long) LONG_LE.get(b, p + 8) >>> 24; // bytes 11-15 of the line
                    final int d0 = (int) (t >>> 8) & 0xFF;
                    if ((t & 0xFF00FFL) == 0x0A002CL && d0 >= '1' && d0 <= '9') {
                        kinds[n] = (byte) k;
                        addrs[n] = a8;
                        sizes[n] = d0 - '0';
                        n++;
                        ln++;
                        p += 14;
                        continue;
                    }
                    final int h0 = hex[(int) t & 0xFF];
                    final int h1 = hex[(int) (t >>> 8) & 0xFF];
                    final int d2 = (int) (t >>> 24) & 0xFF;
                    if ((h0 | h1) >= 0 && (t & 0xFF00FF0000L) == 0x0A002C0000L && d2 >= '1' && d2 <= '9') {
                        kinds[n] = (byte) k;
                        addrs[n] = (a8 << 8) | (h0 << 4) | h1;
                        sizes[n] = d2 - '0';
                        n++;
                        ln++;
                        p += 16;
                        continue;
                    }
                }
            }
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
            if (p + 8 <= b.length) {
                long w = hex8((long) LONG_LE.get(b, p));
                if (w >= 0) {
                    a = w;
                    digits = 8;
                    p += 8;
                }
            }
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

    /**
     * The value of eight ASCII hex digits, the first in the lowest byte of {@code x}, or -1 if any
     * byte is not one of {@code 0-9 a-f A-F}. Per byte c (all below 0x80 once the first test
     * passes, so no sum below carries into the next byte): c + 0x50 has its top bit set iff
     * c >= '0', c + 0x46 iff c > '9'; with l = c | 0x20 (lower case), l + 0x1F iff l >= 'a' and
     * l + 0x19 iff l > 'f'. A digit's value is c & 0xF, a letter's (c & 0xF) + 9.
     */
    static long hex8(long x) {
        if ((x & HIGH) != 0) {
            return -1;
        }
        long digit = (x + 0x50 * ONES) & ~(x + 0x46 * ONES);
        long l = x | 0x20 * ONES;
        long letter = (l + 0x1F * ONES) & ~(l + 0x19 * ONES);
        if (((digit | letter) & HIGH) != HIGH) {
            return -1;
        }
        long v = (x & 0x0F * ONES) + 9 * ((letter >>> 7) & ONES);
        // Pairs of digits, then pairs of pairs: the first digit of each pair is the high one.
        v = ((v << 4) | (v >>> 8)) & 0x00FF00FF00FF00FFL;
        v = ((v << 8) | (v >>> 16)) & 0x0000FFFF0000FFFFL;
        v = ((v << 16) | (v >>> 32)) & 0xFFFFFFFFL;
        return v;
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
