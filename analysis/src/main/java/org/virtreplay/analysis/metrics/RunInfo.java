package org.virtreplay.analysis.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of {@code run_info} and helpers to build its rows. Rows are sorted by key so that the
 * table does not depend on the order in which a job happened to record them.
 */
public final class RunInfo {
    private RunInfo() {
    }

    public static final String TOOL_VERSION = "tool_version";
    /** The trace's file or directory name only (no directory part: data files hold no absolute paths). */
    public static final String INPUT = "input";
    /** {@code sha256:<hex>} of the canonical trace's bytes. */
    public static final String INPUT_DIGEST = "input_digest";
    public static final String EVENTS_PROCESSED = "events_processed";
    /** Width of a {@code timeline} window in ns. */
    public static final String WINDOW_NS = "window_ns";
    /** TLB entries that had a stale hit (one row each in stale_translations up to its cap); with the detector on. */
    public static final String STALE_TRANSLATIONS = "replay.stale_translations";
    /** Of those, the ones beyond the cap of stale_translations (no row). */
    public static final String STALE_TRANSLATIONS_BEYOND_CAP = "replay.stale_translations_beyond_cap";
    /** The scenario's name (file name), and each resolved scenario key as {@code scenario.<key>}. */
    public static final String SCENARIO = "scenario";
    public static final String SCENARIO_PREFIX = "scenario.";
    /** Each command-line option as {@code option.<name>}. */
    public static final String OPTION_PREFIX = "option.";
    /** {@code vm.<id>.name} and {@code vm.<id>.vcpus}: the trace's VM names, for reports. */
    public static final String VM_PREFIX = "vm.";

    public static String vmNameKey(int vm) {
        return VM_PREFIX + vm + ".name";
    }

    public static String vmVcpusKey(int vm) {
        return VM_PREFIX + vm + ".vcpus";
    }

    /** The trace manifest's {@code name} (absent when the manifest has none). */
    public static final String INPUT_NAME = "input.name";

    /** {@code vm.<id>.translation_ns}: modelled time of the VM's translations (TLB hits and walks), ns. */
    public static String vmTranslationNsKey(int vm) {
        return VM_PREFIX + vm + ".translation_ns";
    }

    /** {@code vm.<id>.memslot.<slot>}: {@code ipa,size,kind,backing} (hex IPA; bytes; backing 0 = none). */
    public static String memslotKey(int vm, int slot) {
        return VM_PREFIX + vm + ".memslot." + slot;
    }

    public static String memslotValue(long ipa, long size, String kind, long backing) {
        return "0x" + Long.toHexString(ipa) + "," + size + "," + kind + "," + backing;
    }

    /** A memslot as {@code run_info} records it (the replay's effective stage-2 backing). */
    public record Memslot(int vm, int slot, long ipa, long size, String kind, long backing) {
        public boolean contains(long ipaOfAccess) {
            return Long.compareUnsigned(ipaOfAccess - ipa, size) < 0;
        }
    }

    /** The memslots recorded in {@code info}, in (vm, slot) order; empty for outputs written before them. */
    public static List<Memslot> memslots(Map<String, String> info) {
        List<Memslot> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(info).entrySet()) {
            String k = e.getKey();
            int at = k.indexOf(".memslot.");
            if (!k.startsWith(VM_PREFIX) || at < 0) {
                continue;
            }
            try {
                int vm = Integer.parseInt(k.substring(VM_PREFIX.length(), at));
                int slot = Integer.parseInt(k.substring(at + ".memslot.".length()));
                String[] v = e.getValue().split(",", -1);
                out.add(new Memslot(vm, slot, Long.parseUnsignedLong(v[0].substring(2), 16), Long.parseLong(v[1]),
                        v[2], Long.parseLong(v[3])));
            } catch (RuntimeException ignored) {
                // a key this version did not write: not a memslot
            }
        }
        out.sort(java.util.Comparator.comparingInt(Memslot::vm).thenComparingInt(Memslot::slot));
        return out;
    }

    /** The rows of {@code run_info} for these entries, sorted by key. */
    public static List<RunInfoRow> rows(Map<String, String> entries) {
        List<RunInfoRow> rows = new ArrayList<>(entries.size());
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            rows.add(new RunInfoRow(e.getKey(), e.getValue()));
        }
        return rows;
    }
}
