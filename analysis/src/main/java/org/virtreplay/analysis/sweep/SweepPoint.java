package org.virtreplay.analysis.sweep;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One point of a sweep: its index (rows are ordered by it, and its replay goes to
 * {@code points/NNN/}) and the values the grid gives it, in grid order. Serializable so that
 * the Spark job can ship it to executors.
 */
public record SweepPoint(int index, Map<String, String> params) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SweepPoint {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** {@code vms=4 s2.backing=2m}: the point's values as one line. */
    public String label() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(k).append('=').append(v);
        });
        return sb.toString();
    }

    /** The directory name of the point's replay: zero-padded index ({@code 007}). */
    public String dirName() {
        return String.format(Locale.ROOT, "%03d", index);
    }
}
