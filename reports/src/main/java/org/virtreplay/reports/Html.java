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
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // control characters other than tab/newline would make the document invalid
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        sb.append("&#xFFFD;");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
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
