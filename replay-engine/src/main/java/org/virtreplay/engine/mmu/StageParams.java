package org.virtreplay.engine.mmu;

/**
 * The walk parameters of one stage (one VA range for stage 1), derived from the control registers
 * when they are written so that a walk reads only plain fields. Input and output widths are
 * parameters ({@link #iaBits}, {@link #oaBits}) so that 52-bit addressing (FEAT_LPA2, level -1)
 * can be added without changing the walker's structure; today the output is capped at 48 bits.
 */
public final class StageParams {
    /** The largest output size modelled (no FEAT_LPA / FEAT_LPA2 yet). */
    public static final int MAX_OA_BITS = 48;

    public boolean stage2;
    /** False when TxSZ is out of range or the stage-2 start level is inconsistent: a level-0 Translation fault. */
    public boolean valid;
    public Granule gran = Granule.K4;
    public int iaBits;
    public int oaBits;
    public int startLevel;
    /** Index bits resolved by the (possibly concatenated) initial table. */
    public int rootBits;
    /** Table base from the TTBR, aligned to the initial table's size. */
    public long base;
    /** The TTBR's BADDR exceeds the output size: Address size fault at level 0. */
    public boolean baseTooBig;
    public boolean epd;
    /** FEAT_E0PD: EL0 accesses to this range fault (level-0 Translation fault, as if no walk happened). */
    public boolean e0pd;
    public boolean tbi;
    public boolean tbid;
    public boolean hpd;
    public boolean ha;
    public boolean hd;
    /** Shareability of walk accesses (TCR.SHx), kept for completeness. */
    public int walkSh;

    /** Output size in bits for a PS/IPS encoding (Arm ARM: 000 32 ... 110 52); 111 reserved, treated as 52. */
    public static int psBits(int enc) {
        return switch (enc & 7) {
            case 0 -> 32;
            case 1 -> 36;
            case 2 -> 40;
            case 3 -> 42;
            case 4 -> 44;
            case 5 -> 48;
            default -> 52;
        };
    }

    /** Effective output size: min(PS, PARange), capped at 48 bits without FEAT_LPA/LPA2. */
    static int effectiveOa(int psEnc, int paRangeBits) {
        return Math.min(Math.min(psBits(psEnc), paRangeBits), MAX_OA_BITS);
    }

    /** Stage-1 parameters for one VA range of a regime. */
    void setStage1(int txsz, Granule granule, boolean epdBit, int ipsEnc, boolean tbiBit, boolean tbidBit,
            boolean haBit, boolean hdBit, boolean hpdBit, int sh, long baddr, int paRangeBits) {
        stage2 = false;
        gran = granule;
        iaBits = 64 - txsz;
        oaBits = effectiveOa(ipsEnc, paRangeBits);
        // TxSZ limits without FEAT_LVA/LPA2/TTST: 16..39. Out of range is IMPLEMENTATION DEFINED
        // (clamp or fault); we fault at level 0 like QEMU (docs/fidelity.md).
        valid = txsz >= 16 && txsz <= 39;
        int ia = Math.max(Math.min(iaBits, 48), 25);
        startLevel = 4 - (ia - 4) / granule.stride;
        rootBits = ia - granule.levelShift(startLevel);
        epd = epdBit;
        tbi = tbiBit;
        tbid = tbidBit;
        ha = haBit;
        hd = haBit && hdBit; // HD has effect only with HA
        hpd = hpdBit;
        walkSh = sh;
        setBase(baddr);
    }

    /** Stage-2 parameters (VTCR_EL2 / VSTCR_EL2 + VTTBR_EL2 / VSTTBR_EL2). */
    void setStage2(Vtcr vtcr, long baddr, int paRangeBits) {
        stage2 = true;
        gran = vtcr.tg0();
        iaBits = 64 - vtcr.t0sz();
        oaBits = effectiveOa(vtcr.ps(), paRangeBits);
        epd = false;
        tbi = false;
        tbid = false;
        hpd = true; // stage-2 tables carry no hierarchical attributes
        ha = vtcr.ha();
        hd = vtcr.ha() && vtcr.hd();
        walkSh = vtcr.sh0();
        int sl0 = vtcr.sl0();
        int level;
        boolean ok = true;
        switch (gran) {
            case K4 -> {
                level = switch (sl0) { case 0 -> 2; case 1 -> 1; case 2 -> 0; default -> 3; };
                if (sl0 == 3) {
                    ok = false; // needs FEAT_TTST, not implemented
                }
                if (sl0 == 2 && paRangeBits < 44) {
                    ok = false;
                }
            }
            case K16 -> {
                level = switch (sl0) { case 0 -> 3; case 1 -> 2; case 2 -> 1; default -> 0; };
                if (sl0 == 3) {
                    ok = false; // needs DS=1 (FEAT_LPA2), not implemented
                }
                if (sl0 == 2 && paRangeBits < 42) {
                    ok = false;
                }
            }
            default -> {
                level = switch (sl0) { case 0 -> 3; case 1 -> 2; case 2 -> 1; default -> 1; };
                if (sl0 == 3) {
                    ok = false; // reserved
                }
                if (sl0 == 2 && paRangeBits < 44) {
                    ok = false;
                }
            }
        }
        int ia = iaBits;
        int n = 3 - level;
        int minIa = n * gran.stride + gran.g + 1;
        int maxIa = n * gran.stride + gran.g + gran.stride + 4; // up to 16 concatenated tables
        if (vtcr.t0sz() < 16 || ia < minIa || ia > maxIa || ia > paRangeBits) {
            ok = false;
        }
        valid = ok;
        startLevel = level;
        rootBits = ok ? ia - gran.levelShift(level) : gran.stride;
        setBase(baddr);
    }

    private void setBase(long baddr) {
        baseTooBig = (baddr >>> oaBits) != 0;
        base = baddr & ~((8L << rootBits) - 1);
    }
}
