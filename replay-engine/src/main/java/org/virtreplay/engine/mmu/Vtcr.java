package org.virtreplay.engine.mmu;

/** VTCR_EL2 / VSTCR_EL2, decoded: T0SZ [5:0], SL0 [7:6], SH0 [13:12], TG0 [15:14], PS [18:16], VS 19, HA 21, HD 22, NSW 29, NSA 30, DS 32, SL2 33. */
public record Vtcr(long raw, int t0sz, int sl0, Granule tg0, int ps, boolean vs, boolean ha, boolean hd, boolean nsw,
        boolean nsa, boolean ds, int sh0) {
    public static Vtcr decode(long v) {
        return new Vtcr(v, (int) (v & 0x3F), (int) ((v >>> 6) & 3), Granule.fromTg0((int) (v >>> 14)),
                (int) ((v >>> 16) & 7), Hcr.bit(v, 19), Hcr.bit(v, 21), Hcr.bit(v, 22), Hcr.bit(v, 29),
                Hcr.bit(v, 30), Hcr.bit(v, 32), (int) ((v >>> 12) & 3));
    }
}
