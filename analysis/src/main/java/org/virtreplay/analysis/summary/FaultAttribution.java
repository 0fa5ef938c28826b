package org.virtreplay.analysis.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;

/**
 * Where each VM's stage-2 faults fell: {@code fault_events}' IPAs placed in the memslots that
 * {@code run_info} records ({@code vm.<id>.memslot.<slot>}, with the backing the replay used),
 * counted per VM, memslot and cause. Memory is one counter per (VM, slot, cause), whatever the
 * trace's length.
 *
 * @param hasEvents    whether the output has {@code fault_events} (without it nothing is attributed)
 * @param hasMemslots  whether {@code run_info} records the memslots (outputs written before it do not)
 * @param memslots     the recorded memslots, in (vm, slot) order
 * @param counts       per VM: slot (-1 = outside every memslot) → cause → faults
 */
public record FaultAttribution(boolean hasEvents, boolean hasMemslots, List<RunInfo.Memslot> memslots,
        SortedMap<Integer, SortedMap<Integer, SortedMap<String, Long>>> counts) {

    /** One sentence per cause, as the hypervisor model takes it (docs/metrics.md, stage2_faults). */
    public static final Map<String, String> CAUSES = Map.of(
            "lazy_map", "first touch of RAM the hypervisor had not mapped at stage 2 yet: it allocates a page or "
                    + "block of the memslot's backing size and maps it, so a larger backing maps more per fault",
            "mmio", "an access to an emulated device memslot, never mapped at stage 2: every access exits to the "
                    + "hypervisor, which emulates it (a backing size does not change it)",
            "dirty_log", "a write to a page write-protected for dirty logging (live migration): the hypervisor "
                    + "logs the page and makes it writable",
            "access_flag", "an access to a stage-2 mapping whose access flag was clear: the hypervisor sets it",
            "permission", "an access the stage-2 permissions forbid (e.g. a write to a read-only mapping)",
            "unmapped", "a fetch or table walk outside every memslot, or an IPA beyond the VM's IPA size: the "
                    + "hypervisor has nothing to map and injects an abort into the guest");

    /** The sentence explaining {@code cause}; a generic one for a cause this version does not know. */
    public static String explain(String cause) {
        return CAUSES.getOrDefault(cause, "a stage-2 abort the hypervisor model classed as " + cause);
    }

    public static FaultAttribution read(RunOutput run) {
        List<RunInfo.Memslot> slots = RunInfo.memslots(run.runInfo());
        boolean events = run.has(MetricTables.FAULT_EVENTS);
        SortedMap<Integer, SortedMap<Integer, SortedMap<String, Long>>> counts = new TreeMap<>();
        if (events) {
            Map<Integer, List<RunInfo.Memslot>> byVm = new TreeMap<>();
            for (RunInfo.Memslot m : slots) {
                byVm.computeIfAbsent(m.vm(), k -> new ArrayList<>()).add(m);
            }
            run.forEach(MetricTables.FAULT_EVENTS, e -> {
                int slot = -1;
                for (RunInfo.Memslot m : byVm.getOrDefault(e.vm(), List.of())) {
                    if (m.contains(e.ipa())) {
                        slot = m.slot();
                        break;
                    }
                }
                counts.computeIfAbsent(e.vm(), k -> new TreeMap<>()).computeIfAbsent(slot, k -> new TreeMap<>())
                        .merge(e.cause(), 1L, Long::sum);
            });
        }
        return new FaultAttribution(events, !slots.isEmpty(), List.copyOf(slots), counts);
    }

    /** The memslot {@code slot} of {@code vm}, or null. */
    public RunInfo.Memslot memslot(int vm, int slot) {
        for (RunInfo.Memslot m : memslots) {
            if (m.vm() == vm && m.slot() == slot) {
                return m;
            }
        }
        return null;
    }

    /**
     * The answer to "why does this VM take so many stage-2 faults?" in one sentence: the two
     * largest (slot, cause) groups of the VM's faults with the slot's kind and backing, e.g.
     * {@code vm2: 34 of 60 stage-2 faults are MMIO exits in memslot 2 (mmio, not mapped); 26 are lazy
     * mappings in memslot 1 (ram, 4 KB backing)}, and how many other faults there are.
     * Null when the VM has no attributed faults.
     */
    public String sentence(int vm, String vmName) {
        SortedMap<Integer, SortedMap<String, Long>> m = counts.get(vm);
        if (m == null) {
            return null;
        }
        long total = 0;
        List<long[]> groups = new ArrayList<>(); // count, slot, index into names
        List<String> names = new ArrayList<>();
        for (var s : m.entrySet()) {
            for (var c : s.getValue().entrySet()) {
                total += c.getValue();
                groups.add(new long[] {c.getValue(), s.getKey(), names.size()});
                names.add(c.getKey());
            }
        }
        // largest first; equal counts keep (slot, cause) order
        groups.sort((x, y) -> Long.compare(y[0], x[0]));
        long[] g = groups.get(0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: %d of %d stage-2 faults %s %s %s",
                vmName, g[0], total, g[0] == 1 ? "is" : "are", causePhrase(names.get((int) g[2]), g[0]),
                where(vm, (int) g[1])));
        if (groups.size() > 1) {
            long[] n = groups.get(1);
            b.append(String.format(Locale.ROOT, "; %d %s %s %s", n[0], n[0] == 1 ? "is" : "are",
                    causePhrase(names.get((int) n[2]), n[0]), where(vm, (int) n[1])));
            if (groups.size() > 2) {
                b.append(String.format(Locale.ROOT, "; %d other", total - g[0] - n[0]));
            }
        }
        return b.toString();
    }

    private static String causePhrase(String cause, long n) {
        boolean one = n == 1;
        return switch (cause) {
            case "lazy_map" -> one ? "a lazy mapping" : "lazy mappings";
            case "mmio" -> one ? "an MMIO exit" : "MMIO exits";
            case "dirty_log" -> one ? "a dirty-logging write fault" : "dirty-logging write faults";
            case "access_flag" -> one ? "an access-flag fault" : "access-flag faults";
            case "permission" -> one ? "a permission fault" : "permission faults";
            case "unmapped" -> one ? "an access to an unmapped IPA" : "accesses to unmapped IPAs";
            default -> cause + (one ? " fault" : " faults");
        };
    }

    /** "in memslot 1 (ram, 4 KB backing)", "in memslot 2 (mmio, not mapped)", "outside every memslot". */
    public String where(int vm, int slot) {
        RunInfo.Memslot m = memslot(vm, slot);
        if (m == null) {
            return hasMemslots ? "outside every memslot" : "(memslots not recorded in run_info)";
        }
        return "in memslot " + slot + " (" + m.kind() + ", " + backing(m.backing()) + ")";
    }

    /** 4096 → "4 KB backing", 2097152 → "2 MB backing", 0 → "not mapped". */
    public static String backing(long bytes) {
        if (bytes <= 0) {
            return "not mapped";
        }
        String[] u = {"B", "KB", "MB", "GB"};
        int i = 0;
        long v = bytes;
        while (i < 3 && v % 1024 == 0 && v >= 1024) {
            v /= 1024;
            i++;
        }
        return v + " " + u[i] + " backing";
    }
}
