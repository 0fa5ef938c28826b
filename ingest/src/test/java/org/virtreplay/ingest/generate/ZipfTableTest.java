package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Zipf sampler's frequencies against the distribution computed by hand. */
class ZipfTableTest {
    @Test
    void fourRanksExponentOne() {
        // p(k) = (1/(k+1)) / H4, H4 = 1 + 1/2 + 1/3 + 1/4 = 25/12: p = 12/25, 6/25, 4/25, 3/25
        // = 0.48, 0.24, 0.16, 0.12. All four exceed 1/65536, so the table draws them exactly; with
        // 400 000 draws the standard error is below 0.0008, so 0.005 is a wide margin.
        ZipfTable z = new ZipfTable(4, 1.0);
        Rng rng = new Rng(42);
        int[] c = new int[4];
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            c[z.draw(rng)]++;
        }
        double[] expect = {0.48, 0.24, 0.16, 0.12};
        for (int k = 0; k < 4; k++) {
            assertEquals(expect[k], (double) c[k] / n, 0.005, "rank " + k);
        }
    }

    @Test
    void largeTableStaysInRangeAndTailIsReached() {
        // n = 1 000 000, s = 1: p(rank 0) = 1 / H(1e6) with H(1e6) ~ ln(1e6) + 0.5772 = 14.393 -> 0.0695.
        ZipfTable z = new ZipfTable(1_000_000, 1.0);
        Rng rng = new Rng(7);
        int zeros = 0;
        boolean tail = false;
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            int r = z.draw(rng);
            assertTrue(r >= 0 && r < 1_000_000);
            if (r == 0) {
                zeros++;
            }
            if (r > 500_000) {
                tail = true;
            }
        }
        assertEquals(0.0695, (double) zeros / n, 0.003);
        assertTrue(tail, "ranks beyond 500 000 are drawn");
    }

    @Test
    void singleRank() {
        ZipfTable z = new ZipfTable(1, 1.2);
        Rng rng = new Rng(1);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, z.draw(rng));
        }
    }
}
