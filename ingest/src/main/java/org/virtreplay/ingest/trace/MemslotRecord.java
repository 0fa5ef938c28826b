package org.virtreplay.ingest.trace;

/**
 * A row of {@code memslots}: IPA range [ipa, ipa + size) of {@code vm}. {@code pa} is null when not
 * given; {@code s2PageSize} is 0 when not given.
 */
public record MemslotRecord(int vm, int slot, long ipa, long size, Kind kind, Long pa, long s2PageSize) {
    /** How the hypervisor backs the slot. */
    public enum Kind {
        /** Guest RAM, mapped at stage 2 with {@code s2PageSize} pages or blocks. */
        RAM,
        /** Emulated device: left unmapped at stage 2, every access exits to the hypervisor. */
        MMIO,
        /** Pass-through device: mapped at stage 2 as Device memory to {@code pa}; no exits. */
        DEVICE
    }

    static MemslotRecord of(Row r) {
        return new MemslotRecord(r.getInt(0), r.getInt(1), r.get(2), r.get(3), Kind.values()[r.getInt(4)],
                r.isNull(5) ? null : r.get(5), r.isNull(6) ? 0 : r.get(6));
    }
}
