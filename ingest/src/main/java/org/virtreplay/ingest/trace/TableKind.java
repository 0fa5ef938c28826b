package org.virtreplay.ingest.trace;

import static org.virtreplay.ingest.trace.Column.address;
import static org.virtreplay.ingest.trace.Column.dec;
import static org.virtreplay.ingest.trace.Column.decOneOf;
import static org.virtreplay.ingest.trace.Column.oneOf;
import static org.virtreplay.ingest.trace.Column.size;
import static org.virtreplay.ingest.trace.Column.sizeOneOf;
import static org.virtreplay.ingest.trace.Column.text;
import static org.virtreplay.ingest.trace.Column.ts;
import static org.virtreplay.ingest.trace.Column.value;

import java.util.List;

/**
 * The record kinds of a canonical trace (docs/trace-format.md), each with its columns in canonical
 * order. Column indexes used by cursors and records are positions in {@link #columns()}.
 */
public enum TableKind {
    VMS("vms",
            dec("vm", 0, 65535), text("name"), dec("vcpus", 1, 512), decOneOf("ipa_bits", 32, 36, 40, 42, 44, 48),
            dec("vmid", 0, 65535).opt()),
    MEMSLOTS("memslots",
            dec("vm", 0, 65535), dec("slot", 0, 65535), address("ipa"), size("size", 4096, Long.MAX_VALUE),
            oneOf("kind", "ram", "mmio", "device"), address("pa").opt(),
            sizeOneOf("s2_page_size", 4096, 16384, 65536, 2097152, 33554432, 536870912, 1073741824).opt()),
    SYSREG("sysreg",
            ts("ts"), dec("pe", -1, 4095), dec("vm", 0, 65535), dec("vcpu", -1, 511), dec("el", 0, 3),
            Column.sysreg("reg"), value("value")),
    PTE("pte",
            ts("ts"), dec("vm", 0, 65535).opt(), address("pa"), value("value")),
    MAP("map",
            ts("ts"), dec("vm", 0, 65535), dec("stage", 1, 2), address("root").opt(), dec("asid", 0, 65535).opt(),
            address("ia"), address("oa").opt(), size("size", 4096, 1L << 42), Column.text("perm").opt(),
            oneOf("memtype", "normal_wb", "normal_nc", "normal_wt", "device_ngnrne", "device_ngnre", "device_gre").opt(),
            dec("ng", 0, 1).opt(), oneOf("op", "map", "unmap")),
    MEM("mem",
            ts("ts"), dec("vm", 0, 65535), dec("vcpu", 0, 511), dec("el", 0, 2), oneOf("access", "r", "w", "x", "rw"),
            address("va"), dec("size", 1, 4096)),
    TLBI("tlbi",
            ts("ts"), dec("pe", -1, 4095), dec("vm", 0, 65535), dec("vcpu", -1, 511), Column.tlbi("op"),
            dec("asid", 0, 65535).opt(), address("addr").opt(), dec("ttl", 0, 3).opt(),
            // FEAT_TLBIRANGE: pages = (NUM + 1) * 2^(5 * SCALE + 1), NUM <= 31, SCALE <= 3
            dec("pages", 1, 2097152).opt()),
    IRQ("irq",
            // GICv3 INTIDs have at most 24 bits (GICD_TYPER.IDbits <= 23)
            ts("ts"), dec("intid", 0, (1 << 24) - 1)
                    .expecting("expected INTID 0..1019 (SGI, PPI, SPI) or 8192..16777215 (LPI)"),
            dec("vm", 0, 65535), dec("vcpu", -1, 511), oneOf("source", "device", "timer", "ipi", "its"),
            dec("source_vcpu", -1, 511), oneOf("trigger", "edge", "level"), oneOf("event", "assert", "deassert"),
            dec("priority", 0, 255).opt(), ts("ack_ts").opt(), ts("eoi_ts").opt()),
    SCHED("sched",
            ts("ts"), dec("pe", -1, 4095), dec("vm", 0, 65535), dec("vcpu", 0, 511),
            oneOf("event", "run", "preempt", "block", "wake")),
    DAIF("daif",
            ts("ts"), dec("vm", 0, 65535), dec("vcpu", 0, 511), oneOf("event", "mask", "unmask")),
    /** Observation: one row per guest exit of the recorded host (docs/trace-format.md); replay ignores it. */
    EXITS("exits",
            ts("ts"), dec("vm", 0, 65535), dec("vcpu", 0, 511), dec("pe", -1, 4095), text("type").opt(),
            value("ec").opt(), text("ec_name").opt(), value("esr").opt(), address("pc").opt(),
            address("ipa").opt(), address("far").opt(), ts("duration_ns").opt()),
    /** Observation: one row per Arm SPE sample (docs/trace-format.md); replay ignores it. */
    SPE_SAMPLES("spe_samples",
            ts("ts"), dec("vm", 0, 65535), dec("vcpu", -1, 511), dec("pe", -1, 4095), dec("el", 0, 3).opt(),
            oneOf("op", "load", "store", "branch", "other").opt(), address("pc").opt(), address("va").opt(),
            address("pa").opt(), oneOf("tlb", "hit", "miss").opt(), oneOf("l1d", "hit", "miss").opt(),
            oneOf("llc", "hit", "miss").opt(), dec("total_cycles", 0, Integer.MAX_VALUE).opt(),
            dec("issue_cycles", 0, Integer.MAX_VALUE).opt(), dec("xlat_cycles", 0, Integer.MAX_VALUE).opt(),
            text("events").opt(), text("data_src").opt());

    private final String tableName;
    private final List<Column> columns;

    TableKind(String tableName, Column... columns) {
        this.tableName = tableName;
        this.columns = List.of(columns);
    }

    /** The table's file base name, e.g. {@code mem}. */
    public String tableName() {
        return tableName;
    }

    public List<Column> columns() {
        return columns;
    }

    public Column column(int i) {
        return columns.get(i);
    }

    /** Index of the named column, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Column names joined by commas, as a CSV header. */
    public String header() {
        StringBuilder b = new StringBuilder();
        for (Column c : columns) {
            b.append(b.length() == 0 ? "" : ",").append(c.name());
        }
        return b.toString();
    }

    /** True for the time-ordered event tables (all but {@code vms} and {@code memslots}). */
    public boolean isTimed() {
        return this != VMS && this != MEMSLOTS;
    }

    /**
     * True for the observation tables ({@code exits}, {@code spe_samples}): what the recorded host
     * did, kept for reports and comparison; replay does not take them as input.
     */
    public boolean isObservation() {
        return this == EXITS || this == SPE_SAMPLES;
    }

    /** The kind whose table is named {@code name}, or null. */
    public static TableKind byTableName(String name) {
        for (TableKind k : values()) {
            if (k.tableName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
