package org.virtreplay.engine.gic;

/**
 * GICD: SPI state (enable, pending, active, priority, group, edge/level) and affinity routing by
 * GICD_IROUTER&lt;n&gt; (GICD_CTLR.ARE=1). An IROUTER value holds Aff3 [39:32], Aff2 [23:16],
 * Aff1 [15:8], Aff0 [7:0] and Interrupt_Routing_Mode bit 31 (1 = any participating PE, "1 of N").
 */
public final class Distributor {
    public static final long IROUTER_IRM = 1L << 31;
    private static final long AFF_MASK = 0xFF_00FF_FFFFL;

    private final int spiCount;
    private final boolean[] enabled;
    private final boolean[] pending;
    private final boolean[] active;
    private final boolean[] level;
    private final boolean[] lineHigh;
    private final boolean[] group1;
    private final byte[] priority;
    private final long[] irouter;
    private final long[] peAffinity;

    /**
     * @param spiLast    highest SPI INTID (32..1019)
     * @param peAffinity MPIDR affinity (Aff3..Aff0 in IROUTER layout) of each PE
     */
    public Distributor(int spiLast, long[] peAffinity) {
        if (spiLast < IntId.SPI_FIRST || spiLast > IntId.SPI_LAST) {
            throw new IllegalArgumentException("spiLast must be 32..1019");
        }
        spiCount = spiLast - IntId.SPI_FIRST + 1;
        enabled = new boolean[spiCount];
        pending = new boolean[spiCount];
        active = new boolean[spiCount];
        level = new boolean[spiCount];
        lineHigh = new boolean[spiCount];
        group1 = new boolean[spiCount];
        priority = new byte[spiCount];
        irouter = new long[spiCount];
        this.peAffinity = peAffinity.clone();
        java.util.Arrays.fill(group1, true);
    }

    /** Default MPIDR layout of the trace format: Aff0 = pe % 16, Aff1 = pe / 16. */
    public static long defaultAffinity(int pe) {
        return (pe % 16) | ((long) (pe / 16) << 8);
    }

    private int idx(int intid) {
        int i = intid - IntId.SPI_FIRST;
        if (i < 0 || i >= spiCount) {
            throw new IllegalArgumentException("not a configured SPI: " + intid);
        }
        return i;
    }

    public void configure(int intid, boolean enable, int prio, boolean grp1, boolean levelTriggered, long router) {
        int i = idx(intid);
        enabled[i] = enable;
        priority[i] = (byte) prio;
        group1[i] = grp1;
        level[i] = levelTriggered;
        irouter[i] = router;
    }

    public void setEnabled(int intid, boolean e) {
        enabled[idx(intid)] = e;
    }

    public boolean enabled(int intid) {
        return enabled[idx(intid)];
    }

    public int priority(int intid) {
        return priority[idx(intid)] & 0xFF;
    }

    public boolean group1(int intid) {
        return group1[idx(intid)];
    }

    public boolean level(int intid) {
        return level[idx(intid)];
    }

    public boolean pending(int intid) {
        int i = idx(intid);
        return level[i] ? (lineHigh[i] || pending[i]) : pending[i];
    }

    public boolean active(int intid) {
        return active[idx(intid)];
    }

    /**
     * A device drives the line. Edge: a rising assertion latches pending. Level: pending follows the
     * line (and a latched software pending state, GICD_ISPENDR).
     */
    public void drive(int intid, boolean high) {
        int i = idx(intid);
        if (level[i]) {
            lineHigh[i] = high;
        } else if (high) {
            pending[i] = true;
        }
    }

    /** Acknowledge: pending → active (a level line still high stays pending as well). */
    public void acknowledge(int intid) {
        int i = idx(intid);
        pending[i] = false;
        active[i] = true;
    }

    public void deactivate(int intid) {
        active[idx(intid)] = false;
    }

    /**
     * The PE an SPI is routed to: with IRM=0 the PE whose affinity equals IROUTER's Aff fields, or
     * -1 if none matches (the interrupt is then not delivered, as the spec allows); with IRM=1 the
     * lowest-numbered PE (a deterministic choice among "any participating PE").
     */
    public int route(int intid) {
        long r = irouter[idx(intid)];
        if ((r & IROUTER_IRM) != 0) {
            return peAffinity.length > 0 ? 0 : -1;
        }
        long aff = r & AFF_MASK;
        for (int pe = 0; pe < peAffinity.length; pe++) {
            if ((peAffinity[pe] & AFF_MASK) == aff) {
                return pe;
            }
        }
        return -1;
    }

    public int spiLast() {
        return IntId.SPI_FIRST + spiCount - 1;
    }
}
