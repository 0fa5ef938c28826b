package org.virtreplay.ingest.importer.kvm;

import static org.virtreplay.ingest.importer.kvm.KvmEvent.KNOWN;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_ACCESS_FAULT;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_ENTRY;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_EXIT;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_GUEST_FAULT;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_HANDLE_SYS_REG;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_HVC_ARM64;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_IRQ_LINE;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_MMIO;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_MMIO_EMULATE;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_SET_IRQ;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_SYS_ACCESS;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_TIMER_UPDATE_IRQ;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_USERSPACE_EXIT;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_VCPU_WAKEUP;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.KVM_WFX_ARM64;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.SCHED_SWITCH;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.SCHED_WAKEUP;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.SCHED_WAKEUP_NEW;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.SCHED_WAKING;
import static org.virtreplay.ingest.importer.kvm.KvmEvent.VGIC_UPDATE_IRQ_PENDING;
import static org.virtreplay.ingest.importer.kvm.VcpuExits.HAS_ESR;
import static org.virtreplay.ingest.importer.kvm.VcpuExits.HAS_FAR;
import static org.virtreplay.ingest.importer.kvm.VcpuExits.HAS_IPA;
import static org.virtreplay.ingest.importer.kvm.VcpuExits.HAS_PC;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.RowResolver;
import org.virtreplay.ingest.importer.SourceFormat;
import org.virtreplay.ingest.importer.SourceImporter;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.importer.TextLines;
import org.virtreplay.ingest.importer.VmSpec;
import org.virtreplay.ingest.trace.TableKind;

/**
 * {@code --kvm-events}: host ftrace / trace-cmd text of the {@code kvm:*} and {@code sched:*}
 * events into {@code exits}, {@code irq} and {@code sched} rows (docs/import.md).
 *
 * <p>One streaming pass over the records in time order (several files are merged by timestamp,
 * as ftrace merges its per-CPU buffers). Which VM a host thread belongs to is known only at the
 * end ({@link ThreadMap}: tgid, names, {@code --vm}), so rows are added keyed by thread and
 * completed when the trace is written ({@link RowResolver}). Each thread's state is followed:
 * <ul>
 * <li>{@code kvm_exit} opens an exit of the thread's vCPU; {@code kvm_guest_fault},
 * {@code kvm_access_fault}, {@code kvm_mmio}, {@code kvm_mmio_emulate}, {@code kvm_handle_sys_reg},
 * {@code kvm_sys_access}, {@code kvm_wfx_arm64} and {@code kvm_hvc_arm64} before the next
 * {@code kvm_entry} fill its ESR, IPA, FAR and PC where it has none; the next {@code kvm_entry}
 * closes it with its duration (an exit without one has an empty duration);</li>
 * <li>{@code kvm_irq_line} (VGIC PPI/SPI), {@code kvm_set_irq} and {@code kvm_timer_update_irq}
 * each make an {@code irq} row; KVM traces {@code vgic_update_irq_pending} inside the same
 * injection right after them (on the same thread), so such a pair makes one row (the vGIC's INTID
 * and target, the first event's source); a {@code vgic_update_irq_pending} alone makes its own;</li>
 * <li>{@code sched_switch} of a vCPU thread makes {@code preempt} (state R) or {@code block}
 * (sleeping: in KVM, mostly the WFI halt) and {@code run} rows; {@code sched_wakeup} makes
 * {@code wake}.</li>
 * </ul>
 * Every record of a thread must come after the thread's previous one in time (a kernel trace file,
 * {@code trace_pipe} and {@code trace-cmd report} print them so); rows of different threads may
 * interleave, the sink orders them.
 */
public final class KvmEventsImporter implements SourceImporter, RowResolver {
    // skip reasons (counted per source)
    private static final String[] REASONS = {
        "not_a_vcpu_thread", "no_kvm_exit_before", "not_in_canonical_tables", "not_a_gic_interrupt",
        "sgi_without_sender", "no_cpu_column", "wakeup_duplicate"
    };
    private static final int R_NOT_VCPU = 0;
    private static final int R_NO_EXIT = 1;
    private static final int R_NO_TABLE = 2;
    private static final int R_NOT_GIC = 3;
    private static final int R_SGI = 4;
    private static final int R_NO_CPU = 5;
    private static final int R_WAKE_DUP = 6;

    private final List<SourceSpec> specs;
    private final List<VmSpec> vmSpecs;
    private final List<String> otherVmNames;

    private final KvmEvent.Table events = new KvmEvent.Table();
    private final KvmEvent.Table words = new KvmEvent.Table();
    private final ThreadMap threads = new ThreadMap();
    private final Payload pl = new Payload();
    private SourceSink[] srcs;
    private long[][] used;
    private long[][] skipped;
    private long[][] unknown;

    // per thread
    private long[] lastTs = new long[0];
    private VcpuExits exits;
    private Injections irqs;

    private ImportSink sink;
    private org.virtreplay.ingest.trace.Row schedRow;

    /**
     * @param specs        the {@code --kvm-events} files (one event stream, merged by time)
     * @param vmSpecs      {@code --vm} options
     * @param otherVmNames VM names the other sources of this import give (for a trace without tgid)
     */
    public KvmEventsImporter(List<SourceSpec> specs, List<VmSpec> vmSpecs, List<String> otherVmNames) {
        this.specs = List.copyOf(specs);
        this.vmSpecs = List.copyOf(vmSpecs);
        this.otherVmNames = List.copyOf(otherVmNames);
        for (SourceSpec s : specs) {
            if (s.format() != SourceFormat.KVM_EVENTS) {
                throw new IllegalArgumentException(s.toString());
            }
        }
    }

    @Override
    public void read(ImportSink sink) throws IOException {
        this.sink = sink;
        int n = specs.size();
        srcs = new SourceSink[n];
        used = new long[n][KNOWN];
        skipped = new long[n][REASONS.length];
        unknown = new long[n][];
        for (int i = 0; i < n; i++) {
            srcs[i] = sink.source(specs.get(i));
            srcs[i].clock("local");
            srcs[i].resolver(this);
        }
        prepare();
        replay();
        List<String> errors = new ArrayList<>();
        Map<String, String> inferred = new LinkedHashMap<>();
        threads.resolve(sink, vmSpecs, otherVmNames, errors, inferred);
        if (!errors.isEmpty()) {
            for (String e : errors) {
                srcs[0].problem(e);
            }
            return;
        }
        for (String line : threads.describe(sink)) {
            sink.message(line);
        }
        for (Map.Entry<String, String> e : inferred.entrySet()) {
            srcs[0].inferred(e.getKey(), e.getValue());
        }
        schedCounts();
        for (int i = 0; i < n; i++) {
            SourceSink s = srcs[i];
            for (int ev = 0; ev < KNOWN; ev++) {
                s.used(KvmEvent.NAMES[ev], used[i][ev]);
            }
            for (int r = 0; r < REASONS.length; r++) {
                s.skipped(REASONS[r], skipped[i][r]);
            }
            if (unknown[i] != null) {
                for (int id = KNOWN; id < Math.min(unknown[i].length, events.count()); id++) {
                    s.unknown(events.name(id), unknown[i][id]);
                }
            }
        }
        if (exits.withoutEntry > 0) {
            srcs[0].note("exits_without_entry", Long.toString(exits.withoutEntry));
        }
        if (irqs.merged > 0) {
            srcs[0].note("irq_pairs_merged", irqs.merged + " (an injection traced by its origin event and by "
                    + "vgic_update_irq_pending is one irq row)");
        }
    }

    /**
     * sched_switch and sched_wakeup records are used if a vCPU thread is in them: known only now
     * that the threads are placed. They were counted per (file, prev thread, next thread).
     */
    private void schedCounts() {
        for (int i = 0; i < specs.size(); i++) {
            LongCounts c = schedPairs[i];
            for (int k = 0; k < c.size(); k++) {
                if (c.count(k) == 0) {
                    continue;
                }
                long key = c.key(k);
                int prev = (int) (key >> 32);
                int next = (int) key;
                boolean usedIt;
                if (prev == WAKEUP) {
                    usedIt = threads.thread(next).vcpu >= 0;
                    if (usedIt) {
                        used[i][SCHED_WAKEUP] += c.count(k);
                    }
                } else {
                    usedIt = (prev >= 0 && threads.thread(prev).vcpu >= 0) || (next >= 0 && threads.thread(next).vcpu >= 0);
                    if (usedIt) {
                        used[i][SCHED_SWITCH] += c.count(k);
                    }
                }
                if (!usedIt) {
                    skipped[i][R_NOT_VCPU] += c.count(k);
                }
            }
        }
    }

    private static final int WAKEUP = -2;
    private LongCounts[] schedPairs;

    /** Completes a row added by thread: its VM, and for exits and sched its vCPU. */
    @Override
    public boolean resolve(TableKind kind, int key, long[] values, int off) {
        ThreadMap.Thread t = threads.thread(key);
        if (t.vm < 0) {
            return false;
        }
        switch (kind) {
            case EXITS -> {
                if (t.vcpu < 0) {
                    return false;
                }
                values[off + 1] = t.vm;
                values[off + 2] = t.vcpu;
            }
            case SCHED -> {
                if (t.vcpu < 0) {
                    return false;
                }
                values[off + 2] = t.vm;
                values[off + 3] = t.vcpu;
            }
            case IRQ -> values[off + 2] = t.vm;
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return true;
    }

    // ---------------------------------------------------------------- reading

    private int tagOf(FtraceRecords r) {
        FtraceRecords.Fields f = r.f;
        if (f.tagEnd <= f.tagStart) {
            return 0;
        }
        return threads.tag(r.text(f.tagStart, f.tagEnd));
    }

    private FtraceRecords open(int i) throws IOException {
        SourceSpec s = specs.get(i);
        return new FtraceRecords(TextLines.open(s.file(), s.label(), "--kvm-events"), srcs[i], true);
    }

    /** What a file's reader learnt, for the provenance. */
    private void provenance(int file, FtraceRecords r, long first) {
        SourceSink src = srcs[file];
        if (first != Long.MAX_VALUE) {
            src.event(first);
        }
        if (r.headerCpus > 0) {
            sink.declarePes(r.headerCpus);
            src.note("cpus", r.headerCpus + " (from the trace header)");
        }
        src.lines(r.linesRead());
        src.records(r.records);
        if (r.continuations > 0) {
            src.note("wrapped_lines_joined", Long.toString(r.continuations));
        }
        if (r.lostEvents > 0) {
            src.note("lost_events", r.lostEvents + " (the kernel or trace-cmd dropped records: exits and "
                    + "entries around them may be missing)");
        }
        src.note("ts_precision_ns", r.fracDigits == 0 ? "unknown" : Long.toString(pow10(9 - r.fracDigits)));
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /** Notes a thread named in a sched payload; returns its index. */
    private int mention(int tag, int pid, byte[] b, int s, int e, FtraceRecords.Fields f, int file, String label) {
        int t = threads.get(tag, pid);
        threads.comm(t, b, s, e);
        threads.thread(t).schedMentions++;
        threads.seen(t, f.ts, file, f.line, label);
        return t;
    }

    // ---------------------------------------------------------------- per-thread state

    private void prepare() {
        exits = new VcpuExits(srcs);
        irqs = new Injections(srcs, used, skipped, R_SGI);
        schedPairs = new LongCounts[specs.size()];
        for (int i = 0; i < schedPairs.length; i++) {
            schedPairs[i] = new LongCounts();
        }
        schedRow = sink.newRow(TableKind.SCHED);
    }

    /** Makes room in the per-thread state for thread t. */
    private void ensure(int t) {
        if (t >= lastTs.length) {
            int n = Math.max(t + 1, Math.max(64, lastTs.length * 2));
            int old = lastTs.length;
            lastTs = java.util.Arrays.copyOf(lastTs, n);
            java.util.Arrays.fill(lastTs, old, n, Long.MIN_VALUE);
        }
        exits.ensure(t);
        irqs.ensure(t);
    }

    /** The one pass: all files merged by time. */
    private void replay() throws IOException {
        int n = specs.size();
        FtraceRecords[] rs = new FtraceRecords[n];
        boolean[] live = new boolean[n];
        first = new long[n];
        java.util.Arrays.fill(first, Long.MAX_VALUE);
        try {
            for (int i = 0; i < n; i++) {
                rs[i] = open(i);
                live[i] = rs[i].next();
            }
            while (true) {
                int best = -1;
                for (int i = 0; i < n; i++) {
                    if (live[i] && (best < 0 || rs[i].f.ts < rs[best].f.ts)) {
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                record(rs[best], best);
                live[best] = rs[best].next();
            }
            for (int i = 0; i < n; i++) {
                provenance(i, rs[i], first[i]);
            }
        } finally {
            for (FtraceRecords r : rs) {
                if (r != null) {
                    r.close();
                }
            }
        }
        irqs.finish();
        exits.finish();
    }

    private long[] first;

    private void record(FtraceRecords r, int file) {
        FtraceRecords.Fields f = r.f;
        byte[] b = r.buf();
        SourceSink src = srcs[file];
        if (f.ts < 0) {
            src.malformed(f.line, "timestamp '" + (-1 - f.ts) + "' has no fraction: the trace clock was 'counter' "
                    + "(an event count, not time) or another raw counter; record with -C local, mono or boot");
            return;
        }
        if (f.ts < first[file]) {
            first[file] = f.ts;
        }
        int ev = events.id(b, f.evStart, f.evEnd);
        if (ev >= KNOWN) {
            long[] u = unknown[file];
            if (u == null || u.length <= ev) {
                u = unknown[file] = java.util.Arrays.copyOf(u == null ? new long[0] : u, events.count() + 8);
            }
            u[ev]++;
            return;
        }
        int tag = tagOf(r);
        int t = threads.get(tag, f.pid);
        ensure(t);
        threads.comm(t, b, f.commStart, f.commEnd);
        ThreadMap.Thread th = threads.thread(t);
        if (f.tgid >= 0) {
            th.tgid = f.tgid;
        }
        threads.seen(t, f.ts, file, f.line, specs.get(file).label());
        if (ev != VGIC_UPDATE_IRQ_PENDING) {
            irqs.flush(t);
        }
        boolean vcpuEvent = KvmEvent.isVcpuEvent(ev);
        if (vcpuEvent) {
            th.vcpuEvents++;
        } else if (KvmEvent.isIrqEvent(ev)) {
            th.irqEvents++;
        }
        if (vcpuEvent || KvmEvent.isIrqEvent(ev)) {
            if (f.ts < lastTs[t]) {
                src.malformed(f.line, "time goes backwards for thread " + th.describe() + ": "
                        + seconds(f.ts) + " after " + seconds(lastTs[t]) + "; a thread's records must be in time "
                        + "order (merge per-CPU buffers by passing each file with --kvm-events)");
                return;
            }
            lastTs[t] = f.ts;
        }
        pl.reset(b, f.payStart, f.payEnd);
        switch (ev) {
            case KVM_ENTRY -> {
                if (!check(pl.kvmEntry(), src, f, r, "kvm_entry", Payload.KVM_ENTRY)) {
                    return;
                }
                if (exits.close(t, f.ts)) {
                    used[file][ev]++;
                } else {
                    skipped[file][R_NO_EXIT]++;
                }
            }
            case KVM_EXIT -> {
                if (!check(pl.kvmExit(), src, f, r, "kvm_exit", Payload.KVM_EXIT)) {
                    return;
                }
                exits.open(t, f.ts, f.cpu, file, pl);
                used[file][ev]++;
            }
            case KVM_GUEST_FAULT -> {
                if (check(pl.kvmGuestFault(), src, f, r, "kvm_guest_fault", Payload.KVM_GUEST_FAULT)) {
                    annotate(t, file, ev, HAS_IPA | HAS_ESR | HAS_FAR | HAS_PC, pl.v[0], pl.v[1], pl.v[2], pl.v[3]);
                }
            }
            case KVM_ACCESS_FAULT -> {
                if (check(pl.kvmAccessFault(), src, f, r, "kvm_access_fault", Payload.KVM_ACCESS_FAULT)) {
                    annotate(t, file, ev, HAS_IPA, pl.v[0], 0, 0, 0);
                }
            }
            case KVM_MMIO -> {
                if (check(pl.kvmMmio(), src, f, r, "kvm_mmio", Payload.KVM_MMIO)) {
                    annotate(t, file, ev, HAS_IPA, pl.v[1], 0, 0, 0);
                }
            }
            case KVM_MMIO_EMULATE -> {
                if (check(pl.kvmMmioEmulate(), src, f, r, "kvm_mmio_emulate", Payload.KVM_MMIO_EMULATE)) {
                    annotate(t, file, ev, HAS_PC, 0, 0, 0, pl.v[0]);
                }
            }
            case KVM_HANDLE_SYS_REG -> {
                if (check(pl.kvmHandleSysReg(), src, f, r, "kvm_handle_sys_reg", Payload.KVM_HANDLE_SYS_REG)) {
                    annotate(t, file, ev, HAS_ESR, 0, pl.v[0], 0, 0);
                }
            }
            case KVM_SYS_ACCESS -> {
                if (check(pl.kvmSysAccess(), src, f, r, "kvm_sys_access", Payload.KVM_SYS_ACCESS)) {
                    annotate(t, file, ev, HAS_PC, 0, 0, 0, pl.v[0]);
                }
            }
            case KVM_WFX_ARM64 -> {
                if (check(pl.kvmWfx(), src, f, r, "kvm_wfx_arm64", Payload.KVM_WFX_ARM64)) {
                    annotate(t, file, ev, HAS_PC, 0, 0, 0, pl.v[1]);
                }
            }
            case KVM_HVC_ARM64 -> {
                if (check(pl.kvmHvc(), src, f, r, "kvm_hvc_arm64", Payload.KVM_HVC_ARM64)) {
                    annotate(t, file, ev, HAS_PC, 0, 0, 0, pl.v[0]);
                }
            }
            case KVM_USERSPACE_EXIT -> {
                if (check(pl.kvmUserspaceExit(), src, f, r, "kvm_userspace_exit", Payload.KVM_USERSPACE_EXIT)) {
                    skipped[file][R_NO_TABLE]++;
                }
            }
            case KVM_VCPU_WAKEUP -> {
                if (check(pl.kvmVcpuWakeup(), src, f, r, "kvm_vcpu_wakeup", Payload.KVM_VCPU_WAKEUP)) {
                    skipped[file][R_NO_TABLE]++;
                }
            }
            case KVM_IRQ_LINE -> irqLine(t, f, r, file);
            case KVM_SET_IRQ -> {
                if (check(pl.kvmSetIrq(), src, f, r, "kvm_set_irq", Payload.KVM_SET_IRQ)) {
                    // KVM's default irq routing on arm64 maps GSI n to SPI n + 32 (vgic-irqfd.c); a
                    // following vgic_update_irq_pending gives the real INTID
                    long intid = pl.v[0] + 32;
                    if (intid > 1019) {
                        skipped[file][R_NOT_GIC]++;
                        return;
                    }
                    irqs.origin(t, f.ts, (int) intid, -1, (int) pl.v[1], ev, file);
                }
            }
            case KVM_TIMER_UPDATE_IRQ -> {
                if (check(pl.kvmTimerUpdateIrq(), src, f, r, "kvm_timer_update_irq", Payload.KVM_TIMER_UPDATE_IRQ)
                        && validIrq(src, f, pl.v[1], pl.v[0], true)) {
                    irqs.origin(t, f.ts, (int) pl.v[1], (int) pl.v[0], (int) pl.v[2], ev, file);
                }
            }
            case VGIC_UPDATE_IRQ_PENDING -> vgic(t, f, r, file);
            case SCHED_SWITCH -> schedSwitch(t, f, r, file);
            case SCHED_WAKEUP -> schedWakeup(t, f, r, file);
            case SCHED_WAKING, SCHED_WAKEUP_NEW -> {
                if (check(pl.schedWakeup(), src, f, r, events.name(ev), Payload.SCHED_WAKEUP)) {
                    skipped[file][R_WAKE_DUP]++;
                }
            }
            default -> throw new AssertionError(ev);
        }
    }

    private static String seconds(long ns) {
        return String.format(java.util.Locale.ROOT, "%d.%09d", ns / 1_000_000_000L, ns % 1_000_000_000L);
    }

    private boolean check(boolean ok, SourceSink src, FtraceRecords.Fields f, FtraceRecords r, String event,
            String expected) {
        if (!ok) {
            src.malformed(f.line, event + ": expected " + expected + ", got '"
                    + FtraceRecords.shorten(r.text(f.payStart, f.payEnd)) + "'" + (f.lastLine > f.line
                            ? " (the record continues to line " + f.lastLine + ": wrapped lines are joined)" : ""));
        }
        return ok;
    }

    /** An event that fills in the open exit of thread t: used, or skipped if the thread has none. */
    private void annotate(int t, int file, int ev, int what, long ipa, long esr, long far, long pc) {
        if (exits.annotate(t, what, ipa, esr, far, pc)) {
            used[file][ev]++;
        } else {
            skipped[file][R_NO_EXIT]++;
        }
    }

    // ---- interrupts

    private void irqLine(int t, FtraceRecords.Fields f, FtraceRecords r, int file) {
        SourceSink src = srcs[file];
        if (!check(pl.kvmIrqLine(), src, f, r, "kvm_irq_line", Payload.KVM_IRQ_LINE)) {
            return;
        }
        // KVM_ARM_IRQ_TYPE_CPU 0 (the vCPU's IRQ/FIQ line, no GIC), _SPI 1, _PPI 2
        long type = pl.v[0];
        if (type != 1 && type != 2) {
            skipped[file][R_NOT_GIC]++;
            return;
        }
        long intid = pl.v[2];
        long vcpu = type == 2 ? pl.v[1] : -1;
        if (type == 2 && (intid < 16 || intid > 31)) {
            src.malformed(f.line, "kvm_irq_line: a VGIC PPI must be INTID 16..31, got " + intid);
            return;
        }
        if (!validIrq(src, f, intid, vcpu, false)) {
            return;
        }
        irqs.origin(t, f.ts, (int) intid, (int) vcpu, (int) pl.v[3], KVM_IRQ_LINE, file);
    }

    /** Checks an INTID and target vCPU from a payload; counts or reports what is not importable. */
    private boolean validIrq(SourceSink src, FtraceRecords.Fields f, long intid, long vcpu, boolean ppi) {
        if (intid < 0 || (intid >= 1020 && intid < 8192) || intid >= (1 << 24)) {
            src.malformed(f.line, "INTID " + intid + " is not a GIC INTID (0..1019, 8192..16777215)");
            return false;
        }
        if ((ppi || (intid >= 16 && intid < 32)) && (vcpu < 0 || vcpu > 511)) {
            src.malformed(f.line, "vCPU " + vcpu + " of a private interrupt is not a vCPU index 0..511");
            return false;
        }
        return true;
    }

    private void vgic(int t, FtraceRecords.Fields f, FtraceRecords r, int file) {
        SourceSink src = srcs[file];
        if (!check(pl.vgicUpdateIrqPending(), src, f, r, "vgic_update_irq_pending", Payload.VGIC_UPDATE_IRQ_PENDING)) {
            irqs.flush(t);
            return;
        }
        long intid = pl.v[1];
        // for SPIs KVM passes no vCPU (the field is 0): the distributor routes them
        long vcpu = intid < 32 ? pl.v[0] : -1;
        if (!validIrq(src, f, intid, vcpu, false)) {
            irqs.flush(t);
            return;
        }
        irqs.vgic(t, f.ts, (int) intid, (int) vcpu, (int) pl.v[2], file);
    }

    // ---- scheduling

    private void schedSwitch(int t, FtraceRecords.Fields f, FtraceRecords r, int file) {
        SourceSink src = srcs[file];
        if (!check(pl.schedSwitch(), src, f, r, "sched_switch", Payload.SCHED_SWITCH)) {
            return;
        }
        if (f.cpu < 0 || f.cpu > 4095) {
            skipped[file][R_NO_CPU]++;
            return;
        }
        int tag = tagOf(r);
        String label = specs.get(file).label();
        byte[] b = r.buf();
        long prevPid = pl.v[0];
        long nextPid = pl.v[2];
        // pid 0 is the idle task of every CPU: never a vCPU
        int prev = prevPid <= 0 ? -1 : mention(tag, (int) prevPid, b, pl.wStart, pl.wEnd, f, file, label);
        int next = nextPid <= 0 ? -1 : mention(tag, (int) nextPid, b, pl.nextCommStart, pl.nextCommEnd, f, file, label);
        if (prev >= 0) {
            ensure(prev);
            boolean runnable;
            if (pl.raw) {
                long st = pl.v[4];
                // 0 = TASK_RUNNING; a lone bit above the state bits = TASK_REPORT_MAX, "R+" (preempted)
                runnable = st == 0 || (st >= 0x80 && Long.bitCount(st) == 1);
            } else {
                runnable = pl.w2End > pl.w2Start && pl.b[pl.w2Start] == 'R';
            }
            emitSched(file, f.ts, f.cpu, prev, runnable ? 1 : 2);
        }
        if (next >= 0) {
            ensure(next);
            emitSched(file, f.ts, f.cpu, next, 0);
        }
        schedPairs[file].add(((long) prev << 32) | (next & 0xffffffffL));
    }

    private void schedWakeup(int t, FtraceRecords.Fields f, FtraceRecords r, int file) {
        SourceSink src = srcs[file];
        if (!check(pl.schedWakeup(), src, f, r, "sched_wakeup", Payload.SCHED_WAKEUP)) {
            return;
        }
        if (pl.v[0] <= 0) {
            skipped[file][R_NOT_VCPU]++;
            return;
        }
        int w = mention(tagOf(r), (int) pl.v[0], r.buf(), pl.wStart, pl.wEnd, f, file, specs.get(file).label());
        ensure(w);
        long target = pl.has(2) ? pl.v[2] : -1;
        emitSched(file, f.ts, target < 0 || target > 4095 ? -1 : (int) target, w, 3);
        schedPairs[file].add(((long) WAKEUP << 32) | (w & 0xffffffffL));
    }

    /**
     * A sched row of {@code thread} (event: 0 run, 1 preempt, 2 block, 3 wake); {@link #resolve}
     * keeps it if the thread turns out to be a vCPU thread.
     */
    private void emitSched(int file, long ts, int pe, int thread, int event) {
        org.virtreplay.ingest.trace.Row r = schedRow;
        r.set(0, ts);
        r.set(1, pe);
        r.set(2, 0);
        r.set(3, 0);
        r.set(4, event);
        srcs[file].addDeferred(r, thread);
    }
}
