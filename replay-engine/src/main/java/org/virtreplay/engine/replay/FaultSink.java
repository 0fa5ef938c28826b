package org.virtreplay.engine.replay;

/**
 * Receives one call per stage-2 fault (the optional {@code fault_events} table). Primitives only.
 *
 * <p>{@code kind} indexes {@link Replayer#FAULT_KIND_NAMES}: 0 address size, 1 translation, 2 access
 * flag, 3 permission; {@code cause} indexes {@link Stage2Port#CAUSE_NAMES}.
 */
@FunctionalInterface
public interface FaultSink {
    void onFault(long ts, int pe, int vm, int vcpu, int kind, int level, boolean s1ptw, int cause, long va, long ipa,
            long esr);
}
