package org.virtreplay.cli.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The test side of {@link Worker}: starts the worker JVM with the test class path, hands it one
 * command line at a time and reads back what happened, and starts a new worker after a hang.
 */
final class WorkerClient implements AutoCloseable {

    /** What one command line did. */
    record Outcome(int exit, String out, String err, long millis, boolean hung, String where, String escaped) {
    }

    /** Grace on top of the worker's own timeout before the worker itself counts as stuck. */
    private static final long GRACE_MS = 30_000;

    private final long timeoutMs;
    private final Path logDir;
    private final Path tmpDir;
    private Process process;
    private Writer toWorker;
    private BlockingQueue<String> lines;
    private int seq;
    private int starts;

    /** A client whose worker has {@code tmpDir} as its java.io.tmpdir, so that what a case leaves there shows. */
    WorkerClient(long timeoutMs, Path logDir, Path tmpDir) {
        this.timeoutMs = timeoutMs;
        this.logDir = logDir;
        this.tmpDir = tmpDir;
    }

    /** The java command that runs a class of this test class path in a fresh JVM. */
    static List<String> javaCommand(String mainClass, String maxHeap) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Xmx" + maxHeap);
        // The parallel collector gives up ("GC overhead limit exceeded") when a case only collects
        // garbage near a full heap, so such a case ends as an OutOfMemoryError, not as a hang.
        cmd.add("-XX:+UseParallelGC");
        cmd.add("-XX:ParallelGCThreads=1");
        // Cases are small: C1 alone compiles them sooner than C2 would pay back.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    private void start() throws IOException, InterruptedException {
        List<String> cmd = javaCommand(Worker.class.getName(), "768m");
        cmd.add(cmd.size() - 1, "-Djava.io.tmpdir=" + tmpDir);
        cmd.add(Long.toString(timeoutMs));
        Path warm = tmpDir.resolveSibling("warm-up");
        Corpus.deleteTree(warm);
        cmd.addAll(List.of("run", BaseInputs.csvTrace().toString(), "--out", warm.toString(), "-q"));
        starts++;
        // Its own current directory, so that a relative (or empty) path of a case lands where the
        // suite looks, never in the module's directory.
        process = new ProcessBuilder(cmd)
                .directory(Files.createDirectories(tmpDir.resolveSibling("cwd")).toFile())
                .redirectError(logDir.resolve("worker-" + starts + ".stderr").toFile())
                .start();
        toWorker = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        lines = q;
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    q.add(l);
                }
            } catch (IOException e) {
                // the worker died; the poll below times out or sees EOF
            }
            q.add("EOF");
        }, "worker-reader");
        reader.setDaemon(true);
        reader.start();
        String first = q.poll(180, TimeUnit.SECONDS);
        Corpus.deleteTree(warm);
        if (!"READY".equals(first)) {
            throw new IllegalStateException("reliability worker did not start (" + first + "); see "
                    + logDir.resolve("worker-" + starts + ".stderr"));
        }
    }

    /** Runs one command line; what it printed and its result also stay in {@code resultDir}. */
    Outcome run(List<String> args, Path resultDir) {
        try {
            Files.createDirectories(resultDir);
            if (process == null || !process.isAlive()) {
                start();
            }
            String id = Integer.toString(++seq);
            StringBuilder req = new StringBuilder(id).append('\t').append(Worker.escape(resultDir.toString()));
            for (String a : args) {
                req.append('\t').append(Worker.escape(a));
            }
            toWorker.write(req.append('\n').toString());
            toWorker.flush();
            long deadline = System.nanoTime() + (timeoutMs + GRACE_MS) * 1_000_000L;
            while (true) {
                long left = deadline - System.nanoTime();
                String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null) {
                    // The worker is stuck beyond its own watchdog: an unrecoverable JVM state.
                    kill();
                    return new Outcome(-1, "", "", timeoutMs + GRACE_MS, true, "worker unresponsive", "");
                }
                if (l.equals("EOF")) {
                    // The JVM ended during the case (System.exit, a crash): its exit code is the case's.
                    process.waitFor(30, TimeUnit.SECONDS);
                    int code = process.isAlive() ? -1 : process.exitValue();
                    kill();
                    return new Outcome(code, "", "the JVM ended during the command with exit code " + code
                            + " (System.exit or a crash)\n", 0, false, "", "");
                }
                if (l.equals("DONE " + id)) {
                    break;
                }
            }
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(resultDir.resolve("result.properties"))) {
                p.load(r);
            }
            boolean hung = Boolean.parseBoolean(p.getProperty("hung"));
            if (hung) {
                process.waitFor(30, TimeUnit.SECONDS);
                kill();
            }
            return new Outcome(Integer.parseInt(p.getProperty("exit")),
                    Files.readString(resultDir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(resultDir.resolve("stderr.txt")), StandardCharsets.UTF_8),
                    Long.parseLong(p.getProperty("millis")), hung, p.getProperty("where", ""),
                    p.getProperty("escaped", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** The worker's current directory. */
    Path cwd() {
        return tmpDir.resolveSibling("cwd");
    }

    /** How many worker JVMs were started (1 + the hangs). */
    int starts() {
        return starts;
    }

    @Override
    public void close() {
        if (process != null) {
            try {
                toWorker.close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (IOException | InterruptedException e) {
                kill();
            }
            process = null;
        }
    }
}
