package org.virtreplay.engine.mmu;

/** VMSAv8-64 translation regimes (Arm ARM D8.1.2). */
public enum Regime {
    /** EL1&amp;0: guest kernel and user, with stage 2 when HCR_EL2.VM or DC. Two VA ranges, ASIDs, VMID. */
    EL10("EL1&0", true),
    /** EL2 with HCR_EL2.E2H=0: one VA range, no ASID. */
    EL2("EL2", false),
    /** EL2&amp;0 with HCR_EL2.E2H=1 (VHE host and, with TGE=1, its EL0): two VA ranges, ASIDs. */
    EL20("EL2&0", true),
    /** EL3: one VA range. */
    EL3("EL3", false);

    public final String armName;
    public final boolean twoRanges;

    Regime(String armName, boolean twoRanges) {
        this.armName = armName;
        this.twoRanges = twoRanges;
    }
}
