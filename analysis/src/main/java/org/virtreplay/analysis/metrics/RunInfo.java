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

    /** The rows of {@code run_info} for these entries, sorted by key. */
    public static List<RunInfoRow> rows(Map<String, String> entries) {
        List<RunInfoRow> rows = new ArrayList<>(entries.size());
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            rows.add(new RunInfoRow(e.getKey(), e.getValue()));
        }
        return rows;
    }
}
