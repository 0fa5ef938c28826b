package org.virtreplay.engine.gic;

/**
 * GICR of one PE: SGI and PPI state (GICR_ISENABLER0, GICR_IPRIORITYR&lt;n&gt;, GICR_ICFGR1) and
 * LPIs. LPIs use the memory formats of arm-reference Appendix C, simplified to a table held here:
 * the property table is one byte per LPI from INTID 8192 (bits [7:2] priority, bit 1 group 1,
 * bit 0 enable) and the pending table one bit per INTID.
 */
public final class Redistributor {
    public static final int LPI_PROP_ENABLE = 1;
    public static final int LPI_PROP_GROUP1 = 2;

    private final boolean[] enabled = new boolean[32];
    private final boolean[] pending = new boolean[32];
    private final boolean[] active = new boolean[32];
    private final boolean[] level = new boolean[32];
    private final boolean[] lineHigh = new boolean[32];
    private final byte[] priority = new byte[32];
    private final byte[] lpiProps;
    private final long[] lpiPending;

    /** @param lpiCount number of LPIs (INTIDs 8192 .. 8192+lpiCount-1); 0 for none */
    public Redistributor(int lpiCount) {
        lpiProps = new byte[lpiCount];
        lpiPending = new long[(lpiCount + 63) >>> 6];
        // SGIs are always edge; PPIs default to level as timers are.
        for (int i = IntId.PPI_FIRST; i <= IntId.PPI_LAST; i++) {
            level[i] = true;
        }
    }

    public void configurePrivate(int intid, boolean enable, int prio, boolean levelTriggered) {
        enabled[intid] = enable;
        priority[intid] = (byte) prio;
        level[intid] = IntId.isPpi(intid) && levelTriggered;
    }

    public boolean enabled(int intid) {
        return enabled[intid];
    }

    public int priority(int intid) {
        return priority[intid] & 0xFF;
    }

    public boolean pending(int intid) {
        return level[intid] ? (lineHigh[intid] || pending[intid]) : pending[intid];
    }

    public boolean active(int intid) {
        return active[intid];
    }

    public boolean level(int intid) {
        return level[intid];
    }

    /** SGI generation or PPI line change. */
    public void drive(int intid, boolean high) {
        if (level[intid]) {
            lineHigh[intid] = high;
        } else if (high) {
            pending[intid] = true;
        }
    }

    public void acknowledge(int intid) {
        pending[intid] = false;
        active[intid] = true;
    }

    public void deactivate(int intid) {
        active[intid] = false;
    }

    public int lpiCount() {
        return lpiProps.length;
    }

    /** Writes the property-table byte of an LPI (priority is held in bits [7:2]). */
    public void setLpiProperty(int intid, int prio, boolean enable) {
        lpiProps[intid - IntId.LPI_FIRST] = (byte) ((prio & 0xFC) | LPI_PROP_GROUP1 | (enable ? LPI_PROP_ENABLE : 0));
    }

    public int lpiProperty(int intid) {
        return lpiProps[intid - IntId.LPI_FIRST] & 0xFF;
    }

    public boolean lpiPending(int intid) {
        int i = intid - IntId.LPI_FIRST;
        return (lpiPending[i >>> 6] & (1L << i)) != 0;
    }

    /** An ITS INT / MSI translated to this redistributor: sets the pending-table bit. */
    public void setLpiPending(int intid, boolean p) {
        int i = intid - IntId.LPI_FIRST;
        if (p) {
            lpiPending[i >>> 6] |= 1L << i;
        } else {
            lpiPending[i >>> 6] &= ~(1L << i);
        }
    }
}
