package org.virtreplay.reports;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.ingest.io.OutputFiles;
import org.virtreplay.ingest.output.AtomicOutput;

/** Entry point of the reports: CSV files and/or the HTML page for one run's output directory. */
public final class Reports {
    private Reports() {
    }

    /** The file name of the HTML report. */
    public static final String HTML_FILE = "report.html";

    /** What was written, and the consistency problems found in the tables (empty when none). */
    public record Result(List<Path> files, List<String> consistencyProblems) {
    }

    /**
     * Writes the report of the run in {@code runDir} into {@code outDir}, which must not exist. A
     * directory that is not a run output, or a corrupt table, is a
     * {@link org.virtreplay.engine.BadInputException}.
     */
    public static Result write(Path runDir, Path outDir, ReportFormat format) throws IOException {
        return write(runDir, outDir, format, false);
    }

    /**
     * Writes the report of the run in {@code runDir} into {@code outDir}, built whole in a temporary
     * directory beside it and renamed into place ({@link AtomicOutput}): an existing {@code outDir}
     * is replaced, whole, only when {@code force}; one that is or holds {@code runDir} never is.
     * Returns the files under {@code outDir} as given.
     */
    public static Result write(Path runDir, Path outDir, ReportFormat format, boolean force) throws IOException {
        return write(runDir, outDir, format, force, DEFAULT_LATENCY_THRESHOLD_US);
    }

    /** The default of {@code --latency-threshold-us}: the interrupt latency the page measures against. */
    public static final long DEFAULT_LATENCY_THRESHOLD_US = ReportData.DEFAULT_LATENCY_THRESHOLD_US;

    /** As {@link #write(Path, Path, ReportFormat, boolean)}, with the latency threshold in µs. */
    public static Result write(Path runDir, Path outDir, ReportFormat format, boolean force, long latencyThresholdUs)
            throws IOException {
        RunOutput run = RunOutput.open(runDir);
        AtomicOutput.check(outDir, force, runDir);
        List<Path> files = new ArrayList<>();
        List<String> problems = List.of();
        try (AtomicOutput out = AtomicOutput.directory(outDir, force, runDir)) {
            if (format.csv()) {
                for (Path f : CsvReport.write(run, out.path())) {
                    files.add(outDir.resolve(f.getFileName().toString()));
                }
            }
            if (format.html()) {
                ReportData data = new ReportData(run);
                data.latencyThresholdNs = latencyThresholdUs * 1000;
                problems = data.consistency;
                // streamed: the page is not held in memory (it may show names of megabytes)
                try (Writer w = OutputFiles.newBufferedWriter(out.path().resolve(HTML_FILE))) {
                    HtmlReport.render(data, w);
                }
                files.add(outDir.resolve(HTML_FILE));
            }
            out.commit();
        }
        return new Result(files, problems);
    }

    /** The HTML report of a run, as text (for tests and embedding). */
    public static String html(Path runDir) {
        return HtmlReport.render(new ReportData(RunOutput.open(runDir)));
    }
}
