package org.virtreplay.ingest.importer.spe;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.FormatOptions;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.SourceImporter;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.TextInput;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * {@code --spe VM=FILE}: Arm SPE samples as {@code perf script} prints them
 * ({@link PerfScriptSpeParser}). Every sample becomes a row of the observation table
 * {@code spe_samples} (its hardware TLB outcome, caches, latency, PC, data VA and PA); a load or
 * store with a data address also becomes a sampled {@code mem} row.
 *
 * <p><b>vCPU and PE.</b> A sample of a thread named like a vCPU thread ({@code CPU N/KVM} of QEMU,
 * {@code kvm-vcpu-N} of kvmtool) was taken on the host: vCPU N, on the PE of the CPU column. Any other
 * thread is taken as recorded inside the guest ({@code perf} in the VM, with KVM's SPE
 * virtualisation): its CPU column is the vCPU and the PE is unknown. When the first sample is of a
 * vCPU thread, samples of other host threads are kept in {@code spe_samples} with vCPU -1 and give
 * no {@code mem} row.
 *
 * <p><b>mem rows.</b> {@code el} 1 for a PC (or, without one, a data address) in the upper VA range,
 * else 0; {@code access} {@code w} for a store, {@code r} for a load, and {@code r} when the capture
 * has no data_src column to tell (counted); {@code size} 1 byte, because SPE does not record the
 * access size and one byte never crosses a page.
 */
public final class SpeImporter implements SourceImporter {
    private static final Pattern VCPU_THREAD = Pattern.compile("^(?:CPU (\\d{1,3})/KVM|kvm-vcpu-(\\d{1,3}))$");

    private final List<SourceSpec> specs;
    private final FormatOptions formats;
    private final boolean lenient;
    private final int maxErrors;

    public SpeImporter(List<SourceSpec> specs, FormatOptions formats, boolean lenient, int maxErrors) {
        this.specs = List.copyOf(specs);
        this.formats = formats;
        this.lenient = lenient;
        this.maxErrors = maxErrors;
    }

    @Override
    public void read(ImportSink sink) {
        for (SourceSpec spec : specs) {
            readOne(sink, spec);
        }
    }

    /** Counts of one source. */
    private static final class Counts {
        long samples;
        long memRows;
        long memoryNoAddr;
        long opUnknown;
        long hostThread;
        long notMemory;
        long vcpuThread;
        long guestSide;
        int hostSide = -1; // -1 undecided, 1 host-side capture, 0 inside the guest
    }

    private void readOne(ImportSink sink, SourceSpec spec) {
        SourceSink src = sink.source(spec);
        int vm = sink.vm(spec.vm());
        TableKind sk = TableKind.SPE_SAMPLES;
        TableKind mk = TableKind.MEM;
        Row srow = sink.newRow(sk);
        Row mrow = sink.newRow(mk);
        int[] sc = new int[sk.columns().size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = i;
        }
        Counts c = new Counts();
        Issues issues = new Issues(spec.label(), lenient, maxErrors);
        PerfScriptSpeParser p = new PerfScriptSpeParser(issues);
        try (TextInput in = TextInput.open(spec.file(), spec.label())) {
            p.parse(in, s -> sample(s, vm, src, sk, srow, mk, mrow, c));
        } catch (BadInputException e) {
            for (String line : e.problems()) {
                src.problem(line);
            }
            return;
        }
        try {
            issues.finish();
        } catch (BadInputException e) {
            for (String line : e.problems()) {
                src.problem(line);
            }
            return;
        }
        provenance(sink, src, p, issues, c);
    }

    private static int sym(TableKind k, String col, String value) {
        return k.column(k.indexOf(col)).symbols().indexOf(value);
    }

    private static void sample(SpeSample s, int vm, SourceSink src, TableKind sk, Row r, TableKind mk, Row m,
            Counts c) {
        c.samples++;
        int vcpu;
        int pe;
        Matcher mt = s.comm() == null ? null : VCPU_THREAD.matcher(s.comm());
        boolean vcpuThread = mt != null && mt.matches();
        if (c.hostSide < 0) {
            c.hostSide = vcpuThread ? 1 : 0;
        }
        if (vcpuThread) {
            vcpu = Integer.parseInt(mt.group(1) != null ? mt.group(1) : mt.group(2));
            pe = s.cpu();
            c.vcpuThread++;
        } else if (c.hostSide == 1) {
            vcpu = -1;
            pe = s.cpu();
            c.hostThread++;
        } else {
            vcpu = Math.max(0, s.cpu());
            pe = -1;
            c.guestSide++;
        }
        int el;
        if (s.hasIp()) {
            el = (int) ((s.ip() >>> 55) & 1);
        } else if (s.hasAddr()) {
            el = (int) ((s.addr() >>> 55) & 1);
        } else {
            el = -1;
        }
        boolean memory = s.isMemory();
        String op = s.op();
        // ts,vm,vcpu,pe,el,op,pc,va,pa,tlb,l1d,llc,total_cycles,issue_cycles,xlat_cycles,events,data_src
        r.set(0, s.timeNs());
        r.set(1, vm);
        r.set(2, vcpu);
        r.set(3, pe);
        if (el >= 0) {
            r.set(4, el);
        } else {
            r.setNull(4);
        }
        if (op != null) {
            r.set(5, sym(sk, "op", op));
        } else if (!memory) {
            r.set(5, sym(sk, "op", "other"));
        } else {
            r.setNull(5);
        }
        setAddr(r, 6, s.hasIp(), s.ip());
        setAddr(r, 7, memory && s.hasAddr(), s.addr());
        setAddr(r, 8, s.hasPhys(), s.physAddr());
        setSym(r, 9, sk, "tlb", s.tlb());
        setSym(r, 10, sk, "l1d", s.l1d());
        setSym(r, 11, sk, "llc", s.llc());
        if (s.weight() >= 0) {
            r.set(12, Math.min(Integer.MAX_VALUE, s.weight()));
        } else {
            r.setNull(12);
        }
        r.setNull(13);
        r.setNull(14);
        r.setText(15, s.eventsCanonical());
        r.setText(16, s.dataSrcText());
        src.add(r);
        if (!memory) {
            c.notMemory++;
            return;
        }
        if (!s.hasAddr()) {
            c.memoryNoAddr++;
            return;
        }
        if (vcpu < 0) {
            return;
        }
        if (op == null) {
            c.opUnknown++;
        }
        // ts,vm,vcpu,el,access,va,size
        m.set(0, s.timeNs());
        m.set(1, vm);
        m.set(2, vcpu);
        m.set(3, Math.max(0, el));
        m.set(4, sym(mk, "access", "store".equals(op) ? "w" : "r"));
        m.set(5, s.addr());
        m.set(6, 1);
        src.add(m);
        c.memRows++;
    }

    private static void setAddr(Row r, int col, boolean has, long v) {
        if (has) {
            r.set(col, v);
        } else {
            r.setNull(col);
        }
    }

    private static void setSym(Row r, int col, TableKind k, String name, String v) {
        if (v == null) {
            r.setNull(col);
        } else {
            r.set(col, sym(k, name, v));
        }
    }

    private void provenance(ImportSink sink, SourceSink src, PerfScriptSpeParser p, Issues issues, Counts c) {
        String label = src.spec().label();
        src.lines(p.lines());
        src.records(p.eventLines());
        src.clock("local");
        src.note("clock_assumed", "perf's default clock (local_clock, as ftrace's local); a capture made with perf record -k "
                + "CLOCK is on CLOCK: name it with --clock");
        src.note("samples", Long.toString(c.samples));
        src.note("event_lines", p.eventLines() + " (one line per synthetic event; merged into " + c.samples
                + " samples)");
        src.used("synthetic_event", p.eventLines());
        src.note("mem_rows", Long.toString(c.memRows));
        for (Map.Entry<String, Long> e : p.unknownEvents().entrySet()) {
            src.unknown(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : issues.skipped().entrySet()) {
            src.skipped("malformed_" + e.getKey().replace(' ', '_'), e.getValue());
        }
        if (p.callchainLines() > 0) {
            src.note("callchain_lines", p.callchainLines() + " (frames of call chains: skipped)");
        }
        long period = formats.spePeriod() > 0 ? formats.spePeriod() : p.period();
        if (formats.spePeriod() > 0) {
            src.note("sampling_period", period + " (--spe-period)");
        } else if (period > 0) {
            src.note("sampling_period", period + " (perf script --header, line " + p.periodLine() + ")");
        } else {
            src.note("sampling_period", "unknown: perf script prints a period of 1 for every SPE sample; give the "
                    + "interval of perf record (-c N or period=N) with --spe-period, or print perf script --header");
        }
        if (c.samples > 0 && !p.hasAddrColumn()) {
            sink.message("spe " + label + ": the capture has no data addresses (no addr column): " + c.samples
                    + (c.samples == 1 ? " sample" : " samples") + " in spe_samples, no mem rows; print addr with perf "
                    + "script -F ...,addr,...");
        }
        if (c.memoryNoAddr > 0 && p.hasAddrColumn()) {
            src.skipped("memory_sample_without_addr", c.memoryNoAddr);
        }
        if (c.hostThread > 0) {
            src.skipped("host_thread_sample_no_mem_row", c.hostThread);
        }
        if (c.vcpuThread > 0) {
            src.inferred("vcpu", c.vcpuThread + " samples of vCPU threads (CPU N/KVM, kvm-vcpu-N): recorded on the "
                    + "host; vCPU from the thread name, PE from the CPU column");
        }
        if (c.guestSide > 0) {
            src.inferred("vcpu", c.guestSide + " samples of threads that are not vCPU threads: taken as recorded inside "
                    + "the guest; vCPU from the CPU column, PE unknown");
        }
        if (c.opUnknown > 0) {
            src.inferred("access", c.opUnknown + " mem rows read: the capture has no data_src column to tell loads "
                    + "from stores");
        }
        if (c.memRows > 0) {
            src.inferred("size", "1 byte per sampled access: SPE does not record the access size");
            src.inferred("el", "1 for a PC in the upper VA range (bit 55 set), else 0");
        }
    }
}
