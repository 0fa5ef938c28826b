package org.virtreplay.reports;

import java.util.Locale;

/** HTML escaping and number formatting for the report. */
public final class Html {
    private Html() {
    }

    /** Escapes text for element content and quoted attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            String r = replacement(s.charAt(i));
            if (r != null) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16);
                }
                sb.append(s, from, i).append(r);
                from = i + 1;
            }
        }
        return sb == null ? s : sb.append(s, from, s.length()).toString();
    }

    /**
     * What {@code c} becomes in element content or a quoted attribute value, or null when it
     * stays as it is. Control characters other than tab and line ends would make the document
     * invalid; they become U+FFFD.
     */
    static String replacement(char c) {
        return switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? "&#xFFFD;" : null;
        };
    }

    /** ns as µs with up to 2 decimals: 1234 -> "1.23". */
    public static String us(double ns) {
        return String.format(Locale.ROOT, "%,.2f", ns / 1000.0);
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A ratio 0..1 as a percentage with 2 decimals, or an en dash when undefined. */
    public static String pct(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f %%", r * 100.0);
    }

    public static String num(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
