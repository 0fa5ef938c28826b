package org.virtreplay.engine.replay;

/**
 * Receives one call per stage-2 fault (the optional {@code fault_events} table). Primitives only.
 *
 * <p>{@code kind}: 0 translation, 1 access flag, 2 permission, 3 address size (as
 * {@link Replayer#FAULT_KIND_NAMES}); {@code cause} indexes {@link Stage2Port#CAUSE_NAMES}.
 */
@FunctionalInterface
public interface FaultSink {
    void onFault(long ts, int pe, int vm, int vcpu, int kind, int level, boolean s1ptw, int cause, long va, long ipa,
            long esr);
}
