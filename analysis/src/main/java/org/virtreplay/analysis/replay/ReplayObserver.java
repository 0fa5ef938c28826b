package org.virtreplay.analysis.replay;

import java.io.IOException;
import org.virtreplay.engine.hyp.ExitSink;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.ingest.trace.IrqRecord;

/**
 * Watches a replay from outside the metric tables: every modelled exit ({@link ExitSink}), every
 * acknowledge, and every {@code irq} row once the model has taken it. {@code replay
 * --emit-observations} writes them back into a trace; {@code calibrate} reduces them to statistics.
 * Called on the replay thread, in the model's order.
 */
public interface ReplayObserver extends ExitSink {
    /** Once, after the model is built and before the first event. */
    default void start(Replayer rp) throws IOException {
    }

    /** The guest acknowledged an interrupt asserted at {@code assertTs} ({@code cls}: IrqLatencyStats.CLASS_*). */
    void onAck(long assertTs, long ackTs, int intid, int vm, int vcpu, int cls);

    /** The model has taken {@code irq} row {@code r} (rows come in the table's file order). */
    default void irqApplied(IrqRecord r) throws IOException {
    }

    /** Once, after the replay's drain (every exit and acknowledge has been reported). */
    default void finish() throws IOException {
    }
}
