import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whole replays of a real trace by two (or more) builds of the command-line jar, in one JVM, in
 * alternating rounds: the end-to-end counterpart of {@code ReplayPathAB}. On this shared 2-vCPU
 * machine the same build's model CPU moves by a third from one minute to the next (other tenants'
 * load, which the load average does not show), so replays in separate processes minutes apart
 * compare badly; here each round replays the trace once with every build, one after the other,
 * alternating which goes first, and only the per-round pairs are compared.
 *
 * <p>Each build is a directory holding {@code virtreplay.jar} and its {@code lib/} (a copy of
 * {@code cli/target/virtreplay.jar} and {@code cli/target/lib} after {@code mvn -pl cli -am package
 * -DskipTests}), loaded in a class loader of its own: its own classes and its own JIT code. The
 * figure is the replay's {@code model_cpu_ns} from its {@code timing.json} (the model thread's
 * CPU, decoding on the reader thread not included). The first round of each build includes its
 * JIT warm-up and class loading; later rounds run warm code, so they show the per-access cost
 * with less of the fixed part than a fresh process.
 *
 * <pre>
 * java bench/scripts/ReplayAB.java ROUNDS TRACE DIR_A DIR_B [DIR ...]
 * # e.g. java -Xmx1g bench/scripts/ReplayAB.java 8 g8-pq /tmp/jar-before /tmp/jar-after
 * </pre>
 * Prints each replay's model CPU and the load average, then each build's median and range.
 * The outputs go to temporary directories, removed at the end.
 */
public class ReplayAB {
    public static void main(String[] a) throws Exception {
        if (a.length < 4) {
            System.err.println("usage: java bench/scripts/ReplayAB.java ROUNDS TRACE DIR_A DIR_B [DIR ...]");
            System.exit(2);
        }
        // The jar's own logging settings are read through the system class loader, which is this
        // script's: keep Parquet's per-file INFO lines out of the figures.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int rounds = Integer.parseInt(a[0]);
        String trace = a[1];
        String[] dirs = Arrays.copyOfRange(a, 2, a.length);
        Method[] execute = new Method[dirs.length];
        for (int v = 0; v < dirs.length; v++) {
            List<URL> urls = new ArrayList<>();
            urls.add(Path.of(dirs[v], "virtreplay.jar").toUri().toURL());
            File[] libs = new File(dirs[v], "lib").listFiles();
            if (libs == null) {
                System.err.println(dirs[v] + ": no lib/ beside virtreplay.jar");
                System.exit(2);
            }
            Arrays.sort(libs);
            for (File f : libs) {
                urls.add(f.toURI().toURL());
            }
            ClassLoader l = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            execute[v] = l.loadClass("org.virtreplay.cli.VirtReplay").getMethod("execute", String[].class,
                    PrintWriter.class, PrintWriter.class);
        }
        Path tmp = Files.createTempDirectory("replay-ab");
        double[][] cpu = new double[dirs.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < dirs.length; k++) {
                int v = r % 2 == 0 ? k : dirs.length - 1 - k;
                Path out = tmp.resolve("out-" + v);
                StringWriter err = new StringWriter();
                String[] args = {"replay", trace, "--out", out.toString(), "--force", "-q", "--no-events"};
                int rc = (int) execute[v].invoke(null, args, new PrintWriter(new StringWriter()),
                        new PrintWriter(err, true));
                if (rc != 0) {
                    System.err.print(err);
                    System.exit(1);
                }
                String timing = Files.readString(out.resolve("timing.json"));
                cpu[v][r] = Long.parseLong(timing.replaceAll("(?s).*\"model_cpu_ns\": ([0-9]+).*", "$1")) / 1e9;
                String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
                System.out.printf(Locale.ROOT, "round %d  %-32s model %.2f CPU-s  load %s%n", r, dirs[v], cpu[v][r],
                        load);
            }
        }
        for (int v = 0; v < dirs.length; v++) {
            double[] s = cpu[v].clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "median %-32s %.2f CPU-s (%.2f-%.2f)%n", dirs[v], s[s.length / 2], s[0],
                    s[s.length - 1]);
        }
        try (var files = Files.walk(tmp)) {
            files.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        }
    }
}
