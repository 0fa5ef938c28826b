package org.virtreplay.ingest.trace;

/** The guest masks ({@code mask} = true) or unmasks IRQs (PSTATE.I). */
public record DaifRecord(long ts, int vm, int vcpu, boolean mask) implements TraceEvent {
    static DaifRecord of(Row r) {
        return new DaifRecord(r.get(0), r.getInt(1), r.getInt(2), r.get(3) == 0);
    }
}
