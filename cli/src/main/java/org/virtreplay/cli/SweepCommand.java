package org.virtreplay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.analysis.sweep.Grid;
import org.virtreplay.analysis.sweep.Requirement;
import org.virtreplay.analysis.sweep.ScheduleNote;
import org.virtreplay.analysis.sweep.SweepRunner;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.reports.sweep.SweepReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay sweep}: a capacity-planning sweep, one full replay per grid point, in parallel. */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        sortOptions = false,
        description = {
            "Replays the trace once per point of a grid of host configurations, in parallel on local cores "
                    + "(docs/sweep.md), and writes into DIR: points/NNN/ (each point's metric tables), "
                    + "sweep_results.parquet and .csv (one row per point x VM: the point's configuration and the VM's TLB hit "
                    + "rate, misses per 1000 accesses, walk reads, stage-2 faults and interrupt percentiles), "
                    + "sweep.html (the study: each metric against each swept parameter, with bands across VMs) and "
                    + "grid.txt.",
            "",
            "The grid sets any scenario key (docs/scenario.md) plus 'vms' (VMs per host; the trace's VMs are "
                    + "replicated with fresh VMIDs when it has fewer) and 'overcommit' (vCPUs per PE; sets pes). "
                    + "One line 'key = v1, v2, ...' per parameter gives the cartesian product; a 'points:' section "
                    + "lists points explicitly.",
            "",
            "With --require, prints for each combination of the other parameters the largest 'vms' (or, when "
                    + "vms is not swept, the highest overcommit or the smallest pes / TLB size / list registers) "
                    + "whose worst VM meets every requirement, and marks that knee on the charts.",
            ""
        },
        footer = {
            "",
            "Metrics for --require: tlb_hit_rate, tlb_mpka, walk_reads_per_access, walk_reads_per_walk, s2_faults, "
                    + "s2_faults_translation, s2_faults_permission, s2_faults_access_flag, s2_faults_mmio, irq_p50_us, "
                    + "irq_p99_us, irq_p999_us, irq_max_us.",
            "",
            "Example:",
            "  virtreplay sweep sample-traces/quickstart --grid grid.txt --out out/sweep \\",
            "      --require \"irq_p99_us<=50\" --require \"tlb_hit_rate>=0.99\"",
            "with grid.txt:",
            "  vms = 1, 2, 4, 8",
            "  s2.backing = 4k, 2m",
            "",
            "Exit codes: 0 done, 2 bad input (grid, requirement, trace; nothing written), 1 internal error."
        })
public final class SweepCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "Trace directory.")
    Path trace;

    @Option(names = "--grid", required = true, paramLabel = "GRID", description = "Grid file (docs/sweep.md).")
    Path grid;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the sweep's output.")
    Path out;

    @Option(names = "--require", paramLabel = "EXPR",
            description = "A requirement METRIC OP NUMBER, e.g. \"irq_p99_us<=50\" (repeatable; OP: <= < >= > ==).")
    List<String> requirements = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N",
            description = "Points replayed at once, each on one core: the cores the sweep takes "
                    + "(default: one per 10 M accesses the points replay in all, at least 1, at most the "
                    + "available processors; a small sweep is faster on one). Only with the shared decoding "
                    + "turned off (docs/sweep.md): by default the points, in groups of up to 8, "
                    + "all run at once on one decoding of the trace.")
    Integer workers;

    @Option(names = "--scenario", paramLabel = "FILE", description = "Base scenario that the grid's values override.")
    Path scenarioFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key of the base scenario (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;

    @Option(names = "--force", description = "Replace DIR if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        InputHints.requireTraceDirectory(trace);
        if (workers != null && workers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--workers: expected a positive number, got " + workers);
        }
        // Cheap checks first, so that a typo costs nothing.
        List<Requirement> reqs = new ArrayList<>();
        for (String r : requirements) {
            reqs.add(Requirement.parse(r));
        }
        Grid g = Grid.read(grid);
        Scenario base = scenarioFile == null ? Scenario.defaults() : Scenario.read(scenarioFile);
        base = ReplayCommand.withSets(spec, base, sets);
        String traceName = trace.toAbsolutePath().normalize().getFileName().toString();
        String version = VirtReplay.version();
        SweepRunner.Options o = new SweepRunner.Options(trace, out, g, base,
                scenarioFile == null ? "defaults" : scenarioFile.getFileName().toString(), reqs,
                workers == null ? SweepRunner.AUTO_WORKERS : workers, quiet, force,
                version, spec.commandLine().getErr());
        SweepRunner.Result r = SweepRunner.run(o, Stage2Ports.kvm(),
                (dir, rows, knees) -> SweepReport.write(dir, traceName, version, g, rows, knees));
        // With --quiet too: a warning, not progress. Said once the sweep is done, beside its results, so
        // that a failed sweep's stderr holds only its problems.
        String scheduleNote = ScheduleNote.ofSetups(r.setups());
        if (scheduleNote != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("virtreplay sweep: warning: " + scheduleNote);
            err.flush();
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "swept %d points (%d rows) in %.2f s with %d worker%s: %s%n", g.points().size(),
                r.rows().size(), r.wallNs() / 1e9, r.workers(), r.workers() == 1 ? "" : "s", r.out());
        // CPU apart from the wall time, the mem decoding apart from the models (also in DIR/timing.json)
        pw.println(r.timing().cpuLine());
        pw.println("study: " + r.out().resolve(SweepReport.FILE));
        if (!reqs.isEmpty()) {
            pw.println();
            pw.print(r.knees().table());
            pw.println();
            for (String sentence : r.knees().sentences(r.rows())) {
                pw.println(sentence);
            }
        }
        pw.flush();
        return VirtReplay.EXIT_OK;
    }
}
