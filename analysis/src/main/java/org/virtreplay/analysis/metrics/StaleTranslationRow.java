package org.virtreplay.analysis.metrics;

/**
 * One row of the optional {@code stale_translations} table: the first hit on a TLB entry whose
 * translation the page tables no longer give (a missing or misplaced TLBI), with the change that
 * made it stale and the maintenance that would have removed it. docs/metrics.md describes every
 * column. {@code asid} is -1 for a global entry; {@code changeNs} is null (and
 * {@code changeSource} empty) when no change was recorded after the fill; {@code newPa} is null
 * when the tables now fault ({@code newPerm} is then {@code fault}).
 */
public record StaleTranslationRow(
        int vm,
        int vcpu,
        int pe,
        int stage,
        long va,
        long ipa,
        int asid,
        int vmid,
        String regime,
        long fillNs,
        Long changeNs,
        String changeSource,
        long hitNs,
        long oldPa,
        String oldPerm,
        Long newPa,
        String newPerm,
        String missingTlbi,
        String tlbiScope,
        String tlbiSeen,
        String why) {
}
