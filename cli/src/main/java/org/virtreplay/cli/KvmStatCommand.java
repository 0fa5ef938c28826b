package org.virtreplay.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.kvmstat.ExitReport;
import org.virtreplay.analysis.kvmstat.ObservedExits;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code virtreplay kvm-stat TRACE}: observed guest exits by reason, as {@code perf kvm stat report} shows them. */
@Command(name = "kvm-stat", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = {"Prints the guest exits of an imported recording (its observed exits table) by reason, in the "
                + "table of 'perf kvm stat report': VM-EXIT, Samples, Samples%%, Time%%, Min Time, Max Time, Avg time "
                + "( +- relative standard deviation of the mean ) and the totals line.",
            "A trap is named by its exception class, any other exit by its type, as kvm_exit prints them "
                + "(SYS64, DABT_LOW, WFx, IRQ, ...). The time of an exit is, by default, the time KVM handled it: "
                + "from kvm_exit to the vCPU's next kvm_entry (an exit without a following entry is not counted); "
                + "--time guest measures instead from the vCPU's previous kvm_entry to the kvm_exit, which is what "
                + "perf kvm stat on arm64 reports. See docs/kvm-stat.md.",
            "Example:",
            "  virtreplay import --kvm-events trace.txt --out rec",
            "  virtreplay kvm-stat rec --vcpu 0",
            "  virtreplay kvm-stat rec --time guest --format csv > exits.csv"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:table printed (or the one line saying the selection has no exits)", "1:internal error",
            "2:bad input: TRACE unreadable, without an exits table, or a replay's output (its modelled exits are "
                + "not written yet); unknown --vm; bad option"})
public final class KvmStatCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TRACE", description = "an imported trace directory (virtreplay import "
            + "--kvm-events ...)")
    Path trace;

    @Option(names = "--vm", paramLabel = "ID|NAME", description = "only this VM (its id or name; default: all)")
    String vm;

    @Option(names = "--vcpu", paramLabel = "N", description = "only vCPU N (of every selected VM; default: all)")
    Integer vcpu;

    @Option(names = "--event", paramLabel = "vmexit|mmio", defaultValue = "vmexit",
            description = "vmexit: every exit by reason; mmio: data aborts at IPAs outside RAM memslots, by IPA and "
                    + "direction (needs memslots: import a stage-2 dump too) (default: ${DEFAULT-VALUE})")
    String event;

    @Option(names = "--time", paramLabel = "handled|guest", defaultValue = "handled",
            description = "handled: kvm_exit to the next kvm_entry; guest: previous kvm_entry to kvm_exit, as perf "
                    + "kvm stat on arm64 (default: ${DEFAULT-VALUE})")
    String time;

    @Option(names = {"-k", "--key"}, paramLabel = "sample|time", defaultValue = "sample",
            description = "sort by samples or by average time, largest first (default: ${DEFAULT-VALUE})")
    String key;

    @Option(names = "--format", paramLabel = "text|csv|json", defaultValue = "text",
            description = "text (perf's layout, microseconds), csv or json (nanoseconds) (default: ${DEFAULT-VALUE})")
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
        if (Files.isRegularFile(trace.resolve("run_info.parquet"))) {
            throw new BadInputException(trace + ": a replay's output; kvm-stat of modelled exits (exit_stats) is not "
                    + "available yet: give an imported trace (virtreplay import --kvm-events ...)");
        }
        Trace t = Trace.open(trace);
        ExitReport r = ObservedExits.report(t, new ObservedExits.Selection(event, time, key, vmId(t), vcpu));
        PrintWriter out = spec.commandLine().getOut();
        if (r.rows().isEmpty() && !format.equals("text")) {
            // one line in every format: the CSV header alone, or the JSON object with no rows
            out.print(format.equals("csv") ? r.toCsv() : r.toJson());
        } else {
            out.print(switch (format) {
                case "csv" -> r.toCsv();
                case "json" -> r.toJson();
                default -> r.toText();
            });
        }
        out.flush();
        return VirtReplay.EXIT_OK;
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
