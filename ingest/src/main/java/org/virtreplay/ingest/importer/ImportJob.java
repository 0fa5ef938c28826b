package org.virtreplay.ingest.importer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.guest.GuestTablesImporter;
import org.virtreplay.ingest.importer.kvm.KvmEventsImporter;
import org.virtreplay.ingest.importer.lackey.LackeyImporter;
import org.virtreplay.ingest.importer.spe.SpeImporter;
import org.virtreplay.ingest.importer.stage2.HostPaAllocator;
import org.virtreplay.ingest.importer.stage2.Stage2Importer;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.Problems;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Runs an import: declares the {@code --vm} VMs, lets each source's importer read its files into
 * one {@link ImportSink}, writes the trace into the temporary of an {@link AtomicOutput} (the
 * external sort's run files too), checks it with the trace reader, and renames it into place. Any
 * problem in the inputs (reported by the importers, up to {@code maxErrors}) fails the whole import
 * with exit 2 and leaves nothing at the target, nor beside it.
 */
public final class ImportJob {
    /** What an import wrote and what it prints. */
    public record Result(Map<TableKind, Long> rows, List<String> report) { }

    private ImportJob() {
    }

    /** The importers for the options' sources, in the fixed order of {@link SourceFormat}. */
    static List<SourceImporter> importers(ImportOptions o) {
        List<SourceImporter> list = new ArrayList<>();
        // one host PA space for every VM's imported memory, handed out in source order
        HostPaAllocator pas = new HostPaAllocator();
        GuestLayouts layouts = new GuestLayouts();
        for (SourceFormat f : SourceFormat.values()) {
            List<SourceSpec> specs = o.sources(f);
            if (specs.isEmpty()) {
                continue;
            }
            switch (f) {
                // several --kvm-events files are one event stream, merged by time (per-CPU buffers saved apart)
                case KVM_EVENTS -> list.add(new KvmEventsImporter(specs, o.vms(), otherVmNames(o)));
                case STAGE2 -> list.add(new Stage2Importer(specs, o.formats(), o.lenient(), o.maxErrors(), pas,
                        layouts));
                case GUEST_TABLES -> list.add(new GuestTablesImporter(specs, o.formats(), o.lenient(), o.maxErrors(),
                        layouts));
                case SPE -> list.add(new SpeImporter(specs, o.formats(), o.lenient(), o.maxErrors()));
                case LACKEY -> list.add(new LackeyImporter(specs, o.lenient(), o.maxErrors(), layouts));
            }
        }
        if (!o.sources(SourceFormat.GUEST_TABLES).isEmpty() || !o.sources(SourceFormat.LACKEY).isEmpty()) {
            list.add(layouts); // the guests' stage-1 registers, once every source is read
        }
        return list;
    }

    /** The VM names the sources other than --kvm-events give, distinct, in order. */
    static List<String> otherVmNames(ImportOptions o) {
        List<String> names = new ArrayList<>();
        for (SourceSpec s : o.sources()) {
            if (s.vm() != null && !names.contains(s.vm())) {
                names.add(s.vm());
            }
        }
        return names;
    }

    /** The phase after every source is read (the sorted runs are on disk), before the tables are written. */
    public static final String PHASE_READ = "import:read";
    /** The phase after the tables are written, before the written trace is checked and renamed into place. */
    public static final String PHASE_WRITTEN = "import:written";

    public static Result run(ImportOptions o) {
        if (o.sources().isEmpty()) {
            throw new BadInputException("import: no source given (--kvm-events FILE, --stage2 VM=FILE, "
                    + "--guest-tables VM=FILE, --spe VM=FILE, --lackey VM:VCPU=FILE)");
        }
        Path[] inputs = new Path[o.sources().size()];
        for (int i = 0; i < inputs.length; i++) {
            SourceSpec s = o.sources().get(i);
            // a stage-2 source may also be a copy of the VM's debugfs directory (with ipa_range, stage2_levels)
            if (!Files.isRegularFile(s.file()) && !(s.format() == SourceFormat.STAGE2 && Files.isDirectory(s.file()))) {
                throw new BadInputException(s.label() + ": no such file (--" + s.format().option() + ")");
            }
            inputs[i] = s.file();
        }
        // refused before any work, as every command refuses: an existing --out without --force, an
        // --out that is or holds a source
        AtomicOutput.check(o.out(), o.force(), inputs);
        List<SourceImporter> importers = importers(o);
        // everything, the sorted runs of the external sort included, goes under the output's
        // temporary .OUT.tmp-PID-N: a failure, SIGTERM or a later run after kill -9 removes all of it
        try (AtomicOutput out = AtomicOutput.directory(o.out(), o.force(), inputs)) {
            Path tmp = out.path();
            Path work = Files.createDirectory(tmp.resolve(".runs"));
            Problems problems = new Problems(o.maxErrors());
            ImportSink sink = new ImportSink(work, o.lenient(), problems, o.offsets(), o.bufferRows());
            sink.clockOption(o.clock());
            for (VmSpec v : o.vms()) {
                sink.vm(v.name());
            }
            long c0 = cpu();
            for (SourceImporter imp : importers) {
                imp.read(sink);
            }
            for (SourceImporter imp : importers) {
                imp.finish(sink);
            }
            long c1 = cpu();
            problems.throwIfAny();
            List<String> unused = sink.unusedOffsets();
            if (!unused.isEmpty()) {
                throw new BadInputException("--offset " + unused.get(0) + ": no source is called that (use the "
                        + "file as given on the command line, or its file name)");
            }
            AtomicOutput.phase(PHASE_READ);
            Map<TableKind, Long> rows = sink.write(tmp, o.form());
            long c2 = cpu();
            AtomicOutput.deleteTree(work);
            AtomicOutput.phase(PHASE_WRITTEN);
            check(tmp);
            long c3 = cpu();
            if (System.getenv("VR_IMPORT_TIMES") != null) {
                System.err.printf("cpu: read %.2f s, write %.2f s, check %.2f s%n", (c1 - c0) / 1e9, (c2 - c1) / 1e9,
                        (c3 - c2) / 1e9);
            }
            out.commit();
            return new Result(rows, sink.report());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /**
     * Reads the written manifest, {@code vms} and {@code memslots} back through the trace reader
     * (the sink checked every time-ordered row as it wrote it): an import must give a valid trace.
     */
    private static void check(Path dir) {
        Problems p = new Problems(20);
        try {
            Trace.open(dir, p);
        } catch (BadInputException e) {
            throw new IllegalStateException("import wrote an invalid trace (a bug): " + e.getMessage(), e);
        }
        if (p.any()) {
            throw new IllegalStateException("import wrote an invalid trace (a bug): " + String.join("; ", p.lines()));
        }
    }
}
