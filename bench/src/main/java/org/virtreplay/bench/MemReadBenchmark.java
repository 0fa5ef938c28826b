package org.virtreplay.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;
import org.virtreplay.ingest.trace.Trace;

/**
 * Rows per second of reading a trace's {@code mem} table into {@link MemBatch}es, validated, on
 * one thread (the replay's read-ahead thread does exactly this): {@code row} is the row cursor
 * wrapped in batches ({@code MemBatchSource.of(trace.mem())}), {@code batch} is
 * {@link Trace#memBatches()} (the page decoder for Parquet). A timed main rather than JMH: one
 * pass over a 10 M-row file is the unit of work, and the machine is shared, so it reports the
 * thread's CPU time beside the wall time.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" org.virtreplay.bench.MemReadBenchmark TRACE_DIR [row|batch|both] [REPS] [BATCH_ROWS] [xor|full|none]
 * </pre>
 *
 * <p>The checksum printed ({@code xor}, the default) is a cheap xor-sum of the rows' values, so that
 * it costs the timed thread little (2-4 ns per row); {@code full} adds an order-sensitive hash of
 * every field of every row, file row numbers included, to compare two decoders' output exactly (a
 * few ns per row more); {@code none} reads the rows and touches nothing: the thread's CPU is then the
 * decoder's alone, as on the replay's read-ahead thread.
 */
public final class MemReadBenchmark {
    private MemReadBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: MemReadBenchmark TRACE_DIR [row|batch|both] [REPS] [BATCH_ROWS] [xor|full|none]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String mode = args.length > 1 ? args[1] : "both";
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // 16384 rows: the replay's read-ahead batch (PrefetchedMem.BATCH)
        MemBatch b = new MemBatch(args.length > 3 ? Integer.parseInt(args[3]) : 16384);
        String check = args.length > 4 ? args[4] : "xor";
        boolean full = check.equals("full");
        boolean xor = !check.equals("none");
        for (int rep = 0; rep < reps; rep++) {
            for (String m : mode.equals("both") ? new String[] {"row", "batch"} : new String[] {mode}) {
                Trace t = Trace.open(dir);
                long cpu0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long rows = 0;
                long sum = 0;
                long hash = 0;
                try (MemBatchSource s = m.equals("row") ? MemBatchSource.of(t.mem()) : t.memBatches()) {
                    while (s.fill(b)) {
                        rows += b.n;
                        for (int i = 0; xor && i < b.n; i++) {
                            sum += b.ts[i] ^ b.va[i] ^ b.vm[i] ^ (b.vcpu[i] << 3) ^ (b.el[i] << 5)
                                    ^ (b.access[i] << 7) ^ b.size[i];
                        }
                        if (full) {
                            hash = fullHash(hash, b);
                        }
                    }
                }
                long wall = System.nanoTime() - t0;
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                System.out.printf("%-5s rep %d: %,d rows, wall %.2f s = %.2f M rows/s, thread cpu %.2f s = %.2f M rows/s"
                        + " (checksum %x%s)%n", m, rep, rows, wall / 1e9, rows / (wall / 1e3), cpu / 1e9,
                        rows / (cpu / 1e3), sum, full ? String.format(", full %016x", hash) : "");
            }
        }
    }

    /** {@code h} followed by every field of rows {@code 0..n-1} of {@code b}, in order. */
    private static long fullHash(long h, MemBatch b) {
        for (int i = 0; i < b.n; i++) {
            h = mix(h, b.ts[i]);
            h = mix(h, b.va[i]);
            h = mix(h, ((long) b.vm[i] << 32) | b.vcpu[i]);
            h = mix(h, ((long) b.el[i] << 48) ^ ((long) b.access[i] << 32) ^ b.size[i]);
            h = mix(h, b.pos[i]);
        }
        return h;
    }

    private static long mix(long h, long v) {
        h = (h ^ v) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
