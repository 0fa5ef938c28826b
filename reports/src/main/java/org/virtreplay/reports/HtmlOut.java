package org.virtreplay.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Where a page is written as it is built: a {@link Writer} (the report file, buffered) with the
 * appends the page builders use. The page is streamed rather than built whole in memory, so that
 * a report's heap does not grow with the text it shows (a VM name may be megabytes, valid in a
 * trace). A write failure is rethrown as {@link UncheckedIOException} and unwrapped by the caller.
 */
public final class HtmlOut {
    private final Writer w;

    public HtmlOut(Writer w) {
        this.w = w;
    }

    public HtmlOut append(CharSequence s) {
        try {
            w.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public HtmlOut append(char c) {
        try {
            w.write(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public HtmlOut append(long n) {
        return append(Long.toString(n));
    }

    public HtmlOut append(int n) {
        return append(Integer.toString(n));
    }

    /**
     * {@code s} escaped as {@link Html#esc} does, written piece by piece: no copy of {@code s} is
     * made, however long it is.
     */
    public HtmlOut esc(String s) {
        if (s == null) {
            return this;
        }
        try {
            int from = 0;
            for (int i = 0; i < s.length(); i++) {
                String r = Html.replacement(s.charAt(i));
                if (r != null) {
                    w.write(s, from, i - from);
                    w.write(r);
                    from = i + 1;
                }
            }
            w.write(s, from, s.length() - from);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
