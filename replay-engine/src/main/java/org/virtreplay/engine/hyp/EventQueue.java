package org.virtreplay.engine.hyp;

/**
 * A min-heap of timed model events ordered by (time, insertion sequence), so that equal-time
 * events run in the order they were scheduled (determinism). Events are three ints and a time held
 * in parallel primitive arrays; the arrays grow by doubling, which happens a few times at start and
 * never in steady state.
 */
final class EventQueue {
    private long[] time = new long[256];
    private long[] seq = new long[256];
    private int[] type = new int[256];
    private int[] arg = new int[256];
    private int[] epoch = new int[256];
    private int size;
    private long nextSeq;

    // The popped event.
    long topTime;
    int topType;
    int topArg;
    int topEpoch;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long peekTime() {
        return time[0];
    }

    void push(long t, int ty, int a, int ep) {
        if (size == time.length) {
            int n = size * 2;
            time = java.util.Arrays.copyOf(time, n);
            seq = java.util.Arrays.copyOf(seq, n);
            type = java.util.Arrays.copyOf(type, n);
            arg = java.util.Arrays.copyOf(arg, n);
            epoch = java.util.Arrays.copyOf(epoch, n);
        }
        int i = size++;
        long s = nextSeq++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (less(t, s, time[p], seq[p])) {
                move(p, i);
                i = p;
            } else {
                break;
            }
        }
        time[i] = t;
        seq[i] = s;
        type[i] = ty;
        arg[i] = a;
        epoch[i] = ep;
    }

    /** Removes the earliest event into the top* fields. */
    void pop() {
        topTime = time[0];
        topType = type[0];
        topArg = arg[0];
        topEpoch = epoch[0];
        size--;
        if (size == 0) {
            return;
        }
        long t = time[size];
        long s = seq[size];
        int ty = type[size];
        int a = arg[size];
        int ep = epoch[size];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && less(time[c + 1], seq[c + 1], time[c], seq[c])) {
                c++;
            }
            if (less(time[c], seq[c], t, s)) {
                move(c, i);
                i = c;
            } else {
                break;
            }
        }
        time[i] = t;
        seq[i] = s;
        type[i] = ty;
        arg[i] = a;
        epoch[i] = ep;
    }

    private static boolean less(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void move(int from, int to) {
        time[to] = time[from];
        seq[to] = seq[from];
        type[to] = type[from];
        arg[to] = arg[from];
        epoch[to] = epoch[from];
    }
}
