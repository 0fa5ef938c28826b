package org.virtreplay.analysis.sweep;


import org.virtreplay.ingest.convert.TraceConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.virtreplay.analysis.metrics.MetricCsv;
import org.virtreplay.analysis.metrics.MetricTableWriter;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.replay.DecodeCpu;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.replay.SharedMem;
import org.virtreplay.analysis.replay.TimelineWindows;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.replay.MemRowPacker;
import org.virtreplay.engine.replay.Stage2Port;
import org.virtreplay.ingest.io.OutputFiles;
import org.virtreplay.ingest.output.AtomicOutput;
import org.virtreplay.ingest.trace.Trace;
import org.virtreplay.ingest.trace.VmRecord;

/**
 * Runs a sweep on local cores: every point is a full {@link ReplayJob} into
 * {@code DIR/points/NNN/}, on a pool of {@code workers} threads; then the rows of every point go,
 * sorted by point and VM, into {@code DIR/sweep_results.parquet}, and the requirements' answers
 * into {@code DIR/answers.txt}. Each replay is deterministic and independent of the others, and
 * rows are ordered by point index, so the files do not depend on the worker count or on which
 * point finished first.
 *
 * <p>Like a replay, the sweep writes into a temporary directory beside {@code DIR} and renames it
 * into place at the end: a failed sweep leaves nothing behind.
 */
public final class SweepRunner {
    private SweepRunner() {
    }

    /** Files in a sweep's output directory besides the table. */
    public static final String POINTS_DIR = "points";
    public static final String GRID_COPY = "grid.txt";
    public static final String ANSWERS = "answers.txt";
    /** {@code sweep_results} as CSV, beside its Parquet form (the same rows and columns). */
    public static final String RESULTS_CSV = "sweep_results.csv";

    /** Where, inside the sweep's temporary directory, a CSV trace's Parquet copy lives while points run. */
    static final String CONVERTED_TRACE = ".trace-parquet";
    /** Problems reported before the conversion of a bad CSV trace gives up (as {@code ingest}'s default). */
    static final int MAX_ERRORS = 20;

    /**
     * Timeline window of the per-point replays (the sweep does not use the timeline); widened along
     * 1, 2, 5, 10 … ms for a trace whose span would need more than {@link TimelineWindows#MAX_WINDOWS}.
     */
    public static final long WINDOW_NS = 1_000_000L;

    /**
     * Replayed accesses (over all points) per worker when the worker count is left to the runner
     * ({@link #AUTO_WORKERS}). Each worker is a thread of one JVM, and at the start of a sweep the
     * JIT compilers need a core too: a second worker only pays when there is enough replay to
     * share. Measured on the 2-core machine (docs/performance.md, "Sweeps"): the quickstart sweep
     * (2.8 M accesses in all) took 0.97-1.08x the one-worker time with two workers; 2 points of a
     * 20 M-access trace took 0.75x of it (1.34x speed-up).
     */
    public static final long ACCESSES_PER_AUTO_WORKER = 10_000_000L;

    /**
     * System property that turns the shared decoding of the {@code mem} table off ({@code false});
     * on by default. With it on, the points run in groups of at most {@link #SHARED_GROUP}, all the
     * points of a group at once (one thread each, whatever {@code --workers} says), reading one
     * stream of {@code mem} batches decoded once for the group ({@link SharedMem}); off, every point
     * decodes the table itself on a pool of {@code --workers} threads. The tables are the same
     * bytes either way (SharedDecodeEquivalenceTest).
     */
    public static final String SHARED_DECODE_PROPERTY = "virtreplay.sweep.sharedDecode";

    /**
     * Points that share one decoding of the trace. They run at the same time, each holding a model
     * (TLBs, page tables, counters), so the bound keeps a large grid's memory in check; a grid
     * of more points decodes the trace once per group.
     */
    public static final int SHARED_GROUP = 8;

    /** Whether sweeps decode the {@code mem} table once per group of points ({@link #SHARED_DECODE_PROPERTY}). */
    public static boolean sharedDecode() {
        return !"false".equalsIgnoreCase(System.getProperty(SHARED_DECODE_PROPERTY, "true"));
    }

    /** {@link Options#workers} that leaves the count to {@link #autoWorkers}. */
    public static final int AUTO_WORKERS = 0;

    /**
     * Workers for a sweep whose worker count was not given: one per
     * {@link #ACCESSES_PER_AUTO_WORKER} accesses the points replay, at least one, at most {@code cores}
     * and the number of points. A point replays each of its VMs' accesses; a VM it adds beyond the
     * trace's replays the accesses of the trace VM it copies, so a point of {@code v} VMs replays
     * about {@code memRows * v / traceVms} accesses. With the row count unknown ({@code memRows < 0}),
     * {@code cores}.
     */
    public static int autoWorkers(long memRows, int traceVms, List<PointSetup> setups, int cores) {
        int max = Math.max(1, Math.min(cores, setups.size()));
        if (memRows < 0 || traceVms <= 0) {
            return max;
        }
        double accesses = 0;
        for (PointSetup s : setups) {
            accesses += (double) memRows * s.vms() / traceVms;
        }
        long w = (long) Math.ceil(accesses / ACCESSES_PER_AUTO_WORKER);
        return (int) Math.max(1, Math.min(max, w));
    }

    /**
     * What to sweep; {@code workers} {@link #AUTO_WORKERS} leaves the count to {@link #autoWorkers}.
     * Progress goes to {@code err}, the command's error writer (stderr without it).
     */
    public record Options(Path trace, Path out, Grid grid, Scenario base, String scenarioName,
            List<Requirement> requirements, int workers, boolean quiet, boolean force, String toolVersion,
            java.io.PrintWriter err) {
        public Options(Path trace, Path out, Grid grid, Scenario base, String scenarioName,
                List<Requirement> requirements, int workers, boolean quiet, boolean force, String toolVersion) {
            this(trace, out, grid, base, scenarioName, requirements, workers, quiet, force, toolVersion,
                    new java.io.PrintWriter(System.err, true));
        }
    }

    /** What came out; {@code timing} is what {@code DIR/timing.json} holds. */
    public record Result(Path out, Grid grid, List<PointSetup> setups, List<SweepResultRow> rows, Knees.Result knees,
            long wallNs, int workers, SweepTiming timing) {
    }

    /** Resolves every point against the trace, before anything runs (so a bad point fails fast). */
    public static List<PointSetup> setups(Path trace, Grid grid, Scenario base) {
        Trace t = Trace.open(trace);
        List<PointSetup> s = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (SweepPoint p : grid.points()) {
            PointSetup ps;
            try {
                ps = PointSetup.of(p, base, t.vms(), t.manifest().peCount());
            } catch (BadInputException e) {
                problems.addAll(e.problems());
                continue;
            }
            try {
                ReplayJob.checkScheduleFits(ps.scenario(), t);
            } catch (BadInputException e) {
                // The base scenario's doing, the same at every such point: the first one says it.
                throw new BadInputException("sweep point " + p.index() + " (" + p.label() + "): "
                        + e.problems().get(0));
            }
            s.add(ps);
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return s;
    }

    /**
     * Runs one point: the replay into {@code dir} (which must not exist), then its rows. Shared by
     * the local runner and the Spark job.
     *
     * <p>The point runs on the calling thread alone: its {@code mem} table is decoded in line, not
     * read ahead by a second thread as a single replay's is. A sweep's parallelism is its points, so
     * one worker (or one Spark task) is one core, and {@code --workers} is the number of cores the
     * sweep takes.
     */
    public static List<SweepResultRow> runPoint(Path trace, Path dir, PointSetup setup, String scenarioName,
            String toolVersion, Stage2Port.Factory s2) throws IOException {
        return runPoint(trace, dir, setup, scenarioName, toolVersion, s2, null);
    }

    /**
     * {@link #runPoint(Path, Path, PointSetup, String, String, Stage2Port.Factory)} reading
     * {@code trace} but naming {@code provenance} (the user's trace, when {@code trace} is a copy)
     * in the point's {@code run_info}; null names {@code trace} itself.
     */
    public static List<SweepResultRow> runPoint(Path trace, Path dir, PointSetup setup, String scenarioName,
            String toolVersion, Stage2Port.Factory s2, ReplayJob.Provenance provenance) throws IOException {
        return runPoint(trace, dir, setup, scenarioName, toolVersion, s2, provenance, null);
    }

    /**
     * {@link #runPoint(Path, Path, PointSetup, String, String, Stage2Port.Factory, ReplayJob.Provenance)}
     * where {@code trace} is the Parquet form converted from the user's trace {@code origin} (null:
     * it is the user's own), so that problems with a row name the user's file and line.
     */
    public static List<SweepResultRow> runPoint(Path trace, Path dir, PointSetup setup, String scenarioName,
            String toolVersion, Stage2Port.Factory s2, ReplayJob.Provenance provenance, Path origin)
            throws IOException {
        return runPoint(trace, dir, setup, scenarioName, toolVersion, s2, provenance, origin, null);
    }

    /**
     * {@link #runPoint(Path, Path, PointSetup, String, String, Stage2Port.Factory, ReplayJob.Provenance, Path)}
     * reading the {@code mem} rows from {@code sharedMem} (decoded once for several points of the
     * same trace) when not null; the cursor is closed when the point ends.
     */
    public static List<SweepResultRow> runPoint(Path trace, Path dir, PointSetup setup, String scenarioName,
            String toolVersion, Stage2Port.Factory s2, ReplayJob.Provenance provenance, Path origin,
            SharedMem.Cursor sharedMem) throws IOException {
        Map<String, String> opts = new TreeMap<>();
        opts.put("sweep.point", Integer.toString(setup.point().index()));
        opts.put("sweep.params", setup.point().label());
        // The sweep does not use the timeline: widen its windows for a trace too long for 1 ms ones.
        long window = TimelineWindows.widthFor(trace, WINDOW_NS);
        ReplayJob.Options o = new ReplayJob.Options(trace, dir, setup.scenario(), scenarioName, window, true, true,
                false, toolVersion, opts, setup.vmsPerHost(), false, provenance, origin);
        ReplayJob.run(o, s2, null, sharedMem);
        return PointMetrics.rows(dir, setup);
    }

    /** Adds files (the HTML study) to a finished sweep's directory before it is renamed into place. */
    @FunctionalInterface
    public interface Finisher {
        void finish(Path dir, List<SweepResultRow> rows, Knees.Result knees) throws IOException;
    }

    /** Runs the sweep; {@code s2} makes the hypervisor's stage-2 side of each replay. */
    public static Result run(Options o, Stage2Port.Factory s2) throws IOException {
        return run(o, s2, (dir, rows, knees) -> { });
    }

    /** Runs the sweep, then {@code finisher} on its directory while it is still temporary. */
    public static Result run(Options o, Stage2Port.Factory s2, Finisher finisher) throws IOException {
        long t0 = System.nanoTime();
        AtomicOutput.check(o.out(), o.force(), o.trace());
        if (o.workers() < 0) {
            throw new BadInputException("--workers: expected a positive number of workers, got " + o.workers());
        }
        List<PointSetup> setups = setups(o.trace(), o.grid(), o.base());
        try (AtomicOutput out = AtomicOutput.directory(o.out(), o.force(), o.trace())) {
            Path tmp = out.path();
            Files.createDirectories(tmp.resolve(POINTS_DIR));
            // Every point reads the whole trace. The trace's name and digest are taken once; a trace
            // with CSV tables is converted to Parquet once, so that points do not each parse text
            // (and decompress it) again.
            ReplayJob.Provenance provenance = ReplayJob.provenance(o.trace());
            Path source = o.trace();
            if (Trace.open(source).hasCsvTables()) {
                if (!o.quiet()) {
                    o.err().println("sweep: converting the trace's CSV tables to Parquet once, for all points");
                    o.err().flush();
                }
                source = tmp.resolve(CONVERTED_TRACE);
                TraceConverter.convert(o.trace(), source, TraceConverter.Form.PARQUET, MAX_ERRORS, false);
            }
            Trace src = Trace.open(source);
            int workers = o.workers() != AUTO_WORKERS ? Math.min(o.workers(), setups.size())
                    : autoWorkers(src.memRowCount(), src.vms().size(), setups,
                            Runtime.getRuntime().availableProcessors());
            List<List<SweepResultRow>> perPoint;
            SweepTiming.Tally tally = new SweepTiming.Tally(setups.size());
            if (sharedDecode()) {
                workers = Math.min(setups.size(), SHARED_GROUP);
                perPoint = runShared(o, workers, setups, tmp, source, provenance, s2, tally);
            } else {
                perPoint = runAll(o, workers, setups, tmp, source, provenance, s2, tally);
            }
            if (!source.equals(o.trace())) {
                AtomicOutput.deleteTree(source);
            }
            List<SweepResultRow> rows = new ArrayList<>();
            perPoint.forEach(rows::addAll);
            rows.sort(ORDER);
            Knees.Result knees = Knees.find(o.grid(), rows, o.requirements());
            writeSummary(tmp, o.grid(), rows, knees);
            finisher.finish(tmp, rows, knees);
            SweepTiming timing = tally.finish(System.nanoTime() - t0);
            timing.write(tmp);
            out.commit();
            return new Result(out.target(), o.grid(), setups, rows, knees, System.nanoTime() - t0, workers, timing);
        }
    }

    /** The order of {@code sweep_results}: point, then VM id. */
    public static final Comparator<SweepResultRow> ORDER =
            Comparator.comparingInt(SweepResultRow::point).thenComparingInt(SweepResultRow::vm);

    /** Writes the table, the grid's copy and the answers into a sweep's directory. */
    public static void writeSummary(Path dir, Grid grid, List<SweepResultRow> sortedRows, Knees.Result knees)
            throws IOException {
        MetricTableWriter.writeAll(dir, SweepTables.SWEEP_RESULTS, sortedRows);
        MetricCsv.write(dir.resolve(SweepTables.SWEEP_RESULTS.fileName()), dir.resolve(RESULTS_CSV));
        // same rows, same bytes, whichever JVM (local runner, Spark driver) wrote them
        StringBuilder g = new StringBuilder();
        g.append("# points of this sweep (from ").append(grid.source()).append(")\npoints:\n");
        for (SweepPoint p : grid.points()) {
            g.append(p.label()).append('\n');
        }
        OutputFiles.writeString(dir.resolve(GRID_COPY), g.toString());
        if (!knees.requirements().isEmpty()) {
            OutputFiles.writeString(dir.resolve(ANSWERS), knees.table());
        }
    }

    /**
     * Runs the points in groups of {@link #SHARED_GROUP} by point index, a group's points all at
     * once on threads of their own, reading one decoding of the trace's {@code mem} table.
     */
    private static List<List<SweepResultRow>> runShared(Options o, int threads, List<PointSetup> setups, Path tmp,
            Path source, ReplayJob.Provenance provenance, Stage2Port.Factory s2, SweepTiming.Tally tally)
            throws IOException {
        int n = setups.size();
        SweepProgress progress = SweepProgress.forStderr(o.err(), n, threads, o.quiet());
        Path origin = source.equals(o.trace()) ? null : o.trace();
        List<List<SweepResultRow>> out = new ArrayList<>();
        for (int from = 0; from < n; from += SHARED_GROUP) {
            int to = Math.min(n, from + SHARED_GROUP);
            Group g = runGroup(source, tmp.resolve(POINTS_DIR), setups.subList(from, to), o.scenarioName(),
                    o.toolVersion(), s2, provenance, origin, progress::pointDone);
            out.addAll(g.rows());
            tally.decoding(g.decodeCpuNs(), g.decoderThreadCpuNs(), g.memRowsDecoded());
            for (int i = from; i < to; i++) {
                tally.model(i, g.modelCpuNs().get(i - from));
            }
        }
        progress.finish();
        return out;
    }

    /**
     * What a group of points sharing one decoding gave: each point's rows and model CPU time (ns,
     * -1 unknown), in the group's order, and the decoding's CPU time, its thread's whole CPU time
     * and the rows it decoded (see {@link DecodeCpu}).
     */
    public record Group(List<List<SweepResultRow>> rows, List<Long> modelCpuNs, long decodeCpuNs,
            long decoderThreadCpuNs, long memRowsDecoded) {
    }

    /**
     * Runs {@code group}, points of one trace, all at once on threads of their own, reading one
     * decoding of the trace's {@code mem} table ({@link SharedMem}), each into
     * {@code pointsDir/NNN/}; {@code pointDone} is told as each finishes. Shared by the local runner
     * and the Spark job (one task per group). The first failing point in the group's order fails
     * the group, named after its point; the others stop with it.
     */
    public static Group runGroup(Path source, Path pointsDir, List<PointSetup> group, String scenarioName,
            String toolVersion, Stage2Port.Factory s2, ReplayJob.Provenance provenance, Path origin,
            Runnable pointDone) throws IOException {
        int n = group.size();
        ExecutorService pool = Executors.newFixedThreadPool(n, workerThreads());
        DecodeCpu decode = new DecodeCpu();
        Trace trace = Trace.open(source);
        SharedMem mem = new SharedMem(decode.open(trace), n, packerOf(trace));
        List<SharedMem.Cursor> cursors = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            cursors.add(mem.cursor());
        }
        List<List<SweepResultRow>> rows = new ArrayList<>();
        try {
            List<Future<List<SweepResultRow>>> fs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                PointSetup s = group.get(k);
                SharedMem.Cursor c = cursors.get(k);
                fs.add(pool.submit(() -> {
                    List<SweepResultRow> r = runPoint(source, pointsDir.resolve(s.point().dirName()), s, scenarioName,
                            toolVersion, s2, provenance, origin, c);
                    pointDone.run();
                    return r;
                }));
            }
            for (int k = 0; k < n; k++) {
                rows.add(collect(fs.get(k), group.get(k), pool));
            }
        } finally {
            pool.shutdownNow();
            for (SharedMem.Cursor c : cursors) {
                c.close(); // a point that never started must not hold the decoder up
            }
            awaitQuietly(pool);
            mem.close();
        }
        List<Long> model = new ArrayList<>();
        for (PointSetup s : group) {
            model.add(RunTiming.read(pointsDir.resolve(s.point().dirName())).map(RunTiming::modelCpuNs).orElse(-1L));
        }
        return new Group(rows, model, decode.totalNs(), decode.decoderThreadNs(), decode.rows());
    }

    /**
     * The points' row packer, made from the trace's VMs in the order a replay declares them (each
     * VM once, under its own id): the shared decoder packs every row once for all the points. A
     * point whose layout differs (VMs replicated or left out) does not use the packed words.
     */
    private static MemRowPacker packerOf(Trace trace) {
        List<VmRecord> vms = trace.vms();
        int[] ids = new int[vms.size()];
        int[] vcpus = new int[vms.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vms.get(i).vm();
            vcpus[i] = vms.get(i).vcpus();
        }
        return MemRowPacker.of(ids, vcpus);
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger threadNo = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "sweep-worker-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            // A replay does not stop mid-way; let running ones finish before the caller deletes their files.
            pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The rows of point {@code setup}, or its failure named after the point. */
    private static List<SweepResultRow> collect(Future<List<SweepResultRow>> f, PointSetup setup,
            ExecutorService pool) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            pool.shutdownNow();
            Throwable c = e.getCause();
            String where = "sweep point " + setup.point().index() + " (" + setup.point().label() + "): ";
            if (c instanceof BadInputException b) {
                List<String> p = new ArrayList<>();
                for (String line : b.problems()) {
                    p.add(where + line);
                }
                throw new BadInputException(p);
            }
            if (c instanceof IOException io) {
                throw new IOException(where + io.getMessage(), io);
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(where + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("sweep interrupted", e);
        }
    }

    private static List<List<SweepResultRow>> runAll(Options o, int workers, List<PointSetup> setups, Path tmp,
            Path source, ReplayJob.Provenance provenance, Stage2Port.Factory s2, SweepTiming.Tally tally)
            throws IOException {
        int n = setups.size();
        SweepProgress progress = SweepProgress.forStderr(o.err(), n, workers, o.quiet());
        AtomicInteger threadNo = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "sweep-worker-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(workers, tf);
        try {
            // Biggest hosts first (a point costs about its VM count times the trace's events per VM),
            // so that a long point does not start last and leave the other workers idle at the end.
            // Rows are still collected in point order.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingInt((Integer i) -> -setups.get(i).vms()).thenComparingInt(i -> i));
            List<Future<List<SweepResultRow>>> fs = new ArrayList<>(java.util.Collections.nCopies(n, null));
            // a converted copy: problems with its rows are named in the user's trace
            Path origin = source.equals(o.trace()) ? null : o.trace();
            for (int i : order) {
                PointSetup s = setups.get(i);
                fs.set(i, pool.submit(() -> {
                    List<SweepResultRow> r = runPoint(source, tmp.resolve(POINTS_DIR).resolve(s.point().dirName()), s,
                            o.scenarioName(), o.toolVersion(), s2, provenance, origin);
                    progress.pointDone();
                    return r;
                }));
            }
            List<List<SweepResultRow>> out = new ArrayList<>();
            // Collected in point order, so the first failure reported is the lowest failing point.
            for (int i = 0; i < n; i++) {
                out.add(collect(fs.get(i), setups.get(i), pool));
                // each point decoded the table itself, on its own thread
                int pos = i;
                RunTiming.read(tmp.resolve(POINTS_DIR).resolve(setups.get(i).point().dirName()))
                        .ifPresent(t -> tally.point(pos, t));
            }
            progress.finish();
            return out;
        } finally {
            pool.shutdownNow();
            try {
                // A replay does not stop mid-way; let running ones finish before the caller deletes their files.
                pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
