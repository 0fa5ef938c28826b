package org.virtreplay.analysis.kvmstat;

import org.virtreplay.ingest.trace.Row;

/**
 * The reason an observed exit ({@code exits} row) is counted under, as {@code perf kvm stat} names
 * it on arm64 and as the model's {@code exit_stats.reason} is keyed: for comparing the two outside
 * this package (the replay's {@code validation} table).
 */
public final class ExitReasons {
    private ExitReasons() {
    }

    /** A trap by its exception class name ({@code DABT_LOW}, {@code SYS64}, …), any other exit by its type. */
    public static String of(Row exitsRow) {
        return ObservedExits.exitReason(exitsRow);
    }
}
