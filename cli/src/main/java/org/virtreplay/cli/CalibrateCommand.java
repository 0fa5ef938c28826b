package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.calibrate.Calibrator;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.UserText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay calibrate}: the cost model fitted to a recording's exits and interrupt latencies. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "Fits the cost model's free costs (exit, entry, list-register flush, injection, stage-2 fault, MMIO, "
                    + "trap, wake-up, device host handling; docs/costs.md) to the trace's observed exit durations "
                    + "(exits.duration_ns) and interrupt latencies (irq ack_ts - ts) by least squares on medians per "
                    + "exit reason and interrupt class, replaying the trace in-process, and writes a scenario file "
                    + "with the fitted costs and, as comments, each statistic's observed and modelled value and "
                    + "residual (docs/calibrate.md).",
            "Refuses (exit 2) when the recording does not constrain a free cost, naming it and the observation "
                    + "that would; --fix holds it at the starting scenario's value."
        },
        footer = {"", "Example:",
            "  virtreplay calibrate recorded --out host.txt --fix trap_cycles=0",
            "  virtreplay replay recorded --out m --scenario host.txt"})
public final class CalibrateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory with observations.")
    Path trace;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Scenario file to write.")
    Path out;

    @Option(names = "--scenario", paramLabel = "FILE", description = "Starting scenario (host, and the costs the fit "
            + "starts from or holds); default: the defaults.")
    Path scenarioFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one scenario key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--fix", paramLabel = "NAME[=VALUE]", description = "Hold a cost (name as in cost.NAME, with or "
            + "without the cost. prefix) at VALUE, or at the starting scenario's value (repeatable).")
    List<String> fixes = new ArrayList<>();

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        Scenario sc = scenarioFile == null ? Scenario.defaults() : Scenario.read(scenarioFile);
        for (String s : sets) {
            sc = with(sc, s, "--set");
        }
        List<String> fixed = new ArrayList<>();
        for (String f : fixes) {
            int eq = f.indexOf('=');
            String name = (eq < 0 ? f : f.substring(0, eq)).strip();
            name = name.startsWith("cost.") ? name.substring(5) : name;
            if (!org.virtreplay.engine.hyp.CostModel.NAMES.contains(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--fix: expected a cost name (cost.NAME, docs/costs.md), got " + UserText.quote(f));
            }
            if (eq >= 0) {
                sc = with(sc, "cost." + name + "=" + f.substring(eq + 1), "--fix");
            }
            fixed.add(name);
        }
        ReplayJob.config(sc, 1);
        Calibrator.Result r = Calibrator.run(new Calibrator.Options(trace, out, sc, fixed, force,
                quiet ? null : spec.commandLine().getErr()));
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "fitted %s to %d statistics in %d replays: %s%n", String.join(", ", r.fitted()),
                r.fits().size(), r.replays(), out);
        pw.flush();
        return VirtReplay.EXIT_OK;
    }

    private Scenario with(Scenario sc, String s, String option) {
        int eq = s.indexOf('=');
        Scenario.Key k = eq < 0 ? null : Scenario.key(s.substring(0, eq).strip());
        if (k == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + ": expected KEY=VALUE with a scenario key (see docs/scenario.md), got " + UserText.quote(s));
        }
        return sc.with(k, s.substring(eq + 1).strip(), option + " " + s.strip());
    }
}
