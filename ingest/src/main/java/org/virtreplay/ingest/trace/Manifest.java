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
 * @param lines   the line of {@code manifest.csv} each key is on
 */
public record Manifest(int formatVersion, String timeUnit, String clock, int peCount, long[] mpidr,
        Map<String, String> entries, Map<String, Long> lines) {

    public static final List<String> CLOCKS = List.of("mono", "boot", "local", "counter", "synthetic", "none");

    /** Key of the hypervisor's stage-2 table pool. */
    public static final String S2_POOL = "host.s2_table_pool";

    public Manifest {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        lines = Collections.unmodifiableMap(new LinkedHashMap<>(lines));
    }

    /** Default affinity of PE n when the manifest gives none: Aff0 = n % 16, Aff1 = n / 16. */
    public static long defaultMpidr(int n) {
        return ((long) (n / 16) << 8) | (n % 16);
    }

    /** Key of VM {@code vm}'s stage-1 table pool. */
    public static String s1PoolKey(int vm) {
        return "vm." + vm + ".s1_table_pool";
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        return entries.get(key);
    }

    /** The line {@code key} is on, or 0 if the manifest does not have it. */
    public long line(String key) {
        Long l = lines.get(key);
        return l == null ? 0 : l;
    }

    /**
     * A table pool key's {@code {base, size}} (validated when the manifest was read), or null if
     * the manifest does not have the key.
     */
    public long[] pool(String key) {
        String v = entries.get(key);
        return v == null ? null : parsePool(v);
    }

    /** {@code 0xBASE,SIZE} (SIZE decimal or 0x-hex) as {@code {base, size}}, or null if it does not parse. */
    static long[] parsePool(String v) {
        int comma = v.indexOf(',');
        if (comma < 0) {
            return null;
        }
        try {
            long base = parseNumber(v.substring(0, comma));
            long size = parseNumber(v.substring(comma + 1));
            return new long[] {base, size};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseNumber(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }
}
