package org.virtreplay.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.GeneratorOptions;

/**
 * The job as a user runs it: {@code spark-submit} (its main class, {@code SparkSubmit}, in a child
 * JVM whose working directory is a temporary directory) with the job's classes in an application
 * jar, on a {@code local-cluster} master, whose executor is a separate JVM working in its own
 * directory under {@code SPARK_HOME/work} — the same split as on a {@code file://} cluster. A
 * relative path means the driver's working directory; an executor resolving it itself writes into
 * its work directory (or finds no trace there).
 *
 * <p>{@code SPARK_HOME} is a stand-in with a {@code RELEASE} file and an empty {@code jars/}: the
 * worker launches the executor with the test's classpath through
 * {@code spark.executor.extraClassPath} instead.
 */
class SparkSubmitTest {
    @TempDir
    static Path tmp;
    static Path cwd;
    static Path sparkHome;
    static Path appJar;
    static String classPath;

    @BeforeAll
    static void setUp() throws IOException {
        cwd = Files.createDirectories(tmp.resolve("cwd"));
        GeneratorOptions g = new GeneratorOptions();
        g.seed = 5;
        g.vms = 2;
        g.vcpus = 1;
        g.pes = 2;
        g.accesses = 4_000;
        g.accessGapNs = 200;
        g.footprint = "1M";
        g.ram = "16M";
        g.timerHz = 2000;
        GenerateJob.run(g, cwd.resolve("tiny"), Compression.NONE, false, null);
        Files.writeString(cwd.resolve("grid.txt"), "vms = 1, 2\n");
        sparkHome = Files.createDirectories(tmp.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars"));
        Files.writeString(sparkHome.resolve("RELEASE"), "stand-in for a Spark distribution (SparkSubmitTest)\n");
        // The application jar holds this module's classes and resources (log4j2.properties among
        // them), as virtreplay-spark.jar does; they are not on the child's classpath, exactly as
        // under spark-submit, where the jar is loaded after Spark has configured logging.
        Path classes = Path.of(SparkJob.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        appJar = jar(classes, tmp.resolve("app.jar"));
        String testClasses = Path.of(SparkSubmitTest.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath()).toString();
        classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).equals(classes) && !Path.of(e).toString().equals(testClasses))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> s = Files.walk(classes)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private record Ran(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** spark-submit --master local-cluster[1,1,1024] ... app.jar ARGS, in {@link #cwd}. */
    private static Ran submit(String... args) throws IOException, InterruptedException {
        // C1 only in both JVMs: a short job on 2 cores spends more on C2 compiles than on work.
        String jvm = "-XX:TieredStopAtLevel=1 -Xss4m";
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "-Xmx768m", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "org.apache.spark.deploy.SparkSubmit", "--master", "local-cluster[1,1,1024]",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.extraClassPath=" + classPath,
                "--conf", "spark.executor.extraJavaOptions=" + jvm,
                "--class", SparkJob.class.getName(), appJar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_"));
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        Path o = Files.createTempFile(tmp, "stdout", ".txt");
        Path e = Files.createTempFile(tmp, "stderr", ".txt");
        pb.redirectOutput(o.toFile()).redirectError(e.toFile());
        Process p = pb.start();
        // not a timed assertion: a guard so that a hung job fails the test instead of the build
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("spark-submit did not finish in 5 minutes; stderr:\n" + Files.readString(e));
        }
        return new Ran(p.exitValue(), Files.readString(o, StandardCharsets.UTF_8), Files.readString(e, StandardCharsets.UTF_8));
    }

    /** Files an executor left in its work directories (SPARK_HOME/work/APP/N/), other than its own. */
    private static List<Path> leftInExecutorWorkDirs() throws IOException {
        Path work = sparkHome.resolve("work");
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(work)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = work.relativize(f).toString();
                // the executor's own files: its logs and the application jar Spark fetched
                return !(f.getFileName().toString().matches("stdout|stderr|app\\.jar") && n.split("/").length == 3);
            }).toList();
        }
    }

    @Test
    void sweepWithARelativeOutWritesEveryPointWhereTheDriverIs() throws Exception {
        // Before the fix: exit 0 and "swept 2 points", but rel_out/points/ empty and the tables in
        // the executor's work directory.
        Ran r = submit("sweep", cwd.resolve("tiny").toUri().toString(), "--grid", "grid.txt", "--out", "rel_out");
        assertEquals(0, r.exit(), r.err());
        for (String p : List.of("000", "001")) {
            Path point = cwd.resolve("rel_out/points").resolve(p);
            assertTrue(Files.isDirectory(point), point + " missing; stdout: " + r.out());
            RunOutput.open(point);
            assertTrue(Files.size(point.resolve(MetricTables.TLB_STATS.fileName())) > 0);
        }
        assertTrue(Files.isRegularFile(cwd.resolve("rel_out/sweep_results.parquet")));
        assertEquals(List.of(), leftInExecutorWorkDirs());
        // the success line names where the output went, as an absolute path
        assertTrue(r.out().startsWith("swept 2 points (3 rows)"), r.out());
        assertTrue(r.out().contains(cwd.resolve("rel_out").toString()), r.out());
    }

    @Test
    void replayWithARelativeTraceReadsItWhereTheDriverIs() throws Exception {
        // Before the fix: every task failed ("tiny: no such trace directory" in the executor's work
        // directory), was retried, and the job exited 1 with Spark's stack traces.
        Ran r = submit("replay", "tiny", "--out", "rel_replay");
        assertEquals(0, r.exit(), r.err());
        Path host = cwd.resolve("rel_replay/tiny");
        RunOutput.open(host);
        for (var t : List.of(MetricTables.TLB_STATS, MetricTables.IRQ_LATENCY, MetricTables.STAGE2_FAULTS)) {
            assertTrue(Files.isRegularFile(host.resolve(t.fileName())), t.fileName());
        }
        assertEquals(List.of(), leftInExecutorWorkDirs());
        assertTrue(r.out().startsWith("replayed tiny: "), r.out());
        // under spark-submit the jar's logging configuration applies: Spark's INFO lines stay out
        List<String> info = r.errLines().stream().filter(l -> l.contains(" INFO ")).toList();
        assertTrue(info.isEmpty(), info.size() + " INFO lines on stderr, the first: "
                + info.subList(0, Math.min(3, info.size())));
    }
}
