package org.virtreplay.analysis.replay;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.virtreplay.analysis.progress.ProgressMeter;
import org.virtreplay.engine.hyp.CostModel;
import org.virtreplay.engine.hyp.HypConfig;
import org.virtreplay.engine.replay.ReplayConfig;
import org.virtreplay.engine.replay.Replayer;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.engine.tlb.CorePreset;
import org.virtreplay.engine.tlb.TranslationUnit;
import org.virtreplay.engine.tlb.Replacement;
import org.virtreplay.ingest.trace.MemBatch;
import org.virtreplay.ingest.trace.MemBatchSource;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * The whole per-access path of {@code virtreplay replay}, per access, from a decoded {@code mem}
 * batch to the TLB: the batch as the decoder hands it over ({@link MemBatch}, 4,096 rows, the
 * size of {@link PrefetchedMem#INLINE_BATCH}), {@link PrefetchedMem} and {@link MemRun} as the
 * replay job runs them (in line, no read-ahead thread), {@link Replayer#onMem} (vCPU to PE,
 * counters, page split, per-size and per-walk statistics) and {@link TranslationUnit#access} (the
 * TLBs and, on a miss, the nested walk). It lives in the replay job's package because
 * {@code MemRun} and {@code PrefetchedMem} are package-private.
 *
 * <p>Five benchmarks peel the path off stage by stage, on the same rows:
 * <ul>
 *   <li>{@code memRun}: the whole path as the replay runs it, through the flat per-access loop
 *       ({@link Replayer#onMemBatch}, issue 18 item 2); the source refills the batch by copying the
 *       pre-decoded rows and advancing their timestamps (what a decoder's hand-over costs, without
 *       the decoding, which {@code MemReadBenchmark} measures), and packs them for the loop
 *       ({@code MemRowPacker}) on the same thread, as a replay without read-ahead does;</li>
 *   <li>{@code memRunRows}: the same with the flat loop off ({@code MemRun} calls
 *       {@code Replayer.onMem} per row, the path before item 2), on a source of its own;</li>
 *   <li>{@code onMemBatch}: the batch's arrays, packed beforehand as a replay's reader thread packs
 *       them, straight into {@code Replayer.onMemBatch} (no batch source, no {@code MemRun}): the
 *       model thread's share of a replay with read-ahead;</li>
 *   <li>{@code onMem}: the same rows straight from the batch's arrays into {@code Replayer.onMem}
 *       (no batch source, no {@code MemRun}): memRunRows - onMem is the per-row hand-over and loop;</li>
 *   <li>{@code tlbOnly}: the same addresses straight into the PE's {@code TranslationUnit.access}:
 *       onMem - tlbOnly is the replayer's dispatch and bookkeeping, tlbOnly the TLB lookup (and
 *       the walk where the stream misses).</li>
 * </ul>
 * and {@code stream} chooses where the access is served: {@code l1Hit} (32 hot pages, every
 * access hits the L1 D-TLB), {@code l2Hit} (512 pages round robin: misses the 48-entry L1, hits
 * the 1,280-entry L2) and {@code walk} (4,096 pages round robin: misses both, a 4+4-level nested
 * walk with the walk caches of the Neoverse-N1 preset), or {@code mix}, the shares of the 200 M-access
 * trace of docs/performance.md (a third of the accesses fetch, two in five repeat their side's last
 * page, the rest pick one of 16 code or 96 data pages at random, so that about one in five misses
 * the L1s and hits the L2), whose outcome the branch predictor cannot guess as it can in the three
 * uniform streams: {@link #MIX_ROWS} rows that are read once per round trip, not one batch replayed
 * again and again. One VM, one vCPU on one PE, 4 KB pages,
 * stage 2 backed by 2 MB blocks, all pages mapped during set-up (no fault in the measurement).
 *
 * <p>Every path allocates nothing: run with {@code -prof gc} and read {@code gc.alloc.rate.norm}
 * (≈ 0 B/op). Run (from the repository root):
 * <pre>
 * mvn -B -q -o -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main ReplayPath -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 * or {@code java -cp ... org.virtreplay.analysis.replay.ReplayPathBenchmark} (its {@link #main}
 * runs the same with those options).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReplayPathBenchmark {
    /** Rows per batch and per benchmark invocation. */
    static final int N = PrefetchedMem.INLINE_BATCH;
    private static final long VA = 0x8000_0000L;
    private static final long IPA = 0x4000_0000L;
    private static final int PAGES = 4096;
    /** Pages mapped executable (and not writable) after the others, where the mix stream's fetches go. */
    private static final int MIX_CODE = 16;

    @Param({"l1Hit", "l2Hit", "walk", "mix"})
    public String stream;

    /**
     * Rows of the mix stream: a stream this long, 11 MB of decoded rows, never repeats within what
     * the branch predictor and the core's private caches can learn. A mix of one 4,096-row batch
     * replayed again and again (the first version of this stream) measured 28 ns per access where
     * this one measures 37 (docs/performance.md, "Session 9"): the predictor had learnt the batch.
     */
    static final int MIX_ROWS = 1 << 18;

    /**
     * The decoded rows, as a decoder would have left them (timestamps are set per refill): {@link #N}
     * rows for the uniform streams, {@link #MIX_ROWS} for the mix, which every benchmark reads as
     * consecutive windows of N rows, wrapping around at the end.
     */
    private MemBatch decoded;
    /** The first row of each benchmark's next window of {@link #decoded}. */
    private int atDirect, atBatch, atTlb;
    private Replayer rp;
    private TranslationUnit pe0;
    private PrefetchedMem mem;
    private MemRun run;
    private long limit;
    /** The same path with the flat loop off (one Replayer.onMem per row), on a source of its own. */
    private PrefetchedMem memRows;
    private MemRun runRows;
    private long limitRows;
    private long directTs;
    private long batchTs;

    /** A source that never ends: each refill is the pre-decoded rows with later timestamps. */
    private final class Repeating implements MemBatchSource {
        /** Timestamp of the next row this source hands over. */
        long nextTs;
        /** The first row of {@link #decoded} of its next refill. */
        int at;

        Repeating(long firstTs) {
            nextTs = firstTs;
        }

        @Override
        public boolean fill(MemBatch b) {
            final MemBatch d = decoded;
            final long t = nextTs;
            final int from = at;
            for (int i = 0; i < N; i++) {
                b.ts[i] = t + i;
            }
            System.arraycopy(d.va, from, b.va, 0, N);
            System.arraycopy(d.vm, from, b.vm, 0, N);
            System.arraycopy(d.vcpu, from, b.vcpu, 0, N);
            System.arraycopy(d.el, from, b.el, 0, N);
            System.arraycopy(d.access, from, b.access, 0, N);
            System.arraycopy(d.size, from, b.size, 0, N);
            System.arraycopy(d.pos, from, b.pos, 0, N);
            b.n = N;
            nextTs = t + N;
            at = next(from);
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        ReplayConfig cfg = new ReplayConfig(1, CorePreset.byName("neoverse-n1"), Replacement.LRU, 1,
                HypConfig.defaults(1), CostModel.defaults(), 0, 0);
        rp = new Replayer(cfg, Stage2Ports.kvm());
        rp.addVm(0, "bench", 1, 40, -1);
        // 64 MiB of RAM backed by 2 MB blocks; stage-1 tables in the last 4 MiB of it.
        rp.addMemslot(0, 0, IPA, 64L << 20, Stage2Port.MEMSLOT_RAM, -1, 2L << 20);
        rp.start();
        rp.setS1TablePool(0, 0x43C0_1000L, 0x3F_F000L);
        rp.onSysreg(0, 0, 0, 0, 1, "TCR_EL1", 0x2_B510_3510L);
        rp.onSysreg(0, 0, 0, 0, 1, "MAIR_EL1", 0x44_04FFL);
        rp.onSysreg(0, 0, 0, 0, 1, "SCTLR_EL1", 1);
        rp.onSysreg(0, 0, 0, 0, 1, "TTBR0_EL1", (1L << 48) | 0x43C0_0000L);
        for (int i = 0; i < PAGES; i++) {
            rp.onMap(0, 0, 1, 0x43C0_0000L, VA + i * 4096L, IPA + i * 4096L, 4096, "rwu", "normal_wb", true,
                    false);
        }
        for (int i = 0; i < MIX_CODE; i++) { // the mix stream's code, executable, after the data pages
            rp.onMap(0, 0, 1, 0x43C0_0000L, VA + (PAGES + i) * 4096L, IPA + (PAGES + i) * 4096L, 4096, "rxu",
                    "normal_wb", true, false);
        }
        pe0 = rp.pe(0);
        final int streamRows = stream.equals("mix") ? MIX_ROWS : N;
        decoded = new MemBatch(streamRows);
        long x = 42;
        int lastCode = PAGES;
        int lastData = 0;
        for (int i = 0; i < streamRows; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            int r = (int) (x >>> 33);
            if (stream.equals("mix")) {
                // The mix of the 200 M-access trace of docs/performance.md, on one vCPU: 32 % of
                // the accesses fetch, 39 % repeat their side's last page, and the rest pick a page
                // at random among 16 code or 96 data pages (the L1s hold 48: 19.7 % of the accesses
                // miss them and hit the L2, by an LRU simulation of this stream; the trace's 20.7 %).
                int u = r % 100;
                x = x * 6364136223846793005L + 1442695040888963407L;
                int r2 = (int) (x >>> 33);
                boolean fetch = u < 32;
                boolean repeat = r2 % 100 < 39;
                int page = fetch ? (repeat ? lastCode : PAGES + r2 % MIX_CODE) : (repeat ? lastData : r2 % 96);
                if (fetch) {
                    lastCode = page;
                } else {
                    lastData = page;
                }
                decoded.va[i] = VA + page * 4096L + (r & 0xFF8);
                decoded.vm[i] = 0;
                decoded.vcpu[i] = 0;
                decoded.el[i] = 0;
                decoded.access[i] = fetch ? Replayer.FETCH : u < 78 ? Replayer.READ : Replayer.WRITE;
                decoded.size[i] = fetch ? 4 : 8;
                decoded.pos[i] = i + 1;
                continue;
            }
            int page = switch (stream) {
                case "l1Hit" -> r & 31;
                case "l2Hit" -> i % 512;
                case "walk" -> i % PAGES;
                default -> throw new IllegalArgumentException("stream " + stream);
            };
            decoded.va[i] = VA + page * 4096L + (r & 0xFF8);
            decoded.vm[i] = 0;
            decoded.vcpu[i] = 0;
            decoded.el[i] = 0;
            decoded.access[i] = (r & 4) == 0 ? Replayer.READ : Replayer.WRITE;
            decoded.size[i] = 8;
            decoded.pos[i] = i + 1;
        }
        decoded.n = streamRows;
        // What the replay's reader thread does after decoding: pack each row for the flat loop.
        rp.memRowPacker().pack(decoded.vm, decoded.vcpu, decoded.el, decoded.access, decoded.va, decoded.size,
                decoded.meta, 0, streamRows);
        Instances inst = Instances.of(List.of(new VmRecord(0, "bench", 1, 40, -1)), 0);
        Repeating src = new Repeating(1);
        mem = new PrefetchedMem(src, false, rp.memRowPacker());
        run = new MemRun(mem, inst, rp, ProgressMeter.forStderr("bench", 0, true));
        mem.next(); // the first row is current before MemRun.run, as in the replay's merge
        limit = src.nextTs;
        // Warm-up outside JMH's: touch every page (first-touch stage-2 faults, table walks).
        for (int k = 0; k < 4 * streamRows / N; k++) {
            memRun();
        }
        // The other benchmarks run at later simulated times, each in a range of its own.
        directTs = src.nextTs + (1L << 40);
        batchTs = src.nextTs + (2L << 40);
        Repeating rows = new Repeating(src.nextTs + (3L << 40));
        memRows = new PrefetchedMem(rows, false);
        String before = System.getProperty(Replayer.FLAT_LOOP_PROPERTY);
        System.setProperty(Replayer.FLAT_LOOP_PROPERTY, "false");
        try {
            runRows = new MemRun(memRows, inst, rp, ProgressMeter.forStderr("bench", 0, true));
        } finally {
            if (before == null) {
                System.clearProperty(Replayer.FLAT_LOOP_PROPERTY);
            } else {
                System.setProperty(Replayer.FLAT_LOOP_PROPERTY, before);
            }
        }
        memRows.next();
        limitRows = rows.nextTs;
    }

    @TearDown(Level.Trial)
    public void check() {
        // The streams are what they claim: every access translated, and the walk stream walks.
        if (rp.counter(0, 0, 0, Replayer.C_S1_FAULTS) != 0) {
            throw new IllegalStateException("stage-1 faults in the benchmark stream");
        }
        if (stream.equals("walk") && pe0.walksD < rp.counter(0, 0, 0, Replayer.C_ACCESSES) / 2) {
            throw new IllegalStateException("the walk stream did not walk: " + pe0.walksD + " walks");
        }
        mem.close();
        memRows.close();
    }

    /** The whole path: batch source, PrefetchedMem, MemRun, Replayer.onMem, TLB (and walk). */
    @Benchmark
    @OperationsPerInvocation(N)
    public boolean memRun() {
        limit += N;
        return run.run(limit);
    }

    /** The whole path with the flat loop off: MemRun calls Replayer.onMem per row (issue 18 item 2's "before"). */
    @Benchmark
    @OperationsPerInvocation(N)
    public boolean memRunRows() {
        limitRows += N;
        return runRows.run(limitRows);
    }

    /** From the decoded batch's arrays straight into the flat loop, Replayer.onMemBatch. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int onMemBatch() {
        final MemBatch d = decoded;
        final long t = batchTs;
        final int from = atBatch;
        for (int i = 0; i < N; i++) {
            d.ts[from + i] = t + i;
        }
        batchTs = t + N;
        atBatch = next(from);
        return rp.onMemBatch(d.ts, d.meta, d.vm, d.vcpu, d.el, d.access, d.va, d.size, from, from + N, Long.MAX_VALUE);
    }

    /** The window after the one at {@code from}: rows {@code from + N ..}, or 0 past the end. */
    private int next(int from) {
        final int n = from + N;
        return n + N > decoded.n ? 0 : n;
    }

    /** From the decoded batch's arrays straight into Replayer.onMem. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long onMem() {
        final Replayer r = rp;
        final MemBatch d = decoded;
        long t = directTs;
        final int from = atDirect;
        for (int i = 0; i < N; i++) {
            final int k = from + i;
            r.onMem(t + i, d.vm[k], d.vcpu[k], d.el[k], d.access[k], d.va[k], d.size[k]);
        }
        directTs = t + N;
        atDirect = next(from);
        return r.events();
    }

    /** The same addresses straight into the PE's TLBs (TranslationUnit.access: lookup, fill, walk). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long tlbOnly() {
        final TranslationUnit tu = pe0;
        final MemBatch d = decoded;
        long ok = 0;
        final int from = atTlb;
        for (int k = from; k < from + N; k++) {
            final int a = d.access[k];
            ok += tu.access(d.va[k], a ^ (a >>> 1), 0) ? 1 : 0; // the unit's codes (as the flat loop maps them)
        }
        atTlb = next(from);
        return ok;
    }

    /**
     * {@code main} runs JMH as above; {@code main cpu [SECONDS] [ROUNDS]} instead times every
     * benchmark and stream by the thread's CPU time ({@code ThreadMXBean}), for a machine shared
     * with other work, where JMH's wall-clock averages measure the other work too: per round,
     * SECONDS of CPU per benchmark (default 2) after a warm-up of as much, ROUNDS rounds (default 3),
     * for the streams given as a fourth argument ({@code l1Hit,walk}; default all three).
     */
    public static void main(String[] args) throws RunnerException {
        if (args.length > 0 && args[0].equals("cpu")) {
            double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
            int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
            String[] streams = args.length > 3 ? args[3].split(",") : new String[] {"l1Hit", "l2Hit", "walk", "mix"};
            cpuTimes((long) (seconds * 1e9), rounds, streams);
            return;
        }
        Options o = new OptionsBuilder().include(ReplayPathBenchmark.class.getSimpleName())
                .addProfiler("gc").build();
        new Runner(o).run();
    }

    private static void cpuTimes(long budgetNs, int rounds, String[] streams) {
        String[] benches = {"memRun", "memRunRows", "onMemBatch", "onMem", "tlbOnly"};
        for (String st : streams) {
            ReplayPathBenchmark b = new ReplayPathBenchmark();
            b.stream = st;
            b.setup();
            for (int round = -1; round < rounds; round++) { // round -1: warm-up
                StringBuilder line = new StringBuilder(round < 0 ? "warm-up" : "round " + round);
                line.append(String.format(java.util.Locale.ROOT, " %-6s", st));
                for (String name : benches) {
                    line.append(String.format(java.util.Locale.ROOT, "  %s %.1f ns", name, b.cpuNsPerAccess(name, budgetNs)));
                }
                System.out.println(line + " CPU per access");
            }
            b.check();
        }
    }

    /**
     * One measurement of one benchmark on a fresh set-up: {@code seconds} of CPU as warm-up, then
     * as many measured; the CPU nanoseconds per access. For bench/scripts/ReplayPathAB.java, which
     * calls it reflectively in each build's class loader.
     */
    public static double cpuRound(String stream, String bench, double seconds) {
        ReplayPathBenchmark b = new ReplayPathBenchmark();
        b.stream = stream;
        b.setup();
        long budget = (long) (seconds * 1e9);
        b.cpuNsPerAccess(bench, budget);
        double ns = b.cpuNsPerAccess(bench, budget);
        b.check();
        return ns;
    }

    /** Runs benchmark {@code name} for {@code budgetNs} of this thread's CPU: CPU ns per access. */
    private double cpuNsPerAccess(String name, long budgetNs) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long calls = 0;
        long sink = 0;
        while (mx.getCurrentThreadCpuTime() - c0 < budgetNs) {
            for (int k = 0; k < 16; k++) {
                sink += switch (name) {
                    case "memRun" -> memRun() ? 1 : 0;
                    case "memRunRows" -> memRunRows() ? 1 : 0;
                    case "onMemBatch" -> onMemBatch();
                    case "onMem" -> onMem();
                    case "tlbOnly" -> tlbOnly();
                    default -> throw new IllegalArgumentException("benchmark " + name);
                };
            }
            calls += 16;
        }
        long cpu = mx.getCurrentThreadCpuTime() - c0;
        blackhole += sink;
        return (double) cpu / (calls * N);
    }

    /** Keeps the benchmarks' results alive, so that the JIT cannot drop their work. */
    private long blackhole;
}
