package org.virtreplay.engine.mmu;

/**
 * Exception syndrome encodings (Arm ARM D17.2 ESR_ELx; Linux esr.h field positions): EC in [31:26],
 * IL bit 25, and for aborts S1PTW bit 7, WnR bit 6, DFSC/IFSC in [5:0]. ISV and the instruction
 * syndrome are left 0: a trace does not say which instruction made the access.
 */
public final class Esr {
    public static final int EC_UNKNOWN = 0x00;
    public static final int EC_SYSREG = 0x18;
    public static final int EC_IABT_LOWER = 0x20;
    public static final int EC_IABT_SAME = 0x21;
    public static final int EC_DABT_LOWER = 0x24;
    public static final int EC_DABT_SAME = 0x25;
    public static final long IL = 1L << 25;

    private Esr() {}

    public static long abort(int ec, boolean s1ptw, boolean wnr, int fsc) {
        return ((long) ec << 26) | IL | (s1ptw ? 1L << 7 : 0) | (wnr ? 1L << 6 : 0) | (fsc & 0x3F);
    }

    public static int ec(long esr) {
        return (int) ((esr >>> 26) & 0x3F);
    }

    /** HPFAR_EL2 for a faulting IPA: FIPA = IPA[47:12] in bits [43:4]. */
    public static long hpfar(long ipa) {
        return (ipa & 0x0000_FFFF_FFFF_F000L) >>> 8;
    }
}
