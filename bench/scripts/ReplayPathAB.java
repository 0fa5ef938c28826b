import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two (or more) builds of the replay engine, measured in one JVM, in alternating rounds of
 * {@code ReplayPathBenchmark}'s CPU-time mode. On a shared machine, separate processes run
 * minutes apart see different neighbours and differed by up to 30 % for the same build; within
 * one process, rounds of the same build agree within 1-2 ns, so alternating rounds compares the
 * builds under the same conditions. Each build's classes live in a class loader of their own
 * (with their own copy of the benchmark, analysis and ingest classes, and their own JIT code).
 *
 * <pre>
 * # each variant: a copy of replay-engine/target/classes of one build
 * mvn -B -q -o -pl bench -am package -DskipTests
 * java bench/scripts/ReplayPathAB.java ROUNDS STREAM BENCH DIR_A DIR_B [DIR_C ...]
 * # e.g.  java bench/scripts/ReplayPathAB.java 6 mix onMemBatch /tmp/engine-before /tmp/engine-after
 * </pre>
 * Run from the repository root (it takes the bench, analysis and ingest classes and
 * bench/target/lib from there). Every build must offer what this checkout's benchmark calls: since
 * the packed rows (commit 2f24418), {@code Replayer.memRowPacker()} and the {@code onMemBatch}
 * that takes packed words; an older engine fails with {@code NoSuchMethodError}. Prints each round's figure per build, then their medians; rounds
 * alternate the order (A B, B A, ...), so neither build always runs first.
 */
public class ReplayPathAB {
    public static void main(String[] a) throws Exception {
        if (a.length < 5) {
            System.err.println("usage: java bench/scripts/ReplayPathAB.java ROUNDS STREAM BENCH DIR_A DIR_B [DIR ...]");
            System.exit(2);
        }
        int rounds = Integer.parseInt(a[0]);
        String stream = a[1];
        String bench = a[2];
        String[] dirs = Arrays.copyOfRange(a, 3, a.length);
        List<URL> common = new ArrayList<>();
        for (String m : new String[] {"bench", "analysis", "ingest"}) {
            common.add(new File(m + "/target/classes/").toURI().toURL());
        }
        List<URL> libs = new ArrayList<>();
        File[] jars = new File("bench/target/lib").listFiles();
        if (jars == null) {
            System.err.println("no bench/target/lib: run from the repository root after building the bench module");
            System.exit(2);
        }
        Arrays.sort(jars);
        for (File f : jars) {
            String n = f.getName();
            // The project's own modules come from the classes above and the variant's directory.
            if (n.endsWith(".jar") && !n.startsWith("replay-engine-") && !n.startsWith("analysis-")
                    && !n.startsWith("ingest-")) {
                libs.add(f.toURI().toURL());
            }
        }
        Method[] mains = new Method[dirs.length];
        for (int v = 0; v < dirs.length; v++) {
            List<URL> urls = new ArrayList<>(common);
            urls.add(new File(dirs[v] + "/").toURI().toURL());
            urls.addAll(libs);
            URLClassLoader l = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            mains[v] = l.loadClass("org.virtreplay.analysis.replay.ReplayPathBenchmark").getMethod("cpuRound",
                    String.class, String.class, double.class);
        }
        double[][] ns = new double[dirs.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < dirs.length; j++) {
                int v = r % 2 == 0 ? j : dirs.length - 1 - j;
                ns[v][r] = (double) mains[v].invoke(null, stream, bench, 1.0);
                System.out.printf(Locale.ROOT, "round %d  %-40s %s %s %.1f ns per access%n", r, dirs[v], stream, bench,
                        ns[v][r]);
            }
        }
        for (int v = 0; v < dirs.length; v++) {
            double[] s = ns[v].clone();
            Arrays.sort(s);
            double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
            System.out.printf(Locale.ROOT, "median %-40s %.1f ns (%.1f-%.1f)%n", dirs[v], median, s[0], s[s.length - 1]);
        }
    }
}
