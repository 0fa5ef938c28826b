package org.virtreplay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.virtreplay.ingest.lackey.LackeyBatch;
import org.virtreplay.ingest.lackey.LackeyParser;
import org.virtreplay.ingest.lackey.LackeyReader;

/**
 * Lines per CPU-second of {@link LackeyParser} alone (the reader thread of {@code virtreplay tlb}):
 * each pass opens the file as {@link LackeyReader#open} does and parses it into one reused
 * 32 K-record batch on this thread, folding every record into a checksum so that nothing is
 * optimised away. A timed main rather than JMH: one pass over a 45 M-line file is the unit of work,
 * and the machine is shared, so it reports the thread's CPU time beside the wall time.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" org.virtreplay.bench.LackeyParseBenchmark TRACE [REPS]
 * </pre>
 */
public final class LackeyParseBenchmark {
    private LackeyParseBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: LackeyParseBenchmark TRACE [REPS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        LackeyBatch b = new LackeyBatch(1 << 15); // LackeyReader's batch size
        for (int rep = 0; rep < reps; rep++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            LackeyParser p = new LackeyParser(file.toString(), 20, 1 << 20);
            long sum = 0;
            try (InputStream in = LackeyReader.open(file)) {
                while (p.next(in, b)) {
                    for (int i = 0; i < b.count; i++) {
                        sum = sum * 31 + (b.addr[i] ^ b.size[i] ^ ((long) b.kind[i] << 60));
                    }
                }
            }
            long wall = System.nanoTime() - t0;
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("rep %d: %,d lines, %,d records, wall %.3f s, thread cpu %.3f s = %.1f M lines per "
                    + "CPU-second (checksum %x, problems %d)%n", rep, p.lines(), p.records(), wall / 1e9, cpu / 1e9,
                    p.lines() / (cpu / 1e3), sum, p.problems().size());
        }
    }
}
