package org.virtreplay.ingest.trace;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.UserText;

/**
 * The rules that span columns, rows or tables: vm and vCPU ids declared in {@code vms}, PE ids
 * within the manifest's {@code pe_count}, per-vCPU time order, memslot overlap and alignment, and
 * the per-kind consistency rules of docs/trace-format.md. Holds only the last timestamp per
 * (vm, vCPU), so memory does not grow with the table.
 */
final class RowValidator {
    /** vms declared so far: vcpus by vm id, 0 = not declared. */
    private final int[] vcpusOf;
    private final int[] ipaBitsOf;
    private final int peCount;
    private final TableKind kind;
    private final TableSource src;
    private final Problems problems;

    private final long[][] lastTs = new long[65536][];
    private final long[][] lastPos = new long[65536][];
    private long hostLastTs = Long.MIN_VALUE;
    private long hostLastPos;
    private long position;

    // vms and memslots only: small, kept whole
    private final List<long[]> slots = new ArrayList<>();
    private final List<String> slotWhere = new ArrayList<>();
    private final String[] vmWhere;
    /** vms only: the vm that took each explicit VMID, -1 = none. */
    private final int[] vmOfVmid;

    private final int cTs;
    private final int cVm;
    private final int cVcpu;
    private final int cPe;

    RowValidator(TableKind kind, TableSource src, Problems problems, int[] vcpusOf, int[] ipaBitsOf, int peCount) {
        this.kind = kind;
        this.src = src;
        this.problems = problems;
        this.vcpusOf = vcpusOf;
        this.ipaBitsOf = ipaBitsOf;
        this.peCount = peCount;
        this.vmWhere = kind == TableKind.VMS ? new String[65536] : null;
        this.vmOfVmid = kind == TableKind.VMS ? new int[65536] : null;
        if (vmOfVmid != null) {
            java.util.Arrays.fill(vmOfVmid, -1);
        }
        this.cTs = kind.indexOf("ts");
        this.cVm = kind.indexOf("vm");
        this.cVcpu = kind.indexOf("vcpu");
        this.cPe = kind.indexOf("pe");
    }

    /** True if the row is good; otherwise its problems are reported. */
    boolean check(Row r) {
        position = src.position();
        boolean ok = true;
        if (kind == TableKind.VMS) {
            return checkVm(r);
        }
        if (!r.isNull(cVm) && vcpusOf[r.getInt(cVm)] == 0) {
            problems.add(problem("vm", "expected a vm declared in the vms table" + declared()));
            return false;
        }
        if (cVcpu >= 0 && !r.isNull(cVcpu)) {
            int vm = r.getInt(cVm);
            int vcpu = r.getInt(cVcpu);
            boolean hostAllowed = kind.column(cVcpu).min() < 0;
            if (vcpu >= vcpusOf[vm]) {
                problems.add(problem("vcpu", "expected a vCPU of vm " + vm + " (0.." + (vcpusOf[vm] - 1)
                        + (hostAllowed ? ", or -1 for the hypervisor" : "") + ")"));
                ok = false;
            }
        }
        if (cPe >= 0 && r.getInt(cPe) >= peCount) {
            problems.add(problem("pe", "expected a PE 0.." + (peCount - 1) + " (manifest pe_count " + peCount
                    + ") or -1"));
            ok = false;
        }
        ok &= switch (kind) {
            case MEMSLOTS -> checkMemslot(r);
            case PTE -> checkPte(r);
            case MAP -> checkMap(r);
            case TLBI -> checkTlbi(r);
            case IRQ -> checkIrq(r);
            case SCHED -> checkSched(r);
            default -> true;
        };
        if (ok && cTs >= 0) {
            ok = checkOrder(r);
        }
        return ok;
    }

    /**
     * The {@code mem} fast path: true, with the same effect as {@link #check} on a good row, if the
     * row with these (already range-checked) values is good and its VM and vCPU have been seen;
     * false, changing nothing, otherwise, and the caller then fills a {@link Row} and calls
     * {@link #check} for the verdict and the messages.
     */
    boolean memRowOk(long ts, int vm, int vcpu, long pos) {
        int n = vcpusOf[vm];
        long[] last = lastTs[vm];
        if (vcpu >= n || last == null || ts < last[vcpu + 1]) {
            return false;
        }
        last[vcpu + 1] = ts;
        lastPos[vm][vcpu + 1] = pos;
        position = pos;
        return true;
    }

    /**
     * {@link #memRowOk} over rows {@code from..to-1} of a batch's arrays (the row at index
     * {@code from} is file row {@code pos}, the next {@code pos + 1}, ...): the index of the first row
     * it would refuse (with nothing changed for that row), or {@code to} if it takes them all. One
     * loop with the arrays in locals, for the batches whose column bounds were already checked.
     */
    int memRowsOk(long[] ts, int[] vm, int[] vcpu, int from, int to, long pos) {
        final int[] vcpus = vcpusOf;
        final long[][] lastT = lastTs;
        final long[][] lastP = lastPos;
        int i = from;
        for (; i < to; i++) {
            int v = vm[i];
            int c = vcpu[i];
            long t = ts[i];
            long[] last = lastT[v];
            if (c >= vcpus[v] || last == null || t < last[c + 1]) {
                break;
            }
            last[c + 1] = t;
            lastP[v][c + 1] = pos + (i - from);
        }
        if (i > from) {
            position = pos + (i - from) - 1;
        }
        return i;
    }

    private String declared() {
        return declared(vcpusOf);
    }

    /** {@code " (0, 1)"} (or {@code ", which declares none"}): the VMs declared in {@code vcpusOf}, for messages. */
    static String declared(int[] vcpusOf) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (int vm = 0; vm < vcpusOf.length && n <= 8; vm++) {
            if (vcpusOf[vm] > 0) {
                b.append(n == 0 ? " (" : ", ").append(n == 8 ? "..." : Integer.toString(vm));
                n++;
            }
        }
        return n == 0 ? ", which declares none" : b.append(')').toString();
    }

    private String problem(String column, String expected) {
        return src.where() + ": column '" + column + "': " + expected + ", got "
                + UserText.quote(src.raw(kind.indexOf(column)));
    }

    private boolean checkOrder(Row r) {
        long ts = r.get(cTs);
        if (r.isNull(cVm)) { // pte rows of no particular VM form one host stream
            if (ts < hostLastTs) {
                problems.add(src.where() + ": column 'ts': time goes backwards for the host: " + ts + " after "
                        + hostLastTs + " at " + label() + " " + hostLastPos);
                return false;
            }
            hostLastTs = ts;
            hostLastPos = position;
            return true;
        }
        int vm = r.getInt(cVm);
        int slot = cVcpu < 0 || r.isNull(cVcpu) ? 0 : r.getInt(cVcpu) + 1;
        long[] last = lastTs[vm];
        if (last == null) {
            last = lastTs[vm] = new long[vcpusOf[vm] + 1];
            lastPos[vm] = new long[vcpusOf[vm] + 1];
            java.util.Arrays.fill(last, Long.MIN_VALUE);
        }
        if (ts < last[slot]) {
            String who = cVcpu < 0 ? "vm " + vm : slot == 0 ? "vm " + vm + " hypervisor (vcpu -1)" : "vm " + vm
                    + " vcpu " + (slot - 1);
            problems.add(src.where() + ": column 'ts': time goes backwards for " + who + ": " + ts + " after "
                    + last[slot] + " at " + label() + " " + lastPos[vm][slot]);
            return false;
        }
        last[slot] = ts;
        lastPos[vm][slot] = position;
        return true;
    }

    private String label() {
        return src.positionLabel();
    }

    private boolean checkVm(Row r) {
        int vm = r.getInt(0);
        if (vmWhere[vm] != null) {
            problems.add(src.where() + ": column 'vm': vm " + vm + " is declared twice (first at " + vmWhere[vm] + ")");
            return false;
        }
        if (!r.isNull(4)) {
            // Two VMs with one VMID would share TLB entries: stage-2 isolation rests on distinct VMIDs.
            int vmid = r.getInt(4);
            int other = vmOfVmid[vmid];
            if (other >= 0) {
                problems.add(src.where() + ": column 'vmid': VMID " + vmid + " is already vm " + other + "'s (at "
                        + vmWhere[other] + "); each VM needs its own VMID");
                return false;
            }
            vmOfVmid[vmid] = vm;
        }
        vmWhere[vm] = src.where();
        vcpusOf[vm] = r.getInt(2);
        ipaBitsOf[vm] = r.getInt(3);
        return true;
    }

    private boolean checkMemslot(Row r) {
        int vm = r.getInt(0);
        int slot = r.getInt(1);
        long ipa = r.get(2);
        long size = r.get(3);
        String kindName = r.symbol(4);
        boolean ok = true;
        if ((ipa & 0xfff) != 0) {
            problems.add(problem("ipa", "expected a 4 KiB-aligned address"));
            ok = false;
        }
        if ((size & 0xfff) != 0) {
            problems.add(problem("size", "expected a multiple of 4096"));
            ok = false;
        }
        long limit = 1L << ipaBitsOf[vm];
        if (Long.compareUnsigned(ipa, limit) >= 0 || size > limit - ipa) {
            problems.add(problem("size", "expected the memslot to end within the " + ipaBitsOf[vm]
                    + "-bit IPA space of vm " + vm + " (0x" + Long.toHexString(limit) + ")"));
            ok = false;
        }
        switch (kindName) {
            case "device" -> {
                if (r.isNull(5)) {
                    problems.add(problem("pa", "expected the host PA of the pass-through device"));
                    ok = false;
                }
            }
            case "mmio" -> {
                if (!r.isNull(5)) {
                    problems.add(problem("pa", "expected empty for an mmio memslot (it is not mapped)"));
                    ok = false;
                }
                if (!r.isNull(6)) {
                    problems.add(problem("s2_page_size", "expected empty for an mmio memslot (it is not mapped)"));
                    ok = false;
                }
            }
            default -> {
            }
        }
        if (!r.isNull(5) && (r.get(5) & 0xfff) != 0) {
            problems.add(problem("pa", "expected a 4 KiB-aligned address"));
            ok = false;
        } else if (!r.isNull(5) && size > 0 && Long.compareUnsigned(r.get(5), -size) > 0) {
            problems.add(problem("pa", "expected a host PA range [pa, pa + size) that ends at or below 2^64"));
            ok = false;
        }
        if (!ok) {
            return false;
        }
        long end = ipa + size;
        for (int i = 0; i < slots.size(); i++) {
            long[] s = slots.get(i);
            if (s[0] != vm) {
                continue;
            }
            if (s[1] == slot) {
                problems.add(src.where() + ": column 'slot': memslot " + slot + " of vm " + vm
                        + " is declared twice (first at " + slotWhere.get(i) + ")");
                return false;
            }
            if (ipa < s[3] && s[2] < end) {
                problems.add(src.where() + ": memslot " + slot + " of vm " + vm + " [0x" + Long.toHexString(ipa)
                        + ", 0x" + Long.toHexString(end) + ") overlaps memslot " + s[1] + " [0x" + Long.toHexString(s[2])
                        + ", 0x" + Long.toHexString(s[3]) + ") at " + slotWhere.get(i));
                return false;
            }
        }
        slots.add(new long[] {vm, slot, ipa, end});
        slotWhere.add(src.where());
        return true;
    }

    private boolean checkPte(Row r) {
        if ((r.get(2) & 7) != 0) {
            problems.add(problem("pa", "expected an 8-byte-aligned address"));
            return false;
        }
        return true;
    }

    private boolean checkMap(Row r) {
        // ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op
        boolean ok = true;
        int stage = r.getInt(2);
        boolean map = r.get(11) == 0;
        long size = r.get(7);
        if (stage == 1 && r.isNull(3)) {
            problems.add(problem("root", "expected the IPA of the stage-1 table root"));
            ok = false;
        }
        if (stage == 2 && !r.isNull(4)) {
            problems.add(problem("asid", "expected empty for a stage-2 mapping"));
            ok = false;
        }
        if (stage == 2 && !r.isNull(10)) {
            problems.add(problem("ng", "expected empty for a stage-2 mapping"));
            ok = false;
        }
        if (stage == 1 && r.isNull(10)) {
            problems.add(problem("ng", "expected 0 or 1 for a stage-1 mapping"));
            ok = false;
        }
        if (Long.bitCount(size) != 1) {
            problems.add(problem("size", "expected a power of two (a page or block size)"));
            return false;
        }
        if ((r.get(5) & (size - 1)) != 0) {
            problems.add(problem("ia", "expected an address aligned to the size " + size));
            ok = false;
        }
        // The addresses that are IPAs must lie in the VM's IPA space: the engine would otherwise
        // index its tables with the bits above it dropped, and map another IPA without a word.
        int vm = r.getInt(1);
        long limit = 1L << ipaBitsOf[vm];
        String space = "the " + ipaBitsOf[vm] + "-bit IPA space of vm " + vm + " (0x" + Long.toHexString(limit) + ")";
        if (stage == 2 && !within(r.get(5), size, limit)) {
            problems.add(problem("ia", "expected a mapping that ends within " + space));
            ok = false;
        }
        if (stage == 1 && !r.isNull(6) && !within(r.get(6), size, limit)) {
            problems.add(problem("oa", "expected a mapping that ends within " + space));
            ok = false;
        }
        if (stage == 1 && !r.isNull(3) && Long.compareUnsigned(r.get(3), limit) >= 0) {
            problems.add(problem("root", "expected an IPA within " + space));
            ok = false;
        }
        if (map) {
            if (r.isNull(6)) {
                problems.add(problem("oa", "expected the output address of the mapping"));
                ok = false;
            } else if ((r.get(6) & (size - 1)) != 0) {
                problems.add(problem("oa", "expected an address aligned to the size " + size));
                ok = false;
            }
            if (r.isNull(9)) {
                problems.add(problem("memtype", "expected one of " + String.join(", ", kind.column(9).symbols())));
                ok = false;
            }
        }
        if (!r.isNull(8) && !validPerm(r.text(8), stage)) {
            problems.add(problem("perm", stage == 1 ? "expected letters from r, w, x, u (each at most once)"
                    : "expected letters from r, w, x (each at most once)"));
            ok = false;
        } else if (map && r.isNull(8)) {
            problems.add(problem("perm", stage == 1 ? "expected letters from r, w, x, u (each at most once)"
                    : "expected letters from r, w, x (each at most once)"));
            ok = false;
        }
        return ok;
    }

    /** {@code [a, a + size)} lies below {@code limit} (unsigned, no wrap). */
    private static boolean within(long a, long size, long limit) {
        return Long.compareUnsigned(a, limit) < 0 && Long.compareUnsigned(size, limit - a) <= 0;
    }

    private static boolean validPerm(String p, int stage) {
        String letters = stage == 1 ? "rwxu" : "rwx";
        int seen = 0;
        for (int i = 0; i < p.length(); i++) {
            int k = letters.indexOf(p.charAt(i));
            if (k < 0 || (seen & (1 << k)) != 0) {
                return false;
            }
            seen |= 1 << k;
        }
        return true;
    }

    private boolean checkTlbi(Row r) {
        // ts,pe,vm,vcpu,op,asid,addr,ttl,pages
        org.virtreplay.engine.tlb.TlbiOp op = org.virtreplay.engine.tlb.TlbiOp.values()[r.getInt(4)];
        boolean ok = true;
        if (op.hasAddress() && r.isNull(6)) {
            problems.add(problem("addr", "expected the address operand of TLBI " + op.name()));
            ok = false;
        }
        if (op.isRange() && r.isNull(8)) {
            problems.add(problem("pages", "expected the page count of range TLBI " + op.name()));
            ok = false;
        }
        if (!op.isRange() && !r.isNull(8)) {
            problems.add(problem("pages", "expected empty (" + op.name() + " is not a range operation)"));
            ok = false;
        }
        return ok;
    }

    private boolean checkIrq(Row r) {
        // ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts
        long intid = r.get(1);
        boolean ok = true;
        if (intid >= 1020 && intid < 8192) {
            problems.add(problem("intid", kind.column(1).expected()));
            return false;
        }
        String source = r.symbol(4);
        int vm = r.getInt(2);
        int srcVcpu = r.getInt(5);
        if (r.getInt(3) == -1 && (intid < 32)) {
            problems.add(problem("vcpu", "expected a target vCPU of vm " + vm + " (0.." + (vcpusOf[vm] - 1)
                    + "): only SPIs and LPIs may be routed with -1"));
            ok = false;
        }
        String need = switch (source) {
            case "ipi" -> intid < 16 ? null : "an SGI (0..15) for source ipi";
            case "timer" -> intid >= 16 && intid < 32 ? null : "a PPI (16..31) for source timer";
            case "its" -> intid >= 8192 ? null : "an LPI (8192..) for source its";
            default -> intid >= 16 && intid < 1020 ? null : "a PPI or SPI (16..1019) for source device";
        };
        if (need != null) {
            problems.add(problem("intid", "expected " + need));
            ok = false;
        }
        if (source.equals("ipi") ? srcVcpu < 0 || srcVcpu >= vcpusOf[vm] : srcVcpu != -1) {
            problems.add(problem("source_vcpu", source.equals("ipi")
                    ? "expected the sending vCPU of vm " + vm + " (0.." + (vcpusOf[vm] - 1) + ")"
                    : "expected -1 (only ipi has a source vCPU)"));
            ok = false;
        }
        long ts = r.get(0);
        if (!r.isNull(9) && r.get(9) < ts) {
            problems.add(problem("ack_ts", "expected a time at or after ts " + ts));
            ok = false;
        }
        if (!r.isNull(10) && r.get(10) < (r.isNull(9) ? ts : r.get(9))) {
            problems.add(problem("eoi_ts", "expected a time at or after " + (r.isNull(9) ? "ts " + ts
                    : "ack_ts " + r.get(9))));
            ok = false;
        }
        return ok;
    }

    private boolean checkSched(Row r) {
        if (r.get(4) == 0 && r.getInt(1) < 0) {
            problems.add(problem("pe", "expected the PE the vCPU runs on (0.." + (peCount - 1) + ") for event run"));
            return false;
        }
        return true;
    }
}
