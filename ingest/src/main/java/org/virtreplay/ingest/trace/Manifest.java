package org.virtreplay.ingest.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace's {@code manifest.csv}: format version, time unit, clock and host topology, plus every
 * key/value in file order (provenance, generator options, table pools).
 *
 * @param clock   {@code mono}, {@code boot}, {@code local}, {@code counter}, {@code synthetic} or {@code none}
 * @param peCount number of physical PEs of the recorded host
 * @param mpidr   MPIDR_EL1 affinity value of each PE (index = PE)
 * @param entries every key and value, in file order
 */
public record Manifest(int formatVersion, String timeUnit, String clock, int peCount, long[] mpidr,
        Map<String, String> entries) {

    public static final List<String> CLOCKS = List.of("mono", "boot", "local", "counter", "synthetic", "none");

    public Manifest {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Default affinity of PE n when the manifest gives none: Aff0 = n % 16, Aff1 = n / 16. */
    public static long defaultMpidr(int n) {
        return ((long) (n / 16) << 8) | (n % 16);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        return entries.get(key);
    }
}
