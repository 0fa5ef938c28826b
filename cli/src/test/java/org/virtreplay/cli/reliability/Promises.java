package org.virtreplay.cli.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The promises of README.md and docs/trace-format.md that hold for every command line, whatever
 * the input, and how one run is judged against them. docs/reliability.md lists them; each
 * {@link Breach} names one by its key there.
 */
final class Promises {

    private Promises() {
    }

    /** The longest exit-2 line allowed, after each path in it is shortened to its file name. */
    // 300: a refusal names the place, the value (cut to 80 characters) and the words a user needs
    // to fix it, among them the allowed values (known keys, presets, clocks): 200 cut those lists.
    static final int MAX_LINE = 300;

    /** The longest value an exit-2 line may echo (issue 14: cut to ~80 characters with their length). */
    static final int MAX_ECHO = 100;

    private static final Pattern QUOTED = Pattern.compile("'[^']*'");

    /**
     * One broken promise.
     *
     * @param promise   the promise's key in docs/reliability.md
     * @param signature the breach without the case's particulars (numbers, paths, values), so that
     *                  the cases of one defect share it
     * @param detail    the particulars, for the case's own line
     */
    record Breach(String promise, String signature, String detail) {
    }

    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at \\S+\\(.*\\)$|^Caused by: |"
            + "^Exception in thread ");
    private static final Pattern INTERNAL_ERROR = Pattern.compile(
            "(?:internal error \\(please report it\\): |Exception in thread \"main\" )([\\w$.]+)");
    private static final Pattern OUR_FRAME =
            Pattern.compile("^\\s+at (?:\\S+/)?(org\\.virtreplay\\.[\\w$.]+)\\.([\\w$<>]+)\\(");
    private static final Pattern[] LEAKS = {
        Pattern.compile("\\b(?:java|javax|sun|org\\.apache|org\\.tukaani|com\\.github|shaded)\\.[\\w.$]*"
                + "(?:Exception|Error)\\b"),
        Pattern.compile("\\b[A-Z]\\w+@[0-9a-f]{5,}\\b"),
        Pattern.compile("\\b(?:org\\.apache|org\\.tukaani|com\\.github|shaded)\\.[a-z]+\\.[\\w.$]+"),
        Pattern.compile(": null\\b|\\(null\\)"),
        Pattern.compile("Input length = \\d+"),
        Pattern.compile("please report"),
        Pattern.compile("\\dto be read"),
    };
    private static final Pattern SUMMARY = Pattern.compile("^stopped after \\d+ problems.*|^Try '.*--help'.*");

    /** The exit code, stack trace and message promises of one run. */
    static List<Breach> checkRun(Case c, WorkerClient.Outcome o) {
        List<Breach> b = new ArrayList<>();
        if (o.hung()) {
            b.add(new Breach("no-hang", "hang in " + o.where().replaceAll(" \\(top: [^)]*\\)", ""),
                    "no exit after " + o.millis() + " ms, in " + o.where()));
            return b;
        }
        String err = o.err();
        if (o.exit() != 0 && o.exit() != 2) {
            b.add(new Breach("exit-code", "exit " + o.exit() + ": " + internalError(err),
                    "exit " + o.exit() + ": " + firstLine(err)));
            return b;
        }
        List<String> lines = err.lines().toList();
        for (String l : lines) {
            if (STACK_FRAME.matcher(l).find()) {
                b.add(new Breach("no-stack-trace", "stack trace on stderr with exit " + o.exit(), l.strip()));
                break;
            }
        }
        if (o.exit() == 0) {
            return b;
        }
        if (lines.stream().allMatch(String::isBlank)) {
            b.add(new Breach("one-line-message", "exit 2 with nothing on stderr", ""));
            return b;
        }
        for (String l : lines) {
            if (SUMMARY.matcher(l).matches()) {
                continue;
            }
            String shortLine = shortenPaths(l, c);
            Matcher q = QUOTED.matcher(shortLine);
            int longest = 0;
            while (q.find()) {
                longest = Math.max(longest, q.group().length() - 2);
            }
            if (longest > MAX_ECHO) {
                b.add(new Breach("one-line-message", "echoes a value of more than " + MAX_ECHO + " chars: "
                        + normalize(shortLine, 60), longest + "-char value in a line of " + shortLine.length()
                        + " chars: " + cut(shortLine, 100)));
            } else if (shortLine.length() > MAX_LINE) {
                b.add(new Breach("one-line-message", "exit-2 line longer than " + MAX_LINE + " chars: "
                        + normalize(shortLine, 60), shortLine.length() + " chars: " + cut(shortLine, 100)));
            }
            for (Pattern p : LEAKS) {
                Matcher m = p.matcher(l);
                if (m.find()) {
                    b.add(new Breach("plain-words", "library text in message: " + normalize(m.group(), 40) + " ("
                            + normalize(shortLine, 50) + ")", cut(shortLine, 140)));
                    break;
                }
            }
            String where = place(l, c);
            if (where != null) {
                b.add(new Breach("names-the-place", where + ": " + normalize(shortLine, 70), cut(shortLine, 140)));
            }
        }
        return b;
    }

    /**
     * Why line {@code l} does not name the place of its problem, or null if it does: it must name
     * one of the case's input files (a value problem with the line or row) or one of its keys, and
     * not the command's own output.
     */
    private static final Pattern OPTION_FIRST = Pattern.compile("^--[a-z][a-z0-9-]*[ =:]");

    static String place(String l, Case c) {
        for (String k : c.places().keys()) {
            if (l.contains(k)) {
                return null;
            }
        }
        if (OPTION_FIRST.matcher(l).find()) {
            return null; // a problem of an option's value, named by the option (--window 1ms: ...)
        }
        if (c.out() != null && l.startsWith(c.out() + ":")) {
            return null; // a problem of the output path itself, whatever example the line goes on to give
        }
        if (c.out() != null && l.contains(c.out() + "/")) {
            return "names a file inside the output, not the input";
        }
        if (c.out() != null && l.contains(c.out().toString())) {
            return null; // a problem of the output path itself
        }
        for (Path f : c.places().files()) {
            String s = f.toString();
            int i = l.indexOf(s);
            while (i >= 0) {
                String rest = l.substring(i + s.length());
                if (rest.matches("^:\\d+\\b.*") || rest.matches("^:row \\d+\\b.*")) {
                    return null;
                }
                // A value problem (a column's value echoed in quotes) always has a line or a row.
                boolean valueProblem = rest.matches("^(?:/[^:\\s]*)?: column '[^']*': .*, got '.*");
                if (!valueProblem && (rest.startsWith(":") || rest.startsWith("/") || rest.startsWith(" "))) {
                    // a whole-file or whole-directory problem (missing, unreadable, unknown table, ...)
                    return null;
                }
                i = l.indexOf(s, i + 1);
            }
        }
        return "exit-2 line names no input file with its line/row, nor a key";
    }

    /**
     * The exception chain (simple names, the innermost one's message) and our first frame of an
     * internal error, from what was printed: {@code UncheckedIOException > IOException: No space
     * left on device at TraceConverter.convert}.
     */
    static String internalError(String err) {
        Matcher m = INTERNAL_ERROR.matcher(err);
        String head = "no exception printed";
        if (m.find()) {
            String line = err.substring(m.start(1)).lines().findFirst().orElse("");
            List<String> chain = new ArrayList<>();
            String rest = line;
            Matcher c;
            Pattern cls = Pattern.compile("^([a-z][\\w$]*\\.)+([A-Z][\\w$]*(?:Exception|Error))(?::\\s*|$)");
            while ((c = cls.matcher(rest)).find()) {
                chain.add(c.group(2));
                rest = rest.substring(c.end());
            }
            head = String.join(" > ", chain) + (rest.isBlank() ? "" : ": " + normalize(rest, 50));
        }
        String frame = "";
        for (String l : err.lines().toList()) {
            Matcher f = OUR_FRAME.matcher(l);
            if (f.find()) {
                String cls = f.group(1);
                frame = " at " + cls.substring(cls.lastIndexOf('.') + 1) + "." + f.group(2);
                break;
            }
        }
        return head + frame;
    }

    /** The output promises: inputs untouched, nothing partial, nothing temporary, complete on success. */
    static List<Breach> checkFiles(Case c, int exit, Snapshot inBefore, Snapshot workBefore, Snapshot inAfter,
            Snapshot workAfter) {
        List<Breach> b = new ArrayList<>();
        List<String> inDiff = inAfter.diff(inBefore);
        if (!inDiff.isEmpty()) {
            b.add(new Breach("inputs-untouched", "input directory changed: " + normalizeNames(inDiff),
                    String.join(" ", inDiff)));
        }
        String outName = c.out() == null ? null : c.work().relativize(c.out()).toString();
        List<String> d = workAfter.diff(workBefore);
        if (exit != 0) {
            if (!d.isEmpty()) {
                b.add(new Breach("no-partial-output", "left behind after exit " + exit + ": " + normalizeNames(d),
                        cut(String.join(" ", d), 160)));
            }
            return b;
        }
        List<String> stray = new ArrayList<>();
        for (String e : d) {
            String path = e.substring(1);
            String top = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            if (outName == null || !top.equals(outName)) {
                stray.add(e);
            } else if (e.startsWith("+") && temporaryName(path.substring(path.lastIndexOf('/') + 1))) {
                stray.add(e);
            }
        }
        if (!stray.isEmpty()) {
            b.add(new Breach("no-partial-output", "temporary or stray files after exit 0: " + normalizeNames(stray),
                    cut(String.join(" ", stray), 160)));
        }
        if (c.out() != null) {
            List<String> missing = new ArrayList<>();
            List<String> extra = new ArrayList<>();
            for (String p : c.complete()) {
                if (p.startsWith("!")) {
                    if (Files.exists(c.out().resolve(p.substring(1)))) {
                        extra.add(p.substring(1));
                    }
                    continue;
                }
                Path f = p.isEmpty() ? c.out() : c.out().resolve(p);
                if (!Files.exists(f)) {
                    missing.add(p.isEmpty() ? outName : p);
                }
            }
            if (!missing.isEmpty()) {
                b.add(new Breach("complete-output", "exit 0 but output incomplete: missing " + missing,
                        "missing " + missing));
            }
            if (!extra.isEmpty()) {
                b.add(new Breach("complete-output", "exit 0 but output holds what this run did not write: " + extra,
                        "present: " + extra));
            }
        }
        return b;
    }

    static boolean temporaryName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith(".") || n.contains("partial") || n.contains(".tmp") || n.endsWith("~");
    }

    /** The determinism promise: two runs' files equal, except timing.json. */
    static List<Breach> checkRerun(Snapshot first, Snapshot second, int exit2) {
        List<Breach> b = new ArrayList<>();
        if (exit2 != 0) {
            b.add(new Breach("deterministic", "rerun exit " + exit2 + " after exit 0", ""));
            return b;
        }
        List<String> d = new ArrayList<>();
        for (String e : second.diff(first)) {
            if (!e.endsWith("timing.json")) {
                d.add(e);
            }
        }
        if (!d.isEmpty()) {
            b.add(new Breach("deterministic", "rerun differs: " + normalizeNames(d), String.join(" ", d)));
        }
        return b;
    }

    /** A path list without digits (pids, case numbers), sorted and distinct, for a signature. */
    static String normalizeNames(List<String> names) {
        return names.stream().map(Promises::particulars).distinct().sorted().limit(6).toList().toString();
    }

    /** Numbers, hex runs and identity hashes replaced, so that two occurrences of one thing read the same. */
    static String particulars(String s) {
        return s.replaceAll("@[0-9a-f]+\\b", "@H")
                .replaceAll("0[xX][0-9a-fA-F_]+", "0xH")
                .replaceAll("\\b(?=[0-9a-f]*\\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\\b", "H")
                .replaceAll("\\d+", "N");
    }

    /** Paths of the case shortened to their file names. */
    static String shortenPaths(String l, Case c) {
        String s = l;
        for (Path f : c.places().files()) {
            s = s.replace(f.toString(), f.getFileName().toString());
        }
        if (c.out() != null) {
            s = s.replace(c.out().toString(), c.out().getFileName().toString());
        }
        return s.replace(c.in().toString() + "/", "").replace(c.work().toString() + "/", "");
    }

    /**
     * A message without its particulars: quoted values, numbers and hex become placeholders, so that
     * cases of one defect share a signature.
     */
    static String normalize(String s, int max) {
        // the locator (FILE:LINE: or FILE: ) is the case's, not the defect's
        String t = s.replaceFirst("^[^\\s:]+(?::\\d+|:row \\d+)?: ", "")
                .replaceAll("'[^']{0,}'", "'…'");
        t = particulars(t)
                .replaceAll("\\s+", " ")
                .strip();
        return cut(t, max);
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    static String firstLine(String s) {
        return cut(s.lines().findFirst().orElse("").strip(), 140);
    }
}
