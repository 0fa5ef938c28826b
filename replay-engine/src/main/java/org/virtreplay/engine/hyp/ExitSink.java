package org.virtreplay.engine.hyp;

/**
 * Receives each modelled guest exit when it completes (at the vCPU's next entry), for writing the
 * exits out as observations ({@code replay --emit-observations}). Called in completion order, which
 * is per vCPU the order of the exits.
 */
public interface ExitSink {
    /**
     * @param kvmExitTs the {@code kvm_exit} time: the trap plus the model's exit cost
     * @param pe        the PE the vCPU was on, or -1
     * @param reason    an {@link ExitReason}
     * @param ipa       the faulting IPA of an abort, or -1
     * @param handledNs {@code kvm_exit} to the next {@code kvm_entry}
     */
    void onExit(long kvmExitTs, int vm, int vcpu, int pe, int reason, long ipa, long handledNs);
}
