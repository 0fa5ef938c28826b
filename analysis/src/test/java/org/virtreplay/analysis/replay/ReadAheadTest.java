package org.virtreplay.analysis.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTable;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;

/**
 * The {@code mem} table read ahead on a second thread (a single replay) and decoded in line (a sweep
 * point, a Spark task) must be the same stream: same rows in the same order, the same failure after
 * the same rows, and so the same tables.
 */
class ReadAheadTest {
    @TempDir
    Path tmp;

    /** A source of {@code rows} rows (ts = index) in batches of {@code per}, failing after {@code failAt} rows if ≥ 0. */
    private static MemBatchSource source(int rows, int per, int failAt, RuntimeException failure, boolean[] closed) {
        return new MemBatchSource() {
            int next;

            @Override
            public boolean fill(MemBatch b) {
                int n = 0;
                while (n < Math.min(per, b.capacity()) && next < rows) {
                    if (next == failAt) {
                        throw failure;
                    }
                    b.ts[n] = next;
                    b.va[n] = 0x1000L * next;
                    b.vm[n] = next % 3;
                    n++;
                    next++;
                }
                b.n = n;
                return n > 0;
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
    }

    private static List<Long> drain(PrefetchedMem m, List<RuntimeException> thrown) {
        List<Long> ts = new ArrayList<>();
        try {
            while (m.next()) {
                ts.add(m.ts());
                assertEquals(0x1000L * m.ts(), m.va());
                assertEquals((int) (m.ts() % 3), m.vm());
            }
        } catch (RuntimeException e) {
            thrown.add(e);
        } finally {
            m.close();
        }
        return ts;
    }

    @Test
    void bothModesDeliverEveryRowInOrderAndCloseTheSource() {
        // 40,000 rows in source batches of 1,000: more than two of the reader's 16,384-row batches.
        for (boolean ahead : new boolean[] {true, false}) {
            boolean[] closed = {false};
            List<RuntimeException> thrown = new ArrayList<>();
            List<Long> ts = drain(new PrefetchedMem(source(40_000, 1_000, -1, null, closed), ahead), thrown);
            assertEquals(40_000, ts.size(), "read-ahead " + ahead);
            for (int i = 0; i < ts.size(); i++) {
                assertEquals(i, ts.get(i).longValue());
            }
            assertTrue(thrown.isEmpty());
            assertTrue(closed[0], "source closed, read-ahead " + ahead);
        }
    }

    @Test
    void aFailureComesAfterTheRowsOfEarlierBatchesInBothModes() {
        // The source fails at row 20,000, inside the second 16,384-row batch: both modes deliver the
        // first batch (rows 0..16,383), drop the part of the failing batch, then throw that failure.
        RuntimeException bad = new IllegalStateException("mem.parquet: row 20001: bad row");
        for (boolean ahead : new boolean[] {true, false}) {
            List<RuntimeException> thrown = new ArrayList<>();
            List<Long> ts = drain(new PrefetchedMem(source(40_000, 100_000, 20_000, bad, new boolean[1]), ahead),
                    thrown);
            assertEquals(PrefetchedMem.BATCH, ts.size(), "read-ahead " + ahead);
            assertEquals(1, thrown.size());
            assertSame(bad, thrown.get(0));
        }
    }

    @Test
    void aReplayWritesTheSameTablesWithAndWithoutReadAhead() throws Exception {
        Path csv = Path.of("..", "sample-traces", "quickstart").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(csv), csv.toString());
        Path pq = tmp.resolve("pq");
        TraceConverter.convert(csv, pq, TraceConverter.Form.PARQUET, 20, false);
        for (Path trace : new Path[] {csv, pq}) {
            Path a = tmp.resolve(trace.getFileName() + "-ahead");
            Path b = tmp.resolve(trace.getFileName() + "-inline");
            for (boolean ahead : new boolean[] {true, false}) {
                ReplayJob.run(new ReplayJob.Options(trace, ahead ? a : b, Scenario.defaults(), "test", 1_000_000L, true,
                        true, false, "test", Map.of(), 0, ahead), Stage2Ports.kvm());
            }
            int compared = 0;
            for (MetricTable<?> t : MetricTables.ALL) {
                if (t == MetricTables.RUN_INFO) {
                    continue; // holds the wall time
                }
                Path x = a.resolve(t.fileName());
                if (!Files.exists(x)) {
                    assertFalse(Files.exists(b.resolve(t.fileName())), t.name());
                    continue;
                }
                assertArrayEquals(Files.readAllBytes(x), Files.readAllBytes(b.resolve(t.fileName())),
                        trace.getFileName() + " " + t.name());
                compared++;
            }
            assertTrue(compared >= 6, "compared " + compared + " tables");
        }
    }
}
