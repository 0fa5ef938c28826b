package org.virtreplay.engine.hyp;

import org.virtreplay.engine.tlb.TlbiOp;

/**
 * The TLB maintenance the host issues after changing a VM's stage 2 (KVM's
 * {@code kvm_tlb_flush_vmid_ipa} and friends; arm-reference §5.7): it counts each {@link TlbiOp},
 * tells the optional {@link Stage2Manager.TlbMaintenance} listener, and reports the stage-2 change
 * itself first (for the stale-translation detector). Kept apart because table editing, fault
 * handling, dirty logging and VMID rollover all issue maintenance, always tagged with the VM's
 * current VMID, which only this class and the registry know how to find.
 */
final class Stage2Tlbi {
    private final VmidAllocator vmids;
    private final long[] counts = new long[TlbiOp.values().length];
    private Stage2Manager.TlbMaintenance listener;

    Stage2Tlbi(VmidAllocator vmids) {
        this.vmids = vmids;
    }

    void setListener(Stage2Manager.TlbMaintenance l) {
        this.listener = l;
    }

    long count(TlbiOp op) {
        return counts[op.ordinal()];
    }

    /** The VM's current VMID: pinned, or the allocator's (0 if never loaded). */
    int vmid(Stage2Vm v) {
        return v.fixedVmid >= 0 ? v.fixedVmid : vmids.vmid(v.index);
    }

    /** The mapping of {@code [ipa, ipa+size)} changed ({@code action}: a {@code CHANGE_} code). */
    void changed(Stage2Vm v, long ipa, long size, int action) {
        if (listener != null) {
            listener.stage2Changed(vmid(v), ipa, size, action);
        }
    }

    void tlbi(TlbiOp op, int vmid, long ipa) {
        counts[op.ordinal()]++;
        if (listener != null) {
            listener.tlbi(op, vmid, ipa);
        }
    }
}
