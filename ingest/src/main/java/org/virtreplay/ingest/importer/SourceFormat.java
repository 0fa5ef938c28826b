package org.virtreplay.ingest.importer;

/** The source formats {@code virtreplay import} reads, by the option that names them. */
public enum SourceFormat {
    /** ftrace text and {@code trace-cmd report} output of the {@code kvm:*} and {@code sched:*} events. */
    KVM_EVENTS("kvm-events"),
    /** A KVM {@code stage2_page_tables} debugfs dump of one VM. */
    STAGE2("stage2"),
    /** A guest's arm64 {@code kernel_page_tables} dump (stage 1). */
    GUEST_TABLES("guest-tables"),
    /** Arm SPE samples as printed by {@code perf script}. */
    SPE("spe"),
    /** A Valgrind lackey log: one vCPU's access stream. */
    LACKEY("lackey");

    private final String option;

    SourceFormat(String option) {
        this.option = option;
    }

    /** The option name without dashes, e.g. {@code kvm-events}; also the manifest's format name. */
    public String option() {
        return option;
    }
}
