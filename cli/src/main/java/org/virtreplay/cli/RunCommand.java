package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.virtreplay.engine.replay.Stage2Ports;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.observe.ObservationEmitter;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.reports.ReportFormat;
import org.virtreplay.reports.Reports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code virtreplay run}: the main job in one go — ingest (when the trace is CSV), replay, report.
 * The whole output (DIR/trace, DIR/metrics, DIR/report) is built in one temporary directory beside
 * DIR and renamed onto DIR at the end ({@link AtomicOutput}): a run that fails or is killed at any
 * phase leaves DIR as it was. An existing DIR is replaced, whole, only with {@code --force}.
 * DIR/trace is there only when the input had CSV tables: a Parquet trace is replayed where it is,
 * not copied.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "The main job: a trace with CSV tables is validated and ingested to DIR/trace (Parquet); the trace is "
                    + "replayed on the modelled host into the metric tables in DIR/metrics; the CSV tables and a "
                    + "self-contained HTML report go to DIR/report. Prints a per-VM summary on stdout (--summary) "
                    + "and where the report is on stderr.",
            "DIR is written whole, under a temporary name beside it, and renamed at the end: a failed or killed "
                    + "run leaves no partial DIR. An existing DIR is replaced only with --force."
        },
        footer = {"", "Example:", "  virtreplay run sample-traces/quickstart --out out"})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory (CSV or Parquet).")
    Path trace;

    @Option(names = "--latency-threshold-us", paramLabel = "US", defaultValue = "50",
            description = "Interrupt latency the report measures against: a line on the host's CDF per class "
                    + "and the share of interrupts above it (default: ${DEFAULT-VALUE}).")
    long latencyThresholdUs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @CommandLine.Mixin
    HostOptions host;

    // Picocli gives a negatable boolean the opposite of its default when the declared name is given
    // (--no-events: false) and its default for the negated name (--events: true). A fallbackValue of
    // "true" here once overrode the former, so --no-events kept the events and --events dropped them.
    @Option(names = "--no-events", negatable = true, defaultValue = "true",
            description = "Write fault_events and irq_events, one row per fault and interrupt (default: on; "
                    + "--no-events leaves them out).")
    boolean events;

    @Option(names = "--format", defaultValue = "both", paramLabel = "csv|html|both",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--max-errors", defaultValue = "20", paramLabel = "N",
            description = "Stop validating after N problems (default: ${DEFAULT-VALUE}).")
    int maxErrors;

    @Option(names = "--emit-observations", description = "Also write DIR/observations: the trace (Parquet) with "
            + "the model's exits and acknowledge times as observations (docs/calibrate.md).")
    boolean emitObservations;

    @Option(names = "--force", description = "Replace DIR, whole, if it exists.")
    boolean force;

    @CommandLine.Mixin
    SummaryOptions summary;
    /** The table being ingested and its rows so far, for the progress line (written by the converter, read by the ticker). */
    static final class RowsSoFar implements TraceConverter.Progress {
        private volatile String text = "";

        @Override
        public void rows(TableKind kind, long rows, boolean tableDone) {
            text = String.format(Locale.ROOT, "%s %,d rows", kind.tableName(), rows);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (latencyThresholdUs < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--latency-threshold-us: expected an integer >= 0, got " + latencyThresholdUs);
        }
        TraceWriteOptions.checkMaxErrors(spec.commandLine(), maxErrors);
        ReportFormat fmt;
        try {
            fmt = ReportFormat.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), ReportCommand.formatProblem(format));
        }
        // Check every option and the output before writing anything, so that a mistake costs nothing.
        summary.check(spec);
        ReplayJob.Options opts = ReplayCommand.options(spec, trace, out.resolve("metrics"), host, events, false);
        AtomicOutput.check(out, force, trace);
        boolean ingested;
        ReplayJob.Result r;
        Reports.Result rep;
        try (AtomicOutput o = AtomicOutput.directory(out, force, trace)) {
            Path dir = o.path();
            Path replayed = trace;
            ingested = Trace.open(trace).hasCsvTables();
            if (ingested) {
                replayed = dir.resolve("trace");
                RowsSoFar rows = new RowsSoFar();
                try (PhaseProgress p = PhaseProgress.start(spec.commandLine().getErr(), "ingest: writing "
                        + out.resolve("trace"), rows::toString, host.quiet)) {
                    TraceConverter.convert(trace, replayed, TraceConverter.Form.PARQUET, maxErrors, false, rows);
                }
                AtomicOutput.phase("run:ingested");
            }
            // withOrigin: problems with the copy's rows name the user's files and lines
            ReplayJob.Options ro = new ReplayJob.Options(replayed, dir.resolve("metrics"), opts.scenario(),
                    opts.scenarioName(), opts.windowNs(), opts.events(), opts.quiet(), false, opts.toolVersion(),
                    opts.commandOptions()).withOrigin(ingested ? trace : null);
            r = emitObservations ? ObservationEmitter.replayInto(ro, Stage2Ports.kvm(), dir.resolve("observations"))
                    : ReplayJob.run(ro, Stage2Ports.kvm());
            AtomicOutput.phase("run:replayed");
            try (PhaseProgress p = PhaseProgress.start(spec.commandLine().getErr(), "report: writing "
                    + out.resolve("report"), host.quiet)) {
                rep = Reports.write(dir.resolve("metrics"), dir.resolve("report"), fmt, false,
                        latencyThresholdUs);
            }
            AtomicOutput.phase("run:reported");
            o.commit();
        }
        PrintWriter pw = spec.commandLine().getErr(); // stdout carries the summary only
        if (ingested) {
            pw.println("ingested: " + out.resolve("trace"));
        }
        pw.printf(Locale.ROOT, "replayed %,d events (%,d memory accesses) in %.2f s: %s%n", r.events(), r.accesses(),
                r.wallNs() / 1e9, out.resolve("metrics"));
        if (emitObservations) {
            pw.println("observations: " + out.resolve("observations"));
        }
        PrintWriter err = spec.commandLine().getErr();
        ReplayCommand.staleNote(err, out.resolve("metrics"));
        for (String p : rep.consistencyProblems()) {
            err.println("virtreplay run: warning: " + p);
        }
        err.flush();
        boolean html = false;
        for (Path f : rep.files()) {
            if (f.getFileName().toString().equals(Reports.HTML_FILE)) {
                pw.println("report: " + out.resolve("report").resolve(Reports.HTML_FILE));
                html = true;
            }
        }
        if (!html) {
            pw.println("report: " + out.resolve("report") + " (CSV)");
        }
        pw.flush();
        summary.print(spec, out.resolve("metrics"));
        return VirtReplay.EXIT_OK;
    }
}
