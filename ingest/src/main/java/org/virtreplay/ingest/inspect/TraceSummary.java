package org.virtreplay.ingest.inspect;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.ingest.trace.IrqRecord;
import org.virtreplay.ingest.trace.MemCursor;
import org.virtreplay.ingest.trace.MemslotRecord;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * What {@code virtreplay inspect} prints: rows per table, per VM and vCPU, time span, address
 * ranges and the interrupt mix. Built in one validating pass over the trace with counters sized by
 * the declared VMs and vCPUs, so memory does not depend on the trace length.
 */
public final class TraceSummary {
    private static final TableKind[] PER_VCPU = {
        TableKind.MEM, TableKind.SYSREG, TableKind.TLBI, TableKind.IRQ, TableKind.SCHED, TableKind.DAIF
    };
    private static final String[] ACCESS = {"r", "w", "x", "rw"};

    private final Trace trace;
    private final List<VmRecord> vms;
    private final Map<TableKind, Long> rows = new EnumMap<>(TableKind.class);
    private final Map<TableKind, long[]> span = new EnumMap<>(TableKind.class);
    /** perVcpu[vm][kind index in PER_VCPU][vcpu + 1] */
    private final long[][][] perVcpu = new long[65536][][];
    private final long[] vaMin = new long[65536];
    private final long[] vaMax = new long[65536];
    private final long[] accessCount = new long[4];
    private final long[] byClass = new long[IrqRecord.IntClass.values().length];
    private final long[] bySource = new long[IrqRecord.Source.values().length];
    private final long[][] classBySource = new long[byClass.length][bySource.length];
    private long ptePaMin = -1;
    private long ptePaMax;
    private final long[] mapCount = new long[3];
    /** Observed exits by exception type and by EC name (a few distinct words each). */
    private final Map<String, Long> exitsByType = new java.util.TreeMap<>();
    private final Map<String, Long> exitsByClass = new java.util.TreeMap<>();

    private TraceSummary(Trace trace) {
        this.trace = trace;
        this.vms = trace.vms();
        for (VmRecord vm : vms) {
            perVcpu[vm.vm()] = new long[PER_VCPU.length][vm.vcpus() + 1];
            vaMin[vm.vm()] = -1;
            vaMax[vm.vm()] = 0;
        }
    }

    /** Reads the whole trace (validating it) and summarises it. */
    public static TraceSummary of(Trace trace) {
        TraceSummary s = new TraceSummary(trace);
        s.rows.put(TableKind.VMS, (long) s.vms.size());
        s.rows.put(TableKind.MEMSLOTS, (long) trace.memslots().size());
        s.readMem();
        for (TableKind k : TableKind.values()) {
            if (k.isTimed() && k != TableKind.MEM) {
                s.readTable(k);
            }
        }
        return s;
    }

    private void readMem() {
        long n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (MemCursor m = trace.mem()) {
            while (m.next()) {
                n++;
                long ts = m.ts();
                first = Math.min(first, ts);
                last = Math.max(last, ts);
                int vm = m.vm();
                perVcpu[vm][0][m.vcpu() + 1]++;
                long va = m.va();
                if (Long.compareUnsigned(va, vaMin[vm]) < 0) {
                    vaMin[vm] = va;
                }
                long end = va + m.size() - 1;
                if (Long.compareUnsigned(end, va) < 0) {
                    end = -1; // the access runs past the top of the 64-bit space: clamp
                }
                if (Long.compareUnsigned(end, vaMax[vm]) > 0) {
                    vaMax[vm] = end;
                }
                accessCount[m.access()]++;
            }
        }
        record(TableKind.MEM, n, first, last);
    }

    private void readTable(TableKind k) {
        int kindIdx = -1;
        for (int i = 0; i < PER_VCPU.length; i++) {
            if (PER_VCPU[i] == k) {
                kindIdx = i;
            }
        }
        int cVm = k.indexOf("vm");
        int cVcpu = k.indexOf("vcpu");
        long n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (TableCursor c = trace.cursor(k)) {
            while (c.next()) {
                Row r = c.row();
                n++;
                first = Math.min(first, r.get(0));
                last = Math.max(last, r.get(0));
                if (kindIdx >= 0) {
                    perVcpu[r.getInt(cVm)][kindIdx][r.getInt(cVcpu) + 1]++;
                }
                if (k == TableKind.IRQ) {
                    int cls = IrqRecord.classOf(r.get(1)).ordinal();
                    int src = r.getInt(4);
                    byClass[cls]++;
                    bySource[src]++;
                    classBySource[cls][src]++;
                } else if (k == TableKind.PTE) {
                    long pa = r.get(2);
                    ptePaMin = Long.compareUnsigned(pa, ptePaMin) < 0 ? pa : ptePaMin;
                    ptePaMax = Long.compareUnsigned(pa, ptePaMax) > 0 ? pa : ptePaMax;
                } else if (k == TableKind.MAP) {
                    mapCount[r.getInt(2)]++;
                } else if (k == TableKind.EXITS) {
                    exitsByType.merge(r.isNull(4) ? "(none)" : r.text(4), 1L, Long::sum);
                    if (!r.isNull(6)) {
                        exitsByClass.merge(r.text(6), 1L, Long::sum);
                    }
                }
            }
        }
        if (trace.has(k)) {
            record(k, n, first, last);
        }
    }

    private void record(TableKind k, long n, long first, long last) {
        if (!trace.has(k)) {
            return;
        }
        rows.put(k, n);
        if (n > 0) {
            span.put(k, new long[] {first, last});
        }
    }

    /** Rows of each table present in the trace. */
    public Map<TableKind, Long> rows() {
        return rows;
    }

    /** Rows of {@code kind} (mem, sysreg, tlbi, irq, sched, daif) for (vm, vcpu); vcpu -1 = hypervisor/routed. */
    public long rows(TableKind kind, int vm, int vcpu) {
        for (int i = 0; i < PER_VCPU.length; i++) {
            if (PER_VCPU[i] == kind && perVcpu[vm] != null) {
                return perVcpu[vm][i][vcpu + 1];
            }
        }
        return 0;
    }

    /** {first, last} ts over every timed table, or null if there are no timed rows. */
    public long[] timeSpan() {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (long[] s : span.values()) {
            first = Math.min(first, s[0]);
            last = Math.max(last, s[1]);
        }
        return span.isEmpty() ? null : new long[] {first, last};
    }

    /** Interrupt events of class {@code c}. */
    public long irqs(IrqRecord.IntClass c) {
        return byClass[c.ordinal()];
    }

    public long irqs(IrqRecord.Source s) {
        return bySource[s.ordinal()];
    }

    /** Accesses of type r, w, x, rw ({@link MemCursor#READ}...). */
    public long accesses(int access) {
        return accessCount[access];
    }

    /** {lowest VA, highest byte touched} of vm's accesses, or null if none. */
    public long[] vaRange(int vm) {
        if (perVcpu[vm] == null) {
            return null;
        }
        long n = 0;
        for (long c : perVcpu[vm][0]) {
            n += c;
        }
        return n == 0 ? null : new long[] {vaMin[vm], vaMax[vm]};
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The human-readable summary. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        var m = trace.manifest();
        b.append("trace ").append(trace.dir()).append('\n');
        b.append("  format_version ").append(m.formatVersion()).append(", clock ").append(m.clock())
                .append(", time unit ns, ").append(m.peCount()).append(" PEs");
        if (m.get("name") != null) {
            b.append(", name '").append(m.get("name")).append('\'');
        }
        b.append('\n');
        b.append("\ntables\n");
        for (TableKind k : TableKind.values()) {
            if (trace.has(k)) {
                long[] s = span.get(k);
                b.append(String.format(Locale.ROOT, "  %-9s %12d rows  %-20s%s%n", k.tableName(), rows.get(k),
                        trace.file(k).getFileName(), s == null ? "" : "  ts " + s[0] + " .. " + s[1]));
            }
        }
        long[] ts = timeSpan();
        b.append("\ntime span ").append(ts == null ? "(no timed rows)"
                : ts[0] + " .. " + ts[1] + " ns (" + String.format(Locale.ROOT, "%.6f", (ts[1] - ts[0]) / 1e9) + " s)")
                .append('\n');
        b.append("\nVMs\n");
        for (VmRecord vm : vms) {
            b.append("  vm ").append(vm.vm()).append(" '").append(vm.name()).append("': ").append(vm.vcpus())
                    .append(" vCPUs, ").append(vm.ipaBits()).append("-bit IPA")
                    .append(vm.vmid() >= 0 ? ", vmid " + vm.vmid() : "").append('\n');
            for (MemslotRecord s : trace.memslots()) {
                if (s.vm() == vm.vm()) {
                    b.append("    memslot ").append(s.slot()).append(' ').append(s.kind().name().toLowerCase(Locale.ROOT))
                            .append(" [").append(hex(s.ipa())).append(", ").append(hex(s.ipa() + s.size())).append(')')
                            .append(s.pa() != null ? " -> PA " + hex(s.pa()) : "")
                            .append(s.s2PageSize() > 0 ? ", stage-2 pages " + s.s2PageSize() : "").append('\n');
                }
            }
            long[] va = vaRange(vm.vm());
            if (va != null) {
                b.append("    mem VA range [").append(hex(va[0])).append(", ").append(hex(va[1])).append("]\n");
            }
        }
        b.append("\nrows per vCPU (vcpu -1: hypervisor or distributor-routed)\n");
        b.append(String.format(Locale.ROOT, "  %5s %5s", "vm", "vcpu"));
        for (TableKind k : PER_VCPU) {
            b.append(String.format(Locale.ROOT, " %12s", k.tableName()));
        }
        b.append('\n');
        for (VmRecord vm : vms) {
            long[][] c = perVcpu[vm.vm()];
            for (int v = 0; v <= vm.vcpus(); v++) {
                long any = 0;
                for (long[] k : c) {
                    any += k[v];
                }
                if (v == 0 && any == 0) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "  %5d %5d", vm.vm(), v - 1));
                for (long[] k : c) {
                    b.append(String.format(Locale.ROOT, " %12d", k[v]));
                }
                b.append('\n');
            }
        }
        if (trace.has(TableKind.MEM)) {
            b.append("\naccesses: r ").append(accessCount[0]).append(", w ").append(accessCount[1]).append(", x ")
                    .append(accessCount[2]).append(", rw ").append(accessCount[3]).append('\n');
        }
        if (trace.has(TableKind.PTE) && ptePaMin != -1) {
            b.append("pte PA range [").append(hex(ptePaMin)).append(", ").append(hex(ptePaMax)).append("]\n");
        }
        if (trace.has(TableKind.MAP)) {
            b.append("map: stage 1 ").append(mapCount[1]).append(", stage 2 ").append(mapCount[2]).append('\n');
        }
        if (trace.has(TableKind.EXITS)) {
            b.append("exits (observed) by type:");
            exitsByType.forEach((t, n) -> b.append(' ').append(t).append(' ').append(n));
            b.append("; by exception class:");
            exitsByClass.forEach((t, n) -> b.append(' ').append(t).append(' ').append(n));
            b.append('\n');
        }
        if (trace.has(TableKind.IRQ)) {
            b.append("\ninterrupts by class:");
            for (IrqRecord.IntClass c : IrqRecord.IntClass.values()) {
                b.append(' ').append(c).append(' ').append(byClass[c.ordinal()]);
            }
            b.append("\ninterrupts by source:");
            for (IrqRecord.Source s : IrqRecord.Source.values()) {
                b.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append(' ').append(bySource[s.ordinal()]);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The same as JSON (one object; numbers as JSON numbers, addresses as 0x-hex strings). */
    public String toJson() {
        var m = trace.manifest();
        Json j = new Json();
        j.open('{');
        j.key("trace").str(trace.dir().toString());
        j.key("format_version").num(m.formatVersion());
        j.key("clock").str(m.clock());
        j.key("pe_count").num(m.peCount());
        j.key("tables").open('{');
        for (TableKind k : TableKind.values()) {
            if (trace.has(k)) {
                j.key(k.tableName()).open('{');
                j.key("file").str(trace.file(k).getFileName().toString());
                j.key("rows").num(rows.get(k));
                long[] s = span.get(k);
                if (s != null) {
                    j.key("first_ts").num(s[0]);
                    j.key("last_ts").num(s[1]);
                }
                j.close('}');
            }
        }
        j.close('}');
        long[] ts = timeSpan();
        if (ts != null) {
            j.key("time_span").open('{').key("first_ts").num(ts[0]).key("last_ts").num(ts[1]).close('}');
        }
        j.key("vms").open('[');
        for (VmRecord vm : vms) {
            j.open('{');
            j.key("vm").num(vm.vm()).key("name").str(vm.name()).key("vcpus").num(vm.vcpus())
                    .key("ipa_bits").num(vm.ipaBits());
            long[] va = vaRange(vm.vm());
            if (va != null) {
                j.key("va_min").str(hex(va[0])).key("va_max").str(hex(va[1]));
            }
            j.key("memslots").open('[');
            for (MemslotRecord s : trace.memslots()) {
                if (s.vm() == vm.vm()) {
                    j.open('{').key("slot").num(s.slot()).key("kind").str(s.kind().name().toLowerCase(Locale.ROOT))
                            .key("ipa").str(hex(s.ipa())).key("size").num(s.size()).close('}');
                }
            }
            j.close(']');
            j.key("vcpus_rows").open('[');
            long[][] c = perVcpu[vm.vm()];
            for (int v = 0; v <= vm.vcpus(); v++) {
                j.open('{').key("vcpu").num(v - 1);
                for (int k = 0; k < PER_VCPU.length; k++) {
                    j.key(PER_VCPU[k].tableName()).num(c[k][v]);
                }
                j.close('}');
            }
            j.close(']');
            j.close('}');
        }
        j.close(']');
        j.key("accesses").open('{');
        for (int a = 0; a < 4; a++) {
            j.key(ACCESS[a]).num(accessCount[a]);
        }
        j.close('}');
        j.key("irq_by_class").open('{');
        for (IrqRecord.IntClass c : IrqRecord.IntClass.values()) {
            j.key(c.name()).num(byClass[c.ordinal()]);
        }
        j.close('}');
        j.key("irq_by_source").open('{');
        for (IrqRecord.Source s : IrqRecord.Source.values()) {
            j.key(s.name().toLowerCase(Locale.ROOT)).num(bySource[s.ordinal()]);
        }
        j.close('}');
        j.key("irq_by_class_and_source").open('{');
        for (IrqRecord.IntClass c : IrqRecord.IntClass.values()) {
            j.key(c.name()).open('{');
            for (IrqRecord.Source s : IrqRecord.Source.values()) {
                j.key(s.name().toLowerCase(Locale.ROOT)).num(classBySource[c.ordinal()][s.ordinal()]);
            }
            j.close('}');
        }
        j.close('}');
        if (trace.has(TableKind.EXITS)) {
            j.key("exits_by_type").open('{');
            exitsByType.forEach((t, n) -> j.key(t).num(n));
            j.close('}');
            j.key("exits_by_class").open('{');
            exitsByClass.forEach((t, n) -> j.key(t).num(n));
            j.close('}');
        }
        j.close('}');
        return j.toString() + "\n";
    }

    /** A tiny JSON writer: enough for this summary, no dependency. */
    private static final class Json {
        private final StringBuilder b = new StringBuilder();
        private final List<Boolean> first = new ArrayList<>();
        private boolean afterKey;

        private void sep() {
            if (afterKey) {
                afterKey = false;
                return;
            }
            if (!first.isEmpty()) {
                int i = first.size() - 1;
                if (!first.get(i)) {
                    b.append(',');
                }
                first.set(i, false);
            }
        }

        Json open(char c) {
            sep();
            b.append(c);
            first.add(true);
            return this;
        }

        Json close(char c) {
            first.remove(first.size() - 1);
            b.append(c);
            return this;
        }

        Json key(String k) {
            sep();
            quote(k);
            b.append(':');
            afterKey = true;
            return this;
        }

        Json str(String s) {
            sep();
            quote(s);
            return this;
        }

        Json num(long v) {
            sep();
            b.append(v);
            return this;
        }

        private void quote(String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                        } else {
                            b.append(ch);
                        }
                    }
                }
            }
            b.append('"');
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
