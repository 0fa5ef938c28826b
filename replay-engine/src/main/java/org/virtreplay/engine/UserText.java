package org.virtreplay.engine;

import java.util.Locale;

/**
 * How a message shows what the user gave us. A message is one short line (README, "Bad input"):
 * a field of a trace may be 10 MB long or hold a quoted line break, and echoing it as it is
 * would flood the terminal or split the message over lines, so every message that echoes a
 * user's value passes it through {@link #quote}.
 */
public final class UserText {

    /** Characters of a value shown before it is cut. */
    public static final int SHOWN = 80;

    /** Characters of a whole message line before {@link #oneLine} cuts it. */
    public static final int LINE_MAX = 400;

    private UserText() {
    }

    /**
     * The value in single quotes, its line breaks and other control characters escaped (as
     * backslash-n, -r, -t, or backslash-u and four hex digits); a value longer than
     * {@value #SHOWN} characters is cut there and followed by its length:
     * {@code 'abcd…' (10,485,760 characters)}.
     */
    public static String quote(CharSequence value) {
        return quote(value, value == null ? 0 : value.length());
    }

    /**
     * {@link #quote} for a value too long to copy whole (a line of a binary file): {@code start}
     * holds its first characters (more than {@value #SHOWN} of them when it is longer) and
     * {@code length} is its whole length.
     */
    public static String quote(CharSequence start, long length) {
        CharSequence v = start == null ? "" : start;
        StringBuilder sb = new StringBuilder(Math.min(v.length(), SHOWN) + 32).append('\'');
        boolean cut = escape(v, sb, SHOWN) || length > v.length();
        sb.append(cut ? "…'" : "'");
        if (cut) {
            sb.append(String.format(Locale.ROOT, " (%,d characters)", Math.max(length, v.length())));
        }
        return sb.toString();
    }

    /**
     * A message made safe to print as one line: line breaks and control characters escaped, and
     * cut after {@value #LINE_MAX} characters with its length. The command line passes every
     * problem through this, a last guard behind {@link #quote}.
     */
    public static String oneLine(String message) {
        return oneLine(message, LINE_MAX);
    }

    /** {@link #oneLine(String)} cut after {@code max} characters. */
    public static String oneLine(String message, int max) {
        String m = message == null ? "" : message;
        if (m.length() <= max && m.chars().allMatch(c -> !needsEscape(c))) {
            return m; // the common case: nothing to do
        }
        StringBuilder sb = new StringBuilder(Math.min(m.length(), max) + 32);
        if (escape(m, sb, max)) {
            sb.append(String.format(Locale.ROOT, "… (%,d characters)", m.length()));
        }
        return sb.toString();
    }

    /**
     * Appends {@code v} escaped, stopping before {@code max} characters of output; true when it
     * stopped before the end. An escape sequence or a surrogate pair is never split; an unpaired
     * surrogate is escaped.
     */
    private static boolean escape(CharSequence v, StringBuilder sb, int max) {
        int start = sb.length();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < v.length()
                    && Character.isLowSurrogate(v.charAt(i + 1));
            String esc = !pair && (needsEscape(c) || Character.isSurrogate(c)) ? escaped(c) : null;
            int width = esc != null ? esc.length() : pair ? 2 : 1;
            if (sb.length() - start + width > max) {
                return true;
            }
            if (esc != null) {
                sb.append(esc);
            } else if (pair) {
                sb.append(c).append(v.charAt(++i));
            } else {
                sb.append(c);
            }
        }
        return false;
    }

    /**
     * Line breaks (including U+0085, U+2028, U+2029), control characters and format characters
     * (a BOM, a bidirectional override that would reorder the rest of the line).
     */
    private static boolean needsEscape(int c) {
        if (c >= 0x20 && c < 0x7f) {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String escaped(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format(Locale.ROOT, "\\u%04x", (int) c);
        };
    }

    /**
     * The candidate closest to {@code word} by {@link #distance}, if it is close: at most a third of
     * its letters (at least 2) differ; null otherwise, and for a word too long to be a typo of a name.
     */
    public static String nearest(String word, java.util.Collection<String> candidates) {
        if (word.length() > 200) {
            return null;
        }
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best != null && bestD <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
