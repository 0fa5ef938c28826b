package org.virtreplay.cli.reliability;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.virtreplay.cli.VirtReplay;

/**
 * The child JVM that runs the corpus's cases: one {@link VirtReplay#execute} per request, in this
 * process, exactly as {@code main} would run it but without {@code System.exit}. A case that does
 * not finish within the timeout is a hang: the worker writes where every thread of the case is,
 * then halts, and {@link WorkerClient} starts a fresh worker for the next case. A case therefore
 * never leaves a spinning thread or a full heap in the JVM that runs the tests.
 *
 * <p>Protocol: one request per line on stdin, {@code ID TAB RESULTDIR TAB ARG TAB ARG ...} with
 * tab, newline and backslash escaped ({@link #escape}); the answer is the line {@code DONE ID} on
 * stdout once {@code RESULTDIR} holds {@code result.properties}, {@code stdout.txt} and
 * {@code stderr.txt}.
 */
public final class Worker {

    private Worker() {
    }

    /** A stream that collects what a case prints, for System.out/err and the command's writers alike. */
    private static final class Capture extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            buf.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buf.write(b, off, len);
        }

        synchronized byte[] bytes() {
            return buf.toByteArray();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        long timeoutMs = Long.parseLong(args[0]);
        PrintStream proto = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        PrintStream origErr = System.err;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args.length > 1) {
            // A warm-up command (a whole run of a valid trace): the classes a case needs are loaded
            // and compiled before the first case's clock starts, so every case has the same timeout.
            String[] warm = java.util.Arrays.copyOfRange(args, 1, args.length);
            java.io.StringWriter sink = new java.io.StringWriter();
            VirtReplay.execute(warm, new PrintWriter(sink), new PrintWriter(sink));
        }
        proto.println("READY");
        for (String line; (line = in.readLine()) != null; ) {
            long limit = timeoutMs;
            List<String> f = unescapeFields(line);
            String id = f.get(0);
            Path resultDir = Path.of(f.get(1));
            String[] cmd = f.subList(2, f.size()).toArray(new String[0]);
            Capture out = new Capture();
            Capture err = new Capture();
            int[] exit = {-1};
            String[] escaped = {""};
            Thread t = new Thread(() -> {
                PrintWriter ow = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
                PrintWriter ew = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
                try {
                    exit[0] = VirtReplay.execute(cmd, ow, ew);
                } catch (Throwable e) {
                    // What the JVM's default handler would print, and main's exit code.
                    ew.print("Exception in thread \"main\" ");
                    e.printStackTrace(ew);
                    escaped[0] = e.getClass().getName();
                    exit[0] = 1;
                }
                ow.flush();
                ew.flush();
            }, "case-" + id);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
            long t0 = System.nanoTime();
            t.start();
            t.join(limit);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Properties p = new Properties();
            boolean hung = t.isAlive();
            p.setProperty("exit", Integer.toString(hung ? -1 : exit[0]));
            p.setProperty("millis", Long.toString(ms));
            p.setProperty("hung", Boolean.toString(hung));
            p.setProperty("escaped", escaped[0]);
            if (hung) {
                String w;
                try {
                    w = where(t, before);
                } catch (Throwable e) {
                    // a heap that the case has filled may not leave room to look
                    w = "unknown (" + e.getClass().getSimpleName() + " while sampling)";
                }
                p.setProperty("where", w);
            }
            Files.write(resultDir.resolve("stdout.txt"), out.bytes());
            Files.write(resultDir.resolve("stderr.txt"), err.bytes());
            try (var w = Files.newBufferedWriter(resultDir.resolve("result.properties"))) {
                p.store(w, null);
            }
            System.setOut(proto);
            System.setErr(origErr);
            proto.println("DONE " + id);
            proto.flush();
            if (hung) {
                // The case's threads cannot be stopped: leave with them.
                Runtime.getRuntime().halt(3);
            }
        }
    }

    /**
     * Where a hung case is. Each thread of the case is sampled a few times; the frames all samples
     * share from the bottom of the stack up are the part it never leaves, and the innermost of our
     * frames among them is the loop that does not end (the frames above it vary from sample to
     * sample when the loop makes progress, as in a runaway but finite computation). A thread that
     * is running our code counts before one that waits.
     */
    static String where(Thread caseThread, java.util.Set<Thread> before) throws InterruptedException {
        Map<Thread, List<String>> common = new java.util.HashMap<>();
        Map<Thread, String> top = new java.util.HashMap<>();
        java.util.Set<Thread> running = new java.util.HashSet<>();
        for (int sample = 0; sample < 6; sample++) {
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                Thread th = e.getKey();
                if (before.contains(th) || th == Thread.currentThread()) {
                    continue;
                }
                List<String> frames = new ArrayList<>();
                StackTraceElement[] st = e.getValue();
                for (int i = st.length - 1; i >= 0; i--) {
                    frames.add(st[i].getClassName() + "." + st[i].getMethodName());
                }
                List<String> c = common.get(th);
                if (c == null) {
                    common.put(th, frames);
                    String f = firstOurs(st);
                    top.put(th, f == null ? "" : f);
                } else {
                    int k = 0;
                    while (k < c.size() && k < frames.size() && c.get(k).equals(frames.get(k))) {
                        k++;
                    }
                    common.put(th, new ArrayList<>(c.subList(0, k)));
                }
                if (th.getState() == Thread.State.RUNNABLE && firstOurs(st) != null) {
                    running.add(th);
                }
            }
            Thread.sleep(150);
        }
        List<String> spots = new ArrayList<>();
        for (Map.Entry<Thread, List<String>> e : common.entrySet()) {
            boolean isCase = e.getKey() == caseThread;
            if (!running.contains(e.getKey()) && !(running.isEmpty() && isCase)) {
                continue;
            }
            String spot = null;
            for (String f : e.getValue()) {
                if (f.startsWith("org.virtreplay.") && !f.contains(".reliability.")) {
                    String cls = f.substring(0, f.lastIndexOf('.'));
                    spot = cls.substring(cls.lastIndexOf('.') + 1) + f.substring(f.lastIndexOf('.'));
                }
            }
            if (spot != null) {
                String t = top.get(e.getKey());
                spots.add(spot + (running.contains(e.getKey()) ? "" : " (waiting)")
                        + (t.isEmpty() || t.equals(spot) ? "" : " (top: " + t + ")"));
            }
        }
        return spots.isEmpty() ? "outside virtreplay code" : String.join(" | ", spots.stream().sorted().toList());
    }

    private static String firstOurs(StackTraceElement[] st) {
        for (StackTraceElement s : st) {
            if (s.getClassName().startsWith("org.virtreplay.") && !s.getClassName().contains(".reliability.")) {
                String c = s.getClassName();
                return c.substring(c.lastIndexOf('.') + 1) + "." + s.getMethodName();
            }
        }
        return null;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static List<String> unescapeFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                out.add(b.toString());
                b.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                b.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out;
    }
}
