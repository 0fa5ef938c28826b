package org.virtreplay.engine.gic;

/**
 * The physical CPU interface of one PE for Non-secure Group 1 (what the host kernel at EL2 uses):
 * ICC_PMR_EL1, ICC_BPR1_EL1 (or BPR0 with ICC_CTLR_EL1.CBPR), ICC_CTLR_EL1.EOImode,
 * ICC_AP1R&lt;n&gt;_EL1, ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_DIR_EL1, ICC_RPR_EL1.
 *
 * <p>Candidates for acknowledge are the PE's SGIs/PPIs, the SPIs the distributor routes to it and
 * its pending enabled LPIs; the highest priority (lowest value, then lowest INTID) wins. The same
 * priority rules as the virtual interface apply (arm-reference §11.3–11.4). Group 0 / FIQ and
 * Secure state are not modelled: KVM hosts run Non-secure Group 1 only.
 */
public final class CpuInterface {
    private final int pe;
    private final Distributor dist;
    private final Redistributor redist;
    private final int preBits;
    private final int priBits;
    private final int[] ap1r = new int[4];
    private int pmr;
    private int bpr1 = 2;
    private int bpr0 = 2;
    private boolean cbpr;
    private boolean eoiMode1;
    private boolean grpEn1 = true;

    public CpuInterface(int pe, Distributor dist, Redistributor redist, int priBits, int preBits) {
        this.pe = pe;
        this.dist = dist;
        this.redist = redist;
        this.priBits = priBits;
        this.preBits = preBits;
    }

    public void setPmr(int v) {
        pmr = v & (0xFF << (8 - priBits)) & 0xFF;
    }

    public int pmr() {
        return pmr;
    }

    public void setBpr1(int v) {
        bpr1 = Math.max(1, v & 7);
    }

    public void setBpr0(int v) {
        bpr0 = v & 7;
    }

    public void setCbpr(boolean v) {
        cbpr = v;
    }

    /** ICC_CTLR_EL1.EOImode: 1 splits priority drop (EOIR) from deactivation (DIR). */
    public void setEoiMode1(boolean v) {
        eoiMode1 = v;
    }

    public void setGroup1Enabled(boolean v) {
        grpEn1 = v;
    }

    public int ap1r(int n) {
        return ap1r[n];
    }

    private int gprioMask() {
        int b = cbpr ? bpr0 : bpr1 - 1;
        return (0xFF << (b + 1)) & 0xFF;
    }

    /** ICC_RPR_EL1. */
    public int runningPriority() {
        int words = 1 << Math.max(0, preBits - 5);
        for (int i = 0; i < words; i++) {
            if (ap1r[i] != 0) {
                return ((i * 32 + Integer.numberOfTrailingZeros(ap1r[i])) << (8 - preBits)) & 0xFF;
            }
        }
        return 0xFF;
    }

    private int prioOf(int intid) {
        int p;
        if (intid < IntId.SPI_FIRST) {
            p = redist.priority(intid);
        } else if (intid <= IntId.SPI_LAST) {
            p = dist.priority(intid);
        } else {
            p = redist.lpiProperty(intid) & 0xFC;
        }
        return p & (0xFF << (8 - priBits)) & 0xFF;
    }

    /** ICC_HPPIR1_EL1: highest-priority pending enabled interrupt for this PE, or 1023. */
    public int hppir1() {
        int best = IntId.SPURIOUS;
        int bestPrio = 0x100;
        for (int id = 0; id <= IntId.PPI_LAST; id++) {
            if (redist.enabled(id) && redist.pending(id) && !redist.active(id)) {
                int p = prioOf(id);
                if (p < bestPrio) {
                    bestPrio = p;
                    best = id;
                }
            }
        }
        for (int id = IntId.SPI_FIRST; id <= dist.spiLast(); id++) {
            if (dist.enabled(id) && dist.pending(id) && !dist.active(id) && dist.group1(id) && dist.route(id) == pe) {
                int p = prioOf(id);
                if (p < bestPrio) {
                    bestPrio = p;
                    best = id;
                }
            }
        }
        for (int i = 0; i < redist.lpiCount(); i++) {
            int id = IntId.LPI_FIRST + i;
            if (redist.lpiPending(id) && (redist.lpiProperty(id) & Redistributor.LPI_PROP_ENABLE) != 0) {
                int p = prioOf(id);
                if (p < bestPrio) {
                    bestPrio = p;
                    best = id;
                }
            }
        }
        return best;
    }

    private boolean canPreempt(int prio) {
        if (prio >= pmr) {
            return false;
        }
        int r = runningPriority();
        return r == 0xFF || (prio & gprioMask()) < (r & gprioMask());
    }

    /** Whether the physical IRQ line to the PE is asserted. */
    public boolean irqAsserted() {
        int id = hppir1();
        return grpEn1 && id != IntId.SPURIOUS && canPreempt(prioOf(id));
    }

    /** ICC_IAR1_EL1: acknowledge, returning the INTID or 1023. */
    public int readIar1() {
        if (!irqAsserted()) {
            return IntId.SPURIOUS;
        }
        int id = hppir1();
        int prio = prioOf(id);
        if (id < IntId.SPI_FIRST) {
            redist.acknowledge(id);
        } else if (id <= IntId.SPI_LAST) {
            dist.acknowledge(id);
        } else {
            redist.setLpiPending(id, false); // LPIs have no active state
        }
        int bit = (prio & gprioMask()) >> (8 - preBits);
        ap1r[bit >> 5] |= 1 << (bit & 31);
        return id;
    }

    /** ICC_EOIR1_EL1: priority drop; with EOImode 0 also deactivation. */
    public void writeEoir1(int intid) {
        int words = 1 << Math.max(0, preBits - 5);
        for (int i = 0; i < words; i++) {
            if (ap1r[i] != 0) {
                ap1r[i] &= ap1r[i] - 1; // clear lowest set bit = highest active priority
                break;
            }
        }
        if (!eoiMode1) {
            deactivate(intid);
        }
    }

    /** ICC_DIR_EL1: deactivation (EOImode 1); also the path a HW=1 list register takes. */
    public void writeDir(int intid) {
        deactivate(intid);
    }

    /** Deactivation from a HW=1 virtual interrupt (no priority drop on the physical side). */
    public void deactivate(int intid) {
        if (intid < IntId.SPI_FIRST) {
            redist.deactivate(intid);
        } else if (intid <= IntId.SPI_LAST) {
            dist.deactivate(intid);
        }
    }
}
