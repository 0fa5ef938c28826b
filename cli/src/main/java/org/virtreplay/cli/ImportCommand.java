package org.virtreplay.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.importer.FormatOptions;
import org.virtreplay.ingest.importer.ImportJob;
import org.virtreplay.ingest.importer.ImportOptions;
import org.virtreplay.ingest.importer.SourceFormat;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.importer.VmSpec;
import org.virtreplay.ingest.importer.stage2.Stage2DumpParser;
import org.virtreplay.ingest.trace.Manifest;
import org.virtreplay.ingest.trace.TableKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code virtreplay import}: a canonical trace from what users record on Arm KVM hosts (docs/import.md). */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        sortOptions = false,
        description = {
            "Builds a canonical trace (docs/trace-format.md) from recordings of a real Arm KVM host: ftrace / "
                    + "trace-cmd KVM events, KVM stage-2 page-table dumps, guest page-table dumps, Arm SPE samples "
                    + "(perf script) and lackey logs. Every FILE may be plain or compressed (gzip, xz or zstd). See docs/import.md.",
            "Prints the thread-to-VM mapping it chose and, per source, lines read, records used, records skipped by "
                    + "kind and what it inferred (also written to the manifest). A malformed record is reported as "
                    + "FILE:LINE: ... and nothing is written (exit 2), unless --lenient skips it with a count."
        })
public final class ImportCommand implements Callable<Integer> {
    /** System property: rows per table sorted in memory before a run is written to disk. */
    static final String BUFFER_ROWS = "virtreplay.import.buffer-rows";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Trace directory to write (must not exist unless --force).")
    Path out;

    @Option(names = "--to", defaultValue = "parquet", paramLabel = "FORM",
            description = "Form to write: parquet or csv (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--kvm-events", paramLabel = "FILE",
            description = "Host ftrace text (/sys/kernel/tracing/trace, trace_pipe) or trace-cmd report output of the "
                    + "kvm:* and sched:* events. Several files are merged by time (e.g. per-CPU buffers).")
    List<Path> kvmEvents = new ArrayList<>();

    @Option(names = "--stage2", paramLabel = "VM=FILE",
            description = "A KVM stage2_page_tables dump of VM (/sys/kernel/debug/kvm/PID-FD/).")
    List<String> stage2 = new ArrayList<>();

    @Option(names = "--guest-tables", paramLabel = "VM=FILE",
            description = "A guest's arm64 kernel_page_tables dump (stage 1) of VM.")
    List<String> guestTables = new ArrayList<>();

    @Option(names = "--spe", paramLabel = "VM=FILE", description = "Arm SPE samples of VM as printed by perf script.")
    List<String> spe = new ArrayList<>();

    @Option(names = "--lackey", paramLabel = "VM:VCPU=FILE",
            description = "A Valgrind lackey log as the access stream of vCPU VCPU of VM.")
    List<String> lackey = new ArrayList<>();

    @Option(names = "--s2-granule", paramLabel = "SIZE",
            description = "Stage-2 granule of the --stage2 dumps: 4k, 16k or 64k (default: the largest the dump's page "
                    + "and block sizes fit).")
    String s2Granule;

    @Option(names = "--s2-x-column", paramLabel = "MEANING", defaultValue = "xn",
            description = "What the single X column of a v9-form stage-2 dump means: xn (execute-never, as Linux "
                    + "6.12..6.18 print it) or exec (trees with the swapped strings) (default: ${DEFAULT-VALUE}).")
    String s2XColumn;

    @Option(names = "--guest-ram-base", paramLabel = "VM=IPA",
            description = "The IPA of VM's RAM base, which the first byte of its linear map maps (--guest-tables; "
                    + "default 0x40000000, QEMU virt's).")
    List<String> guestRamBase = new ArrayList<>();

    @Option(names = "--spe-period", paramLabel = "N",
            description = "SPE sampling interval of the --spe captures (perf record -c N or period=N), when perf "
                    + "script --header is not part of them.")
    Long spePeriod;

    @Option(names = "--vm", paramLabel = "NAME=PID[,TID...]",
            description = "The VM called NAME is process PID (its threads by tgid) plus the threads TID...")
    List<String> vms = new ArrayList<>();

    @Option(names = "--offset", paramLabel = "SOURCE=NS",
            description = "Add NS nanoseconds (may be negative) to the times of SOURCE (a FILE as given, or its name), "
                    + "to align sources recorded with different clocks.")
    List<String> offsets = new ArrayList<>();

    @Option(names = "--clock", paramLabel = "CLOCK",
            description = "The trace clock the sources were recorded with: local (ftrace's default), mono, boot or "
                    + "counter (default: what the sources say; ftrace text: local).")
    String clock;

    @Option(names = "--lenient", description = "Skip malformed records (counted in the report) instead of failing.")
    boolean lenient;

    @Option(names = "--force", description = "Replace DIR if it exists (only after the new trace is complete).")
    boolean force;

    @Option(names = "--max-errors", defaultValue = "20", paramLabel = "N",
            description = "Stop after N problems (default: ${DEFAULT-VALUE}).")
    int maxErrors;

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet; // import draws no progress yet; accepted so that -q means the same everywhere

    @Option(names = "--brief", description = "Print only the final summary line (not the lines per source).")
    boolean brief;

    @Override
    public Integer call() {
        TraceConverter.Form form = TraceWriteOptions.form(spec.commandLine(), to);
        TraceWriteOptions.checkMaxErrors(spec.commandLine(), maxErrors);
        if (clock != null && (!Manifest.CLOCKS.contains(clock) || clock.equals("synthetic"))) {
            throw usage("--clock: expected one of local, mono, boot, counter, none, got '" + clock + "'");
        }
        List<SourceSpec> sources = new ArrayList<>();
        for (Path p : kvmEvents) {
            sources.add(SourceSpec.of(SourceFormat.KVM_EVENTS, p));
        }
        addVmSources(sources, SourceFormat.STAGE2, stage2);
        addVmSources(sources, SourceFormat.GUEST_TABLES, guestTables);
        addVmSources(sources, SourceFormat.SPE, spe);
        for (String s : lackey) {
            int eq = s.indexOf('=');
            int colon = eq < 0 ? -1 : s.lastIndexOf(':', eq);
            if (colon <= 0 || eq == s.length() - 1 || !s.substring(colon + 1, eq).matches("[0-9]{1,3}")) {
                throw usage("--lackey: expected VM:VCPU=FILE (e.g. web:0=lackey.log), got '" + s + "'");
            }
            String file = s.substring(eq + 1);
            sources.add(new SourceSpec(SourceFormat.LACKEY, s.substring(0, colon),
                    Integer.parseInt(s.substring(colon + 1, eq)), Path.of(file), file));
        }
        List<VmSpec> vmSpecs = new ArrayList<>();
        for (String v : vms) {
            vmSpecs.add(VmSpec.parse(v));
        }
        Map<String, Long> offs = new LinkedHashMap<>();
        for (String o : offsets) {
            int eq = o.lastIndexOf('=');
            if (eq <= 0 || !o.substring(eq + 1).matches("-?[0-9]{1,18}")) {
                throw usage("--offset: expected SOURCE=NS (e.g. spe.txt=-1500), got '" + o + "'");
            }
            offs.put(o.substring(0, eq), Long.parseLong(o.substring(eq + 1)));
        }
        // -Dvirtreplay.import.buffer-rows: a smaller in-memory sort buffer, so that fault drills and tests
        // see the external sort's run files with small inputs
        int bufferRows = Integer.getInteger(BUFFER_ROWS, ImportOptions.DEFAULT_BUFFER_ROWS);
        if (bufferRows < 1) {
            throw usage("-D" + BUFFER_ROWS + ": expected an integer >= 1, got " + bufferRows);
        }
        ImportOptions opts = new ImportOptions(out, form, force, lenient, maxErrors, clock, vmSpecs, offs, sources,
                bufferRows, formatOptions());
        ImportJob.Result r = ImportJob.run(opts);
        var w = spec.commandLine().getOut();
        if (!brief) {
            for (String line : r.report()) {
                w.println(line);
            }
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<TableKind, Long> e : r.rows().entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey().tableName()).append(' ').append(e.getValue());
        }
        w.println("imported " + sources.size() + (sources.size() == 1 ? " source" : " sources") + " -> " + out
                + " (" + to + "): " + b);
        w.flush();
        return VirtReplay.EXIT_OK;
    }

    /** The options of single formats (--s2-granule, --s2-x-column, --guest-ram-base, --spe-period). */
    private FormatOptions formatOptions() {
        Granule g = null;
        if (s2Granule != null) {
            g = switch (s2Granule.toLowerCase(Locale.ROOT)) {
                case "4k" -> Granule.K4;
                case "16k" -> Granule.K16;
                case "64k" -> Granule.K64;
                default -> throw usage("--s2-granule: expected 4k, 16k or 64k, got '" + s2Granule + "'");
            };
        }
        Stage2DumpParser.XColumn x = switch (s2XColumn) {
            case "xn" -> Stage2DumpParser.XColumn.EXECUTE_NEVER;
            case "exec" -> Stage2DumpParser.XColumn.EXECUTABLE;
            default -> throw usage("--s2-x-column: expected xn or exec, got '" + s2XColumn + "'");
        };
        Map<String, Long> bases = new LinkedHashMap<>();
        for (String b : guestRamBase) {
            int eq = b.indexOf('=');
            String v = eq < 0 ? "" : b.substring(eq + 1);
            if (eq <= 0 || !v.matches("0[xX][0-9a-fA-F]{1,12}") || (Long.parseLong(v.substring(2), 16) & 0xFFF) != 0) {
                throw usage("--guest-ram-base: expected VM=IPA with a 4K-aligned 0x-hex IPA (e.g. web=0x80000000), got '"
                        + b + "'");
            }
            String vm = b.substring(0, eq);
            if (guestTables.stream().noneMatch(t -> t.startsWith(vm + "="))) {
                throw usage("--guest-ram-base " + b + ": no --guest-tables source names vm '" + vm + "'");
            }
            bases.put(vm, Long.parseLong(v.substring(2), 16));
        }
        if (spePeriod != null && spePeriod < 1) {
            throw usage("--spe-period: expected an interval of at least 1, got " + spePeriod);
        }
        return new FormatOptions(g, x, bases, spePeriod == null ? -1 : spePeriod);
    }

    private void addVmSources(List<SourceSpec> sources, SourceFormat f, List<String> values) {
        for (String s : values) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw usage("--" + f.option() + ": expected VM=FILE (e.g. web=" + f.option() + ".txt), got '" + s + "'");
            }
            String file = s.substring(eq + 1);
            sources.add(new SourceSpec(f, s.substring(0, eq), -1, Path.of(file), file));
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
