/**
 * The {@code --kvm-events} importer: host-side ftrace text ({@code /sys/kernel/tracing/trace},
 * {@code trace_pipe}), {@code trace-cmd report} output (with or without the flags column, the
 * {@code -R} raw form) and {@code perf script} lines of the {@code kvm:*} and {@code sched:*}
 * events, including captures whose records a mail client wrapped over two lines. Records become
 * {@code irq}, {@code sched} and {@code exits} rows; vCPU threads are placed in VMs by tgid, thread
 * names or {@code --vm}.
 */
package org.virtreplay.ingest.importer.kvm;
