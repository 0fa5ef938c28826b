package org.virtreplay.ingest.trace;

import org.virtreplay.engine.tlb.TlbiOp;

/**
 * A TLB maintenance operation or DSB barrier issued on {@code pe}; {@code vcpu} -1 = by the
 * hypervisor. Absent operands: {@code asid} -1, {@code addr} null, {@code ttl} -1, {@code pages} 0.
 */
public record TlbiRecord(long ts, int pe, int vm, int vcpu, TlbiOp op, int asid, Long addr, int ttl, int pages)
        implements TraceEvent {
    static TlbiRecord of(Row r) {
        return new TlbiRecord(r.get(0), r.getInt(1), r.getInt(2), r.getInt(3), TlbiOp.values()[r.getInt(4)],
                r.isNull(5) ? -1 : r.getInt(5), r.isNull(6) ? null : r.get(6), r.isNull(7) ? -1 : r.getInt(7),
                r.isNull(8) ? 0 : r.getInt(8));
    }
}
