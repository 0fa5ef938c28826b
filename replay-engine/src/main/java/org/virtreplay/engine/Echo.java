package org.virtreplay.engine;

/**
 * A value from the user's input as it is echoed in a message or a terminal line: a name may be
 * megabytes (valid in a trace) or hold line breaks, and a message stays one short line. Files
 * (tables, reports, JSON) keep the value whole.
 */
public final class Echo {
    /** The most code points of a value that a message shows. */
    public static final int MAX = 80;

    private Echo() {
    }

    /**
     * {@code s} with control characters and line or paragraph separators turned into spaces and,
     * when it has more than {@link #MAX} code points, cut to its first {@link #MAX} followed by
     * "… (N characters)", N its length in code points. Reads at most {@link #MAX} + 1 code points
     * of {@code s} besides counting them.
     */
    public static String cut(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 2 * MAX + 24));
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (n == MAX) {
                return b.append("… (").append(s.codePointCount(0, s.length())).append(" characters)").toString();
            }
            int type = Character.getType(cp);
            b.appendCodePoint(Character.isISOControl(cp) || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR ? ' ' : cp);
            n++;
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
