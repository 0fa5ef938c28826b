package org.virtreplay.ingest.trace;

/** A row of {@code vms}. {@code vmid} is -1 when the trace leaves it to the engine. */
public record VmRecord(int vm, String name, int vcpus, int ipaBits, int vmid) {
    static VmRecord of(Row r) {
        return new VmRecord(r.getInt(0), r.text(1), r.getInt(2), r.getInt(3), r.isNull(4) ? -1 : r.getInt(4));
    }
}
