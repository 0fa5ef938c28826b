package org.virtreplay.engine.mmu;

/** MAIR_ELx: eight attribute bytes; descriptor AttrIndx[2:0] selects Attr&lt;n&gt; = MAIR[8n+7:8n]. */
public record Mair(long raw) {
    public int attr(int index) {
        return (int) ((raw >>> (8 * (index & 7))) & 0xFF);
    }

    /** The index of the first attribute byte equal to {@code attr}, or -1. */
    public int indexOf(int attr) {
        for (int n = 0; n < 8; n++) {
            if (attr(n) == (attr & 0xFF)) {
                return n;
            }
        }
        return -1;
    }
}
