package org.virtreplay.ingest.generate;

/**
 * The raw register values the generator writes to set up the EL1&amp;0 translation regime of a
 * guest and its stage 2. Bit positions from the Arm ARM (arm-reference.md §1.2-§1.10, §2.3); each
 * method says which fields it sets. All guests use the 4 KB granule at both stages.
 */
final class GuestRegs {
    private GuestRegs() {
    }

    /** MAIR_EL1 attribute indexes used by the generator's stage-1 descriptors. */
    static final int ATTR_NORMAL_WB = 0;
    static final int ATTR_DEVICE_NGNRE = 1;
    static final int ATTR_NORMAL_NC = 2;

    /**
     * MAIR_EL1: Attr0 = 0xFF (Normal, inner/outer Write-Back non-transient, RW-allocate),
     * Attr1 = 0x04 (Device-nGnRE), Attr2 = 0x44 (Normal Non-cacheable), Attr3..7 = 0 (Device-nGnRnE).
     */
    static final long MAIR_EL1 = 0x0000_0000_0044_04FFL;

    /**
     * SCTLR_EL1: M (bit 0) = 1 stage-1 MMU on, C (2) = 1, SA (3) = 1, SA0 (4) = 1, I (12) = 1, and
     * the bits that are RES1 in Armv8.0 (11, 20, 22, 23, 28, 29); WXN (19), EE (25), A (1) = 0.
     */
    static final long SCTLR_EL1 = (1L << 0) | (1L << 2) | (1L << 3) | (1L << 4) | (1L << 12)
            | (1L << 11) | (1L << 20) | (1L << 22) | (1L << 23) | (1L << 28) | (1L << 29);

    /**
     * HCR_EL2: VM (bit 0) stage 2 on, FMO (3), IMO (4) physical FIQ/IRQ to EL2 and virtual
     * interrupts on, TWI (13) so that guest WFI traps (the {@code block} events of the schedule), and
     * RW (31) EL1 is AArch64.
     */
    static final long HCR_EL2 = (1L << 0) | (1L << 3) | (1L << 4) | (1L << 13) | (1L << 31);

    /** Output-size encoding (TCR_EL1.IPS, VTCR_EL2.PS; §1.9) for 32..48 bits. */
    static int sizeEncoding(int bits) {
        return switch (bits) {
            case 32 -> 0b000;
            case 36 -> 0b001;
            case 40 -> 0b010;
            case 42 -> 0b011;
            case 44 -> 0b100;
            case 48 -> 0b101;
            default -> throw new IllegalArgumentException("no output-size encoding for " + bits + " bits");
        };
    }

    /**
     * TCR_EL1 for a 48-bit VA in both ranges, 4 KB granule: T0SZ = T1SZ = 16, TG0 = 0b00 (4 KB),
     * TG1 = 0b10 (4 KB in TG1's own encoding), walks Inner-Shareable (SH = 0b11) and inner/outer
     * Write-Back (IRGN = ORGN = 0b01), A1 = 0 (the ASID is TTBR0_EL1's), AS = 0 (8-bit ASIDs),
     * no TBI, IPS = the guest's IPA size.
     */
    static long tcrEl1(int ipaBits) {
        long t = 16;                       // T0SZ [5:0]
        t |= 0b01L << 8;                   // IRGN0
        t |= 0b01L << 10;                  // ORGN0
        t |= 0b11L << 12;                  // SH0
        t |= 0b00L << 14;                  // TG0 = 4 KB
        t |= 16L << 16;                    // T1SZ [21:16]
        t |= 0b01L << 24;                  // IRGN1
        t |= 0b01L << 26;                  // ORGN1
        t |= 0b11L << 28;                  // SH1
        t |= 0b10L << 30;                  // TG1 = 4 KB
        t |= (long) sizeEncoding(ipaBits) << 32; // IPS [34:32]
        return t;
    }

    /**
     * Stage-2 start level for a 4 KB granule as KVM chooses it: the fewest levels that cover the IPA
     * size with up to 16 concatenated root tables, at least 2 levels. Levels = (ipa - 4 - 4) / 9,
     * as Linux's ARM64_HW_PGTABLE_LEVELS(ipa - 4); start level = 4 - levels.
     */
    static int s2StartLevel(int ipaBits) {
        int levels = Math.max(2, (ipaBits - 4 - 4) / 9);
        return 4 - levels;
    }

    /** Number of concatenated stage-2 root tables (§2.3): 2^(ia - (n*9 + 12 + 9)) if positive, else 1. */
    static int s2RootTables(int ipaBits) {
        int n = 3 - s2StartLevel(ipaBits);
        int e = ipaBits - (n * 9 + 12 + 9);
        return e > 0 ? 1 << e : 1;
    }

    /**
     * VTCR_EL2: T0SZ = 64 - ipaBits, SL0 = 2 - start level (4 KB: 0b00 L2, 0b01 L1, 0b10 L0),
     * IRGN0 = ORGN0 = 0b01, SH0 = 0b11, TG0 = 0b00 (4 KB), PS = host PA size, VS = 0 (8-bit VMID),
     * bit 31 RES1.
     */
    static long vtcrEl2(int ipaBits, int hostPaBits) {
        long v = 64 - ipaBits;
        v |= (long) (2 - s2StartLevel(ipaBits)) << 6;
        v |= 0b01L << 8;
        v |= 0b01L << 10;
        v |= 0b11L << 12;
        v |= (long) sizeEncoding(hostPaBits) << 16;
        v |= 1L << 31;
        return v;
    }

    /** TTBRn_EL1 / VTTBR_EL2: ASID or VMID in [63:48], BADDR in [47:1], CnP = 0. */
    static long ttbr(int asidOrVmid, long baddr) {
        return ((long) asidOrVmid << 48) | (baddr & 0x0000_FFFF_FFFF_FFFEL);
    }
}
