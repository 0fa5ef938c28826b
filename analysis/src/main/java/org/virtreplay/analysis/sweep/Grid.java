package org.virtreplay.analysis.sweep;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.analysis.scenario.Scenario;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.io.Utf8Text;

/**
 * A sweep's grid file (docs/sweep.md): which host configurations to replay.
 *
 * <p>Two forms. <b>Product</b>: one line per parameter, {@code key = v1, v2, v3}; the points are
 * the cartesian product, the first line varying slowest (like nested loops in file order).
 * <b>Explicit</b>: a {@code points:} line followed by one point per line, {@code k=v k=v}; every
 * point sets the same keys. In both forms a {@code key = value} line with a single value before
 * {@code points:} fixes that key for every point.
 *
 * <p>Keys are the scenario keys (docs/scenario.md) plus {@code vms} (VMs per host, replicating
 * the trace's VMs when it has fewer) and {@code overcommit} (vCPU:PE ratio, which sets
 * {@code pes}). Values are validated as the scenario would validate them; every problem is one
 * {@code FILE:LINE: ...} line of a {@link BadInputException}.
 */
public final class Grid {
    /** VMs per host. */
    public static final String VMS = "vms";
    /** vCPUs per PE; sets {@code pes} = ceil(total vCPUs / ratio). */
    public static final String OVERCOMMIT = "overcommit";
    /** More points than this is almost certainly a typo in the grid. */
    public static final int MAX_POINTS = 10_000;
    static final int MAX_VMS = 4096;

    private final String source;
    private final boolean explicit;
    private final List<SweepPoint> points;
    private final List<String> swept;
    private final Map<String, List<String>> values;

    private Grid(String source, boolean explicit, List<SweepPoint> points) {
        this.source = source;
        this.explicit = explicit;
        this.points = List.copyOf(points);
        Map<String, LinkedHashSet<String>> v = new LinkedHashMap<>();
        for (SweepPoint p : points) {
            p.params().forEach((k, x) -> v.computeIfAbsent(k, q -> new LinkedHashSet<>()).add(x));
        }
        Map<String, List<String>> vals = new LinkedHashMap<>();
        List<String> sw = new ArrayList<>();
        v.forEach((k, s) -> {
            vals.put(k, List.copyOf(s));
            if (s.size() > 1) {
                sw.add(k);
            }
        });
        this.values = Collections.unmodifiableMap(vals);
        this.swept = List.copyOf(sw);
    }

    /** Reads and validates a grid file. */
    public static Grid read(Path file) {
        return parse(file.toString(), Utf8Text.read(file));
    }

    /** Parses grid text; {@code source} names it in messages. */
    public static Grid parse(String source, String text) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> params = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        List<Map<String, String>> explicitPoints = new ArrayList<>();
        List<Integer> pointLines = new ArrayList<>();
        int pointsLine = -1;
        int pointLinesSeen = 0;
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark, ignored as in scenario files and CSV tables
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String where = source + ":" + no + ": ";
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equalsIgnoreCase("points:")) {
                if (pointsLine >= 0) {
                    problems.add(where + "a second 'points:' section (the first is on line " + pointsLine + ")");
                } else {
                    pointsLine = no;
                }
                continue;
            }
            if (pointsLine < 0) {
                parseParamLine(where, no, line, params, lineOf, problems);
            } else {
                pointLinesSeen++;
                Map<String, String> p = parsePointLine(where, line, lineOf, problems);
                if (p != null) {
                    explicitPoints.add(p);
                    pointLines.add(no);
                }
            }
        }
        if (params.containsKey(OVERCOMMIT) && params.containsKey("pes")) {
            problems.add(source + ":" + lineOf.get(OVERCOMMIT) + ": 'overcommit' sets 'pes' (line " + lineOf.get("pes")
                    + "); give only one of them");
        }
        List<SweepPoint> points = new ArrayList<>();
        if (pointsLine >= 0) {
            final int pl = pointsLine;
            params.forEach((k, v) -> {
                if (v.size() > 1) {
                    problems.add(source + ":" + lineOf.get(k) + ": key " + UserText.quote(k) + " has " + v.size()
                            + " values, but the grid lists its points explicitly (line " + pl
                            + "); give it one value, or set it in each point");
                }
            });
            if (pointLinesSeen == 0) {
                problems.add(source + ":" + pointsLine + ": 'points:' section with no points; add lines such as 'vms=2 s2.backing=4k'");
            }
            List<String> firstKeys = explicitPoints.isEmpty() ? List.of() : List.copyOf(explicitPoints.get(0).keySet());
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < explicitPoints.size(); i++) {
                Map<String, String> p = explicitPoints.get(i);
                if (!p.keySet().equals(new LinkedHashSet<>(firstKeys))) {
                    problems.add(source + ":" + pointLines.get(i) + ": every point must set the same keys as the first ("
                            + String.join(", ", firstKeys) + "), got " + String.join(", ", p.keySet()));
                    continue;
                }
                if (p.containsKey(OVERCOMMIT) && (p.containsKey("pes") || params.containsKey("pes"))
                        || p.containsKey("pes") && params.containsKey(OVERCOMMIT)) {
                    problems.add(source + ":" + pointLines.get(i) + ": 'overcommit' sets 'pes'; give only one of them");
                    continue;
                }
                Map<String, String> full = new LinkedHashMap<>();
                params.forEach((k, v) -> full.put(k, v.get(0)));
                for (String k : firstKeys) {
                    full.put(k, p.get(k));
                }
                String canon = full.toString();
                if (!seen.add(canon)) {
                    problems.add(source + ":" + pointLines.get(i) + ": the same point as an earlier line");
                    continue;
                }
                points.add(new SweepPoint(points.size(), full));
            }
        } else {
            if (params.isEmpty() && problems.isEmpty()) {
                problems.add(source + ": empty grid; add lines such as 'vms = 1, 2, 4' (see docs/sweep.md)");
            }
            long n = 1;
            for (List<String> v : params.values()) {
                n *= v.size();
                if (n > MAX_POINTS) {
                    break;
                }
            }
            if (n > MAX_POINTS) {
                problems.add(source + ": the grid has more than " + MAX_POINTS + " points; sweep fewer values");
            }
            if (problems.isEmpty()) {
                product(new ArrayList<>(params.entrySet()), 0, new LinkedHashMap<>(), points);
            }
        }
        if (points.size() > MAX_POINTS) {
            problems.add(source + ": the grid has more than " + MAX_POINTS + " points; sweep fewer values");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return new Grid(source, pointsLine >= 0, points);
    }

    private static void product(List<Map.Entry<String, List<String>>> axes, int i, Map<String, String> acc,
            List<SweepPoint> out) {
        if (i == axes.size()) {
            out.add(new SweepPoint(out.size(), new LinkedHashMap<>(acc)));
            return;
        }
        for (String v : axes.get(i).getValue()) {
            acc.put(axes.get(i).getKey(), v);
            product(axes, i + 1, acc, out);
        }
        acc.remove(axes.get(i).getKey());
    }

    private static void parseParamLine(String where, int no, String line, Map<String, List<String>> params,
            Map<String, Integer> lineOf, List<String> problems) {
        int eq = line.indexOf('=');
        if (eq < 0) {
            problems.add(where + "expected 'key = v1, v2, ...' or 'points:', got " + UserText.quote(line));
            return;
        }
        String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String err = checkKey(key);
        if (err != null) {
            problems.add(where + err);
            return;
        }
        Integer prev = lineOf.putIfAbsent(key, no);
        if (prev != null) {
            problems.add(where + "key " + UserText.quote(key) + " already given on line " + prev);
            return;
        }
        List<String> vals = new ArrayList<>();
        for (String raw : line.substring(eq + 1).split(",", -1)) {
            String v = raw.strip();
            if (v.isEmpty()) {
                problems.add(where + "key " + UserText.quote(key) + ": empty value in the list "
                        + UserText.quote(line.substring(eq + 1).strip()));
                return;
            }
            String c = canonical(key, v);
            if (c.startsWith("\0")) {
                problems.add(where + c.substring(1));
                return;
            }
            if (vals.contains(c)) {
                problems.add(where + "key " + UserText.quote(key) + ": value " + UserText.quote(v) + " appears twice");
                return;
            }
            vals.add(c);
        }
        params.put(key, vals);
    }

    private static Map<String, String> parsePointLine(String where, String line, Map<String, Integer> lineOf,
            List<String> problems) {
        String norm = line.replaceAll("\\s*=\\s*", "=");
        Map<String, String> p = new LinkedHashMap<>();
        for (String tok : norm.split("[\\s,]+")) {
            if (tok.isEmpty()) {
                continue;
            }
            int eq = tok.indexOf('=');
            if (eq <= 0 || eq == tok.length() - 1) {
                problems.add(where + "expected 'key=value' pairs separated by spaces, got " + UserText.quote(tok));
                return null;
            }
            String key = tok.substring(0, eq).toLowerCase(Locale.ROOT);
            String err = checkKey(key);
            if (err != null) {
                problems.add(where + err);
                return null;
            }
            if (lineOf.containsKey(key)) {
                problems.add(where + "key " + UserText.quote(key) + " is fixed for every point on line "
                        + lineOf.get(key)
                        + "; a point cannot set it again");
                return null;
            }
            String c = canonical(key, tok.substring(eq + 1));
            if (c.startsWith("\0")) {
                problems.add(where + c.substring(1));
                return null;
            }
            if (p.put(key, c) != null) {
                problems.add(where + "key " + UserText.quote(key) + " given twice in one point");
                return null;
            }
        }
        return p;
    }

    private static String checkKey(String key) {
        if (key.isEmpty()) {
            return "missing key before '='";
        }
        if (key.equals(VMS) || key.equals(OVERCOMMIT) || Scenario.key(key) != null) {
            return null;
        }
        return Scenario.unknownKey(key, List.of(VMS, OVERCOMMIT));
    }

    /** The canonical form of a value, or NUL followed by the problem. */
    static String canonical(String key, String value) {
        String v = value.strip();
        if (key.equals(VMS)) {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1 && n <= MAX_VMS) {
                    return Integer.toString(n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return "\0key 'vms': expected an integer from 1 to " + MAX_VMS + ", got " + UserText.quote(v);
        }
        if (key.equals(OVERCOMMIT)) {
            String num = v.endsWith(":1") ? v.substring(0, v.length() - 2) : v;
            try {
                BigDecimal r = new BigDecimal(num);
                if (r.signum() > 0 && r.compareTo(BigDecimal.valueOf(1024)) <= 0) {
                    return r.stripTrailingZeros().toPlainString();
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return "\0key 'overcommit': expected a vCPU:PE ratio such as 1, 1.5, 4 or 4:1 (at most 1024), got "
                    + UserText.quote(v);
        }
        Scenario.Key k = Scenario.key(key);
        try {
            String c = Scenario.defaults().with(k, v).get(k);
            if (!c.isEmpty() && c.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch == '-')) {
                try {
                    c = Long.toString(Long.parseLong(c));
                } catch (NumberFormatException e) {
                    // keep as is
                }
            }
            return c;
        } catch (BadInputException e) {
            String msg = e.problems().get(0);
            return "\0" + msg.replaceFirst("^scenario key", "key");
        }
    }

    public String source() {
        return source;
    }

    /** True for a grid with a {@code points:} section. */
    public boolean explicit() {
        return explicit;
    }

    /** The points, index 0 first. */
    public List<SweepPoint> points() {
        return points;
    }

    /** The keys whose value differs between points, in grid order. */
    public List<String> swept() {
        return swept;
    }

    /** Every key the grid sets (swept or fixed), in grid order. */
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }

    /** The distinct values of a key in grid order (for product grids: the file's order). */
    public List<String> values(String key) {
        return values.getOrDefault(key, List.of());
    }
}
