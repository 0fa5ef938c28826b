package org.virtreplay.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.virtreplay.ingest.inspect.TraceSummary;
import org.virtreplay.ingest.trace.Trace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay inspect}: summarise a trace in either form. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = "Reads (and validates) a canonical trace, CSV or Parquet, and prints rows per table, per VM "
                + "and vCPU, the time span, address ranges and the interrupt mix.")
public final class InspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory.")
    Path trace;

    // No defaultValue: picocli applies one after parsing, over what the --json alias set.
    @Option(names = "--format", paramLabel = "text|json",
            description = "text, or JSON (default: text).")
    String format = "text";

    /** The spelling before --format (kvm-stat's word) was used by every command; kept for scripts. */
    @Option(names = "--json", hidden = true)
    void json(boolean on) {
        format = on ? "json" : "text";
    }

    @Override
    public Integer call() {
        boolean json = TextOrJson.isJson(spec, format);
        InputHints.requireTraceDirectory(trace);
        TraceSummary s;
        try (PhaseProgress p = PhaseProgress.start(spec.commandLine().getErr(), "inspect: reading " + trace, false)) {
            s = TraceSummary.of(Trace.open(trace));
        }
        spec.commandLine().getOut().print(json ? s.toJson() : s.toText());
        spec.commandLine().getOut().flush();
        return VirtReplay.EXIT_OK;
    }
}
