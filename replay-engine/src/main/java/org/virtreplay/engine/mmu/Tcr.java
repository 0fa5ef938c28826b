package org.virtreplay.engine.mmu;

/**
 * A stage-1 translation control register, decoded. {@code twoRange} is true for TCR_EL1 and for
 * TCR_EL2 under HCR_EL2.E2H=1 (same layout); false for TCR_EL2 (E2H=0) and TCR_EL3, whose single
 * range uses only the "0" fields (T0SZ, TG0, PS in [18:16], TBI bit 20, HA 21, HD 22, HPD 24,
 * TBID 29) and has no EPD.
 */
public record Tcr(long raw, boolean twoRange, int t0sz, int t1sz, Granule tg0, Granule tg1, boolean epd0,
        boolean epd1, int ips, boolean tbi0, boolean tbi1, boolean tbid0, boolean tbid1, boolean ha, boolean hd,
        boolean hpd0, boolean hpd1, boolean a1, boolean as16, int sh0, int sh1, boolean e0pd0, boolean e0pd1) {

    public static Tcr decodeTwoRange(long v) {
        return new Tcr(v, true, (int) (v & 0x3F), (int) ((v >>> 16) & 0x3F), Granule.fromTg0((int) (v >>> 14)),
                Granule.fromTg1((int) (v >>> 30)), Hcr.bit(v, 7), Hcr.bit(v, 23), (int) ((v >>> 32) & 7),
                Hcr.bit(v, 37), Hcr.bit(v, 38), Hcr.bit(v, 51), Hcr.bit(v, 52), Hcr.bit(v, 39), Hcr.bit(v, 40),
                Hcr.bit(v, 41), Hcr.bit(v, 42), Hcr.bit(v, 22), Hcr.bit(v, 36), (int) ((v >>> 12) & 3),
                (int) ((v >>> 28) & 3), Hcr.bit(v, 55), Hcr.bit(v, 56));
    }

    public static Tcr decodeSingleRange(long v) {
        return new Tcr(v, false, (int) (v & 0x3F), 0, Granule.fromTg0((int) (v >>> 14)), Granule.K4, false, false,
                (int) ((v >>> 16) & 7), Hcr.bit(v, 20), false, Hcr.bit(v, 29), false, Hcr.bit(v, 21),
                Hcr.bit(v, 22), Hcr.bit(v, 24), false, false, false, (int) ((v >>> 12) & 3), 0, false, false);
    }
}
