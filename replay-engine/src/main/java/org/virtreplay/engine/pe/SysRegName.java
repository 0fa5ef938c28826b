package org.virtreplay.engine.pe;

import java.util.HashMap;
import java.util.Map;

/**
 * The AArch64 system registers that a trace may write ({@code sysreg} table) and that the model
 * knows, by their Arm ARM names. One list for the whole project: the trace validator accepts
 * exactly these names, and the engine dispatches writes on them.
 *
 * <p>The {@code *_EL12} / {@code *_EL02} names are the FEAT_VHE aliases that, with HCR_EL2.E2H = 1,
 * let EL2 reach the EL1/EL0 register; {@link #target()} gives the register they name.
 */
public enum SysRegName {
    // EL1 translation and control (stage 1 of the EL1&0 regime)
    TTBR0_EL1, TTBR1_EL1, TCR_EL1, MAIR_EL1, SCTLR_EL1, CONTEXTIDR_EL1,
    // EL2: virtualization control and stage 2
    HCR_EL2, VTTBR_EL2, VTCR_EL2, VSTTBR_EL2, VSTCR_EL2,
    // EL2's own stage 1 (EL2 or EL2&0 regime)
    TTBR0_EL2, TTBR1_EL2, TCR_EL2, MAIR_EL2, SCTLR_EL2,
    // EL3
    SCR_EL3, TTBR0_EL3, TCR_EL3, MAIR_EL3, SCTLR_EL3,
    // GICv3 virtual CPU interface control (hypervisor side)
    ICH_HCR_EL2, ICH_VMCR_EL2,
    ICH_LR0_EL2, ICH_LR1_EL2, ICH_LR2_EL2, ICH_LR3_EL2, ICH_LR4_EL2, ICH_LR5_EL2, ICH_LR6_EL2,
    ICH_LR7_EL2, ICH_LR8_EL2, ICH_LR9_EL2, ICH_LR10_EL2, ICH_LR11_EL2, ICH_LR12_EL2,
    ICH_LR13_EL2, ICH_LR14_EL2, ICH_LR15_EL2,
    ICH_AP0R0_EL2, ICH_AP0R1_EL2, ICH_AP0R2_EL2, ICH_AP0R3_EL2,
    ICH_AP1R0_EL2, ICH_AP1R1_EL2, ICH_AP1R2_EL2, ICH_AP1R3_EL2,
    // GICv3 CPU interface (guest side, virtualised by ICH_* when HCR_EL2.IMO/FMO = 1)
    ICC_PMR_EL1, ICC_CTLR_EL1, ICC_IGRPEN1_EL1, ICC_BPR1_EL1,
    // Generic timer, virtual timer
    CNTV_CTL_EL0, CNTV_CVAL_EL0, CNTVOFF_EL2,
    // FEAT_VHE aliases, accessed from EL2 with HCR_EL2.E2H = 1
    TTBR0_EL12(TTBR0_EL1), TTBR1_EL12(TTBR1_EL1), TCR_EL12(TCR_EL1), MAIR_EL12(MAIR_EL1),
    SCTLR_EL12(SCTLR_EL1), CONTEXTIDR_EL12(CONTEXTIDR_EL1),
    CNTV_CTL_EL02(CNTV_CTL_EL0), CNTV_CVAL_EL02(CNTV_CVAL_EL0);

    private final SysRegName aliasOf;

    SysRegName() {
        this.aliasOf = null;
    }

    SysRegName(SysRegName aliasOf) {
        this.aliasOf = aliasOf;
    }

    private static final Map<String, SysRegName> BY_NAME = new HashMap<>();

    static {
        for (SysRegName r : values()) {
            BY_NAME.put(r.name(), r);
        }
    }

    /** The register by its Arm name (exact, upper case), or {@code null} if the model does not know it. */
    public static SysRegName lookup(String armName) {
        return BY_NAME.get(armName);
    }

    /** True for a FEAT_VHE {@code _EL12}/{@code _EL02} alias. */
    public boolean isAlias() {
        return aliasOf != null;
    }

    /** The register this name accesses: itself, or the EL1/EL0 register an alias names. */
    public SysRegName target() {
        return aliasOf == null ? this : aliasOf;
    }

    /** The Arm ARM name, e.g. {@code TTBR0_EL1}. */
    public String armName() {
        return name();
    }
}
