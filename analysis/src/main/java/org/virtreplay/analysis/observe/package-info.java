/**
 * The model's own observations written back into a trace ({@code replay --emit-observations}): the
 * modelled exits as an {@code exits} table and the modelled acknowledge times as the {@code irq}
 * table's {@code ack_ts}, so that a replayed trace can stand in for a recording (closed-loop tests
 * of {@code calibrate}, and of the comparison of model and recording).
 */
package org.virtreplay.analysis.observe;
