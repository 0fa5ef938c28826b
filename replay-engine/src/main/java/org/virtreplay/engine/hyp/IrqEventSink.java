package org.virtreplay.engine.hyp;

/**
 * Receives one call per acknowledged interrupt (the optional {@code irq_events} table). Primitive
 * arguments only, so that the model allocates nothing per interrupt. Components sum to
 * {@code ackTs - assertTs}.
 */
@FunctionalInterface
public interface IrqEventSink {
    /**
     * @param observedAckTs the trace's {@code ack_ts}, or -1
     */
    void onAck(long assertTs, long ackTs, int intid, int vm, int vcpu, int irqClass, long exitNs, long injectNs,
            long schedNs, long lrWaitNs, long maskNs, long observedAckTs);
}
