package org.virtreplay.engine.hyp;

/**
 * The dirty bitmap of one RAM memslot for one dirty-logging round (KVM's {@code dirty_bitmap}):
 * one bit per 4 KB page, set when a write is allowed to the page during the round. Allocated when
 * logging starts, cleared (not reallocated) at each new round.
 */
public final class DirtyLog {
    private final long ipa;
    private final long[] bits;
    private long dirty;

    public DirtyLog(long ipa, long size) {
        this.ipa = ipa;
        this.bits = new long[(int) (((size >>> 12) + 63) >>> 6)];
    }

    /** Marks the page holding {@code addr}; returns true if it was clean in this round. */
    public boolean mark(long addr) {
        long page = (addr - ipa) >>> 12;
        int w = (int) (page >>> 6);
        long b = 1L << (page & 63);
        if ((bits[w] & b) != 0) {
            return false;
        }
        bits[w] |= b;
        dirty++;
        return true;
    }

    public boolean isDirty(long addr) {
        long page = (addr - ipa) >>> 12;
        return (bits[(int) (page >>> 6)] & (1L << (page & 63))) != 0;
    }

    /** Pages dirtied in this round. */
    public long dirtyPages() {
        return dirty;
    }

    /** Starts a new round (KVM_CLEAR_DIRTY_LOG / GET_DIRTY_LOG): returns the old round's count. */
    public long clear() {
        long d = dirty;
        for (int i = 0; i < bits.length; i++) {
            bits[i] = 0;
        }
        dirty = 0;
        return d;
    }
}
