package org.virtreplay.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that describe the modelled host and the replay's output, shared by {@code replay} and {@code run}. */
public final class HostOptions {

    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario file (docs/scenario.md).")
    Path scenarioFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one scenario key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--window", defaultValue = "1ms", paramLabel = "DURATION",
            description = "Width of a timeline window: ns, or with a unit ns, us, ms, s (default: ${DEFAULT-VALUE}); "
                    + "at most 1,000,000 windows over the trace's span.")
    String window;

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;
}
