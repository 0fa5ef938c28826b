package org.virtreplay.analysis.kvmstat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.MemslotRecord;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * Builds the {@link ExitReport} of the observed exits of a trace ({@code exits} table), streaming
 * the table once: memory grows with the number of reasons and vCPUs, not with the recording.
 */
public final class ObservedExits {
    /** One item of the manifest note first_exit_guest_ns: VM:VCPU=NS. */
    private static final Pattern FIRST_GUEST = Pattern.compile("(\\d+):(\\d+)=(\\d+)");

    static final int C_TS = 0;
    static final int C_VM = 1;
    static final int C_VCPU = 2;
    static final int C_TYPE = 4;
    static final int C_EC = 5;
    static final int C_EC_NAME = 6;
    static final int C_ESR = 7;
    static final int C_IPA = 9;
    static final int C_DURATION = 11;
    /** ESR_ELx.EC of a data abort from a lower EL: where an MMIO access traps. */
    static final int EC_DABT_LOW = 0x24;

    /** What to count: the event, the time measured, the sort key and the filters (null: all). */
    public record Selection(String event, String time, String sortKey, Integer vm, Integer vcpu) {
    }

    private ObservedExits() {
    }

    public static ExitReport report(Trace trace, Selection sel) {
        Path dir = trace.dir();
        if (!trace.has(TableKind.EXITS)) {
            throw new BadInputException(dir + ": the trace has no observed exits (no exits table); import the "
                    + "recording's KVM events with 'virtreplay import --kvm-events FILE --out DIR'");
        }
        List<VmRecord> vms = trace.vms();
        boolean mmio = sel.event().equals("mmio");
        List<List<MemslotRecord>> slots = new ArrayList<>();
        List<MemslotRecord> allSlots = trace.memslots();
        for (VmRecord v : vms) {
            List<MemslotRecord> own = new ArrayList<>();
            for (MemslotRecord m : allSlots) {
                if (m.vm() == v.vm()) {
                    own.add(m);
                }
            }
            slots.add(own);
            boolean wanted = sel.vm() == null || sel.vm() == v.vm();
            if (mmio && wanted && own.isEmpty()) {
                throw new BadInputException(dir + ": VM " + v.vm() + " '" + v.name() + "' has no memslots, so MMIO "
                        + "aborts cannot be told from RAM faults; import a stage-2 dump with it (--stage2 "
                        + v.name() + "=DIR) or use --event vmexit");
            }
        }
        boolean guest = sel.time().equals("guest");
        // guest time: per vCPU, when the vCPU last entered the guest (the end of its previous exit), -1 if unknown
        int vmIds = 0;
        for (VmRecord v : vms) {
            vmIds = Math.max(vmIds, v.vm() + 1);
        }
        long[][] lastEntry = new long[vmIds][];
        List<List<MemslotRecord>> slotsById = new ArrayList<>();
        for (int i = 0; i < vmIds; i++) {
            slotsById.add(List.of());
        }
        for (int i = 0; i < vms.size(); i++) {
            slotsById.set(vms.get(i).vm(), slots.get(i));
        }
        boolean[][] exited = new boolean[vmIds][];
        for (VmRecord v : vms) {
            lastEntry[v.vm()] = new long[v.vcpus()];
            Arrays.fill(lastEntry[v.vm()], -1);
            exited[v.vm()] = new boolean[v.vcpus()];
        }
        long[][] firstGuest = guest ? firstGuestNs(trace, lastEntry) : null;
        Map<String, ReasonStats> byReason = new LinkedHashMap<>();
        try (TableCursor c = trace.cursor(TableKind.EXITS)) {
            while (c.next()) {
                Row r = c.row();
                int vm = r.getInt(C_VM);
                int vcpu = r.getInt(C_VCPU);
                long ts = r.get(C_TS);
                boolean closed = !r.isNull(C_DURATION);
                long time;
                if (guest) {
                    if (!exited[vm][vcpu]) {
                        // the entry before a vCPU's first exit made no row: the importer noted the time from it
                        exited[vm][vcpu] = true;
                        time = firstGuest[vm][vcpu];
                    } else {
                        time = lastEntry[vm][vcpu] < 0 ? -1 : ts - lastEntry[vm][vcpu];
                    }
                    lastEntry[vm][vcpu] = closed ? ts + r.get(C_DURATION) : -1;
                } else {
                    time = closed ? r.get(C_DURATION) : -1;
                }
                if (time < 0 || (sel.vm() != null && sel.vm() != vm) || (sel.vcpu() != null && sel.vcpu() != vcpu)) {
                    continue;
                }
                String key = mmio ? mmioKey(r, slotsById.get(vm)) : exitReason(r);
                if (key != null) {
                    byReason.computeIfAbsent(key, ReasonStats::new).add(time);
                }
            }
        }
        return new ExitReport(sel.event(), sel.time(), scope(vms, sel),
                ReasonStats.sortedRows(byReason.values(), sel.sortKey()));
    }

    /**
     * Per VM and vCPU (shaped as {@code like}), the time in the guest before its first exit, from the
     * importer's manifest notes {@code source.N.first_exit_guest_ns} ({@code VM:VCPU=NS ...}); -1 where
     * no entry was recorded before the first exit.
     */
    static long[][] firstGuestNs(Trace trace, long[][] like) {
        long[][] g = new long[like.length][];
        for (int i = 0; i < like.length; i++) {
            g[i] = new long[like[i] == null ? 0 : like[i].length];
            Arrays.fill(g[i], -1);
        }
        for (Map.Entry<String, String> e : trace.manifest().entries().entrySet()) {
            if (!e.getKey().matches("source\\.\\d+\\.first_exit_guest_ns")) {
                continue;
            }
            for (String item : e.getValue().trim().split(" +")) {
                Matcher m = FIRST_GUEST.matcher(item);
                int vm = m.matches() ? Integer.parseInt(m.group(1)) : -1;
                int vcpu = m.matches() ? Integer.parseInt(m.group(2)) : -1;
                if (vm < 0 || vm >= g.length || vcpu >= g[vm].length) {
                    throw new BadInputException(trace.dir().resolve("manifest.csv") + ": " + e.getKey()
                            + ": expected VM:VCPU=NS for a vCPU of the trace, got '" + item + "'");
                }
                g[vm][vcpu] = Long.parseLong(m.group(3));
            }
        }
        return g;
    }

    /**
     * The reason perf names an exit by on arm64: a trap by its exception class, any other exit by its
     * exception type, both as {@code kvm_exit} prints them.
     */
    static String exitReason(Row r) {
        String type = r.isNull(C_TYPE) ? null : r.text(C_TYPE);
        if ("TRAP".equals(type) || type == null && !r.isNull(C_EC)) {
            if (!r.isNull(C_EC_NAME)) {
                return r.text(C_EC_NAME);
            }
            // an EC the Arm ARM leaves unallocated (perf prints UNKNOWN, which would merge it with EC 0)
            return r.isNull(C_EC) ? "TRAP" : String.format(Locale.ROOT, "EC_0x%02x", r.get(C_EC));
        }
        return type == null ? "(none)" : type;
    }

    /**
     * An MMIO access: a data abort from the guest at an IPA that no RAM or pass-through memslot of
     * its VM covers, named by that IPA and, where the syndrome is valid (ISV), by its direction (WnR).
     */
    static String mmioKey(Row r, List<MemslotRecord> slots) {
        if (r.isNull(C_EC) || r.get(C_EC) != EC_DABT_LOW || r.isNull(C_IPA)) {
            return null;
        }
        long ipa = r.get(C_IPA);
        for (MemslotRecord m : slots) {
            if (m.kind() != MemslotRecord.Kind.MMIO && Long.compareUnsigned(ipa - m.ipa(), m.size()) < 0) {
                return null;
            }
        }
        String k = "0x" + Long.toHexString(ipa);
        if (!r.isNull(C_ESR)) {
            long esr = r.get(C_ESR);
            if ((esr >>> 24 & 1) != 0) {
                k += (esr >>> 6 & 1) != 0 ? ":W" : ":R";
            }
        }
        return k;
    }

    private static String scope(List<VmRecord> vms, Selection sel) {
        String vm = "all VMs";
        if (sel.vm() != null) {
            for (VmRecord v : vms) {
                if (v.vm() == sel.vm()) {
                    vm = "VM " + v.vm() + " '" + v.name() + "'";
                }
            }
        }
        return vm + ", " + (sel.vcpu() == null ? "all VCPUs" : "VCPU " + sel.vcpu());
    }
}
