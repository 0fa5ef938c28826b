package org.virtreplay.engine.mmu;

/** HCR_EL2 fields the model uses, decoded once per write (bit positions: Arm ARM D19, Linux kvm_arm.h). */
public record Hcr(long raw, boolean vm, boolean ptw, boolean fmo, boolean imo, boolean amo, boolean dc,
        boolean tvm, boolean tge, boolean trvm, boolean rw, boolean cd, boolean id, boolean e2h, boolean fwb) {

    public static Hcr decode(long v) {
        return new Hcr(v, bit(v, 0), bit(v, 2), bit(v, 3), bit(v, 4), bit(v, 5), bit(v, 12), bit(v, 26),
                bit(v, 27), bit(v, 30), bit(v, 31), bit(v, 32), bit(v, 33), bit(v, 34), bit(v, 46));
    }

    /**
     * The effective value: with TGE=1 the PE behaves as if several fields were 0 (or 1) for all
     * purposes other than a direct read (Arm ARM HCR_EL2.TGE description). Under E2H=1 this
     * includes VM, DC, CD and ID (the host's EL0 has no stage 2); without E2H, FMO/IMO/AMO act as 1.
     * In both cases PTW, TVM and TRVM act as 0.
     */
    public Hcr effective() {
        if (!tge) {
            return this;
        }
        if (e2h) {
            return new Hcr(raw, false, false, false, false, false, false, false, true, false, rw, false, false, true, fwb);
        }
        return new Hcr(raw, vm, false, true, true, true, dc, false, true, false, rw, cd, id, false, fwb);
    }

    static boolean bit(long v, int n) {
        return ((v >>> n) & 1) != 0;
    }
}
