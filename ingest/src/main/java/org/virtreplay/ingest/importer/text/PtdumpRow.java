package org.virtreplay.ingest.importer.text;

import java.util.Arrays;

/**
 * One range line of a Linux page-table dump, as {@code note_page()} of the arm64 ptdump code prints
 * it for both {@code kernel_page_tables} and KVM's {@code stage2_page_tables}:
 * <pre>
 *   "0x%016lx-0x%016lx   " start (inclusive) - end (exclusive)
 *   "%9lu%c %s"            size in the largest unit of K, M, G, T, P, E that divides it, level
 *   " %s" ...             attribute columns (only for entries with attribute bits)
 * </pre>
 * The attribute columns have fixed widths and blanks for clear bits, so they are read as a list of
 * whitespace-separated tokens; what the tokens mean is up to the dump's reader. An end of
 * {@code 0x0000000000000000} is the top of the 64-bit space (the last range wraps).
 *
 * <p>One instance is reused for every line ({@link #parse} fills it), so reading a dump creates
 * one token array per line and nothing else.
 */
public final class PtdumpRow {
    private static final String UNITS = "KMGTPE";

    /** First address of the range. */
    public long start;
    /** Address just past the range (0 = 2^64). */
    public long end;
    /** {@code end - start}, as an unsigned 64-bit count (0 only for a whole 2^64 space). */
    public long size;
    /** The level column as printed (a number for stage 2, PGD/P4D/PUD/PMD/PTE for stage 1). */
    public String level;
    /** The attribute tokens, in printed order (empty for a range without attributes). */
    public String[] attrs = new String[0];

    /** True for a marker line such as {@code ---[ Guest IPA ]---} or {@code ---[ Linear Mapping start ]---}. */
    public static boolean isMarker(String line) {
        String t = line.strip();
        return t.startsWith("---[") && t.endsWith("]---");
    }

    /** The name inside a marker line ({@code Guest IPA}). */
    public static String markerName(String line) {
        String t = line.strip();
        return t.substring(4, t.length() - 4).strip();
    }

    /**
     * Parses {@code line}. Returns null when it is a well-formed range line (the fields are then
     * set), or what was expected and found, for a problem message.
     */
    public String parse(String line) {
        String[] tok = line.strip().split("\\s+");
        if (tok.length < 3 || tok[0].isEmpty()) {
            return "expected a range line '0xSTART-0xEND SIZE LEVEL [ATTRIBUTES]', got " + Issues.quote(line);
        }
        String range = tok[0];
        int dash = range.indexOf('-');
        if (dash < 0) {
            return "expected '0xSTART-0xEND' (two 0x-hex addresses joined by '-'), got " + Issues.quote(range);
        }
        long s = hex(range, 0, dash);
        boolean okStart = hexOk;
        long e = hex(range, dash + 1, range.length());
        if (!okStart || !hexOk) {
            return "expected '0xSTART-0xEND' (two 0x-hex addresses of 1 to 16 digits joined by '-'), got "
                    + Issues.quote(range);
        }
        long sz = e - s;
        if (e != 0 && Long.compareUnsigned(e, s) <= 0) {
            return "expected the range's end above its start, got " + Issues.quote(range);
        }
        String sizeTok = tok[1];
        int n = sizeTok.length();
        int unit = n >= 2 ? UNITS.indexOf(sizeTok.charAt(n - 1)) : -1;
        long value = unit < 0 ? -1 : decimal(sizeTok, 0, n - 1);
        if (value < 0) {
            return "expected a size such as 4K, 2M or 1G (a decimal count and a unit K, M, G, T, P or E), got "
                    + Issues.quote(sizeTok);
        }
        int shift = 10 * (unit + 1);
        boolean fits = shift >= 64 ? value == 0 : (value >>> (64 - shift)) == 0;
        if (!fits || value << shift != sz) {
            return "expected the size column to equal the range's " + describe(sz) + ", got "
                    + Issues.quote(sizeTok);
        }
        start = s;
        end = e;
        size = sz;
        level = tok[2];
        attrs = tok.length == 3 ? new String[0] : Arrays.copyOfRange(tok, 3, tok.length);
        return null;
    }

    /** A byte count the way the dump prints it (largest unit that divides it), e.g. {@code 18M}. */
    public static String describe(long bytes) {
        if (bytes == 0) {
            return "16E";
        }
        long v = bytes;
        int u = -1;
        while ((v & 1023) == 0 && u < UNITS.length() - 1) {
            v >>>= 10;
            u++;
        }
        return Long.toUnsignedString(v) + (u < 0 ? " bytes" : String.valueOf(UNITS.charAt(u)));
    }

    private boolean hexOk;

    /** {@code 0x} and 1 to 16 hex digits in {@code s[from, to)}; sets {@link #hexOk}. */
    private long hex(String s, int from, int to) {
        hexOk = false;
        if (to - from < 3 || to - from > 18 || s.charAt(from) != '0' || (s.charAt(from + 1) | 0x20) != 'x') {
            return 0;
        }
        long v = 0;
        for (int i = from + 2; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return 0;
            }
            v = (v << 4) | d;
        }
        hexOk = true;
        return v;
    }

    /** Decimal digits in {@code s[from, to)} (at most 18), or -1. */
    private static long decimal(String s, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
