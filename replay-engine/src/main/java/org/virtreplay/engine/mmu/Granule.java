package org.virtreplay.engine.mmu;

/**
 * Translation granule. {@code g} = log2(granule size); each level resolves {@code stride = g - 3}
 * input bits because a table is one granule of 8-byte descriptors (Arm ARM D8.2).
 */
public enum Granule {
    K4(12),
    K16(14),
    K64(16);

    public final int g;
    public final int stride;
    public final long bytes;

    Granule(int g) {
        this.g = g;
        this.stride = g - 3;
        this.bytes = 1L << g;
    }

    /** log2 of the bytes mapped by one descriptor at {@code level}: {@code stride*(3-level) + g}. */
    public int levelShift(int level) {
        return stride * (3 - level) + g;
    }

    /** Whether a block descriptor is permitted at {@code level} with a 48-bit output address. */
    public boolean blockAllowed(int level) {
        return switch (this) {
            case K4 -> level == 1 || level == 2;
            case K16, K64 -> level == 2;
        };
    }

    /** Number of entries in a contiguous set at {@code level} (descriptor bit 52). */
    public int contiguousEntries(int level) {
        return switch (this) {
            case K4 -> 16;
            case K16 -> level == 3 ? 128 : 32;
            case K64 -> 32;
        };
    }

    /** TCR_ELx.TG0 / VTCR_EL2.TG0 encoding: 00 4K, 01 64K, 10 16K; 11 reserved, treated as 4K. */
    public static Granule fromTg0(int tg0) {
        return switch (tg0 & 3) {
            case 1 -> K64;
            case 2 -> K16;
            default -> K4;
        };
    }

    /** TCR_EL1.TG1 encoding: 01 16K, 10 4K, 11 64K; 00 reserved, treated as 4K. */
    public static Granule fromTg1(int tg1) {
        return switch (tg1 & 3) {
            case 1 -> K16;
            case 3 -> K64;
            default -> K4;
        };
    }

    /** Granule of a given size in bytes, or null. */
    public static Granule ofBytes(long bytes) {
        for (Granule gr : values()) {
            if (gr.bytes == bytes) {
                return gr;
            }
        }
        return null;
    }
}
