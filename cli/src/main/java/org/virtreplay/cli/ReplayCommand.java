package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.observe.ObservationEmitter;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.UserText;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.trace.Trace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay replay}: a trace through the modelled host, into metric tables. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {
            "Replays every VM of a canonical trace (CSV or Parquet) on the modelled host and writes the metric "
                    + "tables (tlb_stats, walk_lengths, stage2_faults, irq_latency, exit_stats, timeline, run_info; "
                    + "unless --no-events also fault_events and irq_events; with the stale-translation detector on, "
                    + "the default, stale_translations) as Parquet files into DIR; docs/metrics.md describes them.",
            "The host is the scenario file's (docs/scenario.md), with --set overrides; without one, the defaults: "
                    + "the trace's PE count, neoverse-n1 TLBs, 4 list registers, the trace's schedule."
        },
        footer = {"", "Example:", "  virtreplay replay sample-traces/quickstart --out out/metrics \\",
            "      --set core=cortex-a76",
            "  virtreplay replay gen --out out/m --set cost.exit_cycles=4000 \\",
            "      --emit-observations out/observed"})
public final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory.")
    Path trace;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the metric tables.")
    Path out;

    @CommandLine.Mixin
    HostOptions host;

    // As in run: negatable, on by default (picocli: --no-events false, --events true).
    @Option(names = "--no-events", negatable = true, defaultValue = "true",
            description = "Write fault_events and irq_events, one row per fault and interrupt (default: on; "
                    + "--no-events leaves them out).")
    boolean events;

    @Option(names = "--force", description = "Replace DIR (and OBSDIR) if it exists.")
    boolean force;

    @CommandLine.Mixin
    SummaryOptions summary;

    @Option(names = "--emit-observations", paramLabel = "OBSDIR", description = "Also write a copy of the trace "
            + "(Parquet) with the model's observations into OBSDIR: an exits table of the modelled exits and the "
            + "irq table's ack_ts set to the modelled acknowledge times (docs/calibrate.md).")
    Path emitObservations;

    @Override
    public Integer call() throws IOException {
        summary.check(spec);
        ReplayJob.Options o = options(spec, trace, out, host, events, force);
        ReplayJob.Result r = emitObservations == null ? ReplayJob.run(o, Stage2Ports.kvm())
                : ObservationEmitter.replay(o, Stage2Ports.kvm(), emitObservations);
        PrintWriter pw = spec.commandLine().getErr(); // stdout carries the summary only
        pw.printf(Locale.ROOT, "replayed %,d events (%,d memory accesses) in %.2f s%s: %s%n", r.events(), r.accesses(),
                r.wallNs() / 1e9, cpu(r.out()), r.out());
        pw.flush();
        staleNote(spec.commandLine().getErr(), r.out());
        summary.print(spec, r.out());
        return VirtReplay.EXIT_OK;
    }

    /**
     * The CPU times of the replay in {@code metrics} ({@code timing.json}), for the terminal line:
     * {@code " (cpu: model 2.91 s, mem decoding 0.93 s)"}, the decoding's thread's whole time added
     * when it read ahead on one; empty when they were not measured.
     */
    static String cpu(Path metrics) {
        RunTiming t = RunTiming.read(metrics).orElse(null);
        if (t == null || t.modelCpuNs() < 0 || t.memDecodeCpuNs() < 0) {
            return "";
        }
        String thread = t.memDecoderThreadCpuNs() < 0 ? ""
                : String.format(Locale.ROOT, ", reader thread %.2f s", t.memDecoderThreadCpuNs() / 1e9);
        return String.format(Locale.ROOT, " (cpu: model %.2f s, mem decoding %.2f s%s)", t.modelCpuNs() / 1e9,
                t.memDecodeCpuNs() / 1e9, thread);
    }

    /**
     * One line on stderr when the stale-translation detector found TLB entries hit after their
     * mapping changed (a missing TLBI): {@code stale translations: N (see stale_translations)}.
     */
    static void staleNote(PrintWriter err, Path metrics) {
        String n = RunOutput.open(metrics).runInfo().get(RunInfo.STALE_TRANSLATIONS);
        if (n != null && !n.equals("0")) {
            err.println("stale translations: " + n + " (see stale_translations)");
            err.flush();
        }
    }

    /** Validates the scenario, overrides and options (exit 2 on a problem) before anything is written. */
    static ReplayJob.Options options(CommandLine.Model.CommandSpec spec, Path trace, Path out, HostOptions host,
            boolean events, boolean force) {
        InputHints.requireTraceDirectory(trace);
        Path scenarioFile = host.scenarioFile;
        List<String> sets = host.sets;
        String window = host.window;
        boolean quiet = host.quiet;
        Scenario sc = scenarioFile == null ? Scenario.defaults() : Scenario.read(scenarioFile);
        sc = withSets(spec, sc, sets);
        ReplayJob.config(sc, 1); // combinations of values (TLB geometry) before anything is read or written
        // The host must fit the trace's recorded schedule: refused now, not after run's ingest.
        ReplayJob.checkScheduleFits(sc, Trace.open(trace));
        long windowNs = parseDuration(spec, "--window", window);
        if (!spec.commandLine().getParseResult().hasMatchedOption("--window")) {
            windowNs = -windowNs; // the default: ReplayJob widens it for a trace too long for it
        }
        Map<String, String> opts = new TreeMap<>();
        opts.put("window", window);
        opts.put("events", Boolean.toString(events));
        for (String s : sets) {
            opts.put("set." + s.substring(0, s.indexOf('=')).strip(), s.substring(s.indexOf('=') + 1).strip());
        }
        String scenarioName = scenarioFile == null ? "defaults" : scenarioFile.getFileName().toString();
        return new ReplayJob.Options(trace, out, sc, scenarioName, windowNs, events, quiet, force,
                VirtReplay.version(), opts);
    }

    /** {@code sc} with the {@code --set KEY=VALUE} words applied; a usage error names the known keys. */
    static Scenario withSets(CommandLine.Model.CommandSpec spec, Scenario sc, List<String> sets) {
        for (String s : sets) {
            String problem = Scenario.setProblem(s);
            if (problem != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), problem);
            }
            int eq = s.indexOf('=');
            sc = sc.with(Scenario.key(s.substring(0, eq).strip()), s.substring(eq + 1).strip(), "--set " + s.strip());
        }
        return sc;
    }

    static long parseDuration(CommandLine.Model.CommandSpec spec, String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long mult = 1;
        String num = t;
        if (t.endsWith("ns")) {
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            mult = 1_000L;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ms")) {
            mult = 1_000_000L;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            mult = 1_000_000_000L;
            num = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(num.strip());
            if (v > 0 && v <= Long.MAX_VALUE / mult) {
                return v * mult;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                option + ": expected a positive duration such as 1ms, 500us or 1000000 (ns), got "
                        + UserText.quote(text));
    }
}
