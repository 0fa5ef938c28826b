package org.virtreplay.engine.hyp;

/** How vCPUs are placed on PEs. */
public enum SchedPolicy {
    /** Replay the trace's {@code sched} records (run, preempt, block, wake) as they are. */
    TRACE,
    /** vCPU g runs on PE g mod peCount; vCPUs sharing a PE are time-sliced with the quantum. */
    PINNED,
    /** One global FIFO run queue; any free PE takes the next vCPU; time-sliced with the quantum. */
    FAIR
}
