package org.virtreplay.ingest.trace;

/** A record of one of the small time-ordered tables (everything but {@code mem}). */
public sealed interface TraceEvent
        permits SysregRecord, PteRecord, MapRecord, TlbiRecord, IrqRecord, SchedRecord, DaifRecord {
    /** Time in nanoseconds on the manifest's clock. */
    long ts();
}
