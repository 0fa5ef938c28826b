package org.virtreplay.engine.pe;

import org.virtreplay.engine.mmu.Esr;
import org.virtreplay.engine.mmu.Hcr;

/**
 * Access rules for the system registers a trace can write (Arm ARM D1/D19 register descriptions,
 * "Configurable instruction controls"):
 * <ol>
 *   <li>FEAT_VHE aliases ({@code *_EL12}, {@code *_EL02}) exist only at EL2/EL3 with HCR_EL2.E2H=1;
 *       elsewhere UNDEFINED.</li>
 *   <li>A register whose suffix names ELn is UNDEFINED from a lower EL (EC 0x00), taken to EL1 from
 *       EL0 (EL2 when HCR_EL2.TGE=1), else to the current EL. {@code *_EL0} registers are treated as
 *       accessible from EL0 (CNTKCTL_EL1 gating is not modelled).</li>
 *   <li>VSTTBR_EL2/VSTCR_EL2 exist only in Secure state (UNDEFINED at Non-secure EL2).</li>
 *   <li>HCR_EL2.TVM traps EL1 writes, TRVM EL1 reads, of the EL1 virtual-memory controls (SCTLR_EL1,
 *       TTBR0/1_EL1, TCR_EL1, MAIR_EL1, CONTEXTIDR_EL1) to EL2 with EC 0x18, when EL2 is enabled in
 *       the current security state. The ISS names the register: Op0 [21:20], Op2 [19:17], Op1 [16:14],
 *       CRn [13:10], Rt [9:5] (0: a trace does not name the register used), CRm [4:1], Direction [0]
 *       (1 = read).</li>
 *   <li>At EL2 with HCR_EL2.E2H=1, {@code *_EL1} names of registers that have an EL2 counterpart
 *       access the {@code *_EL2} register.</li>
 * </ol>
 */
public final class SysRegAccess {
    private SysRegAccess() {}

    /**
     * Checks an access to {@code reg} from {@code el} in {@code security} state.
     *
     * @param hcrRaw the HCR_EL2 as written (E2H for aliases and redirection)
     * @param hcrEff the effective HCR_EL2 (TGE applied) for TVM/TRVM and routing
     */
    public static void check(SysRegName reg, boolean write, int el, SecurityState security, Hcr hcrRaw, Hcr hcrEff,
            boolean eel2, SysRegOutcome out) {
        int undefEl = el == 0 ? (hcrEff.tge() ? 2 : 1) : el;
        long undefEsr = ((long) Esr.EC_UNKNOWN << 26) | Esr.IL;
        if (reg.isAlias()) {
            if (el >= 2 && hcrRaw.e2h()) {
                out.set(SysRegOutcome.Kind.ALLOWED, reg.target(), el, 0);
            } else {
                out.set(SysRegOutcome.Kind.UNDEFINED, reg, undefEl, undefEsr);
            }
            return;
        }
        int suffix = suffixEl(reg);
        if (el < suffix) {
            out.set(SysRegOutcome.Kind.UNDEFINED, reg, undefEl, undefEsr);
            return;
        }
        if ((reg == SysRegName.VSTTBR_EL2 || reg == SysRegName.VSTCR_EL2) && el == 2
                && security == SecurityState.NON_SECURE) {
            out.set(SysRegOutcome.Kind.UNDEFINED, reg, undefEl, undefEsr);
            return;
        }
        boolean el2Enabled = security == SecurityState.NON_SECURE || eel2;
        if (el == 1 && el2Enabled && isVmControl(reg) && (write ? hcrEff.tvm() : hcrEff.trvm())) {
            out.set(SysRegOutcome.Kind.TRAPPED, reg, 2, sysregTrapEsr(reg, write));
            return;
        }
        if (el == 2 && hcrRaw.e2h()) {
            SysRegName redirected = el2Counterpart(reg);
            if (redirected != null) {
                out.set(SysRegOutcome.Kind.ALLOWED, redirected, el, 0);
                return;
            }
        }
        out.set(SysRegOutcome.Kind.ALLOWED, reg, el, 0);
    }

    /** The EL named by the register's suffix ({@code _EL0}..{@code _EL3}); aliases report 2. */
    public static int suffixEl(SysRegName reg) {
        String n = reg.armName();
        if (reg.isAlias()) {
            return 2;
        }
        return n.charAt(n.length() - 1) - '0';
    }

    /** The EL1 virtual-memory control registers that HCR_EL2.TVM/TRVM trap. */
    public static boolean isVmControl(SysRegName reg) {
        return switch (reg) {
            case SCTLR_EL1, TTBR0_EL1, TTBR1_EL1, TCR_EL1, MAIR_EL1, CONTEXTIDR_EL1 -> true;
            default -> false;
        };
    }

    /** Under FEAT_VHE at EL2: the EL2 register an {@code _EL1} name accesses, or null. */
    public static SysRegName el2Counterpart(SysRegName reg) {
        return switch (reg) {
            case SCTLR_EL1 -> SysRegName.SCTLR_EL2;
            case TTBR0_EL1 -> SysRegName.TTBR0_EL2;
            case TTBR1_EL1 -> SysRegName.TTBR1_EL2;
            case TCR_EL1 -> SysRegName.TCR_EL2;
            case MAIR_EL1 -> SysRegName.MAIR_EL2;
            default -> null;
        };
    }

    /** ESR for an EC 0x18 trap of an MSR ({@code write}) or MRS of {@code reg}, Rt = 0. */
    public static long sysregTrapEsr(SysRegName reg, boolean write) {
        int[] e = encoding(reg);
        long iss = ((long) e[0] << 20) | ((long) e[4] << 17) | ((long) e[1] << 14) | ((long) e[2] << 10)
                | ((long) e[3] << 1) | (write ? 0 : 1);
        return ((long) Esr.EC_SYSREG << 26) | Esr.IL | iss;
    }

    /** {op0, op1, CRn, CRm, op2} of {@code reg} (Arm ARM register encodings). */
    public static int[] encoding(SysRegName reg) {
        String n = reg.armName();
        if (n.startsWith("ICH_LR")) {
            int i = Integer.parseInt(n.substring(6, n.indexOf('_', 4)));
            return new int[] {3, 4, 12, 12 + (i >> 3), i & 7};
        }
        if (n.startsWith("ICH_AP0R") || n.startsWith("ICH_AP1R")) {
            int i = n.charAt(8) - '0';
            return new int[] {3, 4, 12, n.charAt(6) == '0' ? 8 : 9, i};
        }
        return switch (reg) {
            case SCTLR_EL1 -> new int[] {3, 0, 1, 0, 0};
            case TTBR0_EL1 -> new int[] {3, 0, 2, 0, 0};
            case TTBR1_EL1 -> new int[] {3, 0, 2, 0, 1};
            case TCR_EL1 -> new int[] {3, 0, 2, 0, 2};
            case MAIR_EL1 -> new int[] {3, 0, 10, 2, 0};
            case CONTEXTIDR_EL1 -> new int[] {3, 0, 13, 0, 1};
            case HCR_EL2 -> new int[] {3, 4, 1, 1, 0};
            case VTTBR_EL2 -> new int[] {3, 4, 2, 1, 0};
            case VTCR_EL2 -> new int[] {3, 4, 2, 1, 2};
            case VSTTBR_EL2 -> new int[] {3, 4, 2, 6, 0};
            case VSTCR_EL2 -> new int[] {3, 4, 2, 6, 2};
            case SCTLR_EL2 -> new int[] {3, 4, 1, 0, 0};
            case TTBR0_EL2 -> new int[] {3, 4, 2, 0, 0};
            case TTBR1_EL2 -> new int[] {3, 4, 2, 0, 1};
            case TCR_EL2 -> new int[] {3, 4, 2, 0, 2};
            case MAIR_EL2 -> new int[] {3, 4, 10, 2, 0};
            case SCR_EL3 -> new int[] {3, 6, 1, 1, 0};
            case SCTLR_EL3 -> new int[] {3, 6, 1, 0, 0};
            case TTBR0_EL3 -> new int[] {3, 6, 2, 0, 0};
            case TCR_EL3 -> new int[] {3, 6, 2, 0, 2};
            case MAIR_EL3 -> new int[] {3, 6, 10, 2, 0};
            case ICH_HCR_EL2 -> new int[] {3, 4, 12, 11, 0};
            case ICH_VMCR_EL2 -> new int[] {3, 4, 12, 11, 7};
            case ICC_PMR_EL1 -> new int[] {3, 0, 4, 6, 0};
            case ICC_CTLR_EL1 -> new int[] {3, 0, 12, 12, 4};
            case ICC_IGRPEN1_EL1 -> new int[] {3, 0, 12, 12, 7};
            case ICC_BPR1_EL1 -> new int[] {3, 0, 12, 12, 3};
            case CNTV_CTL_EL0 -> new int[] {3, 3, 14, 3, 1};
            case CNTV_CVAL_EL0 -> new int[] {3, 3, 14, 3, 2};
            case CNTVOFF_EL2 -> new int[] {3, 4, 14, 0, 3};
            case SCTLR_EL12 -> new int[] {3, 5, 1, 0, 0};
            case TTBR0_EL12 -> new int[] {3, 5, 2, 0, 0};
            case TTBR1_EL12 -> new int[] {3, 5, 2, 0, 1};
            case TCR_EL12 -> new int[] {3, 5, 2, 0, 2};
            case MAIR_EL12 -> new int[] {3, 5, 10, 2, 0};
            case CONTEXTIDR_EL12 -> new int[] {3, 5, 13, 0, 1};
            case CNTV_CTL_EL02 -> new int[] {3, 5, 14, 3, 1};
            case CNTV_CVAL_EL02 -> new int[] {3, 5, 14, 3, 2};
            default -> new int[] {3, 0, 0, 0, 0};
        };
    }
}
