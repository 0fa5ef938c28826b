package org.virtreplay.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.engine.UserText;
import org.virtreplay.reports.ReportFormat;
import org.virtreplay.reports.Reports;
import org.virtreplay.reports.sweep.SweepStudy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay report DIR}: CSV files and a self-contained HTML page from a replay's tables. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {"Writes a report of a replay's metric tables: one CSV file per table (RFC 4180) and one "
                + "self-contained HTML page (report.html: summary, TLB hit rates, walk lengths, stage-2 faults, "
                + "interrupt latency CDFs and percentiles, worst vCPUs, timeline, configuration; charts as inline "
                + "SVG, no network needed to view it).",
            "The tables are also checked for consistency (see docs/metrics.md); problems are printed as "
                + "warnings and shown in the report.",
            "The report directory is written whole, under a temporary name, and renamed into place at the end; "
                + "an existing one is replaced only with --force."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "1:internal error",
            "2:bad input: DIR missing, not a replay's output, or a table unreadable; the report directory exists "
                + "(without --force); bad option"})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR",
            description = "Output directory of 'virtreplay replay' (holds run_info.parquet, tlb_stats.parquet, "
                    + "...), of 'virtreplay run' (its tables in DIR/metrics; the report goes to DIR/report, which "
                    + "run wrote: replace it with --force or choose --out), or of 'virtreplay sweep' (its study is "
                    + "rebuilt, as sweep.html and sweep_results.csv in DIR/report).")
    Path dir;

    @Option(names = "--latency-threshold-us", paramLabel = "US", defaultValue = "50",
            description = "Interrupt latency the report measures against: a line on the host's CDF per class "
                    + "and the share of interrupts above it (default: ${DEFAULT-VALUE}).")
    long latencyThresholdUs;

    @Option(names = "--format", paramLabel = "csv|html|both", defaultValue = "both",
            description = "What to write (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "D", description = "Where to write the report (default: DIR/report).")
    Path outDir;

    /** The name before every command's output became --out; kept for scripts. */
    @Option(names = "--out-dir", hidden = true, paramLabel = "D")
    void outDirAlias(Path p) {
        outDir = p;
    }

    @Option(names = "--force", description = "Replace the report directory, whole, if it exists.")
    boolean force;

    @CommandLine.Mixin
    SummaryOptions summary;
    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * A bad {@code --format} of run or report, the report's files; text or json was meant for the
     * summary on stdout, which compare, inspect and translate take as --format, so say where it is.
     */
    static String formatProblem(String format) {
        String f = format.strip().toLowerCase(Locale.ROOT);
        return "--format: expected csv, html or both (the report's files), got " + UserText.quote(format)
                + (f.equals("json") || f.equals("text") ? "; the summary on stdout is --summary " + f : "");
    }

    @Override
    public Integer call() throws Exception {
        if (latencyThresholdUs < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--latency-threshold-us: expected an integer >= 0, got " + latencyThresholdUs);
        }
        summary.check(spec);
        ReportFormat f;
        try {
            f = ReportFormat.valueOf(format.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), formatProblem(format));
        }
        Path out = outDir != null ? outDir : dir.resolve("report");
        if (SweepStudy.isSweep(dir)) {
            // a sweep's directory: its study (sweep.html) and sweep_results.csv, rebuilt from its tables
            PrintWriter o = spec.commandLine().getOut();
            for (Path p : SweepStudy.write(dir, out, force, VirtReplay.version())) {
                o.println((p.getFileName().toString().endsWith(".csv") ? "CSV: " : "study: ") + p);
            }
            o.flush();
            return VirtReplay.EXIT_OK;
        }
        // a run's directory holds its tables in metrics/ and its report in report/: rebuild that report
        Path tables = dir;
        String runInfo = MetricTables.RUN_INFO.fileName();
        if (!Files.exists(dir.resolve(runInfo)) && Files.isRegularFile(dir.resolve("metrics").resolve(runInfo))) {
            tables = dir.resolve("metrics");
        }
        Reports.Result r;
        try (PhaseProgress p = PhaseProgress.start(spec.commandLine().getErr(), "report: writing " + out, quiet)) {
            r = Reports.write(tables, out, f, force, latencyThresholdUs);
        }
        PrintWriter o = spec.commandLine().getErr(); // stdout carries the summary only
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = r.consistencyProblems();
        for (int i = 0; i < Math.min(20, problems.size()); i++) {
            err.println("virtreplay report: warning: " + problems.get(i));
        }
        if (problems.size() > 20) {
            err.println("virtreplay report: warning: ... and " + (problems.size() - 20) + " more (see the report)");
        }
        err.flush();
        long csv = r.files().stream().filter(p -> p.getFileName().toString().endsWith(".csv")).count();
        if (csv > 0) {
            o.println("CSV: " + csv + " tables in " + out);
        }
        r.files().stream().filter(p -> p.getFileName().toString().equals(Reports.HTML_FILE))
                .forEach(p -> o.println("report: " + p));
        o.flush();
        summary.print(spec, tables);
        return VirtReplay.EXIT_OK;
    }
}
