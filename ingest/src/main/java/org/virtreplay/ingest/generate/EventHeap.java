package org.virtreplay.ingest.generate;

import java.util.Arrays;

/**
 * An indexed binary min-heap over a fixed set of entities 0..n-1, each with one pending time
 * ({@link Long#MAX_VALUE} = nothing pending). Ties are broken by entity id, so the order of events
 * is a pure function of their times. Updating an entity's time re-sifts it in O(log n) with no
 * allocation; this is what merges the per-vCPU and per-VM event streams in time order.
 */
final class EventHeap {
    private final long[] time;
    private final int[] heap;
    private final int[] where;
    private final int n;

    EventHeap(int n) {
        this.n = n;
        time = new long[n];
        heap = new int[n];
        where = new int[n];
        Arrays.fill(time, Long.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            heap[i] = i;
            where[i] = i;
        }
    }

    int size() {
        return n;
    }

    /** The entity with the earliest time (ties: lowest id); its time may be MAX_VALUE. */
    int top() {
        return heap[0];
    }

    long topTime() {
        return time[heap[0]];
    }

    long time(int e) {
        return time[e];
    }

    void set(int e, long t) {
        long old = time[e];
        time[e] = t;
        if (t < old) {
            up(where[e]);
        } else {
            down(where[e]);
        }
    }

    private static boolean less(long ta, int a, long tb, int b) {
        return ta < tb || (ta == tb && a < b);
    }

    private void up(int i) {
        int e = heap[i];
        long t = time[e];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            int pe = heap[p];
            if (!less(t, e, time[pe], pe)) {
                break;
            }
            heap[i] = pe;
            where[pe] = i;
            i = p;
        }
        heap[i] = e;
        where[e] = i;
    }

    private void down(int i) {
        int e = heap[i];
        long t = time[e];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            int ce = heap[c];
            if (c + 1 < n) {
                int de = heap[c + 1];
                if (less(time[de], de, time[ce], ce)) {
                    c++;
                    ce = de;
                }
            }
            if (!less(time[ce], ce, t, e)) {
                break;
            }
            heap[i] = ce;
            where[ce] = i;
            i = c;
        }
        heap[i] = e;
        where[e] = i;
    }
}
