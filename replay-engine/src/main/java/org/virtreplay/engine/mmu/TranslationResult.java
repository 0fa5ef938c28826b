package org.virtreplay.engine.mmu;

/**
 * The reusable, mutable outcome of one translation: filled by {@link Mmu#translate} without
 * allocating. On success: {@link #pa}, the size of the TLB entry the translation allows
 * ({@link #size}, the smaller of the stage-1 and stage-2 leaf sizes, contiguous spans honoured),
 * final attributes and permissions, and the tags a TLB needs. On a fault: kind, stage, level,
 * S1PTW, target EL and the syndrome (ESR, FAR, HPFAR). Descriptor-read counters are kept per stage
 * and level in both cases.
 */
public final class TranslationResult {
    public boolean ok;
    /** The translation regime used. */
    public Regime regime = Regime.EL10;
    public long pa;
    /** The intermediate physical address (= PA when stage 2 is off). */
    public long ipa;
    public long size;
    /** Final memory attributes as a MAIR-format byte. */
    public int attr;
    /** Final shareability: {@link Attributes#NSH}, {@link Attributes#OSH} or {@link Attributes#ISH}. */
    public int sh;
    /** Final permissions for the accessing privilege (stage 1 intersected with stage 2). */
    public boolean permRead, permWrite, permExec;
    /** The security state the translation was made in (part of the TLB tag). */
    public boolean secureState;
    public static final int PERM_EL1_R = 1, PERM_EL1_W = 2, PERM_EL1_X = 4;
    public static final int PERM_EL0_R = 8, PERM_EL0_W = 16, PERM_EL0_X = 32;
    /** The page is EL0-accessible, so PSTATE.PAN=1 forbids privileged data accesses to it. */
    public static final int PERM_PAN_BLOCKS = 64;
    /**
     * Final permissions of the entry for both privileges (stage 1 with WXN and the hierarchical
     * table bits, intersected with stage 2, whose XN depends on the privilege under FEAT_XNX), so
     * that a TLB can check a later access of another kind or EL without a walk. In single-range
     * regimes (EL2, EL3) only the EL1 bits are meaningful ("privileged" = the regime's EL).
     */
    public int permMask;
    /** Whether the result is in the Non-secure physical address space. */
    public boolean nonSecure;
    /** Stage-1 leaf nG (the entry is ASID-tagged). */
    public boolean notGlobal;
    public int asid;
    public int vmid;
    /** Whether stage 1 / stage 2 were active for this translation. */
    public boolean stage1Enabled, stage2Enabled;
    /** Leaf levels of the stage-1 and stage-2 walks (-1 when that stage was off). */
    public int s1Level, s2Level;
    public long s1Size, s2Size;

    public FaultKind fault = FaultKind.NONE;
    public int faultStage;
    public int faultLevel;
    public boolean s1ptw;
    /** WnR reported in the syndrome. */
    public boolean wnr;
    public int targetEl;
    public long esr;
    public long far;
    /** HPFAR_EL2 value for stage-2 faults (FIPA = IPA[47:12] in bits [43:4]), else 0. */
    public long hpfar;
    /** The faulting IPA of a stage-2 fault (the descriptor IPA for S1PTW). */
    public long faultIpa;

    /** Descriptor reads indexed by {@code (stage-1)*5 + level + 1} (level -1..3). */
    public final int[] readsBy = new int[10];
    public int reads;
    public int updates;

    /** Optional trace; null on the hot path. */
    public WalkTrace trace;

    public void reset() {
        ok = false;
        regime = Regime.EL10;
        pa = 0;
        ipa = 0;
        size = 0;
        attr = 0;
        sh = 0;
        permRead = permWrite = permExec = false;
        permMask = 0;
        nonSecure = true;
        secureState = false;
        notGlobal = false;
        asid = 0;
        vmid = 0;
        stage1Enabled = stage2Enabled = false;
        s1Level = s2Level = -1;
        s1Size = s2Size = 0;
        fault = FaultKind.NONE;
        faultStage = 0;
        faultLevel = 0;
        s1ptw = false;
        wnr = false;
        targetEl = 0;
        esr = 0;
        far = 0;
        hpfar = 0;
        faultIpa = 0;
        for (int i = 0; i < readsBy.length; i++) {
            readsBy[i] = 0;
        }
        reads = 0;
        updates = 0;
        if (trace != null) {
            trace.reset();
        }
    }

    /** Descriptor reads at {@code stage} (1 or 2) and {@code level} (-1..3). */
    public int reads(int stage, int level) {
        return readsBy[(stage - 1) * 5 + level + 1];
    }

    void countRead(int stage, int level, long descPa, long desc) {
        readsBy[(stage - 1) * 5 + level + 1]++;
        reads++;
        if (trace != null) {
            trace.read(stage, level, descPa, desc);
        }
    }

    void countUpdate(long descPa, long oldValue, long newValue) {
        updates++;
        if (trace != null) {
            trace.update(descPa, oldValue, newValue);
        }
    }
}
