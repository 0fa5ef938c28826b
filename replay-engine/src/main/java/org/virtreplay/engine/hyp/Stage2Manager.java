package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Stage2Tables.GB;
import static org.virtreplay.engine.hyp.Stage2Tables.MB2;
import static org.virtreplay.engine.hyp.Stage2Tables.shift;

import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TableBuilder;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.mmu.TranslationResult;
import org.virtreplay.engine.tlb.TlbiOp;

/**
 * The host side of stage 2, as KVM/arm64 runs it ({@code kvm_handle_guest_abort} and
 * {@code user_mem_abort} in arch/arm64/kvm/mmu.c; arm-reference §9): per VM a stage-2 page table
 * in modelled physical memory (4 KB granule, concatenated root as KVM sizes it), memslots, a VMID,
 * and the handling of every stage-2 fault the MMU reports.
 *
 * <p>What a fault does, by memslot kind and fault kind (the classification is the fault's
 * {@code cause}, counted per VM x vCPU x kind x level x S1PTW x cause):
 * <ul>
 * <li>IPA beyond the VM's IPA size, Address size faults, instruction fetches from MMIO or from no
 *     slot, stage-1 walks into MMIO or no slot: KVM injects an abort into the guest:
 *     {@link #CAUSE_UNMAPPED} (no retry).</li>
 * <li>Data access to an MMIO slot, or to an IPA outside every slot: an MMIO exit to the VMM
 *     ({@code io_mem_abort}), {@link #CAUSE_MMIO}; the syndrome is decoded as KVM does (ISV, WnR;
 *     ISV=0 would be {@code KVM_EXIT_ARM_NISV}) into {@link #mmioExits}/{@link #mmioWrites}/{@link #mmioNisv}.
 *     Nothing is mapped, so every access to MMIO exits.</li>
 * <li>Translation fault in a RAM slot: lazy map ({@link #CAUSE_LAZY_MAP}) with the largest of
 *     1 GB / 2 MB / 4 KB that (a) is not larger than the slot's backing page, (b) fits inside the
 *     slot, (c) has IPA and PA equally aligned ({@code fault_supports_stage2_huge_mapping}), and (d)
 *     is not larger than the level that faulted (an existing next-level table is kept). While dirty
 *     logging is on, only 4 KB pages, and read faults map the page read-only (KVM:
 *     {@code logging_active && !write_fault => !writable}).</li>
 * <li>Permission fault on a write while dirty logging: {@link #CAUSE_DIRTY_LOG}: the page is marked
 *     dirty and made writable; a write-protected block (logging without eager splitting) is broken
 *     and only the written 4 KB page is mapped (KVM's {@code force_pte}), the rest of the block
 *     faults again later as translation faults.</li>
 * <li>Other permission faults in RAM (execute on a non-executable mapping when the host lacks
 *     CTR_EL0.DIC, or a read/write the mapping lacks): permissions relaxed, {@link #CAUSE_PERMISSION}.</li>
 * <li>Access flag faults: the AF is set ({@code handle_access_fault}), {@link #CAUSE_ACCESS_FLAG}.</li>
 * <li>{@link Memslot#ROM} slots ({@code KVM_MEM_READONLY}): reads are lazily mapped read-only, writes
 *     are MMIO exits (never mapped writable), also while dirty logging (ROM is not logged).</li>
 * </ul>
 * {@link #retry(int)} says whether the guest access is retried after the handling.
 *
 * <p>Pass-through {@link Memslot#DEVICE} slots are mapped as Device-nGnRE when added, so they never
 * fault. TLB maintenance KVM would issue for each table change goes to an optional
 * {@link TlbMaintenance} listener and is counted per {@link TlbiOp}: {@code VMALLS12E1IS} after
 * write-protecting a VM, {@code IPAS2E1IS}+{@code VMALLE1IS} after breaking a valid leaf,
 * {@code IPAS2E1}+{@code VMALLE1} (local) after relaxing permissions, {@code ALLE1IS} on a VMID
 * rollover; none when an invalid entry becomes valid (arm-reference §5.7).
 *
 * <p>Allocation: {@link #handleFault} allocates nothing itself; new stage-2 tables are written into
 * {@link PhysicalMemory}, which allocates its backing page the first time a frame is written. Tables
 * come from one bump-allocated pool for all VMs and are not reused after an unmap. Single-threaded.
 *
 * <p>This class is the facade and keeps the VM registry (VMs, memslots, VTTBR_EL2/VTCR_EL2, VMIDs);
 * the work is split along KVM's own lines: {@link Stage2Tables} edits descriptors and tables,
 * {@link Stage2FaultHandler} classifies and handles faults, {@link Stage2DirtyLogging} runs the
 * dirty-logging rounds, and {@link Stage2Tlbi} issues and counts the TLB maintenance; per-VM state
 * is one {@link Stage2Vm} they share.
 */
public final class Stage2Manager {

    public static final int CAUSE_LAZY_MAP = 0;
    public static final int CAUSE_MMIO = 1;
    public static final int CAUSE_DIRTY_LOG = 2;
    public static final int CAUSE_PERMISSION = 3;
    public static final int CAUSE_UNMAPPED = 4;
    public static final int CAUSE_ACCESS_FLAG = 5;

    public static String causeName(int cause) {
        return switch (cause) {
            case CAUSE_LAZY_MAP -> "lazy_map";
            case CAUSE_MMIO -> "mmio";
            case CAUSE_DIRTY_LOG -> "dirty_log";
            case CAUSE_PERMISSION -> "permission";
            case CAUSE_UNMAPPED -> "unmapped";
            case CAUSE_ACCESS_FLAG -> "access_flag";
            default -> "cause" + cause;
        };
    }

    /** Whether the faulting guest access is retried after KVM handled the fault with this cause. */
    public static boolean retry(int cause) {
        return cause == CAUSE_LAZY_MAP || cause == CAUSE_DIRTY_LOG || cause == CAUSE_PERMISSION
                || cause == CAUSE_ACCESS_FLAG;
    }

    /** Receives the TLB maintenance KVM issues for a stage-2 change. */
    @FunctionalInterface
    public interface TlbMaintenance {
        /** {@code ipa} is meaningful for IPAS2 operations only; {@code vmid} is the VM's current VMID. */
        void tlbi(TlbiOp op, int vmid, long ipa);

        /**
         * The hypervisor changed the stage-2 mapping of {@code [ipa, ipa+size)} of the VM with
         * VMID {@code vmid} ({@code action}: one of the {@code CHANGE_} codes), before the TLB
         * maintenance for it; for the stale-translation detector.
         */
        default void stage2Changed(int vmid, long ipa, long size, int action) {
        }
    }

    /** Stage-2 changes the model makes on its own (see {@link TlbMaintenance#stage2Changed}). */
    public static final int CHANGE_UNMAP = 0, CHANGE_DIRTY_LOG_PROTECT = 1, CHANGE_PERMISSION = 2,
            CHANGE_DIRTY_LOG_SPLIT = 3;

    /**
     * Default host RAM base for slot backing chosen by the model: 128 GB, so that RAM stays below
     * 2^40, the smallest output size (VTCR_EL2.PS) a KVM host programs.
     */
    public static final long DEFAULT_HOST_RAM_BASE = 0x20_0000_0000L;

    private final Stage2Tlbi tlbi;
    private final Stage2Tables tables;
    private final Stage2FaultHandler faults;
    private final Stage2DirtyLogging dirtyLogging;
    private long hostRamNext;
    private final VmidAllocator vmids;

    private Stage2Vm[] byId = new Stage2Vm[16];
    private Stage2Vm[] dense = new Stage2Vm[16];
    private int nVms;

    /**
     * A manager whose stage-2 tables come from host PA {@code [s2PoolBase, s2PoolBase+s2PoolSize)},
     * with 16-bit VMIDs for up to 256 PEs and slot backing allocated from {@link #DEFAULT_HOST_RAM_BASE}.
     */
    public Stage2Manager(PhysicalMemory mem, long s2PoolBase, long s2PoolSize) {
        this(mem, s2PoolBase, s2PoolSize, DEFAULT_HOST_RAM_BASE, 16, 256);
    }

    /**
     * @param hostRamBase where RAM slots without a given PA are placed (each aligned to its backing)
     * @param vmidBits    VMID width (8 or 16; smaller values for tests)
     * @param pes         physical PEs (for the VMID allocator's per-CPU state)
     */
    public Stage2Manager(PhysicalMemory mem, long s2PoolBase, long s2PoolSize, long hostRamBase, int vmidBits,
            int pes) {
        this.vmids = new VmidAllocator(vmidBits, pes);
        this.tlbi = new Stage2Tlbi(vmids);
        this.tables = new Stage2Tables(mem, tlbi, s2PoolBase, s2PoolSize);
        this.faults = new Stage2FaultHandler(tables, tlbi);
        this.dirtyLogging = new Stage2DirtyLogging(tables, tlbi);
        this.hostRamNext = hostRamBase;
    }

    /** HCR_EL2.FWB in use: stage-2 MemAttr is written in the FWB format (KVM uses FWB when present). */
    public void setFwb(boolean fwb) {
        tables.setFwb(fwb);
    }

    /**
     * Whether the host has CTR_EL0.DIC (no I-cache invalidation needed for coherence): then KVM maps
     * RAM executable at once; without it only an instruction-fetch fault maps or makes a page
     * executable. Default true (Neoverse-class hosts).
     */
    public void setHostHasDic(boolean dic) {
        faults.setHostHasDic(dic);
    }

    public void setTlbMaintenance(TlbMaintenance l) {
        tlbi.setListener(l);
    }

    public VmidAllocator vmidAllocator() {
        return vmids;
    }

    public Stage2FaultCounters counters() {
        return faults.counters();
    }

    /** TLB maintenance operations issued so far of one kind. */
    public long tlbiCount(TlbiOp op) {
        return tlbi.count(op);
    }

    // ------------------------------------------------------------------ VMs and memslots

    /**
     * Declares VM {@code vm} (0..65535) with an IPA size of {@code ipaBits} (32..48): allocates its
     * stage-2 root (the fewest levels, at least 2, with up to 16 concatenated tables: KVM's choice)
     * and, if {@code vmidHint >= 0}, pins that VMID (a recorded trace); otherwise the VMID comes from
     * the {@link VmidAllocator} on {@link #vcpuLoad}.
     */
    public void addVm(int vm, int ipaBits, int vmidHint) {
        if (vm < 0 || vm > 0xFFFF) {
            throw new BadInputException("VM id must be 0..65535, got " + vm);
        }
        if (ipaBits < 32 || ipaBits > 48) {
            throw new BadInputException("VM " + vm + ": IPA size must be 32..48 bits, got " + ipaBits);
        }
        if (vmidHint >= (1 << vmids.bits())) {
            throw new BadInputException("VM " + vm + ": VMID " + vmidHint + " does not fit " + vmids.bits() + " bits");
        }
        if (vm < byId.length && byId[vm] != null) {
            throw new BadInputException("VM " + vm + " declared twice");
        }
        Stage2Vm v = new Stage2Vm();
        v.id = vm;
        v.ipaBits = ipaBits;
        v.startLevel = TableBuilder.stage2StartLevel(Granule.K4, ipaBits);
        v.rootBits = ipaBits - shift(v.startLevel);
        long rootBytes = 8L << v.rootBits;
        v.root = tables.allocRoot(rootBytes);
        v.fixedVmid = vmidHint;
        vmids.pin(vmidHint); // the allocator's VMs must not share it
        if (vm >= byId.length) {
            Stage2Vm[] n = new Stage2Vm[Math.max(vm + 1, byId.length * 2)];
            System.arraycopy(byId, 0, n, 0, byId.length);
            byId = n;
        }
        byId[vm] = v;
        if (nVms == dense.length) {
            Stage2Vm[] n = new Stage2Vm[dense.length * 2];
            System.arraycopy(dense, 0, n, 0, dense.length);
            dense = n;
        }
        v.index = nVms;
        dense[nVms++] = v;
    }

    /**
     * Adds a memslot. {@code kind}: {@link Memslot#RAM}, {@link Memslot#MMIO}, {@link Memslot#DEVICE},
     * {@link Memslot#ROM}. RAM or ROM with {@code pa < 0}: the host model places the backing at the next free host address aligned
     * to {@code backing} (deterministic). DEVICE: mapped now as Device-nGnRE at {@code pa}, read/write,
     * never executable, with the largest blocks the alignment allows.
     */
    public void addMemslot(int vm, int slot, long ipa, long size, int kind, long pa, long backing) {
        Stage2Vm v = vm(vm);
        if (size <= 0 || ((ipa | size) & 4095) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d memslot %d: IPA 0x%x and size 0x%x must be non-empty multiples of 4 KB", vm, slot, ipa, size));
        }
        if (!fits(ipa, size, v.ipaBits)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d memslot %d: 0x%x+0x%x exceeds the %d-bit IPA space", vm, slot, ipa, size, v.ipaBits));
        }
        for (int i = 0; i < v.nSlots; i++) {
            Memslot o = v.slots[i];
            if (o.slot() == slot) {
                throw new BadInputException("VM " + vm + ": memslot " + slot + " declared twice");
            }
            if (ipa < o.ipa() + o.size() && o.ipa() < ipa + size) {
                throw new BadInputException("VM " + vm + ": memslot " + slot + " overlaps memslot " + o.slot());
            }
        }
        if (kind == Memslot.RAM || kind == Memslot.ROM) {
            if (backing != 4096 && backing != MB2 && backing != GB) {
                throw new BadInputException("VM " + vm + " memslot " + slot
                        + ": backing must be 4096, 2097152 or 1073741824 bytes, got " + backing);
            }
            if (pa < 0) {
                pa = (hostRamNext + backing - 1) & -backing;
                hostRamNext = pa + size;
            }
        } else if (kind == Memslot.DEVICE) {
            if (pa < 0 || (pa & 4095) != 0) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "VM %d memslot %d: a device slot needs a 4 KB-aligned PA, got 0x%x", vm, slot, pa));
            }
            backing = 4096;
        } else if (kind == Memslot.MMIO) {
            pa = -1;
            backing = 4096;
        } else {
            throw new BadInputException("VM " + vm + " memslot " + slot + ": unknown kind " + kind);
        }
        if (v.nSlots == v.slots.length) {
            Memslot[] n = new Memslot[v.nSlots * 2];
            System.arraycopy(v.slots, 0, n, 0, v.nSlots);
            v.slots = n;
            DirtyLog[] d = new DirtyLog[v.nSlots * 2];
            System.arraycopy(v.dirty, 0, d, 0, v.nSlots);
            v.dirty = d;
        }
        if (kind != Memslot.MMIO && !fits(pa, size, v.paBits)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d memslot %d: host PA 0x%x+0x%x is beyond the VM's %d-bit stage-2 output size (VTCR_EL2.PS)",
                    vm, slot, pa, size, v.paBits));
        }
        Memslot s = new Memslot(slot, ipa, size, kind, pa, backing);
        v.slots[v.nSlots++] = s;
        if (kind == Memslot.DEVICE) {
            tables.mapRange(v, ipa, pa, size, tables.leafAttrs(true, false, true));
        }
    }

    /** The memslots of VM {@code vm}, in the order added. */
    public Memslot[] memslots(int vm) {
        Stage2Vm v = vm(vm);
        Memslot[] r = new Memslot[v.nSlots];
        System.arraycopy(v.slots, 0, r, 0, v.nSlots);
        return r;
    }

    /** VTTBR_EL2 as KVM writes it: root BADDR | current VMID << 48 (VMID 0 until the first {@link #vcpuLoad}). */
    public long vttbr(int vm) {
        Stage2Vm v = vm(vm);
        return v.root | ((long) tlbi.vmid(v) << 48);
    }

    /** The VM's current VMID (pinned, or from the allocator; 0 if never loaded). */
    public int vmid(int vm) {
        return tlbi.vmid(vm(vm));
    }

    /**
     * VTCR_EL2 for the VM: T0SZ = 64 - IPA bits, SL0 for the start level, IRGN0 = ORGN0 = WBWA (01),
     * SH0 = Inner (11), TG0 = 4 KB, PS = 48 bits (101), VS = 1 with 16-bit VMIDs, HA = HD = 0, RES1 bit 31.
     */
    public long vtcr(int vm) {
        Stage2Vm v = vm(vm);
        long t = 64 - v.ipaBits;
        t |= (long) TableBuilder.sl0For(Granule.K4, v.startLevel) << 6;
        t |= 1L << 8 | 1L << 10 | 3L << 12;
        t |= 5L << 16;
        t |= vmids.bits() == 16 ? 1L << 19 : 0;
        t |= 1L << 31;
        return t;
    }

    /**
     * The trace's hypervisor programmed VTTBR_EL2/VTCR_EL2 for VM {@code vm}: from now on the VM's
     * stage-2 root is BADDR(vttbr) = vttbr[47:1] aligned to the root size, its VMID is pinned to
     * vttbr[63:48] (16 bits if VTCR_EL2.VS, else [55:48]), and its IPA size and start level come from
     * VTCR_EL2.T0SZ and SL0 (4 KB granule only). If the geometry is unchanged the old root's entries
     * are copied to the new root (the tables below are shared, as after a root move); otherwise the
     * new root starts empty, RAM is re-mapped lazily by faults and device slots are re-mapped now.
     * The root must not overlap the manager's table pool or any RAM slot's backing.
     */
    public void adoptVttbr(int vm, long vttbr, long vtcr) {
        Stage2Vm v = vm(vm);
        int tg0 = (int) ((vtcr >>> 14) & 3);
        if (tg0 != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d: VTCR_EL2 0x%x selects a %s granule; the stage-2 manager models 4 KB only", vm, vtcr,
                    tg0 == 1 ? "64 KB" : tg0 == 2 ? "16 KB" : "reserved"));
        }
        int ipaBits = 64 - (int) (vtcr & 0x3F);
        int sl0 = (int) ((vtcr >>> 6) & 3);
        int start = 2 - sl0;
        if (sl0 == 3 || ipaBits < 32 || ipaBits > 48) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d: VTCR_EL2 0x%x: IPA size %d bits / SL0 %d not supported (32..48 bits, SL0 0..2)", vm, vtcr,
                    ipaBits, sl0));
        }
        int n = 3 - start;
        if (ipaBits < n * 9 + 13 || ipaBits > n * 9 + 25) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d: VTCR_EL2 0x%x: a %d-bit IPA cannot start at level %d (arm-reference 2.3)", vm, vtcr, ipaBits,
                    start));
        }
        int rootBits = ipaBits - shift(start);
        long rootBytes = 8L << rootBits;
        long root = vttbr & 0x0000_FFFF_FFFF_FFFEL & -rootBytes;
        if (tables.overlapsPool(root, rootBytes)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d: VTTBR_EL2 0x%x puts the stage-2 root inside the hypervisor table pool 0x%x..0x%x", vm,
                    vttbr, tables.poolBase(), tables.poolEnd()));
        }
        for (int j = 0; j < nVms; j++) {
            Stage2Vm o = dense[j];
            for (int i = 0; i < o.nSlots; i++) {
                Memslot s = o.slots[i];
                if (s.isMemory() && root < s.pa() + s.size() && s.pa() < root + rootBytes) {
                    throw new BadInputException(String.format(Locale.ROOT,
                            "VM %d: VTTBR_EL2 0x%x puts the stage-2 root inside RAM of VM %d memslot %d", vm, vttbr,
                            o.id, s.slot()));
                }
            }
        }
        int ps = (int) ((vtcr >>> 16) & 7);
        int paBits = ps == 0 ? 32 : ps == 1 ? 36 : ps == 2 ? 40 : ps == 3 ? 42 : ps == 4 ? 44 : 48;
        if (((root + rootBytes - 1) >>> paBits) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d: VTTBR_EL2 0x%x: the root is beyond the %d-bit output size of VTCR_EL2 0x%x", vm, vttbr,
                    paBits, vtcr));
        }
        for (int i = 0; i < v.nSlots; i++) {
            Memslot s = v.slots[i];
            if (s.kind() != Memslot.MMIO && ((s.pa() + s.size() - 1) >>> paBits) != 0) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "VM %d: VTCR_EL2 0x%x gives a %d-bit stage-2 output size but memslot %d is backed at host PA "
                                + "0x%x..0x%x", vm, vtcr, paBits, s.slot(), s.pa(), s.pa() + s.size() - 1));
            }
        }
        v.paBits = paBits;
        boolean vs = ((vtcr >>> 19) & 1) != 0;
        v.fixedVmid = (int) ((vttbr >>> 48) & (vs ? 0xFFFF : 0xFF));
        vmids.pin(v.fixedVmid);
        if (root == v.root && ipaBits == v.ipaBits && start == v.startLevel) {
            return;
        }
        boolean same = ipaBits == v.ipaBits && start == v.startLevel;
        PhysicalMemory mem = tables.mem;
        for (long off = 0; off < rootBytes; off += 8) {
            mem.write(root + off, same ? mem.read(v.root + off) : 0);
        }
        v.root = root;
        v.ipaBits = ipaBits;
        v.startLevel = start;
        v.rootBits = rootBits;
        if (!same) {
            for (int i = 0; i < v.nSlots; i++) {
                Memslot s = v.slots[i];
                if (s.kind() == Memslot.DEVICE) {
                    tables.mapRange(v, s.ipa(), s.pa(), s.size(), tables.leafAttrs(true, false, true));
                }
            }
        }
    }

    // ------------------------------------------------------------------ VMIDs

    /**
     * A vCPU of VM {@code vm} is loaded on PE {@code pe} ({@code kvm_arm_vmid_update}). Returns true if
     * the VMID allocator rolled over, in which case KVM has broadcast {@code TLBI ALLE1IS} (also sent
     * to the {@link TlbMaintenance} listener). VMs with a pinned VMID never allocate.
     */
    public boolean vcpuLoad(int pe, int vm) {
        Stage2Vm v = vm(vm);
        if (v.fixedVmid >= 0) {
            return false;
        }
        boolean rolled = vmids.load(pe, v.index);
        if (rolled) {
            tlbi.tlbi(TlbiOp.ALLE1IS, 0, 0);
        }
        return rolled;
    }

    /** The vCPU running on {@code pe} is put (scheduled out). */
    public void vcpuPut(int pe) {
        vmids.put(pe);
    }

    // ------------------------------------------------------------------ explicit map / unmap

    /**
     * Maps {@code [ipa, ipa+size)} to {@code pa} as a trace {@code map} record says (letters r, w, x),
     * with the largest blocks the alignment allows. Mapping inside an existing block is refused.
     */
    public void map(int vm, long ipa, long pa, long size, String perm, MemType type) {
        Stage2Vm v = vm(vm);
        if (size <= 0 || ((ipa | pa | size) & 4095) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "stage-2 map 0x%x -> 0x%x size 0x%x: not 4 KB multiples", ipa, pa, size));
        }
        long attrs = tables.recordedAttrs(perm, type);
        checkIpaRange(v, "map", ipa, size);
        tables.mapRange(v, ipa, pa, size, attrs);
    }

    /**
     * Whether {@code [base, base+size)} (size > 0) lies below 2^{@code bits}; unlike a test of
     * {@code base + size - 1}, it cannot be fooled by a sum that wraps past 2^64.
     */
    private static boolean fits(long base, long size, int bits) {
        long limit = 1L << bits;
        return Long.compareUnsigned(base, limit) < 0 && Long.compareUnsigned(size, limit - base) <= 0;
    }

    /**
     * A recorded range beyond the VM's IPA space would alias lower IPAs through the tables' index
     * bits (and a huge one would take as many steps as it has pages): refused.
     */
    private static void checkIpaRange(Stage2Vm v, String what, long ipa, long size) {
        if (!fits(ipa, size, v.ipaBits)) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "VM %d: stage-2 %s of 0x%x+0x%x exceeds the %d-bit IPA space", v.id, what, ipa, size, v.ipaBits));
        }
    }

    /** Removes the mappings of {@code [ipa, ipa+size)} (with BBM's TLB maintenance per leaf). */
    public void unmap(int vm, long ipa, long size) {
        Stage2Vm v = vm(vm);
        checkIpaRange(v, "unmap", ipa, size);
        tables.unmapExact(v, ipa, ipa + size);
    }

    /**
     * A recorded stage-2 mapping of {@code [ipa, ipa+size)} replayed under another RAM backing
     * (the scenario's {@code s2.backing}): the pages it covers are resident, so each one not yet
     * mapped is mapped now exactly as its first fault would have mapped it at the slot's backing
     * (the enclosing block when it lies inside the slot and IPA and PA are equally aligned), without
     * counting a fault. The recorded output address, permissions and memory type belong to the
     * recorded backing and are not used: the slot's host memory and KVM's permissions are. Pages
     * outside RAM slots are left alone. No TLB maintenance: an invalid entry becomes valid.
     */
    public void mapResident(int vm, long ipa, long size) {
        Stage2Vm v = vm(vm);
        checkIpaRange(v, "map", ipa, size);
        faults.mapResident(v, ipa, ipa + size);
    }

    /**
     * A recorded stage-2 unmap of {@code [ipa, ipa+size)} replayed under another RAM backing: every
     * leaf that overlaps the range is removed whole (a block only partly covered included), with
     * break-before-make maintenance per leaf, as KVM's unmap walker does ({@code stage2_unmap_walker}
     * clears the entire block entry and lets the rest fault back lazily).
     */
    public void unmapLeaves(int vm, long ipa, long size) {
        Stage2Vm v = vm(vm);
        checkIpaRange(v, "unmap", ipa, size);
        tables.unmapOverlapping(v, ipa, ipa + size);
    }

    /**
     * The PA at which IPA {@code ipa} of VM {@code vm} lives, mapping it first (as a fault would,
     * but without counting a fault) if it is in a RAM slot and not yet mapped; -1 if it is not RAM
     * or device memory. Used to place a guest's stage-1 tables.
     */
    public long resolveForTables(int vm, long ipa) {
        return faults.resolveForTables(vm(vm), ipa);
    }

    // ------------------------------------------------------------------ faults

    /**
     * Handles a stage-2 fault reported in {@code res} for an access of {@code vcpu} of VM {@code vm}
     * at time {@code ts}: classifies it, changes the stage-2 tables as KVM would, counts it, and
     * returns the cause ({@link #retry(int)} tells whether the access is retried). Returns -1 if
     * {@code res} is not a stage-2 fault.
     */
    public int handleFault(long ts, int vm, int vcpu, TranslationResult res) {
        if (res.ok || res.faultStage != 2) {
            return -1;
        }
        return faults.handleFault(ts, vm(vm), vm, vcpu, res);
    }

    // ------------------------------------------------------------------ dirty logging

    /**
     * Starts a dirty-logging round for VM {@code vm} (enabling logging on all its RAM slots the first
     * time): clears the dirty bitmaps, write-protects every RAM mapping (S2AP[1] = 0) and, if
     * {@code split}, splits blocks into write-protected 4 KB pages now (KVM's eager page splitting);
     * then one {@code TLBI VMALLS12E1IS}. Returns the pages dirtied in the previous round (0 the first time).
     */
    public long startDirtyRound(int vm, boolean split) {
        return dirtyLogging.startDirtyRound(vm(vm), split);
    }

    /** Stops dirty logging; returns the pages dirtied in the last round. Mappings stay as they are. */
    public long stopDirtyLogging(int vm) {
        return dirtyLogging.stopDirtyLogging(vm(vm));
    }

    /** Pages dirtied so far in the current round of VM {@code vm}. */
    public long dirtyPages(int vm) {
        return dirtyLogging.dirtyPages(vm(vm));
    }

    /** Whether the 4 KB page holding {@code ipa} was written in the current round. */
    public boolean isDirty(int vm, long ipa) {
        return dirtyLogging.isDirty(vm(vm), ipa);
    }

    /** Blocks broken by write faults while logging without eager splitting, blocks split eagerly, leaves write-protected. */
    public long blocksBroken(int vm) {
        return vm(vm).blocksBroken;
    }

    public long blocksSplit(int vm) {
        return vm(vm).blocksSplit;
    }

    public long leavesWriteProtected(int vm) {
        return vm(vm).writeProtected;
    }

    /** MMIO exits of VM {@code vm}, of which writes (WnR=1), and of which with ISV=0 (KVM_EXIT_ARM_NISV). */
    public long mmioExits(int vm) {
        return vm(vm).mmioExits;
    }

    public long mmioWrites(int vm) {
        return vm(vm).mmioWrites;
    }

    public long mmioNisv(int vm) {
        return vm(vm).mmioNisv;
    }

    /** Visits the fault counters (VM, vCPU, kind, level, S1PTW, cause, count, first/last ts), sorted. */
    public void forEachCounter(Stage2FaultCounters.Visitor visitor) {
        faults.counters().forEach(visitor);
    }

    /** Software walk: the stage-2 leaf descriptor of {@code ipa} (0 if unmapped). For tests and reports. */
    public long leafDescriptor(int vm, long ipa) {
        long dpa = tables.leafPa(vm(vm), ipa);
        return dpa < 0 ? 0 : tables.mem.read(dpa);
    }

    /** The level of the leaf mapping {@code ipa} (-1 if unmapped). */
    public int leafLevel(int vm, long ipa) {
        return tables.leafPa(vm(vm), ipa) < 0 ? -1 : tables.lastLevel();
    }

    private Stage2Vm vm(int vm) {
        Stage2Vm v = vm >= 0 && vm < byId.length ? byId[vm] : null;
        if (v == null) {
            throw new BadInputException("VM " + vm + " was not declared");
        }
        return v;
    }
}
