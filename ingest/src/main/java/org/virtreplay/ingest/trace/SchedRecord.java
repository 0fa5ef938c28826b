package org.virtreplay.ingest.trace;

/** A vCPU scheduling event on {@code pe} (-1 = unknown, not allowed for RUN). */
public record SchedRecord(long ts, int pe, int vm, int vcpu, Event event) implements TraceEvent {
    /** RUN: starts running on pe; PREEMPT: descheduled; BLOCK: waits (WFI); WAKE: runnable again. */
    public enum Event { RUN, PREEMPT, BLOCK, WAKE }

    static SchedRecord of(Row r) {
        return new SchedRecord(r.get(0), r.getInt(1), r.getInt(2), r.getInt(3), Event.values()[r.getInt(4)]);
    }
}
