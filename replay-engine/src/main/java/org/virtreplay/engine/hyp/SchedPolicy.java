package org.virtreplay.engine.hyp;

import org.virtreplay.engine.UserText;
/** How vCPUs are placed on PEs. */
public enum SchedPolicy {
    /** Replay the trace's {@code sched} records (run, preempt, block, wake) as they are. */
    TRACE,
    /** vCPU g runs on PE g mod peCount; vCPUs sharing a PE are time-sliced with the quantum. */
    PINNED,
    /** One global FIFO run queue; any free PE takes the next vCPU; time-sliced with the quantum. */
    FAIR;

    /** Parses a scenario value ({@code trace}, {@code pinned}, {@code fair}). */
    public static SchedPolicy parse(String s) {
        return switch (s) {
            case "trace" -> TRACE;
            case "pinned" -> PINNED;
            case "fair" -> FAIR;
            default -> throw new IllegalArgumentException("expected trace, pinned or fair, got " + UserText.quote(s));
        };
    }
}
