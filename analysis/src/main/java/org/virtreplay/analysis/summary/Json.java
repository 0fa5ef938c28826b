package org.virtreplay.analysis.summary;

import java.util.Locale;

/** The few JSON pieces the renderers need: strings escaped per RFC 8259, numbers as Java prints them. */
final class Json {
    private Json() {
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A double as JSON: Java's shortest round-trip form (deterministic), null for null, NaN or infinity. */
    static String num(Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) {
            return "null";
        }
        return d.toString();
    }

    static String num(Long n) {
        return n == null ? "null" : n.toString();
    }
}
