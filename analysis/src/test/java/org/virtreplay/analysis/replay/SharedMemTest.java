package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;

/**
 * The stream decoded once for several replays: every reader sees every row in order, a problem of
 * the table reaches every reader after the rows before it, and a reader that stops early does not
 * hold the others up (the ring is far shorter than the stream, so a stuck reader would hang them).
 */
class SharedMemTest {
    /** Rows whose {@code va} is their number, {@code rows} of them, then {@code fail} if not null. */
    private static MemBatchSource counting(long rows, RuntimeException fail) {
        return new MemBatchSource() {
            long next;
            boolean closed;

            @Override
            public boolean fill(MemBatch b) {
                int n = 0;
                while (n < b.capacity() && next < rows) {
                    b.ts[n] = next;
                    b.va[n] = next;
                    b.pos[n] = next;
                    n++;
                    next++;
                }
                b.n = n;
                if (n == 0 && fail != null) {
                    throw fail;
                }
                return n > 0;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    /** Reads the stream to its end (or {@code stopAfter} rows); returns the rows' sum and count. */
    private static long[] read(SharedMem.Cursor c, long stopAfter) {
        long sum = 0;
        long count = 0;
        try (PrefetchedMem m = new PrefetchedMem(c)) {
            while (count < stopAfter && m.next()) {
                assertEquals(count, m.va(), "rows in order, none skipped");
                sum += m.va();
                count++;
            }
        }
        return new long[] {sum, count};
    }

    // Well over SharedMem.SLOTS batches, and not a whole number of them.
    private static final long ROWS = 20L * PrefetchedMem.BATCH + 123;

    @Test
    void everyReaderSeesEveryRowAndOneThatStopsEarlyDoesNotBlockTheOthers() throws Exception {
        SharedMem mem = new SharedMem(counting(ROWS, null), 3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<long[]>> fs = new ArrayList<>();
            fs.add(pool.submit(() -> read(mem.cursor(), Long.MAX_VALUE)));
            fs.add(pool.submit(() -> read(mem.cursor(), 5)));
            fs.add(pool.submit(() -> read(mem.cursor(), Long.MAX_VALUE)));
            long sum = ROWS * (ROWS - 1) / 2;
            assertEquals(sum, fs.get(0).get()[0]);
            assertEquals(ROWS, fs.get(0).get()[1]);
            assertEquals(5, fs.get(1).get()[1]);
            assertEquals(sum, fs.get(2).get()[0]);
        } finally {
            pool.shutdownNow();
            mem.close();
        }
    }

    @Test
    void aProblemOfTheTableReachesEveryReaderAfterTheRowsBeforeIt() throws Exception {
        BadInputException bad = new BadInputException("mem.csv:9: column 'size': expected 1, 2, 4 or 8, got 'nine'");
        SharedMem mem = new SharedMem(counting(ROWS, bad), 2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object[]>> fs = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                fs.add(pool.submit(() -> {
                    long count = 0;
                    try (PrefetchedMem m = new PrefetchedMem(mem.cursor())) {
                        try {
                            while (m.next()) {
                                count++;
                            }
                        } catch (BadInputException e) {
                            return new Object[] {count, e, m.readerFailed()};
                        }
                    }
                    return new Object[] {count, null, false};
                }));
            }
            for (Future<Object[]> f : fs) {
                Object[] r = f.get();
                assertEquals(ROWS, r[0]);
                assertSame(bad, r[1]);
                assertTrue((Boolean) r[2], "named as the table's own problem");
            }
        } finally {
            pool.shutdownNow();
            mem.close();
        }
    }

    @Test
    void readersThatNeverStartDoNotHoldTheDecoder() {
        SharedMem mem = new SharedMem(counting(ROWS, null), 2);
        mem.cursor().close();
        mem.cursor().close();
        mem.close(); // returns: the decoder stops once nobody is attached
    }
}
