package org.virtreplay.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.virtreplay.analysis.kvmstat.ExitComparison;
import org.virtreplay.analysis.kvmstat.ExitReport;
import org.virtreplay.analysis.kvmstat.ModelledExits;
import org.virtreplay.analysis.kvmstat.ObservedExits;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code virtreplay kvm-stat TRACE_OR_RUN}: guest exits by reason, as {@code perf kvm stat report} shows them —
 * observed (an imported recording's exits table) or modelled (a replay's exit_stats) — and, with
 * {@code --compare}, both side by side.
 */
@Command(name = "kvm-stat", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {"Prints guest exits by reason in the table of 'perf kvm stat report': VM-EXIT, Samples, "
                + "Samples%%, Time%%, Min Time, Max Time, Avg time ( +- relative standard deviation of the mean ) and "
                + "the totals line. Given an imported recording, its observed exits (exits table); given a replay's "
                + "output (the run directory or its metrics directory), the exits the hypervisor model took "
                + "(exit_stats).",
            "A trap is named by its exception class, any other exit by its type, as kvm_exit prints them "
                + "(SYS64, DABT_LOW, WFx, IRQ, ...). The time of an exit is, by default, the time KVM handled it: "
                + "from kvm_exit to the vCPU's next kvm_entry (an exit without a following entry is not counted); "
                + "--time guest measures instead from the vCPU's previous kvm_entry to the kvm_exit, which is what "
                + "perf kvm stat on arm64 reports (observed exits only).",
            "--compare puts a replay's modelled exits beside the observed exits of the recording it replayed "
                + "(found as the run's DIR/trace, or by run_info's input name and digest in the current directory "
                + "or beside the run; or given with --trace): samples and average time per reason, with the relative "
                + "difference (modelled - observed) / observed. See docs/kvm-stat.md.",
            "Example:",
            "  virtreplay import --kvm-events trace.txt --out rec",
            "  virtreplay kvm-stat rec --vcpu 0",
            "  virtreplay kvm-stat rec --time guest --format csv > exits.csv",
            "  virtreplay run rec --out out",
            "  virtreplay kvm-stat out --compare"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:table printed (or the one line saying the selection has no exits)", "1:internal error",
            "2:bad input: TRACE_OR_RUN unreadable, a trace without an exits table, a replay's output without "
                + "exit_stats; --event mmio or --time guest for modelled exits; --compare without a replay's output "
                + "or without a recording with exits; unknown --vm; bad option"})
public final class KvmStatCommand implements Callable<Integer> {
    /** run_info's key of a VM's name: vm.ID.name. */
    private static final Pattern VM_NAME_KEY = Pattern.compile("vm\\.(\\d+)\\.name");

    @Parameters(index = "0", paramLabel = "TRACE_OR_RUN", description = "An imported trace directory (virtreplay "
            + "import --kvm-events ...), or a replay's output: the directory of 'virtreplay run --out' or its "
            + "metrics directory ('virtreplay replay --out').")
    Path trace;

    @Option(names = "--compare", description = "Observed vs modelled per reason (TRACE_OR_RUN must be a replay's "
            + "output of a recording with exits).")
    boolean compare;

    @Option(names = "--trace", paramLabel = "DIR", description = "With --compare: the recording to compare with "
            + "(default: the run's DIR/trace, or run_info's input found by name and digest).")
    Path observedTrace;

    @Option(names = "--vm", paramLabel = "ID|NAME", description = "Only this VM (its id or name; default: all).")
    String vm;

    @Option(names = "--vcpu", paramLabel = "N", description = "Only vCPU N (of every selected VM; default: all).")
    Integer vcpu;

    @Option(names = "--event", paramLabel = "vmexit|mmio", defaultValue = "vmexit",
            description = "vmexit: every exit by reason; mmio: data aborts at IPAs outside RAM memslots, by IPA and "
                    + "direction (needs memslots: import a stage-2 dump too) (default: ${DEFAULT-VALUE}).")
    String event;

    @Option(names = "--time", paramLabel = "handled|guest", defaultValue = "handled",
            description = "handled: kvm_exit to the next kvm_entry; guest: previous kvm_entry to kvm_exit, as perf "
                    + "kvm stat on arm64 (default: ${DEFAULT-VALUE}).")
    String time;

    @Option(names = {"-k", "--key"}, paramLabel = "sample|time", defaultValue = "sample",
            description = "Sort by samples or by average time, largest first (default: ${DEFAULT-VALUE}).")
    String key;

    @Option(names = "--format", paramLabel = "text|csv|json", defaultValue = "text",
            description = "text (perf's layout, microseconds), csv or json (nanoseconds) (default: ${DEFAULT-VALUE}).")
    String format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        InputHints.requireTraceDirectory(trace);
        check("--event", event, List.of("vmexit", "mmio"));
        check("--time", time, List.of("handled", "guest"));
        check("--key", key, List.of("sample", "time"));
        check("--format", format, List.of("text", "csv", "json"));
        if (vcpu != null && vcpu < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "option '--vcpu': expected a vCPU index >= 0, got '" + vcpu + "'");
        }
        if (observedTrace != null && !compare) {
            throw new CommandLine.ParameterException(spec.commandLine(), "option '--trace': only with --compare");
        }
        Path metrics = metricsDir(trace);
        if (metrics == null && compare) {
            throw new BadInputException(trace + ": --compare needs a replay's output (the modelled exits), not a "
                    + "trace: give the directory of 'virtreplay run --out' or 'virtreplay replay --out'");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (metrics == null) {
            Trace t = Trace.open(trace);
            print(out, ObservedExits.report(t, new ObservedExits.Selection(event, time, key, vmId(t), vcpu)));
            return VirtReplay.EXIT_OK;
        }
        RunOutput run = RunOutput.open(metrics);
        ObservedExits.Selection sel = new ObservedExits.Selection(event, time, key, vmId(run), vcpu);
        ExitReport modelled = ModelledExits.report(run, sel);
        if (!compare) {
            print(out, modelled);
            return VirtReplay.EXIT_OK;
        }
        Path recording = recording(metrics, run);
        Trace t = Trace.open(recording);
        if (!t.has(TableKind.EXITS)) {
            throw new BadInputException(recording + ": nothing observed to compare with: the trace has no exits table "
                    + "(import the recording's KVM events with 'virtreplay import --kvm-events FILE', or give one with "
                    + "--trace DIR)");
        }
        ExitComparison c = new ExitComparison(ObservedExits.report(t, sel), modelled);
        out.print(switch (format) {
            case "csv" -> c.toCsv();
            case "json" -> c.toJson();
            default -> c.toText();
        });
        out.flush();
        return VirtReplay.EXIT_OK;
    }

    private void print(PrintWriter out, ExitReport r) {
        // an empty selection is one line in every format: the text line, the CSV header, the JSON object with no rows
        out.print(switch (format) {
            case "csv" -> r.toCsv();
            case "json" -> r.toJson();
            default -> r.toText();
        });
        out.flush();
    }

    /** The directory holding run_info.parquet: {@code p} itself (replay --out) or {@code p/metrics} (run --out); else null. */
    static Path metricsDir(Path p) {
        String info = MetricTables.RUN_INFO.fileName();
        if (Files.isRegularFile(p.resolve(info))) {
            return p;
        }
        return Files.isRegularFile(p.resolve("metrics").resolve(info)) ? p.resolve("metrics") : null;
    }

    /**
     * The recording a run replayed: --trace; else the run's own ingested copy (OUT/trace beside
     * OUT/metrics); else the directory run_info names as its input, in the current directory or beside
     * the run's output, taken only when its digest is run_info's (the name alone could be another trace).
     */
    private Path recording(Path metrics, RunOutput run) {
        if (observedTrace != null) {
            return observedTrace;
        }
        Path abs = metrics.toAbsolutePath().normalize();
        Path runDir = abs.getParent();
        // run's layout only (OUT/metrics beside OUT/trace): a replay --out DIR's neighbour named trace is not its input
        if (runDir != null && abs.getFileName().toString().equals("metrics")
                && Files.isRegularFile(runDir.resolve("trace").resolve("manifest.csv"))) {
            return runDir.resolve("trace");
        }
        String name = run.runInfo().get(RunInfo.INPUT);
        String digest = run.runInfo().get(RunInfo.INPUT_DIGEST);
        List<Path> tried = new ArrayList<>();
        if (name != null && !name.isEmpty() && digest != null) {
            List<Path> bases = new ArrayList<>();
            bases.add(Path.of("").toAbsolutePath());
            // beside the output: replay --out DIR (metrics = DIR) or run --out OUT (metrics = OUT/metrics)
            for (Path d = abs.getParent(); d != null && bases.size() < 3; d = d.getParent()) {
                bases.add(d);
            }
            for (Path b : bases) {
                Path c = b.resolve(name).normalize();
                if (tried.contains(c)) {
                    continue;
                }
                tried.add(c);
                if (Files.isRegularFile(c.resolve("manifest.csv")) && ReplayJob.provenance(c).digest().equals(digest)) {
                    return c;
                }
            }
        }
        throw new BadInputException(metrics + ": --compare needs the recording the run replayed: run_info names its "
                + "input '" + name + "' (" + digest + ") but no directory of that name and digest is at "
                + tried.stream().map(Path::toString).collect(Collectors.joining(" or ")) + "; give it with --trace DIR");
    }

    private Integer vmId(RunOutput run) {
        if (vm == null) {
            return null;
        }
        Map<Integer, String> names = new TreeMap<>();
        for (Map.Entry<String, String> e : run.runInfo().entrySet()) {
            Matcher m = VM_NAME_KEY.matcher(e.getKey());
            if (m.matches()) {
                names.put(Integer.parseInt(m.group(1)), e.getValue());
            }
        }
        StringBuilder known = new StringBuilder();
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            if (e.getValue().equals(vm) || Integer.toString(e.getKey()).equals(vm)) {
                return e.getKey();
            }
            known.append(known.length() == 0 ? "" : ", ").append(e.getKey()).append(" '").append(e.getValue())
                    .append('\'');
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "option '--vm': expected a VM of " + trace
                + " (" + known + "), got '" + vm + "'");
    }

    private Integer vmId(Trace t) {
        if (vm == null) {
            return null;
        }
        StringBuilder known = new StringBuilder();
        for (VmRecord v : t.vms()) {
            if (v.name().equals(vm) || Integer.toString(v.vm()).equals(vm)) {
                return v.vm();
            }
            known.append(known.length() == 0 ? "" : ", ").append(v.vm()).append(" '").append(v.name()).append('\'');
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "option '--vm': expected a VM of " + trace
                + " (" + known + "), got '" + vm + "'");
    }

    private void check(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "option '" + option + "': expected "
                    + String.join(", ", allowed) + ", got '" + value + "'");
        }
    }
}
