package org.virtreplay.engine.pe;

import org.virtreplay.engine.mmu.Hcr;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.Regime;

/**
 * The translation regime an access uses, with the security state and (for EL1&amp;0 with stage 2)
 * the VMID: everything a TLB entry must be tagged with besides the ASID/global bit and the address.
 * {@link #tag()} packs it into one long so TLB lookups compare a primitive.
 *
 * <p>Tag layout: bits [1:0] regime ordinal (EL1&amp;0, EL2, EL2&amp;0, EL3), bit 2 Secure, bit 3
 * stage 2 active, bits [19:4] VMID (0 when stage 2 is off or the regime has no VMID). A Secure and
 * a Non-secure entry for the same VA therefore never share a tag.
 */
public record TranslationRegime(Regime regime, SecurityState security, boolean stage2, int vmid) {

    public boolean secure() {
        return security == SecurityState.SECURE;
    }

    /** The packed TLB tag (see the class comment). */
    public long tag() {
        return tag(regime, security == SecurityState.SECURE, stage2, vmid);
    }

    /** Allocation-free form of {@link #tag()}. */
    public static long tag(Regime regime, boolean secure, boolean stage2, int vmid) {
        return regime.ordinal() | (secure ? 4L : 0) | (stage2 ? 8L : 0) | ((long) (vmid & 0xFFFF) << 4);
    }

    /** The tag of the regime a successful or faulting translation used (no allocation). */
    public static long tagOf(org.virtreplay.engine.mmu.TranslationResult res) {
        return tag(res.regime, res.secureState, res.stage2Enabled, res.vmid);
    }

    /**
     * The regime for an access at {@code el} (0..3) in {@code security} state under the effective
     * HCR_EL2 and SCR_EL3.EEL2: EL3 at EL3; EL2&amp;0 at EL2 with E2H=1 and at EL0 with E2H=TGE=1;
     * EL2 at EL2 with E2H=0; otherwise EL1&amp;0, with stage 2 when EL2 is enabled in that security
     * state (always in Non-secure; in Secure only with SCR_EL3.EEL2, FEAT_SEL2) and HCR_EL2.VM or DC.
     */
    public static TranslationRegime select(int el, SecurityState security, Hcr hcrEff, boolean eel2, int vmid) {
        if (el == 3) {
            return new TranslationRegime(Regime.EL3, SecurityState.SECURE, false, 0);
        }
        boolean el2Enabled = security == SecurityState.NON_SECURE || eel2;
        if (!el2Enabled) {
            hcrEff = Hcr.decode(1L << 31); // HCR_EL2 has no effect where EL2 is not enabled
        }
        Regime r = Mmu.regimeFor(el, hcrEff);
        boolean s2 = r == Regime.EL10 && el2Enabled && (hcrEff.vm() || hcrEff.dc());
        return new TranslationRegime(r, security, s2, s2 ? vmid : 0);
    }
}
