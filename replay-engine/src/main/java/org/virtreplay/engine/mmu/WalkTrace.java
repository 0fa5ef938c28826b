package org.virtreplay.engine.mmu;

import java.util.Arrays;

/**
 * Optional recorder of every descriptor read and hardware update of one translation, used by
 * {@code virtreplay translate} and tests; off (null) on the replay hot path.
 */
public final class WalkTrace {
    private int[] stage = new int[32];
    private int[] level = new int[32];
    private long[] pa = new long[32];
    private long[] desc = new long[32];
    private int reads;
    private long[] upPa = new long[4];
    private long[] upOld = new long[4];
    private long[] upNew = new long[4];
    private int updates;

    public void reset() {
        reads = 0;
        updates = 0;
    }

    void read(int st, int lv, long addr, long value) {
        if (reads == pa.length) {
            int n = reads * 2;
            stage = Arrays.copyOf(stage, n);
            level = Arrays.copyOf(level, n);
            pa = Arrays.copyOf(pa, n);
            desc = Arrays.copyOf(desc, n);
        }
        stage[reads] = st;
        level[reads] = lv;
        pa[reads] = addr;
        desc[reads] = value;
        reads++;
    }

    void update(long addr, long oldValue, long newValue) {
        if (updates == upPa.length) {
            int n = updates * 2;
            upPa = Arrays.copyOf(upPa, n);
            upOld = Arrays.copyOf(upOld, n);
            upNew = Arrays.copyOf(upNew, n);
        }
        upPa[updates] = addr;
        upOld[updates] = oldValue;
        upNew[updates] = newValue;
        updates++;
    }

    public int reads() { return reads; }
    public int stage(int i) { return stage[i]; }
    public int level(int i) { return level[i]; }
    public long pa(int i) { return pa[i]; }
    public long desc(int i) { return desc[i]; }
    public int updates() { return updates; }
    public long updatePa(int i) { return upPa[i]; }
    public long updateOld(int i) { return upOld[i]; }
    public long updateNew(int i) { return upNew[i]; }
}
