package org.virtreplay.analysis.kvmstat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.virtreplay.analysis.metrics.ExitStatsRow;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.engine.BadInputException;

/**
 * Builds the {@link ExitReport} of the exits the hypervisor model took in a replay, from its
 * {@code exit_stats} table (one row per VM × vCPU × reason). The rows of the selected vCPUs are
 * combined per reason with their counts, totals, extremes, means and sample standard deviations, so
 * the figures are those of all the exits together, as {@code perf kvm stat} computes them over its
 * samples. Exits still open when the replay ended ({@code unfinished}) are not counted, as perf
 * counts no exit without its entry.
 */
public final class ModelledExits {
    private ModelledExits() {
    }

    /**
     * @param out a replay's output (the directory holding {@code run_info.parquet})
     * @param sel event {@code vmexit}, time {@code handled} (the model keeps nothing else per exit)
     */
    public static ExitReport report(RunOutput out, ObservedExits.Selection sel) {
        if (!sel.event().equals("vmexit")) {
            throw new BadInputException(out.dir() + ": --event " + sel.event() + " is not available for modelled "
                    + "exits: exit_stats keeps them per reason, not per IPA, and fault_events (cause mmio) has the "
                    + "IPAs but no handled times; use --event vmexit (MMIO exits are in DABT_LOW)");
        }
        if (!sel.time().equals("handled")) {
            throw new BadInputException(out.dir() + ": --time " + sel.time() + " is not available for modelled "
                    + "exits: the model times each exit from kvm_exit to kvm_entry only; use --time handled");
        }
        if (!out.has(MetricTables.EXIT_STATS)) {
            throw new BadInputException(out.dir() + ": no exit_stats table (written by replays since the model "
                    + "records exits); replay the trace again with this version");
        }
        Map<String, ReasonStats> byReason = new LinkedHashMap<>();
        for (ExitStatsRow r : out.readAll(MetricTables.EXIT_STATS)) {
            if (r.count() == 0 || (sel.vm() != null && sel.vm() != r.vm())
                    || (sel.vcpu() != null && sel.vcpu() != r.vcpu())) {
                continue;
            }
            // mean from the exact total; squared deviations back from the sample standard deviation
            double mean = (double) r.totalNs() / r.count();
            double m2 = r.stddevNs() * r.stddevNs() * (r.count() - 1);
            byReason.computeIfAbsent(r.reason(), ReasonStats::new).merge(r.count(), r.totalNs(), r.minNs(), r.maxNs(),
                    mean, m2);
        }
        return new ExitReport(sel.event(), sel.time(), scope(out, sel),
                ReasonStats.sortedRows(byReason.values(), sel.sortKey()));
    }

    static String scope(RunOutput out, ObservedExits.Selection sel) {
        String vm = sel.vm() == null ? "all VMs" : "VM " + sel.vm() + " '" + out.vmName(sel.vm()) + "'";
        return vm + ", " + (sel.vcpu() == null ? "all VCPUs" : "VCPU " + sel.vcpu());
    }
}
