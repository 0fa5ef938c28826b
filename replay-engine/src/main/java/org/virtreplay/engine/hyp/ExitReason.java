package org.virtreplay.engine.hyp;

/**
 * The reasons for which the hypervisor model takes a guest exit, named as KVM's {@code kvm_exit}
 * tracepoint prints them (the exception type of {@code kvm_arm_exception_type} and, for a trap, the
 * ESR_EL2 exception class of {@code kvm_arm_exception_class}), so that modelled and recorded exits
 * join on the same key. {@link #key} is the key {@code perf kvm stat} reports on arm64: the EC name
 * for a trap, the type otherwise.
 *
 * <p>No HVC exits: the canonical trace has no hypercall records, so the model never takes one.
 */
public final class ExitReason {
    /** A physical interrupt while the guest ran: a kick, the vCPU's timer, a maintenance interrupt, preemption. */
    public static final int IRQ = 0;
    /** WFI/WFE trapped by HCR_EL2.TWI/TWE (EC 0x01): a {@code sched} {@code block}. */
    public static final int WFX = 1;
    /** A trapped MSR/MRS (EC 0x18): HCR_EL2.TVM writes, the ICC_SGI1R_EL1 write of an IPI. */
    public static final int SYS64 = 2;
    /** Instruction Abort from a lower EL (EC 0x20): a stage-2 fault on a fetch. */
    public static final int IABT_LOW = 3;
    /** Data Abort from a lower EL (EC 0x24): a stage-2 fault on a load, store or stage-1 walk. */
    public static final int DABT_LOW = 4;
    public static final int COUNT = 5;

    private static final String[] TYPE = {"IRQ", "TRAP", "TRAP", "TRAP", "TRAP"};
    private static final int[] EC = {-1, 0x01, 0x18, 0x20, 0x24};
    private static final String[] EC_NAME = {null, "WFx", "SYS64", "IABT_LOW", "DABT_LOW"};

    private ExitReason() {
    }

    /** The exception type {@code kvm_exit} prints: {@code TRAP} or {@code IRQ}. */
    public static String type(int reason) {
        return TYPE[reason];
    }

    /** ESR_EL2.EC of a trap, -1 for an interrupt exit (KVM prints no class for it). */
    public static int ec(int reason) {
        return EC[reason];
    }

    /** Linux's name of the EC ({@code ESR_ELx_EC_*} without the prefix), null for an interrupt exit. */
    public static String ecName(int reason) {
        return EC_NAME[reason];
    }

    /** The key of {@code perf kvm stat}'s arm64 {@code vmexit} event: EC name of a trap, else the type. */
    public static String key(int reason) {
        return EC_NAME[reason] != null ? EC_NAME[reason] : TYPE[reason];
    }
}
