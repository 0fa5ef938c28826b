package org.virtreplay.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.progress.ProgressMeter;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay ingest}: validate a whole trace and write its Parquet (or canonical CSV) form. */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "Validates every table of a canonical trace (CSV, plain or compressed with gzip, xz or zstd; or Parquet) and writes it "
                    + "as Parquet (default) or as canonical CSV (--to csv, the way back).",
            "Each bad row is reported as FILE:LINE: column 'NAME': expected ..., got '...'; on any problem "
                    + "nothing is written and the exit code is 2. The format: docs/trace-format.md."
        })
public final class IngestCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Trace directory to read.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Trace directory to write (must not exist unless --force).")
    Path out;

    @Option(names = "--to", defaultValue = "parquet", paramLabel = "FORM",
            description = "Form to write: parquet or csv (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--max-errors", defaultValue = "20", paramLabel = "N",
            description = "Stop after N problems (default: ${DEFAULT-VALUE}).")
    int maxErrors;

    @Option(names = "--force", description = "Replace OUT if it exists (only after the new trace is complete).")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;

    @Override
    public Integer call() {
        InputHints.requireTraceDirectory(in);
        TraceConverter.Form form = TraceWriteOptions.form(spec.commandLine(), to);
        TraceWriteOptions.checkMaxErrors(spec.commandLine(), maxErrors);
        Map<TableKind, Long> rows = TraceConverter.convert(in, out, form, maxErrors, force,
                quiet ? TraceConverter.Progress.NONE : new TableMeters(in));
        StringBuilder b = new StringBuilder();
        for (Map.Entry<TableKind, Long> e : rows.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey().tableName()).append(' ').append(e.getValue());
        }
        spec.commandLine().getOut().println("ingested " + in + " -> " + out + " (" + to + "): " + b);
        spec.commandLine().getOut().flush();
        return VirtReplay.EXIT_OK;
    }

    /**
     * One progress line per table, drawn only on a terminal and only if the table takes long
     * enough to need it: rows per second (the meter's events/s) and, for a Parquet {@code mem}
     * table, whose row count is in its footer, the percentage done and the time left.
     */
    private static final class TableMeters implements TraceConverter.Progress {
        private final Path in;
        private TableKind kind;
        private ProgressMeter meter;

        TableMeters(Path in) {
            this.in = in;
        }

        @Override
        public void rows(TableKind k, long rows, boolean tableDone) {
            if (k != kind) {
                kind = k;
                long total = k == TableKind.MEM ? Trace.open(in).memRowCount() : -1;
                meter = ProgressMeter.forStderr("ingest " + k.tableName(), total, false);
            }
            if (tableDone) {
                meter.finish(rows);
            } else {
                meter.update(rows);
            }
        }
    }
}
