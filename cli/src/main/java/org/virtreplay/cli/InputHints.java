package org.virtreplay.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.FormatSniffer;

/**
 * One line naming the right command when a user gives a command the wrong kind of input: a file to
 * a command that reads a trace directory, a directory or another format to {@code tlb}. The file's
 * first lines are sniffed ({@link FormatSniffer}); what is not recognised is left to the command's
 * own reader and its line-by-line problems.
 */
final class InputHints {
    private InputHints() {
    }

    /** Refuses a regular file where a canonical trace directory is expected, naming what it is. */
    static void requireTraceDirectory(Path trace) {
        if (!Files.isRegularFile(trace)) {
            return; // a directory, or missing: the trace reader's own messages
        }
        FormatSniffer.Format f = FormatSniffer.sniff(trace);
        if (f == FormatSniffer.Format.UNKNOWN) {
            throw new BadInputException(trace + ": a file, not a trace directory (a trace is a directory with "
                    + "manifest.csv and one file per table; see docs/trace-format.md)");
        }
        throw new BadInputException(trace + ": " + f.description() + ", not a trace directory; "
                + f.hint(trace));
    }

    /** For {@code tlb}: a directory must be a canonical trace, or it is neither of what tlb reads. */
    static void requireTlbDirectory(Path trace) {
        if (Files.isDirectory(trace) && !FormatSniffer.isTraceDirectory(trace)) {
            notATrace(trace);
        }
    }

    private static void notATrace(Path dir) {
        throw new BadInputException(dir + ": a directory without manifest.csv, so neither a canonical trace nor a "
                + "lackey log (see docs/trace-format.md)");
    }

    /**
     * Refuses, for {@code tlb}'s lackey reader, a directory or a file that looks like another known
     * format.
     */
    static void requireLackeyFile(Path trace) {
        if (Files.isDirectory(trace)) {
            if (FormatSniffer.isTraceDirectory(trace)) {
                throw new BadInputException(trace + ": a canonical trace directory, not a lackey log; leave out "
                        + "--input-format lackey");
            }
            notATrace(trace);
        }
        if (!Files.isRegularFile(trace)) {
            return;
        }
        FormatSniffer.Format f = FormatSniffer.sniff(trace);
        if (f != FormatSniffer.Format.UNKNOWN && f != FormatSniffer.Format.LACKEY) {
            throw new BadInputException(trace + ": " + f.description() + ", not a lackey log; "
                    + f.hint(trace));
        }
    }
}
