/**
 * The replay's {@code validation} table: each quantity a recording observed ({@code exits},
 * {@code spe_samples}, the {@code irq} table's {@code ack_ts}) next to what the model produced for
 * it, with the error (docs/metrics.md, validation). {@link org.virtreplay.analysis.validation.ValidationProbes}
 * collects, during the replay, what the engine's tables do not keep (stage-2 aborts per memslot,
 * the model's TLB state at each SPE sample); {@link org.virtreplay.analysis.validation.Validation}
 * computes the rows at the end.
 */
package org.virtreplay.analysis.validation;
