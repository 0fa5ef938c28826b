package org.virtreplay.ingest.convert;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Map;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Not a test: times {@code ingest} of a trace directory (docs/performance.md, "Ingest").
 * Prints wall time and the CPU time of the converting thread (the machine is shared, so the
 * thread's CPU time is the fairer single-core number).
 *
 * <pre>java -cp CLASSPATH org.virtreplay.ingest.convert.IngestBench IN OUT [csv]</pre>
 */
public final class IngestBench {
    private IngestBench() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        TraceConverter.Form form = args.length > 2 && args[2].equals("csv") ? TraceConverter.Form.CSV
                : TraceConverter.Form.PARQUET;
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Map<TableKind, Long> rows = TraceConverter.convert(Path.of(args[0]), Path.of(args[1]), form, 20, true);
        long wall = System.nanoTime() - t0;
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long n = rows.getOrDefault(TableKind.MEM, 0L);
        System.out.printf("%s: %d mem rows, wall %.2f s = %.2f M rows/s, thread CPU %.2f s = %.2f M rows/s%n",
                form, n, wall / 1e9, n / (wall / 1e3), cpu / 1e9, n / (cpu / 1e3));
    }
}
