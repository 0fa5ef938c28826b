package org.virtreplay.ingest.trace;

import org.virtreplay.engine.pe.SysRegName;

/** A system register write; {@code vcpu} -1 = by the hypervisor for {@code vm}; {@code pe} -1 = unknown. */
public record SysregRecord(long ts, int pe, int vm, int vcpu, int el, SysRegName reg, long value) implements TraceEvent {
    static SysregRecord of(Row r) {
        return new SysregRecord(r.get(0), r.getInt(1), r.getInt(2), r.getInt(3), r.getInt(4),
                SysRegName.values()[r.getInt(5)], r.get(6));
    }
}
