package org.virtreplay.cli.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Values at and past the limits of each scenario key (docs/scenario.md), shared by the scenario
 * file, {@code --set} and grid kinds: the documented bounds, one past them, the limits of int and
 * long, malformed words. Sizes stay where a valid value still runs quickly on the small trace.
 */
final class ScenarioValues {

    private ScenarioValues() {
    }

    static final Map<String, List<String>> BY_KEY = new LinkedHashMap<>();

    static {
        List<String> entries = List.of("0", "1", "3", "48", "4096", "2000000000", "-1", "2147483648", "1048576");
        List<String> assoc = List.of("0", "1", "5", "7", "48", "2000000000", "-1", "3");
        BY_KEY.put("pes", List.of("0", "1", "2", "3", "64", "4096", "4097", "-1", "2147483648"));
        BY_KEY.put("core", List.of("cortex-a72", "neoverse-v2", "NEOVERSE-N1", "cortex-x9", ""));
        BY_KEY.put("tlb.l1i.entries", entries);
        BY_KEY.put("tlb.l1i.assoc", assoc);
        BY_KEY.put("tlb.l1d.entries", entries);
        BY_KEY.put("tlb.l1d.assoc", assoc);
        BY_KEY.put("tlb.l2.entries", entries);
        BY_KEY.put("tlb.l2.assoc", assoc);
        BY_KEY.put("tlb.replacement", List.of("random", "fifo", "lru", "mru", "RANDOM"));
        BY_KEY.put("gic.list_registers", List.of("0", "1", "16", "17", "-1"));
        BY_KEY.put("gic.v4", List.of("true", "FALSE", "maybe", "1"));
        BY_KEY.put("sched.policy", List.of("fair", "pinned", "trace", "rr"));
        BY_KEY.put("sched.quantum_us", List.of("1", "0", "9223372036854775807", "2147483648", "-5", "1e3"));
        BY_KEY.put("s2.backing", List.of("1g", "512m", "64k", "16k", "32m", "3k", "2M"));
        BY_KEY.put("cost.clock_mhz", List.of("1", "0", "2147483647", "9223372036854775807", "-2400"));
        BY_KEY.put("seed", List.of("-9223372036854775808", "9223372036854775808", "0", "0x10", "seven"));
    }

    /** Sweep-only keys (docs/sweep.md); vms stays small enough for a quick replay of the small trace. */
    static final Map<String, List<String>> SWEEP_ONLY = Map.of(
            "vms", List.of("0", "1", "3", "16", "4097", "-1", "1.5"),
            "overcommit", List.of("1", "1.5", "4:1", "0", "0.001", "1024", "1025", "2:0", "x"));

    static List<String> keys() {
        return new ArrayList<>(BY_KEY.keySet());
    }

    /** A key and a value for it: mostly the key's own limits, sometimes a generic extreme or a huge value. */
    static String[] pick(SplittableRandom r, boolean sweep) {
        List<String> keys = keys();
        if (sweep) {
            keys.addAll(SWEEP_ONLY.keySet());
        }
        String k = keys.get(r.nextInt(keys.size()));
        List<String> own = BY_KEY.containsKey(k) ? BY_KEY.get(k) : SWEEP_ONLY.get(k);
        int p = r.nextInt(10);
        String v;
        if (p < 7) {
            v = own.get(r.nextInt(own.size()));
        } else if (p < 9) {
            v = Mutations.EXTREMES.get(r.nextInt(Mutations.EXTREMES.size()));
        } else {
            v = "9".repeat(Settings.longMode() ? 1_000_000 : 50_000);
        }
        return new String[] {k, v};
    }

    /** The key list as the places an exit-2 line may name. */
    static List<String> quotedKeys() {
        List<String> q = new ArrayList<>();
        for (String k : BY_KEY.keySet()) {
            q.add("'" + k + "'");
        }
        for (String k : SWEEP_ONLY.keySet()) {
            q.add("'" + k + "'");
        }
        return q;
    }
}
