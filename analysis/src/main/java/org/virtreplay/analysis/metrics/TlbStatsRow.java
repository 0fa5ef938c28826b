package org.virtreplay.analysis.metrics;

/**
 * One row of {@code tlb_stats}: the counters of one translation-caching structure of one PE,
 * for the translations of one vCPU, split by the page (block) size of the entry involved.
 *
 * <p>{@code walks} and the descriptor-read counters are attributed to the row of the last
 * structure that missed before the walk started (normally the unified L2 TLB), so that summing
 * them over all rows counts every walk and every read once.
 */
public record TlbStatsRow(
        int pe,
        int vm,
        int vcpu,
        String structure,
        int tlbLevel,
        long pageSize,
        long lookups,
        long hits,
        long misses,
        long walks,
        long s1L0Reads,
        long s1L1Reads,
        long s1L2Reads,
        long s1L3Reads,
        long s2L0Reads,
        long s2L1Reads,
        long s2L2Reads,
        long s2L3Reads,
        long staleHits) {

    /** All descriptor reads of this row, both stages, all levels. */
    public long descriptorReads() {
        return s1Reads() + s2Reads();
    }

    public long s1Reads() {
        return s1L0Reads + s1L1Reads + s1L2Reads + s1L3Reads;
    }

    public long s2Reads() {
        return s2L0Reads + s2L1Reads + s2L2Reads + s2L3Reads;
    }
}
