package org.virtreplay.engine.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogLinearHistogramTest {

    @Test
    void smallValuesAreExact() {
        LogLinearHistogram h = new LogLinearHistogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        // Values below 2^8 have one bucket each: percentiles are exact ranks.
        assertEquals(50, h.percentile(50));
        assertEquals(99, h.percentile(99));
        assertEquals(100, h.percentile(100));
        assertEquals(1, h.percentile(0.1));
        assertEquals(5050, h.sum());
        assertEquals(50.5, h.mean());
    }

    @Test
    void bucketBoundariesAreContiguous() {
        // Every bucket's lowest value is the previous bucket's highest + 1, from 0 to MAX_TRACKABLE.
        int last = LogLinearHistogram.index(LogLinearHistogram.MAX_TRACKABLE);
        for (int i = 1; i <= last; i++) {
            assertEquals(LogLinearHistogram.highestOf(i - 1) + 1, LogLinearHistogram.lowestOf(i), "bucket " + i);
        }
        assertEquals(LogLinearHistogram.MAX_TRACKABLE, LogLinearHistogram.highestOf(last));
    }

    @Test
    void relativeErrorIsBounded() {
        // 256 = 2^8 is the first shared bucket: width 2 ([256, 257]); 1,000,000 has msb 19, bucket
        // width 2^(19-7) = 4096, and 4096 / 2^19 = 1/128: within RELATIVE_ERROR of the sample.
        for (long v : new long[] {256, 257, 1_000, 65_535, 1_000_000, 123_456_789L, 1L << 39}) {
            LogLinearHistogram h = new LogLinearHistogram();
            h.record(v);
            h.record(LogLinearHistogram.MAX_TRACKABLE); // keep max above v so the clamp to max is not used
            long p = h.percentile(50);
            assertTrue(p >= v, "reported " + p + " below " + v);
            assertTrue((double) (p - v) / v <= LogLinearHistogram.RELATIVE_ERROR, "error too big at " + v);
        }
        assertEquals(1.0 / 128, LogLinearHistogram.RELATIVE_ERROR);
    }

    @Test
    void clampsAndMerges() {
        LogLinearHistogram a = new LogLinearHistogram();
        LogLinearHistogram b = new LogLinearHistogram();
        a.record(10);
        b.record(1L << 50);
        a.add(b);
        assertEquals(2, a.count());
        assertEquals(1, a.clampedCount());
        assertEquals(1L << 50, a.max());
        assertEquals(10, a.min());
        assertEquals(10, a.percentile(50));
    }
}
