package org.virtreplay.analysis.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The summary of one replay output: what was replayed and the figures of each VM, in VM id order.
 *
 * @param input        the trace's name ({@code run_info.input})
 * @param inputDigest  its digest ({@code run_info.input_digest})
 * @param runInfo      every {@code run_info} row, in key order (for comparing configurations)
 * @param vms          per VM, by id
 * @param hasExits     whether the output had an {@code exit_stats} table
 * @param pooledIrq    whether interrupt percentiles are pooled from {@code irq_events} (the table exists)
 */
public record RunSummary(String input, String inputDigest, Map<String, String> runInfo, List<VmSummary> vms,
        boolean hasExits, boolean pooledIrq) {

    /**
     * One line per fact a reader must know to trust the figures: which VM or class has a
     * percentile resting on fewer than {@link Latency#FEW_SAMPLES} interrupts, and when the
     * percentiles are per-vCPU upper bounds rather than the group's own.
     */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (VmSummary v : vms) {
            List<String> few = new ArrayList<>();
            if (v.interrupts().few()) {
                few.add("all classes n=" + v.interrupts().n());
            }
            for (var e : v.byClass().entrySet()) {
                if (e.getValue().few()) {
                    few.add(e.getKey() + " n=" + e.getValue().n());
                }
            }
            if (!few.isEmpty()) {
                notes.add(String.format(Locale.ROOT, "vm %d (%s): interrupt p50/p99 rest on fewer than %d samples: %s",
                        v.vm(), SummaryText.label(v.name(), SummaryText.NAME_MAX), Latency.FEW_SAMPLES,
                        String.join(", ", few)));
            }
        }
        boolean bounds = vms.stream().anyMatch(v -> !v.interrupts().exact()
                || v.byClass().values().stream().anyMatch(l -> !l.exact()));
        if (bounds) {
            notes.add("no irq_events table: interrupt p50/p99 are the largest per-vCPU values, upper bounds of the "
                    + "VM's (shown with ≤); replay with --events for pooled percentiles");
        }
        return notes;
    }
}
