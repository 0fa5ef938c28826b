package org.virtreplay.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
        if (Files.isDirectory(trace) && !FormatSniffer.isTraceDirectory(trace)) {
            directoryOfInputs(trace);
        }
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

    /**
     * A directory without a manifest that holds what a user meant to give (sample-traces/ holds
     * traces, sample-traces/lackey/ lackey logs) is named with what it holds, instead of the
     * trace reader's missing manifest and vms table. Anything else is left to that reader.
     */
    private static void directoryOfInputs(Path dir) {
        String runInfo = "run_info.parquet";
        if (Files.exists(dir.resolve(runInfo)) || Files.exists(dir.resolve("metrics").resolve(runInfo))) {
            return; // a replay's or run's output (kvm-stat reads those; run's holds its trace/)
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().limit(200).toList();
        } catch (IOException | RuntimeException e) {
            return; // unreadable: the trace reader says why
        }
        List<String> traces = entries.stream().filter(FormatSniffer::isTraceDirectory)
                .map(p -> p.getFileName().toString()).toList();
        if (!traces.isEmpty()) {
            throw new BadInputException(dir + ": a directory of traces, not a trace (no manifest.csv); give one of "
                    + "them: " + String.join(", ", traces.subList(0, Math.min(5, traces.size())))
                    + (traces.size() > 5 ? ", …" : "") + ", e.g. " + dir.resolve(traces.get(0)));
        }
        List<Path> lackey = entries.stream().filter(Files::isRegularFile).limit(20)
                .filter(p -> FormatSniffer.sniffContent(p) == FormatSniffer.Format.LACKEY).toList();
        if (!lackey.isEmpty()) {
            throw new BadInputException(dir + ": a directory of Valgrind lackey logs, not a trace (no manifest.csv); "
                    + "give one log: " + FormatSniffer.Format.LACKEY.hint(lackey.get(0)));
        }
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
        // By content first: a lackey log saved under a table's name (dir/mem.csv) is still a lackey
        // log, and is replayed; the name decides only for text that looks like nothing known.
        FormatSniffer.Format f = FormatSniffer.sniffContent(trace);
        if (f == FormatSniffer.Format.UNKNOWN) {
            f = FormatSniffer.sniff(trace);
        }
        if (f != FormatSniffer.Format.UNKNOWN && f != FormatSniffer.Format.LACKEY) {
            throw new BadInputException(trace + ": " + f.description() + ", not a lackey log; "
                    + f.hint(trace));
        }
    }
}
