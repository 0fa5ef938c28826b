package org.virtreplay.analysis.summary;

/**
 * The columns of {@code exit_stats} the summary needs: the VM, the exit's reason (perf kvm
 * stat's key: the exception class name for traps, the exit type otherwise) the count and the time out of the guest ({@code el2_ns}). The
 * table has more columns (vCPU, type, EC, times); a reader checks and reads only these.
 */
public record ExitCountRow(int vm, String reason, long count, long el2Ns) {
}
