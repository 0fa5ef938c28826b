package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Stage2Manager.CHANGE_DIRTY_LOG_PROTECT;
import static org.virtreplay.engine.hyp.Stage2Tables.OA_MASK;
import static org.virtreplay.engine.hyp.Stage2Tables.S2AP_W;
import static org.virtreplay.engine.hyp.Stage2Tables.shift;

import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * Dirty-page logging of a VM's RAM slots (KVM's {@code KVM_MEM_LOG_DIRTY_PAGES}, with
 * {@code kvm_mmu_wp_memory_region} and eager page splitting, {@code KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE}):
 * rounds that write-protect every RAM leaf (optionally splitting blocks into pages first) and the
 * per-slot {@link DirtyLog} bitmaps the write faults fill. The write faults themselves are
 * {@link Stage2FaultHandler}'s; this class owns the start and end of logging and the walk that
 * write-protects, so that a round's table changes and their one {@code TLBI VMALLS12E1IS} are in
 * one place.
 */
final class Stage2DirtyLogging {

    private final Stage2Tables tables;
    private final PhysicalMemory mem;
    private final Stage2Tlbi tlbi;

    Stage2DirtyLogging(Stage2Tables tables, Stage2Tlbi tlbi) {
        this.tables = tables;
        this.mem = tables.mem;
        this.tlbi = tlbi;
    }

    /**
     * Starts a dirty-logging round for the VM (enabling logging on all its RAM slots the first
     * time): clears the dirty bitmaps, write-protects every RAM mapping (S2AP[1] = 0) and, if
     * {@code split}, splits blocks into write-protected 4 KB pages now (KVM's eager page splitting);
     * then one {@code TLBI VMALLS12E1IS}. Returns the pages dirtied in the previous round (0 the first time).
     */
    long startDirtyRound(Stage2Vm v, boolean split) {
        long previous = 0;
        for (int i = 0; i < v.nSlots; i++) {
            Memslot s = v.slots[i];
            if (s.kind() != Memslot.RAM) {
                continue;
            }
            if (v.dirty[i] == null) {
                v.dirty[i] = new DirtyLog(s.ipa(), s.size());
            } else {
                previous += v.dirty[i].clear();
            }
            protectRange(v, v.root, v.startLevel, 0, s.ipa(), s.ipa() + s.size(), split);
            tlbi.changed(v, s.ipa(), s.size(), CHANGE_DIRTY_LOG_PROTECT);
        }
        v.logging = true;
        tlbi.tlbi(TlbiOp.VMALLS12E1IS, tlbi.vmid(v), 0);
        return previous;
    }

    /** Stops dirty logging; returns the pages dirtied in the last round. Mappings stay as they are. */
    long stopDirtyLogging(Stage2Vm v) {
        long d = dirtyPages(v);
        java.util.Arrays.fill(v.dirty, 0, v.nSlots, null);
        v.logging = false;
        return d;
    }

    /** Pages dirtied so far in the current round of the VM. */
    long dirtyPages(Stage2Vm v) {
        long d = 0;
        for (int i = 0; i < v.nSlots; i++) {
            if (v.dirty[i] != null) {
                d += v.dirty[i].dirtyPages();
            }
        }
        return d;
    }

    /** Whether the 4 KB page holding {@code ipa} was written in the current round. */
    boolean isDirty(Stage2Vm v, long ipa) {
        for (int i = 0; i < v.nSlots; i++) {
            if (v.slots[i].contains(ipa)) {
                return v.dirty[i] != null && v.dirty[i].isDirty(ipa);
            }
        }
        return false;
    }

    private void protectRange(Stage2Vm v, long table, int level, long base, long lo, long hi, boolean split) {
        int n = level == v.startLevel ? 1 << v.rootBits : 512;
        long span = 1L << shift(level);
        for (int i = 0; i < n; i++) {
            long ia = base + i * span;
            if (ia + span <= lo || ia >= hi) {
                continue;
            }
            long e = table + 8L * i;
            long d = mem.read(e);
            if ((d & 1) == 0) {
                continue;
            }
            if ((d & 3) == 3 && level < 3) {
                protectRange(v, d & OA_MASK, level + 1, ia, lo, hi, split);
                continue;
            }
            long wp = d & ~S2AP_W;
            if (split && level < 3) {
                // Eager split: replace the block by write-protected pages (break, then make).
                mem.write(e, 0);
                long oa = d & OA_MASK & -span;
                long attrs = wp & ~(OA_MASK | 3L);
                for (long off = 0; off < span; off += 4096) {
                    tables.installLeaf(v, ia + off, oa + off, 3, attrs);
                }
                v.blocksSplit++;
                v.writeProtected += span >>> 12;
            } else {
                mem.write(e, wp);
                v.writeProtected++;
            }
        }
    }
}
