package org.virtreplay.ingest.trace;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.BadInputException;

/**
 * Collects validation problems, one line each, and stops the work with a
 * {@link BadInputException} once {@code max} of them are found, so that a badly broken file
 * gives a readable report rather than millions of lines.
 */
public final class Problems {
    private final int max;
    private final List<String> lines = new ArrayList<>();

    public Problems(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max-errors must be at least 1, got " + max);
        }
        this.max = max;
    }

    /** Records one problem; throws when this is the {@code max}-th. */
    public void add(String line) {
        lines.add(line);
        if (lines.size() >= max) {
            List<String> out = new ArrayList<>(lines);
            out.add("stopped after " + max + " problems (--max-errors " + max + ")");
            throw new BadInputException(out);
        }
    }

    public boolean any() {
        return !lines.isEmpty();
    }

    public int count() {
        return lines.size();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Throws a {@link BadInputException} with every problem found, if there is any. */
    public void throwIfAny() {
        if (!lines.isEmpty()) {
            throw new BadInputException(lines);
        }
    }
}
