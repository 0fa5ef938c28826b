package org.virtreplay.ingest.generate;

/**
 * xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Written out here rather than taken
 * from the JDK so that the stream of numbers, and therefore every generated trace, is fixed by this
 * file alone and cannot change with the JDK version.
 */
final class Rng {
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    Rng(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    /** SplitMix64's finaliser: also used to derive independent seeds for sub-streams. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, bound), bound &gt; 0, by a 64x32-bit multiply (Lemire) without a division. */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Exponentially distributed with the given mean (at least 1). */
    long exp(double mean) {
        double u = nextDouble();
        long v = (long) (-Math.log1p(-u) * mean);
        return v < 1 ? 1 : v;
    }
}
