package org.virtreplay.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.summary.FaultAttribution;
import org.virtreplay.analysis.summary.RunSummary;
import org.virtreplay.analysis.summary.SummaryJson;
import org.virtreplay.analysis.summary.SummaryReader;
import org.virtreplay.analysis.summary.SummaryText;
import org.virtreplay.analysis.summary.VmSummary;
import org.virtreplay.engine.UserText;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The per-VM summary that {@code run}, {@code replay} and {@code report} print on stdout when they
 * are done (docs/metrics.md, "Summary"). It is the command's result, so {@code -q} (no progress)
 * does not silence it; status lines (where the output went, wall time, warnings) go to stderr.
 * The option is {@code --summary} rather than {@code --format} because {@code run} and
 * {@code report} already use {@code --format} for the report's.
 */
public final class SummaryOptions {

    @Option(names = "--summary", defaultValue = "text", paramLabel = "text|json",
            description = "Format of the per-VM summary printed on stdout at the end (default: ${DEFAULT-VALUE}).")
    String summary;

    /** Checks the option before any work (exit 2 on a bad value). */
    void check(CommandLine.Model.CommandSpec spec) {
        String f = summary.strip().toLowerCase(Locale.ROOT);
        if (!f.equals("text") && !f.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--summary: expected text or json, got " + UserText.quote(summary));
        }
    }

    /** Prints the summary of the metric tables in {@code metricsDir} on the command's stdout. */
    void print(CommandLine.Model.CommandSpec spec, Path metricsDir) {
        check(spec);
        RunSummary s = SummaryReader.read(metricsDir);
        PrintWriter out = spec.commandLine().getOut();
        boolean json = summary.strip().equalsIgnoreCase("json");
        out.print(json ? SummaryJson.render(s) : SummaryText.render(s));
        if (!json) {
            // Why each VM takes its stage-2 faults, in the report's words (its "Stage-2 faults by
            // source"): only when the output can say it, i.e. it has fault_events and the memslots.
            FaultAttribution a = FaultAttribution.read(RunOutput.open(metricsDir));
            if (a.hasEvents() && a.hasMemslots()) {
                for (VmSummary v : s.vms()) {
                    String why = a.sentence(v.vm(), "vm" + v.vm());
                    if (why != null) {
                        out.println("faults: " + UserText.oneLine(why));
                    }
                }
            }
        }
        out.flush();
    }
}
