/**
 * The metric tables a replay writes (tlb_stats, stage2_faults, fault_events, irq_latency,
 * irq_events, timeline, walk_lengths, run_info): their row records, their Avro/Parquet schemas
 * (derived from the records so that the two cannot drift apart), deterministic Parquet writers
 * and validating readers, and the consistency rules that tie the tables together.
 *
 * <p>Every column is documented with its unit and meaning in {@code docs/metrics.md}.
 */
package org.virtreplay.analysis.metrics;
