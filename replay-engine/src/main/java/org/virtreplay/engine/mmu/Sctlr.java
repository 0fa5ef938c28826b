package org.virtreplay.engine.mmu;

/** SCTLR_ELx fields used by the MMU model (M bit 0, C bit 2, I bit 12, WXN bit 19, SPAN bit 23, EE bit 25, EPAN bit 57). */
public record Sctlr(long raw, boolean m, boolean c, boolean i, boolean wxn, boolean span, boolean ee, boolean epan) {
    public static Sctlr decode(long v) {
        return new Sctlr(v, Hcr.bit(v, 0), Hcr.bit(v, 2), Hcr.bit(v, 12), Hcr.bit(v, 19), Hcr.bit(v, 23),
                Hcr.bit(v, 25), Hcr.bit(v, 57));
    }
}
