package org.virtreplay.engine.replay;

import org.virtreplay.engine.hyp.Stage2Manager;
import org.virtreplay.engine.mmu.MemType;
import org.virtreplay.engine.mmu.TranslationResult;

/**
 * What the replay loop needs from the hypervisor's stage-2 memory management (KVM's
 * {@code kvm_pgtable} and {@code user_mem_abort} side): VM and memslot set-up, the stage-2
 * registers it would program, explicit mappings from the trace, and the handling of a stage-2
 * fault. Kept as an interface so that the loop can be tested with a hand-written host.
 */
public interface Stage2Port {

    /** Makes the port for a replay, on the replay's physical memory. */
    @FunctionalInterface
    interface Factory {
        /** {@code poolSize} 0: the port's default stage-2 table pool. */
        Stage2Port create(org.virtreplay.engine.mmu.PhysicalMemory mem, long poolBase, long poolSize);
    }

    int MEMSLOT_RAM = 0;
    int MEMSLOT_MMIO = 1;
    int MEMSLOT_DEVICE = 2;

    /**
     * Causes of a handled stage-2 fault, as in the {@code stage2_faults} table: the hypervisor
     * model's own codes ({@link Stage2Manager}), which a port passes through unchanged.
     */
    int CAUSE_LAZY_MAP = Stage2Manager.CAUSE_LAZY_MAP;
    int CAUSE_MMIO = Stage2Manager.CAUSE_MMIO;
    int CAUSE_DIRTY_LOG = Stage2Manager.CAUSE_DIRTY_LOG;
    int CAUSE_PERMISSION = Stage2Manager.CAUSE_PERMISSION;
    int CAUSE_UNMAPPED = Stage2Manager.CAUSE_UNMAPPED;
    int CAUSE_ACCESS_FLAG = Stage2Manager.CAUSE_ACCESS_FLAG;
    int CAUSES = 6;

    String[] CAUSE_NAMES = {Stage2Manager.causeName(0), Stage2Manager.causeName(1), Stage2Manager.causeName(2),
        Stage2Manager.causeName(3), Stage2Manager.causeName(4), Stage2Manager.causeName(5)};

    /** Whether the guest's access is retried after the hypervisor handled a fault of this cause. */
    static boolean retry(int cause) {
        return Stage2Manager.retry(cause);
    }

    /** Receives the TLB maintenance the hypervisor issues for a stage-2 change. */
    @FunctionalInterface
    interface TlbSink {
        void tlbi(org.virtreplay.engine.tlb.TlbiOp op, int vm, long ipa);

        /** The hypervisor changed the stage-2 mapping of {@code [ipa, ipa+size)} ({@code Stage2Manager.CHANGE_*}). */
        default void stage2Changed(int vm, long ipa, long size, int action) {
        }
    }

    void setTlbSink(TlbSink sink);

    /**
     * A vCPU of {@code vm} is loaded on PE {@code pe}; returns true if its VMID changed (rollover),
     * after which {@link #vttbr} gives the new value.
     */
    boolean vcpuLoad(int pe, int vm);

    /** The trace's hypervisor programmed the VM's stage-2 registers: build tables where they say. */
    void adoptVttbr(int vm, long vttbr, long vtcr);

    void addVm(int vm, int ipaBits, int vmidHint);

    void addMemslot(int vm, int slot, long ipa, long size, int kind, long pa, long backing);

    /** The VTTBR_EL2 value (BADDR | VMID) the hypervisor programs for the VM. */
    long vttbr(int vm);

    /** The VTCR_EL2 value the hypervisor programs for the VM. */
    long vtcr(int vm);

    void map(int vm, long ipa, long pa, long size, String perm, MemType type);

    void unmap(int vm, long ipa, long size);

    /**
     * A recorded stage-2 {@code map} of RAM replayed under another backing ({@code s2.backing}):
     * the range is resident, so map what it covers as first faults would at the slot's backing,
     * without counting faults ({@link Stage2Manager#mapResident}).
     */
    void mapResident(int vm, long ipa, long size);

    /**
     * A recorded stage-2 {@code unmap} of RAM replayed under another backing: remove every leaf
     * overlapping the range, whole ({@link Stage2Manager#unmapLeaves}).
     */
    void unmapLeaves(int vm, long ipa, long size);

    /** PA of an IPA of RAM (mapping it first if needed, without counting a fault), or -1. */
    long resolveForTables(int vm, long ipa);

    /**
     * Handles the stage-2 fault in {@code res} as the hypervisor would; returns its cause, or -1
     * when it is not a stage-2 fault. The caller retries after {@link #CAUSE_LAZY_MAP} and
     * {@link #CAUSE_DIRTY_LOG}.
     */
    int handleFault(long ts, int vm, int vcpu, TranslationResult res);
}
