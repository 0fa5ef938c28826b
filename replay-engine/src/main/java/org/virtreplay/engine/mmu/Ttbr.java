package org.virtreplay.engine.mmu;

/**
 * TTBRn_ELx / VTTBR_EL2: BADDR in bits [47:1] (48-bit output; FEAT_LPA's BADDR[51:48] in [5:2] is
 * not modelled yet), CnP bit 0, ASID or VMID in [63:48].
 */
public record Ttbr(long raw, long baddr, int asidOrVmid16, boolean cnp) {
    public static Ttbr decode(long v) {
        return new Ttbr(v, v & 0x0000_FFFF_FFFF_FFFEL, (int) (v >>> 48), (v & 1) != 0);
    }
}
