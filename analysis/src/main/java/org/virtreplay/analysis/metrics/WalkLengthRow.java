package org.virtreplay.analysis.metrics;

/**
 * One row of the optional {@code walk_lengths} table: how many translation-table walks of one vCPU
 * on one PE made exactly {@code descriptorReads} descriptor reads (both stages together).
 */
public record WalkLengthRow(int pe, int vm, int vcpu, int descriptorReads, long walks) {
}
