package org.virtreplay.ingest.convert;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Map;
import org.virtreplay.ingest.trace.MemCursor;
import org.virtreplay.ingest.trace.TableKind;
import org.virtreplay.ingest.trace.Trace;

/**
 * Not a test: times {@code ingest} of a trace directory (docs/performance.md, "Ingest").
 * Prints wall time and the CPU time of the converting thread (the machine is shared, so the
 * thread's CPU time is the fairer single-core number).
 *
 * <pre>
 * java -cp CLASSPATH org.virtreplay.ingest.convert.IngestBench IN OUT [csv]   # ingest IN to OUT
 * java -cp CLASSPATH org.virtreplay.ingest.convert.IngestBench read TRACE      # MemCursor over mem
 * </pre>
 */
public final class IngestBench {
    private IngestBench() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (args[0].equals("read")) {
            for (int round = 0; round < 2; round++) {
                long cpu0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long n = 0;
                long sum = 0;
                try (MemCursor m = Trace.open(Path.of(args[1])).mem()) {
                    while (m.next()) {
                        n++;
                        sum += m.va() + m.ts() + m.access() + m.size() + m.vcpu();
                    }
                }
                long wall = System.nanoTime() - t0;
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                System.out.printf("read %s: %d rows (checksum %x), wall %.2f s = %.2f M rows/s, thread CPU %.2f s"
                        + " = %.2f M rows/s%n", args[1], n, sum, wall / 1e9, n / (wall / 1e3), cpu / 1e9,
                        n / (cpu / 1e3));
            }
            return;
        }
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
