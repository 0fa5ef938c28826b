package org.virtreplay.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.inspect.TraceSummary;
import org.virtreplay.ingest.trace.Trace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code virtreplay run}: for now, ingest (if the trace has CSV tables) and inspect. Later work
 * turns it into the full replay job; it owns its output directory and replaces what it wrote there.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "Runs the job on a trace. For now: a trace with CSV tables is ingested to DIR/trace (Parquet), "
                    + "then the trace is inspected; the summary goes to DIR/summary.txt and to stdout.",
            "DIR/trace and DIR/summary.txt from an earlier run are replaced."
        })
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory (CSV or Parquet).")
    Path trace;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--max-errors", defaultValue = "20", paramLabel = "N",
            description = "Stop after N problems (default: ${DEFAULT-VALUE}).")
    int maxErrors;

    @Override
    public Integer call() throws IOException {
        if (maxErrors < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-errors: expected an integer >= 1, got " + maxErrors);
        }
        Path replayed = trace;
        if (Trace.open(trace).hasCsvTables()) {
            replayed = out.resolve("trace");
            TraceConverter.convert(trace, replayed, TraceConverter.Form.PARQUET, maxErrors, true);
        }
        String summary = TraceSummary.of(Trace.open(replayed)).toText();
        writeAtomically(out.resolve("summary.txt"), summary);
        spec.commandLine().getOut().print(summary);
        spec.commandLine().getOut().flush();
        return VirtReplay.EXIT_OK;
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
