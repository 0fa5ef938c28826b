package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_ACCESS_FLAG;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_DIRTY_LOG;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_LAZY_MAP;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_MMIO;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_PERMISSION;
import static org.virtreplay.engine.hyp.Stage2Manager.CAUSE_UNMAPPED;
import static org.virtreplay.engine.hyp.Stage2Manager.CHANGE_DIRTY_LOG_SPLIT;
import static org.virtreplay.engine.hyp.Stage2Manager.CHANGE_PERMISSION;
import static org.virtreplay.engine.hyp.Stage2Tables.AF;
import static org.virtreplay.engine.hyp.Stage2Tables.GB;
import static org.virtreplay.engine.hyp.Stage2Tables.MB2;
import static org.virtreplay.engine.hyp.Stage2Tables.S2AP_R;
import static org.virtreplay.engine.hyp.Stage2Tables.S2AP_W;
import static org.virtreplay.engine.hyp.Stage2Tables.XN;
import static org.virtreplay.engine.hyp.Stage2Tables.shift;

import org.virtreplay.engine.mmu.FaultKind;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * The host's stage-2 abort handler (KVM's {@code kvm_handle_guest_abort}, {@code user_mem_abort},
 * {@code handle_access_fault} and {@code io_mem_abort} in arch/arm64/kvm/mmu.c): decodes the
 * syndrome of a stage-2 fault, classifies it by memslot kind and fault kind into one of
 * {@link Stage2Manager}'s {@code CAUSE_} codes (the table in that class's comment), changes the
 * tables through {@link Stage2Tables} as KVM would (lazy mapping with the largest block the slot,
 * its backing and the faulting level allow; permission relaxing; the dirty-logging write fault),
 * and counts it in {@link Stage2FaultCounters}. It also maps resident pages "as their first fault
 * would" for recorded mappings and for a guest's stage-1 tables, so that the block-size choice
 * lives in one place. Allocates nothing itself (tables go to modelled physical memory).
 */
final class Stage2FaultHandler {

    private final Stage2Tables tables;
    private final PhysicalMemory mem;
    private final Stage2Tlbi tlbi;
    private final Stage2FaultCounters counters = new Stage2FaultCounters();
    private boolean hostHasDic = true;

    Stage2FaultHandler(Stage2Tables tables, Stage2Tlbi tlbi) {
        this.tables = tables;
        this.mem = tables.mem;
        this.tlbi = tlbi;
    }

    /** Whether the host has CTR_EL0.DIC (see {@link Stage2Manager#setHostHasDic}). */
    void setHostHasDic(boolean dic) {
        this.hostHasDic = dic;
    }

    Stage2FaultCounters counters() {
        return counters;
    }

    /** See {@link Stage2Manager#handleFault}; {@code v} is the VM {@code vm}. */
    int handleFault(long ts, Stage2Vm v, int vm, int vcpu, TranslationResult res) {
        FaultKind kind = res.fault;
        int level = res.faultLevel;
        boolean s1ptw = res.s1ptw;
        long esr = res.esr;
        boolean iabt = ((esr >>> 26) & 0x3F) == 0x20 || ((esr >>> 26) & 0x3F) == 0x21;
        // kvm_is_write_fault: an S1PTW fault is a write only if it is a permission fault (the walk's
        // hardware AF/DBM update); an instruction abort never is.
        boolean write = s1ptw ? kind == FaultKind.PERMISSION : !iabt && (esr & (1L << 6)) != 0;
        boolean exec = iabt && !s1ptw;
        long ipa = res.faultIpa;
        int cause = classifyAndHandle(v, kind, level, s1ptw, iabt, write, exec, ipa, esr);
        counters.count(ts, vm, vcpu, kind, level, s1ptw, cause);
        return cause;
    }

    private int classifyAndHandle(Stage2Vm v, FaultKind kind, int level, boolean s1ptw, boolean iabt, boolean write,
            boolean exec, long ipa, long esr) {
        if (kind == FaultKind.ADDRESS_SIZE || (ipa >>> v.ipaBits) != 0) {
            return CAUSE_UNMAPPED; // KVM injects an abort: the guest addressed beyond its IPA space
        }
        Memslot s = v.slotOf(ipa);
        if (s == null || s.kind() == Memslot.MMIO) {
            if (iabt || s1ptw) {
                return CAUSE_UNMAPPED; // prefetch abort / data abort injected at FAR
            }
            v.mmioExits++;
            if ((esr & (1L << 24)) == 0) {
                v.mmioNisv++; // ISV=0: KVM cannot decode it (KVM_EXIT_ARM_NISV)
            }
            if ((esr & (1L << 6)) != 0) {
                v.mmioWrites++;
            }
            return CAUSE_MMIO;
        }
        if (s.kind() == Memslot.ROM && write) {
            if (s1ptw) {
                return CAUSE_UNMAPPED; // a hardware AF/DBM update of tables in ROM: abort injected
            }
            // KVM_MEM_READONLY: a write is not mapped but handed to the VMM, like MMIO.
            v.mmioExits++;
            v.mmioWrites++;
            if ((esr & (1L << 24)) == 0) {
                v.mmioNisv++;
            }
            return CAUSE_MMIO;
        }
        if (s.kind() == Memslot.DEVICE) {
            if (exec) {
                return CAUSE_UNMAPPED; // KVM refuses to execute from device memory (-ENOEXEC)
            }
            if (kind == FaultKind.TRANSLATION) {
                long base = ipa & -4096L;
                tables.installLeaf(v, base, s.paOf(base), 3, tables.leafAttrs(true, false, true));
                return CAUSE_LAZY_MAP;
            }
        }
        if (kind == FaultKind.ACCESS_FLAG) {
            long dpa = tables.leafPa(v, ipa);
            if (dpa >= 0) {
                mem.write(dpa, mem.read(dpa) | AF);
            }
            return CAUSE_ACCESS_FLAG;
        }
        if (kind == FaultKind.TRANSLATION) {
            lazyMap(v, s, ipa, level, s.kind() == Memslot.RAM && (write || !v.logging), exec);
            if (v.logging && write && s.kind() == Memslot.RAM) {
                v.dirtyOf(s).mark(ipa);
            }
            return CAUSE_LAZY_MAP;
        }
        // Permission fault.
        long dpa = tables.leafPa(v, ipa);
        if (dpa < 0) {
            // The mapping went away between the fault and its handling: map it.
            lazyMap(v, s, ipa, tables.faultLevelFor(v, ipa), s.kind() == Memslot.RAM && (write || !v.logging), exec);
            return CAUSE_LAZY_MAP;
        }
        long d = mem.read(dpa);
        int leafLevel = tables.lastLevel();
        if (write && (d & S2AP_W) == 0 && v.logging && s.kind() == Memslot.RAM) {
            v.dirtyOf(s).mark(ipa);
            if (leafLevel == 3) {
                mem.write(dpa, d | S2AP_W);
                tlbi.changed(v, ipa & -4096L, 4096, CHANGE_PERMISSION);
                tlbi.tlbi(TlbiOp.IPAS2E1, tlbi.vmid(v), ipa);
                tlbi.tlbi(TlbiOp.VMALLE1, tlbi.vmid(v), 0);
            } else {
                // force_pte while logging: break the write-protected block, map only this page.
                mem.write(dpa, 0);
                tlbi.changed(v, ipa & -(1L << shift(leafLevel)), 1L << shift(leafLevel), CHANGE_DIRTY_LOG_SPLIT);
                tlbi.tlbi(TlbiOp.IPAS2E1IS, tlbi.vmid(v), ipa & -(1L << shift(leafLevel)));
                tlbi.tlbi(TlbiOp.VMALLE1IS, tlbi.vmid(v), 0);
                v.blocksBroken++;
                long base = ipa & -4096L;
                tables.installLeaf(v, base, s.paOf(base), 3, tables.leafAttrs(true, (d & XN) == 0 || exec, false));
            }
            return CAUSE_DIRTY_LOG;
        }
        long nd = d;
        if (write) {
            nd |= S2AP_W;
        }
        if (exec) {
            nd &= ~(3L << 53);
        }
        if (!write && !exec) {
            nd |= S2AP_R;
        }
        if (nd != d) {
            mem.write(dpa, nd);
            tlbi.changed(v, ipa & -(1L << shift(leafLevel)), 1L << shift(leafLevel), CHANGE_PERMISSION);
            tlbi.tlbi(TlbiOp.IPAS2E1, tlbi.vmid(v), ipa);
            tlbi.tlbi(TlbiOp.VMALLE1, tlbi.vmid(v), 0);
        }
        return CAUSE_PERMISSION;
    }

    /** See {@link Stage2Manager#mapResident}: maps each unmapped RAM page of {@code [ipa, end)} as its first fault would. */
    void mapResident(Stage2Vm v, long ipa, long end) {
        long a = ipa & -4096L;
        while (a < end) {
            if (tables.leafPa(v, a) >= 0) {
                long bs = 1L << shift(tables.lastLevel());
                a = (a & -bs) + bs;
                continue;
            }
            Memslot s = v.slotOf(a);
            if (s == null || s.kind() != Memslot.RAM) {
                a += 4096;
                continue;
            }
            lazyMap(v, s, a, tables.faultLevelFor(v, a), !v.logging, false);
        }
    }

    /** See {@link Stage2Manager#resolveForTables}. */
    long resolveForTables(Stage2Vm v, long ipa) {
        long pa = tables.outputAddress(v, ipa);
        if (pa >= 0) {
            return pa;
        }
        Memslot s = v.slotOf(ipa);
        if (s == null || !s.isMemory()) {
            return -1;
        }
        lazyMap(v, s, ipa, tables.faultLevelFor(v, ipa), s.kind() == Memslot.RAM, false);
        return s.paOf(ipa);
    }

    private void lazyMap(Stage2Vm v, Memslot s, long ipa, int faultLevel, boolean writable, boolean exec) {
        long pa = s.paOf(ipa);
        long size = 4096;
        if (!v.logging) {
            long maxByLevel = faultLevel <= 1 ? GB : faultLevel == 2 ? MB2 : 4096;
            for (long bs = GB; bs > 4096; bs >>= 9) {
                long base = ipa & -bs;
                if (bs <= s.backing() && bs <= maxByLevel && base >= s.ipa() && base + bs <= s.ipa() + s.size()
                        && ((ipa ^ pa) & (bs - 1)) == 0) {
                    size = bs;
                    break;
                }
            }
        }
        long base = ipa & -size;
        int level = size == GB ? 1 : size == MB2 ? 2 : 3;
        tables.installLeaf(v, base, pa & -size, level, tables.leafAttrs(writable, hostHasDic || exec, false));
    }
}
