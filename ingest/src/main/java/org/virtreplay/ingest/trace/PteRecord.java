package org.virtreplay.ingest.trace;

/** A raw 64-bit descriptor write at {@code pa}; {@code vm} -1 = not given. */
public record PteRecord(long ts, int vm, long pa, long value) implements TraceEvent {
    static PteRecord of(Row r) {
        return new PteRecord(r.get(0), r.isNull(1) ? -1 : r.getInt(1), r.get(2), r.get(3));
    }
}
