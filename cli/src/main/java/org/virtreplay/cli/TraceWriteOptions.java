package org.virtreplay.cli;

import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.convert.TraceConverter;
import picocli.CommandLine;

/**
 * The checks of {@code --to FORM} (both commands writing a trace, {@code import} and
 * {@code ingest}) and {@code --max-errors N} (every command that has it: those two, {@code run} and
 * {@code tlb}), so that they accept and refuse the same values with the same words.
 */
final class TraceWriteOptions {
    private TraceWriteOptions() {
    }

    /** The form {@code --to} names; a usage error (exit 2) for anything but parquet or csv. */
    static TraceConverter.Form form(CommandLine cmd, String to) {
        return switch (to) {
            case "parquet" -> TraceConverter.Form.PARQUET;
            case "csv" -> TraceConverter.Form.CSV;
            default -> throw new CommandLine.ParameterException(cmd,
                    "--to: expected parquet or csv, got " + UserText.quote(to));
        };
    }

    /** A usage error (exit 2) unless {@code --max-errors} is at least 1. */
    static void checkMaxErrors(CommandLine cmd, int maxErrors) {
        if (maxErrors < 1) {
            throw new CommandLine.ParameterException(cmd, "--max-errors: expected an integer >= 1, got " + maxErrors);
        }
    }
}
