package org.virtreplay.ingest.trace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the CSV text of one field into a {@link Row} value. Works on any {@link CharSequence} so
 * that the fast CSV path can parse straight out of a char buffer without making Strings.
 */
final class FieldParser {
    private FieldParser() {
    }

    private static final Map<List<String>, Map<String, Integer>> SYMBOL_INDEX = new HashMap<>();

    /**
     * Parses {@code s} into column {@code col} of {@code row}. Returns false if the text is not a
     * valid value of the column (syntax, range or unknown symbol); the caller reports it.
     */
    static boolean parse(Column c, CharSequence s, Row row, int col) {
        int n = s.length();
        if (n == 0) {
            if (c.optional()) {
                row.setNull(col);
                return true;
            }
            return false;
        }
        switch (c.type()) {
            case INT:
            case LONG:
                return parseDec(c, s, row, col);
            case SIZE:
                if (n > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
                    if (!parseHex(s, row, col)) {
                        return false;
                    }
                    return row.values[col] >= 0 && c.inRange(row.values[col]);
                }
                return parseDec(c, s, row, col);
            case HEX:
                return parseHex(s, row, col);
            case ENUM: {
                List<String> sym = c.symbols();
                for (int i = 0; i < sym.size(); i++) {
                    if (sym.get(i).contentEquals(s)) {
                        row.set(col, i);
                        return true;
                    }
                }
                return false;
            }
            case SYSREG:
            case TLBI: {
                Integer i = index(c.symbols()).get(s.toString());
                if (i == null) {
                    return false;
                }
                row.set(col, i);
                return true;
            }
            case TEXT:
                row.setText(col, s.toString());
                return true;
            default:
                throw new AssertionError(c.type());
        }
    }

    static synchronized Map<String, Integer> index(List<String> symbols) {
        return SYMBOL_INDEX.computeIfAbsent(symbols, sym -> {
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < sym.size(); i++) {
                m.put(sym.get(i), i);
            }
            return m;
        });
    }

    /** Decimal, optional leading '-', no '+', no spaces; false on overflow or out of range. */
    private static boolean parseDec(Column c, CharSequence s, Row row, int col) {
        int n = s.length();
        int i = 0;
        boolean neg = false;
        if (s.charAt(0) == '-') {
            neg = true;
            i = 1;
            if (n == 1) {
                return false;
            }
        }
        if (n - i > 19) {
            return false;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // accumulate negatively so that Long.MIN_VALUE parses, and catch overflow
            if (v < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        if (!c.inRange(v)) {
            return false;
        }
        row.set(col, v);
        return true;
    }

    /** {@code 0x} or {@code 0X} then 1 to 16 hex digits (either case). */
    private static boolean parseHex(CharSequence s, Row row, int col) {
        int n = s.length();
        if (n < 3 || n > 18 || s.charAt(0) != '0' || (s.charAt(1) != 'x' && s.charAt(1) != 'X')) {
            return false;
        }
        long v = 0;
        for (int i = 2; i < n; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 'f') {
                return false;
            }
            v = (v << 4) | d;
        }
        row.set(col, v);
        return true;
    }
}
