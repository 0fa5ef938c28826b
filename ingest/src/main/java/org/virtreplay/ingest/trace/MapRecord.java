package org.virtreplay.ingest.trace;

/**
 * A mapping change. Nullable/absent: {@code root} (null), {@code asid} (-1), {@code oa} (null),
 * {@code perm} (null), {@code memtype} (null), {@code ng} (-1).
 *
 * @param perm    letters from {@code r}, {@code w}, {@code x}, {@code u} (stage 1: {@code u} = EL0 accessible)
 * @param memtype {@code normal_wb}, {@code normal_nc}, {@code normal_wt}, {@code device_ngnrne},
 *                {@code device_ngnre} or {@code device_gre}
 */
public record MapRecord(long ts, int vm, int stage, Long root, int asid, long ia, Long oa, long size, String perm,
        String memtype, int ng, boolean unmap) implements TraceEvent {
    static MapRecord of(Row r) {
        return new MapRecord(r.get(0), r.getInt(1), r.getInt(2), r.isNull(3) ? null : r.get(3),
                r.isNull(4) ? -1 : r.getInt(4), r.get(5), r.isNull(6) ? null : r.get(6), r.get(7), r.text(8),
                r.symbol(9), r.isNull(10) ? -1 : r.getInt(10), r.get(11) == 1);
    }
}
