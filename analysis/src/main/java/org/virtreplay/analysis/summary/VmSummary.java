package org.virtreplay.analysis.summary;

import java.util.SortedMap;

/**
 * The headline figures of one VM of a replay (docs/metrics.md gives each column's meaning).
 *
 * @param vm               VM id
 * @param name             its name from {@code run_info} ({@code vm<id>} when it has none)
 * @param translations     lookups of the level-1 TLBs (L1I + L1D, every PE and vCPU): each
 *                         translation the VM's vCPUs asked for
 * @param walks            translation-table walks (translations that missed every TLB level)
 * @param descriptorReads  descriptor reads of those walks, both stages, as the architecture walks
 * @param stage2Faults     stage-2 aborts
 * @param faultsByCause    stage-2 aborts per hypervisor-side cause ({@code lazy_map}, {@code mmio}, …)
 * @param exits            exits to EL2 from {@code exit_stats}, or null when the output has no such table
 * @param exitsByReason    exits per reason (perf kvm stat's key); empty when {@code exits} is null
 * @param interrupts       latency of every interrupt of the VM
 * @param byClass          latency per interrupt class ({@code ipi}, {@code lpi}, {@code spi}, {@code timer})
 * @param translationNs    modelled time of the VM's translations ({@code run_info vm.<id>.translation_ns}:
 *                         TLB hits and walk descriptor reads at the core's latencies and clock), or
 *                         null for outputs written before it
 * @param el2Ns            time in EL2: Σ {@code exit_stats.el2_ns} (handling plus world switches), or
 *                         null when the output has no {@code exit_stats}
 */
public record VmSummary(int vm, String name, long translations, long walks, long descriptorReads,
        long stage2Faults, SortedMap<String, Long> faultsByCause, Long exits, SortedMap<String, Long> exitsByReason,
        Latency interrupts, SortedMap<String, Latency> byClass, Long translationNs, Long el2Ns) {

    /** Without the times (outputs written before them). */
    public VmSummary(int vm, String name, long translations, long walks, long descriptorReads, long stage2Faults,
            SortedMap<String, Long> faultsByCause, Long exits, SortedMap<String, Long> exitsByReason,
            Latency interrupts, SortedMap<String, Latency> byClass) {
        this(vm, name, translations, walks, descriptorReads, stage2Faults, faultsByCause, exits, exitsByReason,
                interrupts, byClass, null, null);
    }

    /** 1 − walks / translations: the share of translations served by a TLB; null without translations. */
    public Double tlbHitRate() {
        return translations == 0 ? null : 1.0 - walks / (double) translations;
    }

    /** Mean descriptor reads per walk; null without walks. */
    public Double readsPerWalk() {
        return walks == 0 ? null : descriptorReads / (double) walks;
    }
}
