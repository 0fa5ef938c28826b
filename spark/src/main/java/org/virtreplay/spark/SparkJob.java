package org.virtreplay.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.analysis.replay.ReplayJob;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.analysis.sweep.Grid;
import org.virtreplay.analysis.sweep.Knees;
import org.virtreplay.analysis.sweep.PointSetup;
import org.virtreplay.analysis.sweep.Requirement;
import org.virtreplay.analysis.sweep.ScheduleNote;
import org.virtreplay.analysis.sweep.SweepResultRow;
import org.virtreplay.analysis.sweep.SweepRunner;
import org.virtreplay.analysis.sweep.SweepTiming;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.replay.Stage2Ports;
import org.virtreplay.reports.sweep.SweepReport;

/**
 * The replay and sweep jobs on Apache Spark, for when one machine is not enough:
 *
 * <pre>
 * spark-submit --class org.virtreplay.spark.SparkJob virtreplay-spark.jar sweep TRACE --grid GRID --out DIR
 *     [--require EXPR]... [--scenario FILE] [--set KEY=VALUE]... [--points-per-task N] [--force]
 * spark-submit --class org.virtreplay.spark.SparkJob virtreplay-spark.jar replay TRACE... --out DIR
 *     [--scenario FILE] [--set KEY=VALUE]... [--vms N] [--events] [--window NS] [--force]
 * </pre>
 *
 * Every path is a Hadoop path ({@code file://}, {@code hdfs://}, {@code s3a://}; no scheme = the
 * cluster's default filesystem). A sweep runs one group of points per partition (up to
 * {@code --points-per-task}, by point index, as the local runner groups them), the group's points
 * at once on threads of the task, reading one decoding of the trace's {@code mem} table
 * ({@link SweepRunner#runGroup}); a replay runs one host (trace) per partition. An executor copies
 * the trace to its local disk once, runs the same {@link ReplayJob} as the command line, and copies
 * each point's tables to {@code DIR/points/NNN/} (a replay's to {@code DIR/<trace name>/}). The driver collects the {@code sweep_results} rows,
 * sorts them as the local runner does and writes the table, the answers and the HTML study, so the
 * table is byte-identical to {@code virtreplay sweep}'s. Output goes to a temporary sibling of
 * {@code DIR} that is renamed into place at the end. See docs/spark.md.
 *
 * <p>Nothing is lost silently: tasks run in other JVMs with other working directories, so they
 * are only ever given paths the driver has {@linkplain HadoopFiles#qualify qualified}; a task
 * reports the files it wrote, and the driver checks that every one of them is in the output
 * before it reports success. A user's mistake found in a task (a bad row in the trace) comes back
 * as the task's result, not as a failure Spark would retry, and ends the job with exit 2 and the
 * problem's line.
 */
public final class SparkJob {
    private SparkJob() {
    }

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_BAD_INPUT = 2;

    static final String USAGE = String.join("\n",
            "usage: SparkJob sweep TRACE --grid GRID --out DIR [--require EXPR]... [--scenario FILE] [--set KEY=VALUE]... [--points-per-task N] [--force]",
            "       SparkJob replay TRACE... --out DIR [--scenario FILE] [--set KEY=VALUE]... [--vms N] [--events] [--window NS] [--force]",
            "Paths are Hadoop paths: file://, hdfs://, s3a://, or the default filesystem. See docs/spark.md.");

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            System.exit(args.length == 0 ? EXIT_BAD_INPUT : EXIT_OK);
        }
        try {
            Args.parse(args); // a usage mistake needs no Spark
        } catch (BadInputException e) {
            e.problems().forEach(System.err::println);
            System.exit(EXIT_BAD_INPUT);
        }
        JarLogging.useJarConfigurationIfSparkDefault();
        SparkSession spark = SparkSession.builder().appName("virtreplay " + args[0]).getOrCreate();
        int code;
        try {
            code = run(args, spark, System.out, System.err);
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /** Runs a command on {@code spark}; returns the exit code (0, 1 internal error, 2 bad input). */
    public static int run(String[] args, SparkSession spark, PrintStream out, PrintStream err) {
        try {
            Args a = Args.parse(args);
            switch (a.command) {
                case "sweep" -> sweep(a, spark, out);
                case "replay" -> replay(a, spark, out);
                default -> throw new IllegalStateException(a.command); // Args.parse refused it
            }
            return EXIT_OK;
        } catch (BadInputException e) {
            e.problems().forEach(err::println);
            return EXIT_BAD_INPUT;
        } catch (Exception e) {
            err.println("virtreplay spark: " + e);
            e.printStackTrace(err);
            return EXIT_INTERNAL;
        }
    }

    // ---------------------------------------------------------------- sweep

    private static void sweep(Args a, SparkSession spark, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        HadoopFiles.Conf shipped = new HadoopFiles.Conf(HadoopFiles.snapshot(conf));
        // Tasks resolve nothing themselves: they are handed qualified paths only.
        String traceUri = HadoopFiles.qualify(a.positional.get(0), conf);
        String outUri = HadoopFiles.qualify(a.out, conf);
        List<Requirement> reqs = new ArrayList<>();
        for (String r : a.requirements) {
            reqs.add(Requirement.parse(r));
        }
        Grid grid = Grid.parse(a.grid, HadoopFiles.readText(a.grid, conf));
        Scenario base = base(a, conf);
        if (HadoopFiles.exists(outUri, conf) && !a.force) {
            throw new BadInputException(a.out + ": already exists; use --force to replace it");
        }
        HadoopFiles.checkTraceDir(a.positional.get(0), traceUri, conf);
        // The driver resolves every point (it needs the trace's VM list), so a bad grid fails here.
        java.nio.file.Path localTrace = HadoopFiles.localTrace(traceUri, conf);
        List<PointSetup> setups;
        try {
            setups = SweepRunner.setups(localTrace, grid, base);
        } catch (BadInputException e) {
            throw naming(e, localTrace, traceUri);
        }
        String tmp = HadoopFiles.sibling(outUri, spark.sparkContext().applicationId());
        String pointsUri = HadoopFiles.child(tmp, SweepRunner.POINTS_DIR);
        HadoopFiles.mkdirs(pointsUri, "--out " + a.out, conf);
        boolean done = false;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // One partition per group of points (consecutive by index, as the local runner groups
            // them): a task replays its group at once over one decoding of the trace.
            int perTask = SweepRunner.sharedDecode() ? a.pointsPerTask : 1;
            List<ArrayList<PointSetup>> groups = new ArrayList<>();
            for (int from = 0; from < setups.size(); from += perTask) {
                groups.add(new ArrayList<>(setups.subList(from, Math.min(setups.size(), from + perTask))));
            }
            List<GroupResult> results = jsc.parallelize(groups, groups.size())
                    .map(new RunGroup(traceUri, pointsUri, shipped, a.scenarioName(), version()))
                    .collect();
            Map<String, Map<String, Long>> written = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            List<SweepResultRow> rows = new ArrayList<>();
            SweepTiming.Tally tally = new SweepTiming.Tally(setups.size());
            int position = 0;
            for (GroupResult g : results) {
                tally.decoding(g.decodeCpuNs(), g.decoderThreadCpuNs(), g.memRowsDecoded());
                for (PointResult r : g.points()) {
                    problems.addAll(r.problems());
                    written.put(SweepRunner.POINTS_DIR + "/" + r.dir(), r.files());
                    rows.addAll(r.rows());
                    if (r.problems().isEmpty()) {
                        tally.model(position++, r.modelCpuNs());
                    }
                }
            }
            failOnProblems(problems);
            checkWritten(outUri, tmp, written, "points", conf);
            rows.sort(SweepRunner.ORDER);
            Knees.Result knees = Knees.find(grid, rows, reqs);
            java.nio.file.Path summary = Files.createTempDirectory("virtreplay-sweep-");
            SweepTiming timing;
            try {
                SweepRunner.writeSummary(summary, grid, rows, knees);
                SweepReport.write(summary, HadoopFiles.name(traceUri), version(), grid, rows, knees);
                timing = tally.finish(System.nanoTime() - t0);
                timing.write(summary);
                try (var files = Files.list(summary)) {
                    for (java.nio.file.Path f : files.sorted().toList()) {
                        HadoopFiles.copyFileFromLocal(f, tmp, conf);
                    }
                }
            } finally {
                HadoopFiles.deleteTree(summary);
            }
            if (HadoopFiles.exists(outUri, conf)) {
                HadoopFiles.delete(outUri, conf);
            }
            HadoopFiles.rename(tmp, outUri, conf);
            done = true;
            String scheduleNote = ScheduleNote.ofSetups(setups);
            if (scheduleNote != null) {
                System.err.println("virtreplay spark: warning: " + scheduleNote);
            }
            out.printf(Locale.ROOT, "swept %d points (%d rows) in %.2f s on Spark (%s): %s%n", setups.size(),
                    rows.size(), (System.nanoTime() - t0) / 1e9, spark.sparkContext().master(), outUri);
            out.println(timing.cpuLine());
            out.println("study: " + HadoopFiles.child(outUri, SweepReport.FILE));
            if (!reqs.isEmpty()) {
                out.println();
                out.print(knees.table());
            }
        } finally {
            if (!done) {
                HadoopFiles.delete(tmp, conf);
            }
        }
    }

    /**
     * What one sweep point did: its directory under {@code points/}, its rows, the files it copied
     * there (relative path to length), its model's CPU time (ns, -1 unknown), or the problems with
     * the user's input it found.
     */
    record PointResult(String dir, List<SweepResultRow> rows, Map<String, Long> files, long modelCpuNs,
            List<String> problems) implements Serializable {
        private static final long serialVersionUID = 2L;

        static PointResult failed(String dir, List<String> problems) {
            return new PointResult(dir, List.of(), Map.of(), -1, problems);
        }
    }

    /**
     * What one task (a group of points) did: its points, in order, and its decoding of the trace's
     * {@code mem} table: CPU time, the decoding thread's whole CPU time (-1 when it decoded in line)
     * and the rows decoded (docs/sweep.md, timing.json).
     */
    record GroupResult(List<PointResult> points, long decodeCpuNs, long decoderThreadCpuNs, long memRowsDecoded)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * One group of sweep points on an executor: replay them locally (at once, over one decoding of
     * the trace, when there are several), ship the tables, return the rows. A task that fails is
     * retried whole by Spark: every point of the group runs again, each replacing its earlier copy.
     */
    static final class RunGroup implements Function<ArrayList<PointSetup>, GroupResult> {
        private static final long serialVersionUID = 1L;
        private final String traceUri;
        private final String pointsUri;
        private final HadoopFiles.Conf conf;
        private final String scenarioName;
        private final String version;

        RunGroup(String traceUri, String pointsUri, HadoopFiles.Conf conf, String scenarioName, String version) {
            this.traceUri = traceUri;
            this.pointsUri = pointsUri;
            this.conf = conf;
            this.scenarioName = scenarioName;
            this.version = version;
        }

        @Override
        public GroupResult call(ArrayList<PointSetup> group) throws IOException {
            Configuration c = conf.get();
            String first = group.get(0).point().dirName();
            java.nio.file.Path trace;
            try {
                trace = HadoopFiles.localTrace(traceUri, c);
            } catch (BadInputException e) {
                return new GroupResult(List.of(PointResult.failed(first, List.of(notSeenByExecutor(traceUri)))),
                        0, -1, 0);
            }
            java.nio.file.Path work = Files.createTempDirectory("virtreplay-points-");
            try {
                List<List<SweepResultRow>> rows;
                long decodeNs;
                long threadNs;
                long decoded;
                try {
                    if (group.size() == 1) {
                        // one point, one core: it decodes the table in line, as without sharing
                        java.nio.file.Path dir = work.resolve(first);
                        rows = List.of(SweepRunner.runPoint(trace, dir, group.get(0), scenarioName, version,
                                Stage2Ports.kvm()));
                        RunTiming t = RunTiming.read(dir).orElse(new RunTiming(0, 0));
                        decodeNs = t.memDecodeCpuNs();
                        threadNs = t.memDecoderThreadCpuNs();
                        decoded = Math.max(0, t.memRowsDecoded());
                    } else {
                        SweepRunner.Group g = SweepRunner.runGroup(trace, work, group, scenarioName, version,
                                Stage2Ports.kvm(), null, null, () -> { });
                        rows = g.rows();
                        decodeNs = g.decodeCpuNs();
                        threadNs = g.decoderThreadCpuNs();
                        decoded = g.memRowsDecoded();
                    }
                } catch (BadInputException e) {
                    // the same input gives the same problem on a retry: report it, do not fail the task
                    return new GroupResult(List.of(PointResult.failed(first, naming(e, trace, traceUri).problems())),
                            0, -1, 0);
                }
                List<PointResult> points = new ArrayList<>();
                for (int k = 0; k < group.size(); k++) {
                    String name = group.get(k).point().dirName();
                    java.nio.file.Path dir = work.resolve(name);
                    HadoopFiles.copyDirFromLocal(dir, HadoopFiles.child(pointsUri, name), c);
                    long model = RunTiming.read(dir).map(RunTiming::modelCpuNs).orElse(-1L);
                    points.add(new PointResult(name, List.copyOf(rows.get(k)), HadoopFiles.listLocalFiles(dir), model,
                            List.of()));
                }
                return new GroupResult(points, decodeNs, threadNs, decoded);
            } finally {
                HadoopFiles.deleteTree(work);
            }
        }
    }

    // ---------------------------------------------------------------- replay

    /**
     * What one host's replay did, for the driver's summary: the files it copied to
     * {@code DIR/<name>/} (relative path to length), or the problems with the user's input it found.
     */
    record HostResult(String name, long events, long accesses, long wallNs, Map<String, Long> files,
            List<String> problems) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private static void replay(Args a, SparkSession spark, PrintStream out) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        // Tasks resolve nothing themselves: they are handed qualified paths only (which also gives
        // "." or "../x" their real names).
        List<String> traces = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (String t : a.positional) {
            String q = HadoopFiles.qualify(t, conf);
            traces.add(q);
            if (!names.add(HadoopFiles.name(q))) {
                throw new BadInputException(t + ": two traces named '" + HadoopFiles.name(q)
                        + "'; each host's tables go to DIR/<trace name>/");
            }
            try {
                HadoopFiles.checkTraceDir(t, q, conf);
            } catch (BadInputException e) {
                problems.addAll(e.problems());
            }
        }
        failOnProblems(problems);
        String outUri = HadoopFiles.qualify(a.out, conf);
        Scenario base = base(a, conf);
        if (HadoopFiles.exists(outUri, conf) && !a.force) {
            throw new BadInputException(a.out + ": already exists; use --force to replace it");
        }
        String tmp = HadoopFiles.sibling(outUri, spark.sparkContext().applicationId());
        HadoopFiles.mkdirs(tmp, "--out " + a.out, conf);
        boolean done = false;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Map<String, String> opts = new TreeMap<>();
            opts.put("window", Long.toString(a.windowNs));
            opts.put("events", Boolean.toString(a.events));
            opts.put("spark", "true");
            for (String s : a.sets) {
                opts.put("set." + s.substring(0, s.indexOf('=')).strip(), s.substring(s.indexOf('=') + 1).strip());
            }
            RunHost task = new RunHost(tmp, new HadoopFiles.Conf(HadoopFiles.snapshot(conf)), base.toText(),
                    a.scenarioName(), version(), a.windowNs, a.events, a.vms, opts);
            List<HostResult> res = jsc.parallelize(traces, traces.size()).map(task::call).collect();
            Map<String, Map<String, Long>> written = new LinkedHashMap<>();
            for (HostResult r : res) {
                problems.addAll(r.problems());
                written.put(r.name(), r.files());
            }
            failOnProblems(problems);
            checkWritten(outUri, tmp, written, "hosts", conf);
            if (HadoopFiles.exists(outUri, conf)) {
                HadoopFiles.delete(outUri, conf);
            }
            HadoopFiles.rename(tmp, outUri, conf);
            done = true;
            for (HostResult r : res) {
                out.printf(Locale.ROOT, "replayed %s: %,d events (%,d memory accesses) in %.2f s: %s%n", r.name(),
                        r.events(), r.accesses(), r.wallNs() / 1e9, HadoopFiles.child(outUri, r.name()));
            }
        } finally {
            if (!done) {
                HadoopFiles.delete(tmp, conf);
            }
        }
    }

    /** One host (trace) per partition: the same ReplayJob as {@code virtreplay replay}. */
    record RunHost(String outUri, HadoopFiles.Conf conf, String scenarioText, String scenarioName, String version,
            long windowNs, boolean events, int vms, Map<String, String> opts) implements Serializable {
        private static final long serialVersionUID = 1L;

        HostResult call(String traceUri) throws IOException {
            Configuration c = conf.get();
            String name = HadoopFiles.name(traceUri);
            java.nio.file.Path trace;
            try {
                trace = HadoopFiles.localTrace(traceUri, c);
            } catch (BadInputException e) {
                return new HostResult(name, 0, 0, 0, Map.of(), List.of(notSeenByExecutor(traceUri)));
            }
            java.nio.file.Path work = Files.createTempDirectory("virtreplay-replay-");
            try {
                java.nio.file.Path dir = work.resolve(name);
                ReplayJob.Result r;
                try {
                    r = ReplayJob.run(new ReplayJob.Options(trace, dir, Scenario.parse("scenario", scenarioText),
                            scenarioName, windowNs, events, true, false, version, opts, vms, false),
                            Stage2Ports.kvm()); // one task, one core: no read-ahead thread
                } catch (BadInputException e) {
                    // the same input gives the same problem on a retry: report it, do not fail the task
                    return new HostResult(name, 0, 0, 0, Map.of(), naming(e, trace, traceUri).problems());
                }
                HadoopFiles.copyDirFromLocal(dir, HadoopFiles.child(outUri, name), c);
                return new HostResult(name, r.events(), r.accesses(), r.wallNs(), HadoopFiles.listLocalFiles(dir),
                        List.of());
            } finally {
                HadoopFiles.deleteTree(work);
            }
        }
    }

    // ---------------------------------------------------------------- what the tasks did

    /** Exit 2 with the problems the tasks reported, each once, in the order found. */
    private static void failOnProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new BadInputException(List.copyOf(new LinkedHashSet<>(problems)));
        }
    }

    /** {@code e} with the executor's local copy of a trace named as the user's trace. */
    static BadInputException naming(BadInputException e, java.nio.file.Path localCopy, String traceUri) {
        String local = localCopy.toString();
        return new BadInputException(e.problems().stream().map(p -> p.replace(local, traceUri)).toList());
    }

    /** The driver saw the trace (it checked before starting), so an executor not seeing it is the cluster's setup. */
    static String notSeenByExecutor(String traceUri) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "?";
        }
        return traceUri + ": the driver sees this trace but an executor (on " + host + ") does not; "
                + SHARED_FILESYSTEM;
    }

    static final String SHARED_FILESYSTEM = "the driver and every executor must see the same filesystem at that "
            + "path: use hdfs://, s3a://, or a file:// directory on a mount shared by every node (see docs/spark.md)";

    /**
     * A job that reports success must have written its output: every file a task says it copied
     * must be under {@code tmp} with the length it had on the task's disk. On a {@code file://}
     * "cluster" whose nodes do not share that directory, tasks write to their own disks and the
     * driver sees nothing; that ends the job with exit 2 and one line, before anything is renamed
     * into place.
     *
     * @param byTask the directory of each task under {@code tmp}, to the files it wrote there
     */
    static void checkWritten(String outUri, String tmp, Map<String, Map<String, Long>> byTask, String tasks,
            Configuration conf) throws IOException {
        Map<String, Long> there = HadoopFiles.listFiles(tmp, conf);
        int bad = 0;
        String first = null;
        for (Map.Entry<String, Map<String, Long>> t : byTask.entrySet()) {
            boolean ok = true;
            for (Map.Entry<String, Long> f : t.getValue().entrySet()) {
                String rel = t.getKey() + "/" + f.getKey();
                Long len = there.get(rel);
                if (len == null || len.longValue() != f.getValue()) {
                    ok = false;
                    if (first == null) {
                        first = len == null ? rel + " is missing"
                                : String.format(Locale.ROOT, "%s has %,d bytes, not %,d", rel, len, f.getValue());
                    }
                }
            }
            if (!ok) {
                bad++;
            }
        }
        if (bad > 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: the tables of %d of %d %s did not reach the output although their tasks wrote them (%s); %s",
                    outUri, bad, byTask.size(), tasks, first, SHARED_FILESYSTEM));
        }
    }

    // ---------------------------------------------------------------- arguments

    private static Scenario base(Args a, Configuration conf) throws IOException {
        Scenario sc = a.scenario == null ? Scenario.defaults() : Scenario.parse(a.scenario, HadoopFiles.readText(a.scenario, conf));
        for (String s : a.sets) {
            String problem = Scenario.setProblem(s);
            if (problem != null) {
                throw new BadInputException(problem);
            }
            int eq = s.indexOf('=');
            Scenario.Key k = Scenario.key(s.substring(0, eq).strip());
            sc = sc.with(k, s.substring(eq + 1).strip());
        }
        return sc;
    }

    /** The version of the virtreplay classes in the job's jar, which Maven writes into a resource. */
    static String version() {
        try (java.io.InputStream in = SparkJob.class.getResourceAsStream("/virtreplay-spark.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The command line, parsed by hand: the job has no picocli on a cluster's classpath. */
    static final class Args {
        String command;
        final List<String> positional = new ArrayList<>();
        String grid;
        String out;
        String scenario;
        final List<String> sets = new ArrayList<>();
        final List<String> requirements = new ArrayList<>();
        boolean force;
        boolean events;
        int vms;
        long windowNs = SweepRunner.WINDOW_NS;
        int pointsPerTask = SweepRunner.SHARED_GROUP;

        String scenarioName() {
            return scenario == null ? "defaults" : HadoopFiles.name(scenario);
        }

        static Args parse(String[] args) {
            Args a = new Args();
            if (args.length == 0) {
                throw new BadInputException("missing command\n" + USAGE);
            }
            a.command = args[0];
            for (int i = 1; i < args.length; i++) {
                String s = args[i];
                switch (s) {
                    case "--grid" -> a.grid = value(args, ++i, s);
                    case "--out" -> a.out = value(args, ++i, s);
                    case "--scenario" -> a.scenario = value(args, ++i, s);
                    case "--set" -> a.sets.add(value(args, ++i, s));
                    case "--require" -> a.requirements.add(value(args, ++i, s));
                    case "--force" -> a.force = true;
                    case "--events" -> a.events = true;
                    case "--vms" -> a.vms = positive(value(args, ++i, s), s);
                    case "--window" -> a.windowNs = positive(value(args, ++i, s), s);
                    case "--points-per-task" -> {
                        a.pointsPerTask = positive(value(args, ++i, s), s);
                        if (a.pointsPerTask > SweepRunner.SHARED_GROUP) {
                            throw new BadInputException(s + ": expected at most " + SweepRunner.SHARED_GROUP
                                    + " points per task (each holds a whole model in the executor's memory), got '"
                                    + a.pointsPerTask + "'");
                        }
                    }
                    default -> {
                        if (s.startsWith("--")) {
                            throw new BadInputException("unknown option '" + s + "'\n" + USAGE);
                        }
                        a.positional.add(s);
                    }
                }
            }
            // every usage mistake is found here, so that main() refuses it before starting Spark
            switch (a.command) {
                case "sweep" -> {
                    if (a.positional.size() != 1 || a.grid == null || a.out == null) {
                        throw new BadInputException("sweep: expected one TRACE, --grid GRID and --out DIR\n" + USAGE);
                    }
                }
                case "replay" -> {
                    if (a.positional.isEmpty() || a.out == null) {
                        throw new BadInputException("replay: expected at least one TRACE and --out DIR\n" + USAGE);
                    }
                }
                default -> throw new BadInputException("unknown command '" + a.command + "'\n" + USAGE);
            }
            return a;
        }

        private static String value(String[] args, int i, String opt) {
            if (i >= args.length) {
                throw new BadInputException(opt + ": missing value\n" + USAGE);
            }
            return args[i];
        }

        private static int positive(String v, String opt) {
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BadInputException(opt + ": expected a positive integer, got '" + v + "'");
        }
    }
}
