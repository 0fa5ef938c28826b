/**
 * Capacity-planning sweeps: a grid of host configurations (scenario keys, VMs per host, vCPU:PE
 * overcommit), one full replay per point run in parallel, the per-point and per-VM key metrics in
 * the {@code sweep_results} table, and the answers to requirements ("the most VMs per host that
 * keep every VM's interrupt p99 under 50 µs"). See docs/sweep.md.
 *
 * <p>Everything here is plain Java on top of {@link org.virtreplay.analysis.replay.ReplayJob}, so
 * that the local runner and the Spark job ({@code spark/}) share the point set-up, the metric
 * extraction and the knee search, and therefore produce the same rows.
 */
package org.virtreplay.analysis.sweep;
