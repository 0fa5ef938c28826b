package org.virtreplay.engine.mmu;

/**
 * Memory-attribute decode and combination on MAIR-format bytes (Arm ARM D8.5 / D8.6; QEMU
 * {@code combine_cacheattrs} checked for semantics). Everything is static on primitive ints so the
 * walk allocates nothing.
 *
 * <p>Shareability codes are the descriptor's SH[1:0]: {@link #NSH}=0, {@link #OSH}=2, {@link #ISH}=3
 * (the reserved 01 is read as Non-shareable, see docs/fidelity.md).
 */
public final class Attributes {
    public static final int NSH = 0;
    public static final int OSH = 2;
    public static final int ISH = 3;

    /** Normal, Write-Back non-transient, read/write-allocate (inner and outer). */
    public static final int NORMAL_WB = 0xFF;
    public static final int NORMAL_NC = 0x44;
    /** Normal, Write-Through non-transient, read-allocate: the MMU-off instruction default (docs/fidelity.md). */
    public static final int NORMAL_WT_RA = 0xAA;
    public static final int DEVICE_NGNRNE = 0x00;

    private Attributes() {}

    public static boolean isDevice(int attr) {
        return (attr & 0xF0) == 0;
    }

    /** JSON/readable name of a shareability code. */
    public static String shName(int sh) {
        return switch (sh) {
            case OSH -> "OSH";
            case ISH -> "ISH";
            default -> "NSH";
        };
    }

    /** Descriptor SH[1:0] as a shareability code (01 reserved: treated as Non-shareable). */
    public static int sh(int field) {
        return field == 1 ? NSH : field;
    }

    private static int shRank(int sh) {
        return sh == OSH ? 2 : sh == ISH ? 1 : 0;
    }

    /** Both nibbles Non-cacheable, or Device: such memory is always Outer Shareable. */
    public static int forcedSh(int attr, int sh) {
        if (isDevice(attr) || attr == NORMAL_NC) {
            return OSH;
        }
        return sh;
    }

    /** Stage-2 MemAttr[3:0] with FWB=0 converted to a MAIR byte; HCR_EL2.CD makes Normal Non-cacheable. */
    public static int s2MemAttrToMair(int memattr, boolean cd) {
        int outer = (memattr >>> 2) & 3;
        int inner = memattr & 3;
        if (outer == 0) {
            return inner << 2; // Device, subtype from MemAttr[1:0]
        }
        if (cd) {
            return NORMAL_NC;
        }
        return (s2Nibble(outer) << 4) | s2Nibble(inner);
    }

    /** Stage-2 cacheability 01 NC, 10 WT, 11 WB; stage 2 has no allocation hints, so WT/WB read as RW-allocate. */
    private static int s2Nibble(int c) {
        return switch (c) {
            case 2 -> 0xB; // WT non-transient RW-allocate
            case 3 -> 0xF; // WB non-transient RW-allocate
            default -> 0x4; // NC (00 is reserved for Normal; treated as NC)
        };
    }

    /** Combination with FWB=0: the more restrictive type and cacheability; hints from stage 1. */
    public static int combineNoFwb(int s1, int s2) {
        boolean tagged = s1 == 0xF0;
        if (tagged) {
            s1 = 0xFF;
        }
        int r;
        if (isDevice(s1) || isDevice(s2)) {
            int d1 = isDevice(s1) ? (s1 >>> 2) & 3 : 3;
            int d2 = isDevice(s2) ? (s2 >>> 2) & 3 : 3;
            r = Math.min(d1, d2) << 2; // nGnRnE < nGnRE < nGRE < GRE: the stronger wins
        } else {
            r = (combineNibble(s1 >>> 4, s2 >>> 4) << 4) | combineNibble(s1 & 0xF, s2 & 0xF);
        }
        return tagged && r == 0xFF ? 0xF0 : r;
    }

    private static boolean wt(int n) {
        int hi = (n >>> 2) & 3;
        return hi == 0 || hi == 2;
    }

    private static int combineNibble(int s1, int s2) {
        if (s1 == 4 || s2 == 4) {
            return 4;
        }
        if (wt(s1)) {
            return s1;
        }
        if (wt(s2)) {
            return 0x8 | (s1 & 3); // WT non-transient with the stage-1 allocation hints
        }
        return s1;
    }

    /** Combination with FWB=1: stage-2 MemAttr[2:0] forces or passes the stage-1 attributes. */
    public static int combineFwb(int s1, int memattr) {
        int m = memattr & 7;
        if (m < 4) {
            return (m & 3) << 2; // force Device with subtype MemAttr[1:0]
        }
        if (m == 4) {
            return DEVICE_NGNRNE; // reserved: treated as Device-nGnRnE (docs/fidelity.md)
        }
        if (m == 5) {
            return isDevice(s1) ? s1 : NORMAL_NC;
        }
        if (m == 6) {
            if (isDevice(s1)) {
                return NORMAL_WB;
            }
            if (s1 == 0xF0) {
                return 0xF0;
            }
            return (forceWb(s1 >>> 4) << 4) | forceWb(s1 & 0xF);
        }
        return s1;
    }

    private static int forceWb(int n) {
        if (n == 4 || n == 0) {
            return 0xF;
        }
        return n | 0x4; // WT (00RW/10RW) becomes WB (01RW/11RW) keeping the hints
    }

    /** Shareability combination: OSH if either is OSH, else ISH if either is ISH, else NSH. */
    public static int combineSh(int s1, int s2) {
        return shRank(s1) >= shRank(s2) ? s1 : s2;
    }
}
