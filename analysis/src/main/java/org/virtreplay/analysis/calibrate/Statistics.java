package org.virtreplay.analysis.calibrate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.ingest.trace.MemslotRecord;

/**
 * The robust statistics calibration fits: the median handled time of the exits of each reason (a
 * data abort split by the kind of memslot its IPA is in, RAM or MMIO, as the two are handled by
 * different costs) and the median latency (assert to acknowledge) of each interrupt class. The same
 * code reduces the recording's observations and the model's, so both are defined alike.
 *
 * <p>Values are kept as counts per distinct value (exact medians): memory grows with the number of
 * distinct durations, not with the number of exits.
 */
final class Statistics {
    /** Statistics with fewer samples are left out of the fit (reported as too few). */
    static final int MIN_SAMPLES = 5;

    private final Map<String, Map<Long, long[]>> values = new TreeMap<>();
    private final List<MemslotRecord> slots;

    Statistics(List<MemslotRecord> slots) {
        this.slots = slots;
    }

    /** The name of the exit statistic for reason key {@code reason} (EC name or type). */
    String exitName(int vm, String reason, long ipa) {
        if (reason.equals("DABT_LOW") || reason.equals("IABT_LOW")) {
            return "exit " + reason + (isMmio(vm, ipa) ? " mmio" : " ram");
        }
        return "exit " + reason;
    }

    private boolean isMmio(int vm, long ipa) {
        if (ipa < 0) {
            return false;
        }
        for (MemslotRecord m : slots) {
            if (m.vm() == vm && ipa - m.ipa() >= 0 && ipa - m.ipa() < m.size()) {
                return m.kind() == MemslotRecord.Kind.MMIO;
            }
        }
        return false;
    }

    void add(String name, long v) {
        values.computeIfAbsent(name, k -> new HashMap<>()).computeIfAbsent(v, k -> new long[1])[0]++;
    }

    /** Names in order. */
    List<String> names() {
        return List.copyOf(values.keySet());
    }

    long count(String name) {
        Map<Long, long[]> m = values.get(name);
        long n = 0;
        if (m != null) {
            for (long[] c : m.values()) {
                n += c[0];
            }
        }
        return n;
    }

    /** The median (lower middle for an even count), ns; NaN when there is none. */
    double median(String name) {
        Map<Long, long[]> m = values.get(name);
        if (m == null || m.isEmpty()) {
            return Double.NaN;
        }
        long[] keys = m.keySet().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(keys);
        long n = count(name);
        long rank = (n - 1) / 2;
        long seen = 0;
        for (long k : keys) {
            seen += m.get(k)[0];
            if (seen > rank) {
                return k;
            }
        }
        throw new AssertionError();
    }
}
