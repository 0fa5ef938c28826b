package org.virtreplay.ingest.importer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of one time-ordered table, sorted by time in bounded memory: rows are buffered in
 * primitive arrays; a full buffer is sorted (stably, by column 0, the timestamp) and written to a
 * run file; at the end the runs are merged. Rows with equal timestamps keep the order in which
 * they were added. A table that fits in one buffer never touches the disk.
 *
 * <p>Each row is {@code n} longs (the column values; TEXT columns hold the id of their string in
 * the sink's dictionary) plus a bit mask of the empty columns. Run files hold, per row, the mask
 * and the non-empty values as zig-zag varints, the timestamp as the difference from the row
 * before, so a run of an ordinary trace takes a few bytes per value.
 */
final class TableRuns {
    /** Receives the merged rows in time order. */
    interface RowConsumer {
        void row(long[] values, int offset, long nullMask) throws IOException;
    }

    private final int n;
    private final int capacity;
    private final Path dir;
    private final String name;
    private long[] values;
    private long[] masks;
    private int count;
    private long total;
    private final List<Path> runs = new ArrayList<>();

    TableRuns(int columns, int capacity, Path dir, String name) {
        this.n = columns;
        this.capacity = capacity;
        this.dir = dir;
        this.name = name;
        this.values = new long[Math.min(capacity, 1024) * columns];
        this.masks = new long[Math.min(capacity, 1024)];
    }

    /** Rows added so far. */
    long rows() {
        return total;
    }

    /** Number of run files written so far (for tests). */
    int runCount() {
        return runs.size();
    }

    /** Adds a row: {@code n} values from {@code src[off..]} and its empty-column mask. */
    void add(long[] src, int off, long nullMask) {
        if (count == masks.length) {
            if (count == capacity) {
                spill();
            } else {
                int grown = Math.min(capacity, masks.length * 2);
                values = java.util.Arrays.copyOf(values, grown * n);
                masks = java.util.Arrays.copyOf(masks, grown);
            }
        }
        System.arraycopy(src, off, values, count * n, n);
        masks[count] = nullMask;
        count++;
        total++;
    }

    /** Sorts the buffer and writes it as a run file. */
    private void spill() {
        int[] order = sortedOrder();
        Path run = dir.resolve(name + "." + runs.size() + ".run");
        try (VarOut out = new VarOut(Files.newOutputStream(run))) {
            long prev = 0;
            for (int k = 0; k < count; k++) {
                int i = order[k];
                int base = i * n;
                long mask = masks[i];
                out.varint(mask);
                for (int c = 0; c < n; c++) {
                    if ((mask & (1L << c)) == 0) {
                        long v = values[base + c];
                        if (c == 0) {
                            out.zigzag(v - prev);
                            prev = v;
                        } else {
                            out.zigzag(v);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runs.add(run);
        count = 0;
    }

    /**
     * Indices of the buffered rows in (ts, insertion) order. Already sorted: as they are. Otherwise,
     * if the buffer's times span less than 2^(63 - 20) ns (about 2.4 hours), each row becomes one
     * long, (ts - min) above 20 bits of its index, and a primitive sort orders them (ties by index:
     * stable); a wider span falls back to a stable merge sort of the indices.
     */
    private int[] sortedOrder() {
        int[] a = new int[count];
        boolean sorted = true;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            a[i] = i;
            long t = values[i * n];
            if (i > 0 && t < values[(i - 1) * n]) {
                sorted = false;
            }
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        if (sorted) {
            return a;
        }
        if (count <= 1 << 20 && max - min >= 0 && max - min < 1L << 43) {
            long[] keys = new long[count];
            for (int i = 0; i < count; i++) {
                keys[i] = ((values[i * n] - min) << 20) | i;
            }
            java.util.Arrays.sort(keys);
            for (int i = 0; i < count; i++) {
                a[i] = (int) (keys[i] & ((1 << 20) - 1));
            }
            return a;
        }
        int[] b = new int[count];
        for (int width = 1; width < count; width *= 2) {
            for (int lo = 0; lo < count; lo += 2 * width) {
                int mid = Math.min(lo + width, count);
                int hi = Math.min(lo + 2 * width, count);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    // <= keeps equal timestamps in insertion order (stable)
                    b[k++] = values[a[i] * n] <= values[a[j] * n] ? a[i++] : a[j++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    /** Hands every row to {@code consumer} in time order, then deletes the run files. */
    void drain(RowConsumer consumer) throws IOException {
        if (runs.isEmpty()) {
            int[] order = sortedOrder();
            for (int k = 0; k < count; k++) {
                int i = order[k];
                consumer.row(values, i * n, masks[i]);
            }
            count = 0;
            return;
        }
        if (count > 0) {
            spill();
        }
        values = null;
        masks = null;
        List<RunReader> readers = new ArrayList<>();
        try {
            for (int i = 0; i < runs.size(); i++) {
                RunReader r = new RunReader(runs.get(i), n, i);
                if (r.next()) {
                    readers.add(r);
                } else {
                    r.close();
                }
            }
            // a binary heap by (ts, run index): ties go to the earlier run, which holds earlier rows
            RunReader[] heap = readers.toArray(new RunReader[0]);
            int size = heap.length;
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(heap, i, size);
            }
            while (size > 0) {
                RunReader top = heap[0];
                consumer.row(top.row, 0, top.mask);
                if (!top.next()) {
                    top.close();
                    heap[0] = heap[--size];
                    heap[size] = null;
                }
                siftDown(heap, 0, size);
            }
        } finally {
            for (RunReader r : readers) {
                r.close();
            }
            for (Path p : runs) {
                Files.deleteIfExists(p);
            }
            runs.clear();
        }
    }

    private static boolean before(RunReader a, RunReader b) {
        return a.row[0] < b.row[0] || (a.row[0] == b.row[0] && a.index < b.index);
    }

    private static void siftDown(RunReader[] h, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int m = l + 1 < size && before(h[l + 1], h[l]) ? l + 1 : l;
            if (!before(h[m], h[i])) {
                return;
            }
            RunReader t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
    }

    /** Reads one run file back, a row at a time, through its own buffer (no call per byte). */
    private static final class RunReader implements AutoCloseable {
        final int index;
        final long[] row;
        long mask;
        private final int n;
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int len;
        private long prev;
        private boolean closed;

        RunReader(Path p, int n, int index) throws IOException {
            this.index = index;
            this.n = n;
            this.row = new long[n];
            this.in = Files.newInputStream(p);
        }

        boolean next() throws IOException {
            if (pos == len && !fill()) {
                return false;
            }
            mask = varint();
            for (int c = 0; c < n; c++) {
                if ((mask & (1L << c)) == 0) {
                    long z = varint();
                    long v = (z >>> 1) ^ -(z & 1);
                    if (c == 0) {
                        prev += v;
                        v = prev;
                    }
                    row[c] = v;
                } else {
                    row[c] = 0;
                }
            }
            return true;
        }

        private boolean fill() throws IOException {
            int r = in.read(buf, 0, buf.length);
            if (r <= 0) {
                return false;
            }
            pos = 0;
            len = r;
            return true;
        }

        private long varint() throws IOException {
            long v = 0;
            int shift = 0;
            while (true) {
                if (pos == len && !fill()) {
                    throw new EOFException("truncated run file");
                }
                byte b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                in.close();
            }
        }
    }

    /** A buffered varint writer. */
    private static final class VarOut implements AutoCloseable {
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 16];
        private int pos;

        VarOut(OutputStream out) {
            this.out = out;
        }

        void zigzag(long v) throws IOException {
            varint((v << 1) ^ (v >> 63));
        }

        void varint(long v) throws IOException {
            if (pos > buf.length - 10) {
                out.write(buf, 0, pos);
                pos = 0;
            }
            while ((v & ~0x7fL) != 0) {
                buf[pos++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        @Override
        public void close() throws IOException {
            out.write(buf, 0, pos);
            out.close();
        }
    }
}
