package org.virtreplay.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink's external sort: time order, ties in insertion order, runs on disk, nulls and extreme values. */
class TableRunsTest {
    @TempDir
    Path dir;

    /** Adds n rows (ts random in [0, spread), col1 = insertion number, col2 sometimes null) and drains them. */
    private List<long[]> sortThrough(int n, int spread, int capacity, long seed, int[] runs) throws IOException {
        TableRuns t = new TableRuns(3, capacity, dir, "x");
        Random r = new Random(seed);
        long[] row = new long[3];
        for (int i = 0; i < n; i++) {
            row[0] = r.nextInt(spread);
            row[1] = i;
            row[2] = i % 3 == 0 ? 0 : -i * 0x0123456789abcdefL;
            t.add(row, 0, i % 3 == 0 ? 0b100 : 0);
        }
        runs[0] = t.runCount();
        List<long[]> out = new ArrayList<>();
        t.drain((v, off, mask) -> out.add(new long[] {v[off], v[off + 1], (mask & 0b100) != 0 ? Long.MIN_VALUE : v[off + 2]}));
        return out;
    }

    @Test
    void rowsComeOutByTimeThenInsertionOrderThroughRunsOnDisk() throws IOException {
        int[] runs = new int[1];
        List<long[]> out = sortThrough(10_000, 500, 1000, 42, runs);
        assertEquals(9, runs[0]); // 10 buffers of 1000: 9 spilled when full; the last spills at drain
        assertEquals(10_000, out.size());
        for (int i = 1; i < out.size(); i++) {
            long[] a = out.get(i - 1);
            long[] b = out.get(i);
            assertTrue(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]), "row " + i);
        }
        for (long[] x : out) {
            int i = (int) x[1];
            assertEquals(i % 3 == 0 ? Long.MIN_VALUE : -i * 0x0123456789abcdefL, x[2]);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count()); // run files deleted after the merge
        }
    }

    @Test
    void inMemoryTableIsSortedTheSameWay() throws IOException {
        int[] runs = new int[1];
        List<long[]> mem = sortThrough(3000, 50, 1 << 20, 7, runs);
        assertEquals(0, runs[0]);
        List<long[]> disk = sortThrough(3000, 50, 256, 7, runs);
        assertTrue(runs[0] > 0);
        assertEquals(mem.size(), disk.size());
        for (int i = 0; i < mem.size(); i++) {
            assertEquals(List.of(mem.get(i)[0], mem.get(i)[1], mem.get(i)[2]),
                    List.of(disk.get(i)[0], disk.get(i)[1], disk.get(i)[2]));
        }
    }

    @Test
    void extremeTimestampsSurviveTheDeltaEncoding() throws IOException {
        TableRuns t = new TableRuns(1, 2, dir, "y");
        long[] ts = {Long.MAX_VALUE, Long.MIN_VALUE, 0, -5, Long.MAX_VALUE - 1};
        for (long v : ts) {
            t.add(new long[] {v}, 0, 0);
        }
        List<Long> out = new ArrayList<>();
        t.drain((v, off, mask) -> out.add(v[off]));
        assertEquals(List.of(Long.MIN_VALUE, -5L, 0L, Long.MAX_VALUE - 1, Long.MAX_VALUE), out);
    }
}
