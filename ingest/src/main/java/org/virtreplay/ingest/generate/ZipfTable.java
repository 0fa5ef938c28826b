package org.virtreplay.ingest.generate;

/**
 * Draws ranks 0..n-1 with Zipf probabilities p(k) proportional to 1/(k+1)^s in O(1) and without
 * allocation: an inverse-CDF table at {@value #BUCKETS} equally likely quantiles, each bucket holding
 * the first rank whose cumulative probability reaches the bucket's start. A draw picks a bucket and
 * then a rank uniformly between that bucket's rank and the next one's. Ranks whose probability
 * exceeds 1/{@value #BUCKETS} (the hot head of the distribution) are therefore drawn exactly; only
 * the tail is smoothed within buckets, which keeps the total probability of each bucket exact.
 */
final class ZipfTable {
    static final int BUCKETS = 1 << 16;

    private final int[] start = new int[BUCKETS + 1];
    private final int n;

    ZipfTable(int n, double s) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1");
        }
        this.n = n;
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += Math.pow(k + 1, -s);
        }
        // start[i] = smallest rank k with CDF(k) > i / BUCKETS, i.e. the rank that quantile i/BUCKETS falls in.
        int k = 0;
        double cdf = Math.pow(1, -s) / total;
        for (int i = 0; i < BUCKETS; i++) {
            double q = (double) i / BUCKETS;
            while (cdf <= q && k < n - 1) {
                k++;
                cdf += Math.pow(k + 1, -s) / total;
            }
            start[i] = k;
        }
        start[BUCKETS] = n - 1;
    }

    int size() {
        return n;
    }

    /** A rank in [0, n): 0 is the most probable. */
    int draw(Rng rng) {
        long r = rng.nextLong();
        int b = (int) (r >>> 48);
        int lo = start[b];
        int span = start[b + 1] - lo;
        if (span <= 0) {
            return lo;
        }
        // low 32 bits are independent of the bucket bits; multiply-shift gives [0, span].
        return lo + (int) (((r & 0xffffffffL) * (span + 1)) >>> 32);
    }
}
