package org.virtreplay.ingest.trace;

/**
 * An interrupt event. {@code vcpu} -1 = routed by the distributor; {@code sourceVcpu} -1 unless an
 * IPI. Absent: {@code priority} -1 (the engine uses 0xa0), {@code ackTs} / {@code eoiTs} -1.
 */
public record IrqRecord(long ts, int intid, int vm, int vcpu, Source source, int sourceVcpu, boolean level,
        boolean deassert, int priority, long ackTs, long eoiTs) implements TraceEvent {
    /** Where the interrupt comes from. */
    public enum Source { DEVICE, TIMER, IPI, ITS }

    /** GIC INTID class. */
    public enum IntClass { SGI, PPI, SPI, LPI }

    public IntClass intClass() {
        return classOf(intid);
    }

    /** The class of a valid INTID: SGI 0-15, PPI 16-31, SPI 32-1019, LPI 8192 and up. */
    public static IntClass classOf(long intid) {
        return intid < 16 ? IntClass.SGI : intid < 32 ? IntClass.PPI : intid < 1020 ? IntClass.SPI : IntClass.LPI;
    }

    static IrqRecord of(Row r) {
        return new IrqRecord(r.get(0), r.getInt(1), r.getInt(2), r.getInt(3), Source.values()[r.getInt(4)],
                r.getInt(5), r.get(6) == 1, r.get(7) == 1, r.isNull(8) ? -1 : r.getInt(8),
                r.isNull(9) ? -1 : r.get(9), r.isNull(10) ? -1 : r.get(10));
    }
}
