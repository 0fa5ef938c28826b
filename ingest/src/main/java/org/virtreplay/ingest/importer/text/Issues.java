package org.virtreplay.ingest.importer.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.virtreplay.engine.BadInputException;

/**
 * What went wrong, or was left out, while reading one input file.
 *
 * <p>A <em>malformed</em> record (a line that does not follow its format) is a problem line
 * {@code FILE:LINE: what was expected, got 'what was found'} in a strict import, and a counted
 * skip (by kind) in a lenient one. A strict import reports up to {@code maxErrors} problems, then
 * stops with a last line {@code stopped after N problems (--max-errors N)}, as {@code ingest} does.
 */
public final class Issues {
    private final String file;
    private final boolean lenient;
    private final int maxErrors;
    private final List<String> problems = new ArrayList<>();
    private final TreeMap<String, Long> skipped = new TreeMap<>();

    public Issues(String file, boolean lenient, int maxErrors) {
        this.file = file;
        this.lenient = lenient;
        this.maxErrors = Math.max(1, maxErrors);
    }

    /** A strict reader of {@code file} that reports up to 20 problems. */
    public static Issues strict(String file) {
        return new Issues(file, false, 20);
    }

    /** The file name used in messages. */
    public String file() {
        return file;
    }

    public boolean lenient() {
        return lenient;
    }

    /**
     * A malformed record at {@code line}. {@code message} says what was expected and what was
     * found; {@code kind} names the problem for the lenient count (e.g. {@code bad size}).
     */
    public void malformed(long line, String kind, String message) {
        if (lenient) {
            skipped.merge(kind, 1L, Long::sum);
            return;
        }
        problems.add(file + ":" + line + ": " + message);
        if (problems.size() >= maxErrors) {
            List<String> all = new ArrayList<>(problems);
            all.add("stopped after " + maxErrors + " problems (--max-errors " + maxErrors + ")");
            throw new BadInputException(all);
        }
    }

    /** A problem with the file as a whole (no line), reported in both modes. */
    public BadInputException fatal(String message) {
        List<String> all = new ArrayList<>(problems);
        all.add(file + ": " + message);
        return new BadInputException(all);
    }

    /** A problem at {@code line} that no mode can skip (the file cannot be used past it). */
    public BadInputException fatal(long line, String message) {
        List<String> all = new ArrayList<>(problems);
        all.add(file + ":" + line + ": " + message);
        return new BadInputException(all);
    }

    /** Throws the problems found so far, if any. */
    public void finish() {
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
    }

    /** The problems found so far (strict mode). */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Malformed records skipped in lenient mode, by kind. */
    public SortedMap<String, Long> skipped() {
        return Collections.unmodifiableSortedMap(skipped);
    }

    /** Total of {@link #skipped()}. */
    public long skippedCount() {
        long n = 0;
        for (long v : skipped.values()) {
            n += v;
        }
        return n;
    }

    /** {@code text} quoted for a message, cut to 80 characters. */
    public static String quote(String text) {
        String t = text.strip();
        return "'" + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "'";
    }
}
