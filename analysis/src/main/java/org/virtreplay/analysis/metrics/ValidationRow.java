package org.virtreplay.analysis.metrics;

/**
 * One row of the optional {@code validation} table: one quantity the recording observed, in one
 * scope, next to what the model produced for it (docs/metrics.md, validation).
 *
 * @param quantity        {@code exits}, {@code exit_mean_ns}, {@code stage2_aborts},
 *                        {@code irq_latency_p50_ns}, {@code irq_latency_p99_ns} or {@code tlb_miss_ratio}
 * @param vm              the VM the scope is in
 * @param scope           the scope as text: {@code vm=1 reason=DABT_LOW}, {@code vm=1 memslot=2},
 *                        {@code vm=1 vcpu=0 class=timer}, {@code vm=2}
 * @param observed        the recording's value
 * @param modelled        the model's value; null where the model has none (no interrupt of that
 *                        class, no finished exit of that reason)
 * @param absError        |modelled - observed|; null with {@code modelled}
 * @param relError        |modelled - observed| / |observed|; null when observed is 0 or modelled null
 * @param samples         the observations the observed value is made of
 * @param modelledSamples the modelled events the modelled value is made of
 * @param judged          whether there are enough observations to judge the model by this row
 * @param note            why a row is not judged; empty when it is
 */
public record ValidationRow(
        String quantity,
        int vm,
        String scope,
        double observed,
        Double modelled,
        Double absError,
        Double relError,
        long samples,
        long modelledSamples,
        boolean judged,
        String note) {
}
