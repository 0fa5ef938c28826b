package org.virtreplay.engine.gic;

/**
 * The GICv3 virtual CPU interface of one PE (or, equivalently, the saved copy of one vCPU): the
 * hypervisor side (ICH_LR&lt;n&gt;_EL2, ICH_HCR_EL2, ICH_VMCR_EL2, ICH_AP0R/AP1R&lt;n&gt;_EL2 and the
 * read-only ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2) and the guest side (ICV_IAR1_EL1,
 * ICV_EOIR1_EL1, ICV_DIR_EL1, ICV_RPR_EL1, ICV_HPPIR1_EL1).
 *
 * <p>Semantics follow arm-reference §11.3–11.5 (checked against QEMU's virtual CPU interface):
 * an interrupt is signalled when it is the highest-priority pending LR of an enabled group, its
 * priority is strictly below VPMR, and its group priority (binary point) is strictly below the
 * running priority. Acknowledge moves the LR Pending→Active and sets the active-priority bit
 * {@code (prio & gprioMask) >> (8 - PREbits)}. EOI drops the highest active priority and, with
 * VEOIM=0, deactivates; DIR deactivates with VEOIM=1. An EOI/DIR that finds no LR increments
 * EOIcount (not for LPIs, which have no active state). Deactivating a HW=1 LR deactivates pINTID
 * through the {@link PhysicalDeactivation} hook, with no hypervisor involvement.
 */
public final class VirtualCpuInterface {

    /** Receives HW=1 deactivations (the physical interrupt pINTID is deactivated in the GIC). */
    public interface PhysicalDeactivation {
        void deactivate(int pintid);
    }

    // ICH_HCR_EL2 bits.
    public static final int HCR_EN = 1;
    public static final int HCR_UIE = 1 << 1;
    public static final int HCR_LRENPIE = 1 << 2;
    public static final int HCR_NPIE = 1 << 3;
    public static final int HCR_VGRP0EIE = 1 << 4;
    public static final int HCR_VGRP0DIE = 1 << 5;
    public static final int HCR_VGRP1EIE = 1 << 6;
    public static final int HCR_VGRP1DIE = 1 << 7;
    public static final int HCR_TDIR = 1 << 14;
    public static final int HCR_EOICOUNT_SHIFT = 27;

    // ICH_MISR_EL2 bits.
    public static final int MISR_EOI = 1;
    public static final int MISR_U = 1 << 1;
    public static final int MISR_LRENP = 1 << 2;
    public static final int MISR_NP = 1 << 3;
    public static final int MISR_VGRP0E = 1 << 4;
    public static final int MISR_VGRP0D = 1 << 5;
    public static final int MISR_VGRP1E = 1 << 6;
    public static final int MISR_VGRP1D = 1 << 7;

    // ICH_VMCR_EL2 fields.
    public static final int VMCR_VENG0 = 1;
    public static final int VMCR_VENG1 = 1 << 1;
    public static final int VMCR_VCBPR = 1 << 4;
    public static final int VMCR_VEOIM = 1 << 9;
    public static final int VMCR_VBPR1_SHIFT = 18;
    public static final int VMCR_VBPR0_SHIFT = 21;
    public static final int VMCR_VPMR_SHIFT = 24;

    private final long[] lr;
    private final int preBits;
    private final int priBits;
    private final int[] ap0r = new int[4];
    private final int[] ap1r = new int[4];
    private int hcr;
    private int vmcr;
    private PhysicalDeactivation hwHook;
    private long physicalDeactivations;

    /**
     * @param listRegisters number of ICH_LR (1–16; ICH_VTR_EL2.ListRegs + 1)
     * @param priBits       implemented priority bits (5–8)
     * @param preBits       implemented preemption bits (5–7), PREbits + 1
     */
    public VirtualCpuInterface(int listRegisters, int priBits, int preBits) {
        if (listRegisters < 1 || listRegisters > 16) {
            throw new IllegalArgumentException("list registers must be 1..16, got " + listRegisters);
        }
        if (priBits < 5 || priBits > 8 || preBits < 5 || preBits > priBits) {
            throw new IllegalArgumentException("priBits 5..8 and 5 <= preBits <= priBits required");
        }
        this.lr = new long[listRegisters];
        this.priBits = priBits;
        this.preBits = preBits;
    }

    /** Typical Arm core: 5 priority and 5 preemption bits (arm-reference §11.5, [U]). */
    public VirtualCpuInterface(int listRegisters) {
        this(listRegisters, 5, 5);
    }

    public void setPhysicalDeactivation(PhysicalDeactivation hook) {
        this.hwHook = hook;
    }

    public int listRegisterCount() {
        return lr.length;
    }

    /** ICH_VTR_EL2 as the hardware would report it. */
    public long vtr() {
        return (lr.length - 1) | ((long) (preBits - 1) << 26) | ((long) (priBits - 1) << 29) | (1L << 19);
    }

    public long lr(int n) {
        return lr[n];
    }

    public void setLr(int n, long value) {
        lr[n] = value;
    }

    public int hcr() {
        return hcr;
    }

    public void setHcr(int value) {
        hcr = value;
    }

    public int vmcr() {
        return vmcr;
    }

    public void setVmcr(int value) {
        vmcr = value;
    }

    public int eoiCount() {
        return hcr >>> HCR_EOICOUNT_SHIFT;
    }

    public int ap0r(int n) {
        return ap0r[n];
    }

    public int ap1r(int n) {
        return ap1r[n];
    }

    public void setAp1r(int n, int v) {
        ap1r[n] = v;
    }

    public void setAp0r(int n, int v) {
        ap0r[n] = v;
    }

    /** How many HW=1 deactivations reached the physical GIC. */
    public long physicalDeactivations() {
        return physicalDeactivations;
    }

    /** Sets the usual guest state: both groups enabled, VPMR, VBPR1, EOImode. */
    public void setGuestState(int vpmr, int vbpr1, boolean eoiMode1) {
        vmcr = VMCR_VENG1 | VMCR_VENG0 | ((vpmr & 0xFF) << VMCR_VPMR_SHIFT) | ((vbpr1 & 7) << VMCR_VBPR1_SHIFT)
                | (eoiMode1 ? VMCR_VEOIM : 0);
    }

    private int vpmr() {
        return (vmcr >>> VMCR_VPMR_SHIFT) & 0xFF;
    }

    /** Priority with the unimplemented low bits cleared. */
    private int fullPrio(int prio) {
        return prio & (0xFF << (8 - priBits)) & 0xFF;
    }

    /**
     * Group-priority mask from the binary point: Group 0 uses VBPR0 (group priority = bits
     * [7:VBPR0+1]); Group 1 uses VBPR1 (bits [7:VBPR1], minimum 1), or VBPR0+1 when VCBPR=1.
     */
    public int gprioMask(boolean group1) {
        int bpr;
        if (group1 && (vmcr & VMCR_VCBPR) == 0) {
            bpr = (vmcr >>> VMCR_VBPR1_SHIFT) & 7;
            if (bpr < 1) {
                bpr = 1;
            }
            bpr -= 1;
        } else {
            bpr = (vmcr >>> VMCR_VBPR0_SHIFT) & 7;
        }
        return (0xFF << (bpr + 1)) & 0xFF;
    }

    /** ICV_RPR_EL1: priority of the highest active group priority from AP0R|AP1R, 0xFF if none. */
    public int runningPriority() {
        int words = 1 << Math.max(0, preBits - 5);
        for (int i = 0; i < words; i++) {
            int map = ap0r[i] | ap1r[i];
            if (map != 0) {
                return ((i * 32 + Integer.numberOfTrailingZeros(map)) << (8 - preBits)) & 0xFF;
            }
        }
        return 0xFF;
    }

    private boolean groupEnabled(long v) {
        return IchLr.group1(v) ? (vmcr & VMCR_VENG1) != 0 : (vmcr & VMCR_VENG0) != 0;
    }

    /**
     * Index of the highest-priority pending LR of an enabled group (lowest priority value, lowest
     * index on ties), or -1.
     */
    public int hppiIndex() {
        int best = -1;
        int bestPrio = 0x100;
        for (int i = 0; i < lr.length; i++) {
            long v = lr[i];
            if (!IchLr.pending(v) || !groupEnabled(v)) {
                continue;
            }
            int p = fullPrio(IchLr.priority(v));
            if (p < bestPrio) {
                bestPrio = p;
                best = i;
            }
        }
        return best;
    }

    /** Whether an interrupt of this priority and group may be signalled now (PMR + preemption). */
    public boolean canPreempt(int prio, boolean group1) {
        int p = fullPrio(prio);
        if (p >= vpmr()) {
            return false;
        }
        int rprio = runningPriority();
        if (rprio == 0xFF) {
            return true;
        }
        int mask = gprioMask(group1);
        return (p & mask) < (rprio & mask);
    }

    /** Whether the virtual IRQ (Group 1) line to the PE is asserted. */
    public boolean virqAsserted() {
        int idx = hppiIndex();
        if (idx < 0) {
            return false;
        }
        long v = lr[idx];
        return IchLr.group1(v) && canPreempt(IchLr.priority(v), true);
    }

    /** ICV_HPPIR1_EL1: the highest-priority pending Group-1 vINTID, or 1023. */
    public int hppir1() {
        int idx = hppiIndex();
        return idx < 0 || !IchLr.group1(lr[idx]) ? IntId.SPURIOUS : IchLr.vintid(lr[idx]);
    }

    /**
     * ICV_IAR1_EL1 read: acknowledges the signalled Group-1 interrupt (LR Pending→Active,
     * Pending+Active→Active, active priority bit set) and returns its vINTID, or 1023. LPIs have no
     * active state: their LR becomes invalid.
     */
    public int readIar1() {
        int idx = hppiIndex();
        if (idx < 0) {
            return IntId.SPURIOUS;
        }
        long v = lr[idx];
        if (!IchLr.group1(v) || !canPreempt(IchLr.priority(v), true)) {
            return IntId.SPURIOUS;
        }
        int id = IchLr.vintid(v);
        int prio = fullPrio(IchLr.priority(v));
        if (IntId.isLpi(id)) {
            lr[idx] = IchLr.withState(v, IchLr.STATE_INVALID);
        } else {
            lr[idx] = (v & ~IchLr.PENDING_BIT) | IchLr.ACTIVE_BIT;
        }
        int aprBit = (prio & gprioMask(true)) >> (8 - preBits);
        ap1r[aprBit >> 5] |= 1 << (aprBit & 31);
        return id;
    }

    /** Clears the highest-priority active bit (priority drop); returns its priority or 0xFF. */
    private int dropPriority() {
        int words = 1 << Math.max(0, preBits - 5);
        for (int i = 0; i < words; i++) {
            int map = ap0r[i] | ap1r[i];
            if (map != 0) {
                int bit = Integer.numberOfTrailingZeros(map);
                // Group 0 first on a tie: it can only be set if Group 0 was at that priority.
                if ((ap0r[i] & (1 << bit)) != 0) {
                    ap0r[i] &= ~(1 << bit);
                } else {
                    ap1r[i] &= ~(1 << bit);
                }
                return ((i * 32 + bit) << (8 - preBits)) & 0xFF;
            }
        }
        return 0xFF;
    }

    private int findActive(int intid) {
        for (int i = 0; i < lr.length; i++) {
            long v = lr[i];
            if (IchLr.vintid(v) == intid && IchLr.active(v)) {
                return i;
            }
        }
        return -1;
    }

    private void incrementEoiCount() {
        int c = (eoiCount() + 1) & 0x1F;
        hcr = (hcr & ~(0x1F << HCR_EOICOUNT_SHIFT)) | (c << HCR_EOICOUNT_SHIFT);
    }

    private void deactivate(int idx) {
        long v = lr[idx] & ~IchLr.ACTIVE_BIT;
        lr[idx] = v;
        if (IchLr.hw(v)) {
            physicalDeactivations++;
            if (hwHook != null) {
                hwHook.deactivate(IchLr.pintid(v));
            }
        }
    }

    /** ICV_EOIR1_EL1 write: priority drop, and deactivation when VEOIM=0. */
    public void writeEoir1(int intid) {
        if (intid >= 1020 && intid <= 1023) {
            return;
        }
        int dropped = dropPriority();
        if (dropped == 0xFF) {
            // No active priority: CONSTRAINED UNPREDICTABLE whether LRs are checked; like QEMU, we don't.
            return;
        }
        if ((vmcr & VMCR_VEOIM) != 0) {
            return;
        }
        int idx = findActive(intid);
        if (idx < 0) {
            if (!IntId.isLpi(intid)) {
                incrementEoiCount();
            }
            return;
        }
        deactivate(idx);
    }

    /** ICV_DIR_EL1 write: deactivation (meaningful with VEOIM=1). */
    public void writeDir(int intid) {
        if (intid >= 1020 && intid <= 1023) {
            return;
        }
        if ((vmcr & VMCR_VEOIM) == 0) {
            // With EOImode 0 a DIR write is UNPREDICTABLE; we ignore it.
            return;
        }
        int idx = findActive(intid);
        if (idx < 0) {
            if (!IntId.isLpi(intid)) {
                incrementEoiCount();
            }
            return;
        }
        deactivate(idx);
    }

    /** ICH_EISR_EL2: one bit per LR with State=00, HW=0, EOI=1. */
    public int eisr() {
        int m = 0;
        for (int i = 0; i < lr.length; i++) {
            long v = lr[i];
            if (IchLr.state(v) == IchLr.STATE_INVALID && IchLr.eoi(v)) {
                m |= 1 << i;
            }
        }
        return m;
    }

    /** ICH_ELRSR_EL2: one bit per LR that is empty (State=00 and not awaiting an EOI maintenance). */
    public int elrsr() {
        int m = 0;
        for (int i = 0; i < lr.length; i++) {
            long v = lr[i];
            if (IchLr.state(v) == IchLr.STATE_INVALID && !IchLr.eoi(v)) {
                m |= 1 << i;
            }
        }
        return m;
    }

    /** Number of LRs with State != 00. */
    public int validCount() {
        int n = 0;
        for (long v : lr) {
            if (IchLr.state(v) != IchLr.STATE_INVALID) {
                n++;
            }
        }
        return n;
    }

    /** ICH_MISR_EL2, computed from the current state (arm-reference §11.5 table). */
    public int misr() {
        int m = 0;
        if (eisr() != 0) {
            m |= MISR_EOI;
        }
        if ((hcr & HCR_UIE) != 0 && validCount() < 2) {
            m |= MISR_U;
        }
        if ((hcr & HCR_LRENPIE) != 0 && eoiCount() != 0) {
            m |= MISR_LRENP;
        }
        if ((hcr & HCR_NPIE) != 0) {
            boolean anyPending = false;
            for (long v : lr) {
                anyPending |= IchLr.pending(v);
            }
            if (!anyPending) {
                m |= MISR_NP;
            }
        }
        boolean eng0 = (vmcr & VMCR_VENG0) != 0;
        boolean eng1 = (vmcr & VMCR_VENG1) != 0;
        if ((hcr & HCR_VGRP0EIE) != 0 && eng0) {
            m |= MISR_VGRP0E;
        }
        if ((hcr & HCR_VGRP0DIE) != 0 && !eng0) {
            m |= MISR_VGRP0D;
        }
        if ((hcr & HCR_VGRP1EIE) != 0 && eng1) {
            m |= MISR_VGRP1E;
        }
        if ((hcr & HCR_VGRP1DIE) != 0 && !eng1) {
            m |= MISR_VGRP1D;
        }
        return m;
    }

    /** Whether the maintenance interrupt (PPI 25) is asserted: ICH_HCR_EL2.En=1 and MISR != 0. */
    public boolean maintenanceAsserted() {
        return (hcr & HCR_EN) != 0 && misr() != 0;
    }

    /** Clears all LRs, APRs, EOIcount and maintenance enables (vCPU reset). */
    public void reset() {
        java.util.Arrays.fill(lr, 0);
        java.util.Arrays.fill(ap0r, 0);
        java.util.Arrays.fill(ap1r, 0);
        hcr = 0;
    }
}
