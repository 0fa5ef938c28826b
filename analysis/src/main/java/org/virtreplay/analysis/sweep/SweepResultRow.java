package org.virtreplay.analysis.sweep;

import java.io.Serializable;

/**
 * One row of {@code sweep_results}: one VM of one sweep point, with the point's host
 * configuration (every column, swept or not, holds the value the replay actually ran) and the
 * VM's key metrics. docs/sweep.md lists the columns. {@code schedReplaced} is true where the point
 * changed the host's VMs or PEs and so ran the {@code fair} scheduler in place of the trace's
 * recorded schedule ({@code sched.policy = trace}).
 *
 * <p>Ratios are null when undefined (no translations, no walks); interrupt percentiles are null
 * for a VM that took no interrupts. Latencies are in µs of modelled time, computed from the
 * point's {@code irq_events} with the engine's log-linear histogram (relative error ≤ 1/128).
 */
public record SweepResultRow(
        int point,
        String params,
        int vm,
        String vmName,
        int vms,
        int vcpus,
        int pes,
        double overcommit,
        String core,
        int tlbL1iEntries,
        int tlbL1dEntries,
        int tlbL2Entries,
        String tlbReplacement,
        int gicListRegisters,
        boolean gicV4,
        String schedPolicy,
        long schedQuantumUs,
        boolean schedReplaced,
        String s2Backing,
        long seed,
        long translations,
        long tlbMisses,
        Double tlbHitRate,
        Double tlbMpka,
        long walkReads,
        Double walkReadsPerAccess,
        Double walkReadsPerWalk,
        long s2Faults,
        long s2FaultsTranslation,
        long s2FaultsAccessFlag,
        long s2FaultsPermission,
        long s2FaultsAddressSize,
        long s2FaultsMmio,
        long irqCount,
        Double irqP50Us,
        Double irqP99Us,
        Double irqP999Us,
        Double irqMaxUs) implements Serializable {
    private static final long serialVersionUID = 1L;
}
