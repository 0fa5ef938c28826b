package org.virtreplay.engine.hyp;

import java.util.Arrays;
import org.virtreplay.engine.mmu.FaultKind;

/**
 * Stage-2 fault counts per (VM, vCPU, fault kind, level, S1PTW, cause), with the first and last
 * timestamp of each. An open-addressing map from a packed long key to parallel primitive arrays:
 * counting allocates nothing once a key exists (the table doubles, rarely, when a new key needs room).
 */
public final class Stage2FaultCounters {

    /** Receives one row per distinct key, in ascending key order (VM, vCPU, kind, level, S1PTW, cause). */
    @FunctionalInterface
    public interface Visitor {
        void row(int vm, int vcpu, FaultKind kind, int level, boolean s1ptw, int cause, long count, long firstTs,
                long lastTs);
    }

    private static final long EMPTY = -1L;
    private static final FaultKind[] KINDS = FaultKind.values();

    private long[] keys = new long[256];
    private long[] counts = new long[256];
    private long[] first = new long[256];
    private long[] last = new long[256];
    private int size;

    public Stage2FaultCounters() {
        Arrays.fill(keys, EMPTY);
    }

    static long key(int vm, int vcpu, FaultKind kind, int level, boolean s1ptw, int cause) {
        if (vm < 0 || vm > 0xFFFF || vcpu < 0 || vcpu > 0xFFFF) {
            throw new IllegalArgumentException("VM and vCPU ids must be 0..65535: " + vm + ", " + vcpu);
        }
        return ((long) vm << 48) | ((long) vcpu << 32) | ((long) kind.ordinal() << 24) | ((long) (level + 1) << 16)
                | ((s1ptw ? 1L : 0L) << 8) | (cause & 0xFF);
    }

    public void count(long ts, int vm, int vcpu, FaultKind kind, int level, boolean s1ptw, int cause) {
        long k = key(vm, vcpu, kind, level, s1ptw, cause);
        int i = slot(k);
        if (keys[i] == EMPTY) {
            if ((size + 1) * 2 > keys.length) {
                grow();
                i = slot(k);
            }
            keys[i] = k;
            first[i] = ts;
            size++;
        }
        counts[i]++;
        last[i] = ts;
    }

    /** The count of one exact key (0 if never seen). */
    public long get(int vm, int vcpu, FaultKind kind, int level, boolean s1ptw, int cause) {
        int i = slot(key(vm, vcpu, kind, level, s1ptw, cause));
        return keys[i] == EMPTY ? 0 : counts[i];
    }

    /** Sum over all keys of VM {@code vm} with the given cause (-1: any cause). */
    public long total(int vm, int cause) {
        long t = 0;
        for (int i = 0; i < keys.length; i++) {
            long k = keys[i];
            if (k != EMPTY && (int) (k >>> 48) == vm && (cause < 0 || (int) (k & 0xFF) == cause)) {
                t += counts[i];
            }
        }
        return t;
    }

    /** Number of distinct keys. */
    public int size() {
        return size;
    }

    /** Visits every row in ascending key order (deterministic output; allocates a sorted key array). */
    public void forEach(Visitor v) {
        long[] ks = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != EMPTY) {
                ks[n++] = k;
            }
        }
        Arrays.sort(ks);
        for (long k : ks) {
            int i = slot(k);
            v.row((int) (k >>> 48), (int) ((k >>> 32) & 0xFFFF), KINDS[(int) ((k >>> 24) & 0xFF)],
                    (int) ((k >>> 16) & 0xFF) - 1, ((k >>> 8) & 0xFF) != 0, (int) (k & 0xFF), counts[i], first[i],
                    last[i]);
        }
    }

    private int slot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        int mask = keys.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (keys[i] != EMPTY && keys[i] != k) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] ok = keys;
        long[] oc = counts;
        long[] of = first;
        long[] ol = last;
        keys = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        counts = new long[ok.length * 2];
        first = new long[ok.length * 2];
        last = new long[ok.length * 2];
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = slot(ok[j]);
                keys[i] = ok[j];
                counts[i] = oc[j];
                first[i] = of[j];
                last[i] = ol[j];
            }
        }
    }
}
