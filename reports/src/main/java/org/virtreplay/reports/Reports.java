package org.virtreplay.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.ingest.io.OutputFiles;

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
     * Writes the report of the run in {@code runDir} into {@code outDir}. A directory that is not a
     * run output, or a corrupt table, is a {@link org.virtreplay.engine.BadInputException}.
     */
    public static Result write(Path runDir, Path outDir, ReportFormat format) throws IOException {
        RunOutput run = RunOutput.open(runDir);
        List<Path> files = new ArrayList<>();
        List<String> problems = List.of();
        if (format.csv()) {
            files.addAll(CsvReport.write(run, outDir));
        }
        if (format.html()) {
            ReportData data = new ReportData(run);
            problems = data.consistency;
            files.add(writeHtml(HtmlReport.render(data), outDir));
        }
        return new Result(files, problems);
    }

    /** The HTML report of a run, as text (for tests and embedding). */
    public static String html(Path runDir) {
        return HtmlReport.render(new ReportData(RunOutput.open(runDir)));
    }

    private static Path writeHtml(String html, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path target = outDir.resolve(HTML_FILE);
        Path tmp = outDir.resolve("." + HTML_FILE + ".tmp");
        try {
            OutputFiles.writeString(tmp, html);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
