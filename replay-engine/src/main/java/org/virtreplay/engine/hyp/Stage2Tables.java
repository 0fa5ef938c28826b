package org.virtreplay.engine.hyp;

import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TablePoolExhaustedException;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * The host's editor of stage-2 translation tables in modelled physical memory (KVM's
 * {@code kvm_pgtable_stage2_*} in arch/arm64/kvm/hyp/pgtable.c): the VMSAv8-64 stage-2 descriptor
 * format for the 4 KB granule (Arm ARM D8.3; S2AP, AF, SH, MemAttr with or without HCR_EL2.FWB,
 * XN), table allocation from one bump-allocated pool shared by all VMs (tables are not reused after
 * an unmap), software walks, and the break-before-make unmaps with their TLB maintenance. It knows
 * nothing of memslots or faults: {@link Stage2FaultHandler} and {@link Stage2DirtyLogging} decide
 * what to map and call it. Single-threaded; allocates nothing on the Java heap.
 */
final class Stage2Tables {

    static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;
    static final long S2AP_R = 1L << 6;
    static final long S2AP_W = 1L << 7;
    static final long AF = 1L << 10;
    static final long XN = 2L << 53;
    static final long GB = 1L << 30;
    static final long MB2 = 1L << 21;

    final PhysicalMemory mem;
    private final Stage2Tlbi tlbi;
    private final long poolBase;
    private final long poolEnd;
    private long poolNext;
    private boolean fwb;
    /** Level of the leaf the last successful {@link #leafPa} found. */
    private int lastLevel;

    Stage2Tables(PhysicalMemory mem, Stage2Tlbi tlbi, long poolBase, long poolSize) {
        this.mem = mem;
        this.tlbi = tlbi;
        this.poolBase = poolBase;
        this.poolNext = (poolBase + 4095) & -4096L;
        this.poolEnd = poolBase + poolSize;
    }

    void setFwb(boolean fwb) {
        this.fwb = fwb;
    }

    /** Input-address bits a table entry at {@code level} spans (4 KB granule). */
    static int shift(int level) {
        return 12 + 9 * (3 - level);
    }

    /** Level of the leaf the last successful {@link #leafPa} found. */
    int lastLevel() {
        return lastLevel;
    }

    // ------------------------------------------------------------------ pool

    /** Allocates and zeroes a (possibly concatenated) root of {@code rootBytes}, aligned to its size. */
    long allocRoot(long rootBytes) {
        long root = (poolNext + rootBytes - 1) & -rootBytes;
        if (root + rootBytes > poolEnd) {
            throw new TablePoolExhaustedException(2, root, String.format(Locale.ROOT,
                    "stage-2 table pool exhausted at 0x%x", root));
        }
        poolNext = root + rootBytes;
        for (long off = 0; off < rootBytes; off += 8) {
            mem.write(root + off, 0);
        }
        return root;
    }

    /** Whether {@code [pa, pa+size)} overlaps the table pool. */
    boolean overlapsPool(long pa, long size) {
        return pa < poolEnd && poolBase < pa + size;
    }

    long poolBase() {
        return poolBase;
    }

    long poolEnd() {
        return poolEnd;
    }

    private long allocTable() {
        if (poolNext + 4096 > poolEnd) {
            throw new TablePoolExhaustedException(2, poolNext, String.format(Locale.ROOT,
                    "stage-2 table pool exhausted at 0x%x", poolNext));
        }
        long t = poolNext;
        poolNext += 4096;
        for (long off = 0; off < 4096; off += 8) {
            mem.write(t + off, 0);
        }
        return t;
    }

    // ------------------------------------------------------------------ descriptors

    /** Leaf attributes KVM uses: AF, SH (Inner; Outer for device), MemAttr, S2AP (R always), XN unless executable. */
    long leafAttrs(boolean writable, boolean exec, boolean device) {
        int memattr = device ? (fwb ? MemType.DEVICE_NGNRE.s2MemAttrFwb : MemType.DEVICE_NGNRE.s2MemAttr)
                : (fwb ? MemType.NORMAL_WB.s2MemAttrFwb : MemType.NORMAL_WB.s2MemAttr);
        return AF | ((long) (device ? 2 : 3) << 8) | ((long) memattr << 2) | S2AP_R | (writable ? S2AP_W : 0)
                | (exec && !device ? 0 : XN);
    }

    /** Leaf attributes of a trace {@code map} record: permission letters r, w, x and a memory type. */
    long recordedAttrs(String perm, MemType type) {
        boolean r = perm.indexOf('r') >= 0;
        boolean w = perm.indexOf('w') >= 0;
        boolean x = perm.indexOf('x') >= 0;
        int memattr = fwb ? type.s2MemAttrFwb : type.s2MemAttr;
        if (memattr < 0) {
            throw new BadInputException("memtype " + type.traceName() + " has no stage-2 encoding with FWB=1");
        }
        return AF | ((long) (type.isDevice() ? 2 : 3) << 8) | ((long) memattr << 2) | (r ? S2AP_R : 0)
                | (w ? S2AP_W : 0) | (x ? 0 : XN);
    }

    // ------------------------------------------------------------------ walks

    long entry(Stage2Vm v, long table, long ipa, int level) {
        long mask = level == v.startLevel ? (1L << v.rootBits) - 1 : 511;
        return table + (((ipa >>> shift(level)) & mask) << 3);
    }

    /** PA of the valid leaf descriptor mapping {@code ipa}, or -1; sets {@link #lastLevel()}. */
    long leafPa(Stage2Vm v, long ipa) {
        if ((ipa >>> v.ipaBits) != 0) {
            return -1;
        }
        long table = v.root;
        for (int l = v.startLevel; l <= 3; l++) {
            long e = entry(v, table, ipa, l);
            long d = mem.read(e);
            if ((d & 1) == 0) {
                return -1;
            }
            if ((d & 3) == 3 && l < 3) {
                table = d & OA_MASK;
                continue;
            }
            if ((d & 3) == 1 && l == 3) {
                return -1;
            }
            lastLevel = l;
            return e;
        }
        return -1;
    }

    /** The PA {@code ipa} translates to through the current tables, or -1 if unmapped. */
    long outputAddress(Stage2Vm v, long ipa) {
        long dpa = leafPa(v, ipa);
        if (dpa < 0) {
            return -1;
        }
        long d = mem.read(dpa);
        long bs = 1L << shift(lastLevel);
        return (d & OA_MASK & -bs) | (ipa & (bs - 1));
    }

    /** The level at which a walk for {@code ipa} finds an invalid descriptor (start level if none valid). */
    int faultLevelFor(Stage2Vm v, long ipa) {
        long table = v.root;
        for (int l = v.startLevel; l <= 3; l++) {
            long d = mem.read(entry(v, table, ipa, l));
            if ((d & 1) == 0 || (d & 3) != 3 || l == 3) {
                return l;
            }
            table = d & OA_MASK;
        }
        return 3;
    }

    private boolean tableAt(Stage2Vm v, long ipa, int level) {
        long table = v.root;
        for (int l = v.startLevel; l <= level; l++) {
            long d = mem.read(entry(v, table, ipa, l));
            if ((d & 3) != 3) {
                return false;
            }
            if (l == level) {
                return true;
            }
            table = d & OA_MASK;
        }
        return false;
    }

    // ------------------------------------------------------------------ edits

    /** Maps {@code [ipa, ipa+size)} to {@code pa} with the largest blocks the alignment and existing tables allow. */
    void mapRange(Stage2Vm v, long ipa, long pa, long size, long attrs) {
        while (size > 0) {
            long bs = 4096;
            for (long b = GB; b > 4096; b >>= 9) {
                int l = b == GB ? 1 : 2;
                if (l >= v.startLevel && (ipa & (b - 1)) == 0 && (pa & (b - 1)) == 0 && size >= b
                        && !tableAt(v, ipa, l)) {
                    bs = b;
                    break;
                }
            }
            int level = bs == GB ? 1 : bs == MB2 ? 2 : 3;
            installLeaf(v, ipa, pa, level, attrs);
            ipa += bs;
            pa += bs;
            size -= bs;
        }
    }

    /** Writes a leaf for {@code ipa} at {@code level}, creating intermediate tables. */
    void installLeaf(Stage2Vm v, long ipa, long pa, int level, long attrs) {
        long table = v.root;
        for (int l = v.startLevel; l < level; l++) {
            long e = entry(v, table, ipa, l);
            long d = mem.read(e);
            if ((d & 1) == 0) {
                long t = allocTable();
                mem.write(e, t | 3);
                table = t;
            } else if ((d & 3) == 3) {
                table = d & OA_MASK;
            } else {
                throw new BadInputException(String.format(Locale.ROOT,
                        "VM %d: stage-2 mapping of IPA 0x%x at level %d falls inside an existing level-%d block",
                        v.id, ipa, level, l));
            }
        }
        mem.write(entry(v, table, ipa, level), (pa & OA_MASK) | attrs | (level == 3 ? 3 : 1));
    }

    /**
     * Removes the leaves of {@code [ipa, end)}, each with break-before-make maintenance; a leaf only
     * partly covered is refused (a recorded unmap must match the recorded mappings).
     */
    void unmapExact(Stage2Vm v, long ipa, long end) {
        long a = ipa;
        while (a < end) {
            long dpa = leafPa(v, a);
            if (dpa < 0) {
                a = (a & -4096L) + 4096;
                continue;
            }
            long bs = 1L << shift(lastLevel);
            if ((a & (bs - 1)) != 0 || end - a < bs) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "stage-2 unmap of 0x%x..0x%x covers only part of a %d-byte block", ipa, end, bs));
            }
            mem.write(dpa, 0);
            tlbi.changed(v, a, bs, Stage2Manager.CHANGE_UNMAP);
            tlbi.tlbi(TlbiOp.IPAS2E1IS, tlbi.vmid(v), a);
            tlbi.tlbi(TlbiOp.VMALLE1IS, tlbi.vmid(v), 0);
            a += bs;
        }
    }

    /**
     * Removes every leaf that overlaps {@code [ipa, end)} whole, a block only partly covered
     * included, with break-before-make maintenance per leaf ({@code stage2_unmap_walker}).
     */
    void unmapOverlapping(Stage2Vm v, long ipa, long end) {
        long a = ipa & -4096L;
        while (a < end) {
            long dpa = leafPa(v, a);
            if (dpa < 0) {
                // nothing mapped at the level the walk stops: skip what that entry spans
                long span = 1L << shift(faultLevelFor(v, a));
                a = (a & -span) + span;
                continue;
            }
            long bs = 1L << shift(lastLevel);
            long base = a & -bs;
            mem.write(dpa, 0);
            tlbi.changed(v, base, bs, Stage2Manager.CHANGE_UNMAP);
            tlbi.tlbi(TlbiOp.IPAS2E1IS, tlbi.vmid(v), base);
            tlbi.tlbi(TlbiOp.VMALLE1IS, tlbi.vmid(v), 0);
            a = base + bs;
        }
    }
}
