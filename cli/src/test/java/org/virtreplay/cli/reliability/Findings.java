package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The broken promises of one kind's cases: one compact line per case as it happens, then one line
 * per distinct signature with its count, whether it is a known defect (known-failures.txt) and a
 * reproducer saved under {@code target/reliability/repro/}. The suite fails on any signature that is
 * not known, and with {@code -Dreliability.strict=true} on any at all.
 */
final class Findings {

    /** One breach in one case. */
    record Failure(Case c, String commandLine, Promises.Breach breach) {
        String line() {
            return String.format(Locale.ROOT, "%-12s seed=%016x [%s] %s -- %s: %s", c.id(), c.seed(),
                    Promises.cut(c.mutation(), 90), Promises.cut(commandLine, 110), breach.promise(),
                    breach.detail().isEmpty() ? breach.signature() : Promises.cut(breach.detail(), 160));
        }

        String key() {
            return breach.promise() + ": " + breach.signature();
        }
    }

    /** A known defect: the issue item that fixes it and a pattern over "promise: signature". */
    record Known(String item, Pattern pattern) {
    }

    private final String kind;
    private final Map<String, List<Failure>> bySignature = new LinkedHashMap<>();
    private final Map<String, Path> reproducers = new LinkedHashMap<>();
    private final List<Known> known = loadKnown();
    private int cases;
    private int exit0;
    private int exit2;

    /** Findings of one kind; the reproducers an earlier run of the kind left are removed. */
    Findings(String kind) {
        this.kind = kind;
        Path repro = Settings.reportDir().resolve("repro");
        if (Files.isDirectory(repro)) {
            try (Stream<Path> s = Files.list(repro)) {
                s.filter(p -> p.getFileName().toString().startsWith(kind + "-")).forEach(Corpus::deleteTree);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static List<Known> loadKnown() {
        try (InputStream in = Findings.class.getResourceAsStream("known-failures.txt")) {
            return in == null ? new ArrayList<>() : parseKnown(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a known-defects list: {@code ITEM | regex}, blank lines and {@code #} comments skipped. */
    static List<Known> parseKnown(String text) {
        List<Known> k = new ArrayList<>();
        for (String l : text.lines().toList()) {
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            int bar = l.indexOf('|');
            k.add(new Known(l.substring(0, bar).strip(), Pattern.compile(l.substring(bar + 1).strip())));
        }
        return k;
    }

    /** A kind's findings judged against {@code known} instead of the list in the resources. */
    Findings(String kind, List<Known> known) {
        this(kind);
        this.known.clear();
        this.known.addAll(known);
    }

    /** The known defect a failure is, or null. */
    Known knownAs(String key) {
        for (Known k : known) {
            if (k.pattern().matcher(key).find()) {
                return k;
            }
        }
        return null;
    }

    void count(int exit) {
        cases++;
        if (exit == 0) {
            exit0++;
        } else if (exit == 2) {
            exit2++;
        }
    }

    /** Records a case's breaches, prints one line for each and keeps the first case of each signature. */
    void record(Case c, Path caseDir, List<Promises.Breach> breaches) {
        String cmd = c.commandLine(caseDir);
        for (Promises.Breach b : breaches) {
            Failure f = new Failure(c, cmd, b);
            Known k = knownAs(f.key());
            System.out.println("RELIABILITY " + (k == null ? "FAIL  " : "KNOWN ") + f.line());
            List<Failure> list = bySignature.computeIfAbsent(f.key(), x -> new ArrayList<>());
            if (list.isEmpty()) {
                reproducers.put(f.key(), saveReproducer(c, caseDir, cmd));
            }
            list.add(f);
        }
    }

    private Path saveReproducer(Case c, Path caseDir, String cmd) {
        Path dir = Settings.reportDir().resolve("repro").resolve(c.kind() + "-" + c.index());
        try {
            if (Files.exists(dir)) {
                Corpus.deleteTree(dir);
            }
            Files.createDirectories(dir);
            if (Files.exists(c.in())) {
                copyTree(c.in(), dir.resolve(caseDir.relativize(c.in())));
            }
            Files.createDirectories(dir.resolve(caseDir.relativize(c.work())));
            Files.writeString(dir.resolve("command.txt"), "# " + c.id() + " seed " + Long.toHexString(c.seed())
                    + ": " + c.mutation() + "\n# run from this directory:\n" + cmd + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** Prints and writes the summary; returns the lines of unknown (or, strict, all) signatures. */
    List<String> finish(long millis, int workerStarts) {
        List<String> out = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "reliability %s: %d cases (%d exit 0, %d exit 2, %d other) in %.1f s, "
                + "%d worker JVMs; %d distinct breaches", kind, cases, exit0, exit2, cases - exit0 - exit2,
                millis / 1000.0, workerStarts, bySignature.size()));
        for (var e : bySignature.entrySet()) {
            Known k = knownAs(e.getKey());
            Failure first = e.getValue().get(0);
            String line = String.format(Locale.ROOT, "  %-10s %4d x %s  [first: %s, %s]",
                    k == null ? "NEW" : "known(" + k.item() + ")", e.getValue().size(), e.getKey(),
                    first.c().id(), Settings.reportDir().relativize(reproducers.get(e.getKey())));
            out.add(line);
            if (k == null || Settings.strict()) {
                failing.add(line.strip());
            }
        }
        for (String l : out) {
            System.out.println(l);
        }
        try {
            Path dir = Settings.reportDir();
            Files.createDirectories(dir);
            List<String> all = new ArrayList<>(out);
            all.add("");
            for (List<Failure> fs : bySignature.values()) {
                for (Failure f : fs) {
                    all.add(f.line());
                }
            }
            Files.write(dir.resolve(kind + ".txt"), all, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return failing;
    }
}
