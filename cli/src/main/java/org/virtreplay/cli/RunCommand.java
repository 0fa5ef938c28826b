package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.virtreplay.engine.replay.Stage2Ports;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.reports.ReportFormat;
import org.virtreplay.reports.Reports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code virtreplay run}: the main job in one go — ingest (when the trace is CSV), replay, report.
 * It owns its output directory: DIR/trace, DIR/metrics and DIR/report from an earlier run are
 * replaced, each only once its new version is complete.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "The main job: a trace with CSV tables is validated and ingested to DIR/trace (Parquet); the trace is "
                    + "replayed on the modelled host into the metric tables in DIR/metrics; the CSV tables and a "
                    + "self-contained HTML report go to DIR/report. Prints where the report is.",
            "DIR/trace, DIR/metrics and DIR/report from an earlier run are replaced."
        },
        footer = {"", "Example:", "  virtreplay run sample-traces/quickstart --out out"})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory (CSV or Parquet).")
    Path trace;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @CommandLine.Mixin
    HostOptions host;

    @Option(names = "--no-events", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Write fault_events and irq_events, one row per fault and interrupt (default: on; "
                    + "--no-events leaves them out).")
    boolean events;

    @Option(names = "--format", defaultValue = "both", paramLabel = "csv|html|both",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--max-errors", defaultValue = "20", paramLabel = "N",
            description = "Stop validating after N problems (default: ${DEFAULT-VALUE}).")
    int maxErrors;


    @Override
    public Integer call() throws IOException {
        if (maxErrors < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-errors: expected an integer >= 1, got " + maxErrors);
        }
        ReportFormat fmt;
        try {
            fmt = ReportFormat.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format: expected csv, html or both, got '" + format + "'");
        }
        PrintWriter pw = spec.commandLine().getOut();
        Path metrics = out.resolve("metrics");
        // Check every option before writing anything, so that a mistake leaves no output behind.
        ReplayJob.Options opts = ReplayCommand.options(spec, trace, metrics, host, events, true);
        boolean outExisted = Files.exists(out);
        Path ingested = out.resolve("trace");
        boolean ingestedExisted = Files.exists(ingested);
        ReplayJob.Result r;
        boolean ok = false;
        try {
            Path replayed = trace;
            if (Trace.open(trace).hasCsvTables()) {
                replayed = ingested;
                TraceConverter.convert(trace, replayed, TraceConverter.Form.PARQUET, maxErrors, true);
                pw.println("ingested: " + replayed);
            }
            opts = new ReplayJob.Options(replayed, metrics, opts.scenario(), opts.scenarioName(), opts.windowNs(),
                    opts.events(), opts.quiet(), true, opts.toolVersion(), opts.commandOptions())
                    .withOrigin(replayed.equals(trace) ? null : trace); // name the user's files, not the copy's
            r = ReplayJob.run(opts, Stage2Ports.kvm());
            ok = true;
        } finally {
            if (!ok) {
                // Take back what this run created: a failed run leaves what was there before, nothing more.
                if (!ingestedExisted) {
                    TraceConverter.deleteTree(ingested);
                }
                if (!outExisted && Files.isDirectory(out)) {
                    try (Stream<Path> s = Files.list(out)) {
                        if (s.findAny().isEmpty()) {
                            Files.delete(out);
                        }
                    }
                }
            }
        }
        pw.printf(Locale.ROOT, "replayed %,d events (%,d memory accesses) in %.2f s: %s%n", r.events(), r.accesses(),
                r.wallNs() / 1e9, metrics);
        Reports.Result rep = Reports.write(metrics, out.resolve("report"), fmt);
        PrintWriter err = spec.commandLine().getErr();
        for (String p : rep.consistencyProblems()) {
            err.println("virtreplay run: warning: " + p);
        }
        err.flush();
        boolean html = false;
        for (Path f : rep.files()) {
            if (f.getFileName().toString().equals(Reports.HTML_FILE)) {
                pw.println("report: " + f);
                html = true;
            }
        }
        if (!html) {
            pw.println("report: " + out.resolve("report") + " (CSV)");
        }
        pw.flush();
        return VirtReplay.EXIT_OK;
    }
}
