package org.virtreplay.engine.tlb;

/**
 * Size and organisation of one translation structure.
 *
 * @param entries  total entries (0 = the structure does not exist)
 * @param ways     associativity; must divide {@code entries} ({@code ways == entries}: fully associative)
 * @param sizeMask bit {@code s} set = the structure holds entries of {@code 2^s} bytes; {@code -1L} = any size
 */
public record TlbGeometry(int entries, int ways, long sizeMask) {

    public static final long ANY_SIZE = -1L;

    public TlbGeometry {
        if (entries < 0 || (entries > 0 && (ways <= 0 || entries % ways != 0))) {
            throw new IllegalArgumentException("associativity " + ways + " must be positive and divide the entry count "
                    + entries);
        }
    }

    public static TlbGeometry of(int entries, int ways) {
        return new TlbGeometry(entries, ways, ANY_SIZE);
    }

    public static TlbGeometry fullyAssociative(int entries, long sizeMask) {
        return new TlbGeometry(entries, entries, sizeMask);
    }

    public boolean exists() {
        return entries > 0;
    }

    public TlbGeometry withEntries(int n) {
        return new TlbGeometry(n, ways, sizeMask);
    }

    public TlbGeometry withWays(int w) {
        return new TlbGeometry(entries, w, sizeMask);
    }

    /** Bit mask of the given sizes in bytes (each a power of two). */
    public static long sizes(long... bytes) {
        long m = 0;
        for (long b : bytes) {
            if (Long.bitCount(b) != 1) {
                throw new IllegalArgumentException("page size must be a power of two: " + b);
            }
            m |= 1L << Long.numberOfTrailingZeros(b);
        }
        return m;
    }

    public TlbArray build(String name, Replacement policy, long seed) {
        return entries == 0 ? null : new TlbArray(name, entries, ways, policy, sizeMask, seed);
    }
}
