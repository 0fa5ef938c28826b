package org.virtreplay.engine.stats;

/**
 * A log-linear histogram of non-negative {@code long} values (nanoseconds in practice).
 *
 * <p>Layout, as in HdrHistogram: values below {@code 2^S} (S = {@link #SUB_BITS}) get one bucket
 * each; above that, every power-of-two range {@code [2^m, 2^(m+1))} is cut into {@code 2^(S-1)}
 * equal buckets. A bucket therefore spans at most {@code 2^-(S-1)} of its lower bound, so with
 * S = 8 any reported percentile is within <b>0.79 %</b> (1/128) of the true sample value, and the
 * value reported is the bucket's highest value (never below the sample). Values above
 * {@link #MAX_TRACKABLE} (2^40 ns, about 18 minutes) are clamped into the last bucket and counted in
 * {@link #clampedCount()}. Count, min, max and sum are exact.
 *
 * <p>{@link #record(long)} is a few shifts and one array increment: no allocation, no branches
 * that depend on data beyond the range split. Percentiles walk the buckets once per call, which is
 * meant for the end of a run.
 */
public final class LogLinearHistogram {
    /** Sub-bucket bits: 2^(S-1) linear buckets per power of two above 2^S. */
    public static final int SUB_BITS = 8;
    /** Largest value recorded exactly into its bucket; larger ones are clamped. */
    public static final long MAX_TRACKABLE = (1L << 40) - 1;
    private static final int HALF = 1 << (SUB_BITS - 1);
    /** Worst-case relative width of a bucket (upper bound of the reported percentile error). */
    public static final double RELATIVE_ERROR = 1.0 / HALF;

    private final long[] counts = new long[index(MAX_TRACKABLE) + 1];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long clamped;

    /** Bucket index of a value in {@code [0, MAX_TRACKABLE]}. */
    public static int index(long v) {
        if (v < (1L << SUB_BITS)) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - (SUB_BITS - 1);
        return (shift << (SUB_BITS - 1)) + (int) (v >>> shift);
    }

    /** Lowest value that maps to bucket {@code idx}. */
    public static long lowestOf(int idx) {
        if (idx < (1 << SUB_BITS)) {
            return idx;
        }
        int shift = (idx >> (SUB_BITS - 1)) - 1;
        long sub = idx - ((long) shift << (SUB_BITS - 1));
        return sub << shift;
    }

    /** Highest value that maps to bucket {@code idx}. */
    public static long highestOf(int idx) {
        if (idx < (1 << SUB_BITS)) {
            return idx;
        }
        int shift = (idx >> (SUB_BITS - 1)) - 1;
        return lowestOf(idx) + (1L << shift) - 1;
    }

    /** Records one value; negative values are a caller bug and are recorded as 0. */
    public void record(long v) {
        long x = v < 0 ? 0 : v;
        if (x > MAX_TRACKABLE) {
            clamped++;
            counts[counts.length - 1]++;
        } else {
            counts[index(x)]++;
        }
        count++;
        sum += x;
        if (x < min) {
            min = x;
        }
        if (x > max) {
            max = x;
        }
    }

    public long count() {
        return count;
    }

    public long sum() {
        return sum;
    }

    /** Exact minimum, or 0 when empty. */
    public long min() {
        return count == 0 ? 0 : min;
    }

    /** Exact maximum, or 0 when empty. */
    public long max() {
        return count == 0 ? 0 : max;
    }

    public double mean() {
        return count == 0 ? Double.NaN : (double) sum / count;
    }

    public long clampedCount() {
        return clamped;
    }

    /**
     * The value at percentile {@code p} (0–100]: the smallest recorded bucket such that at least
     * {@code ceil(p/100 * count)} samples are at or below it, reported as that bucket's highest
     * value but never above the exact maximum. 0 when empty.
     */
    public long percentile(double p) {
        if (count == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * count);
        if (rank < 1) {
            rank = 1;
        }
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestOf(i), max);
            }
        }
        return max;
    }

    /** Adds every sample of {@code other} into this histogram. */
    public void add(LogLinearHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        clamped += other.clamped;
        if (other.count > 0) {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        count = 0;
        sum = 0;
        clamped = 0;
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
    }

    /** Samples in bucket {@code idx} (for converting to another histogram format). */
    public long countAt(int idx) {
        return counts[idx];
    }

    /** Number of buckets (memory is 8 bytes each). */
    public int bucketCount() {
        return counts.length;
    }
}
