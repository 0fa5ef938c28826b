package org.virtreplay.analysis.metrics;

/** One row of the optional {@code fault_events} table: one stage-2 abort taken to EL2. */
public record FaultEventRow(
        long ts,
        int pe,
        int vm,
        int vcpu,
        String kind,
        int level,
        boolean s1ptw,
        String cause,
        long va,
        long ipa,
        long esr) {
}
