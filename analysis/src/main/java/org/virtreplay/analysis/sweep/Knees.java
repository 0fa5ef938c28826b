package org.virtreplay.analysis.sweep;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;

/**
 * Answers to requirements: for each combination of the other swept parameters, the capacity
 * knee along one axis, i.e. the largest number of VMs per host (or, when {@code vms} is not swept,
 * the highest overcommit, or else the smallest resource) whose point meets every requirement with
 * its worst VM.
 *
 * <p>The axis: {@code vms} if swept; else {@code overcommit}; else the first swept of
 * {@code pes}, {@code tlb.l2.entries}, {@code tlb.l1d.entries}, {@code tlb.l1i.entries},
 * {@code gic.list_registers} (smallest wins); else there is no axis and each point simply passes
 * or fails. The knee is the extreme passing value, even if a less demanding value fails (the
 * metrics need not be monotone); such a case is flagged, so that the planner can look at the
 * curve rather than trust one number.
 */
public final class Knees {
    /** How {@link Result#table()} (and so {@code answers.txt}) begins: then the requirements, comma-separated. */
    static final String REQUIREMENTS_LINE = "requirements (worst VM of each point): ";

    /**
     * The requirements an {@code answers.txt} (a {@link Result#table()}) was made with, read back from
     * its first line, so that a sweep's study can be rebuilt from its directory.
     */
    public static List<Requirement> requirementsOf(String answers) {
        int nl = answers.indexOf('\n');
        String first = nl < 0 ? answers : answers.substring(0, nl);
        if (!first.startsWith(REQUIREMENTS_LINE)) {
            throw new BadInputException("answers.txt: line 1: expected '" + REQUIREMENTS_LINE.strip()
                    + " …', got " + UserText.quote(first));
        }
        List<Requirement> l = new ArrayList<>();
        for (String r : first.substring(REQUIREMENTS_LINE.length()).split(", ")) {
            l.add(Requirement.parse(r));
        }
        return l;
    }

    private Knees() {
    }

    /** Swept keys that can be a capacity axis, in order of preference; true = larger is better. */
    private static final List<Map.Entry<String, Boolean>> AXES = List.of(
            Map.entry(Grid.VMS, true), Map.entry(Grid.OVERCOMMIT, true), Map.entry("pes", false),
            Map.entry("tlb.l2.entries", false), Map.entry("tlb.l1d.entries", false),
            Map.entry("tlb.l1i.entries", false), Map.entry("gic.list_registers", false));

    /**
     * One combination of the other parameters and its knee.
     *
     * @param others the other swept parameters' values (the whole point when there is no axis)
     * @param value the knee value on the axis, or null when no point of the group meets the
     *     requirements (with no axis: "pass" or null)
     * @param kneePoint the index of the knee point, or -1
     * @param worst per requirement, the worst VM's value at the knee point, or, when there is no
     *     knee, at the least demanding point of the group (null: undefined for every VM)
     * @param failing when there is no knee, the requirements the least demanding point fails
     * @param nonMonotone a less demanding value than the knee fails some requirement
     */
    public record Answer(Map<String, String> others, String value, int kneePoint, List<Double> worst,
            List<String> failing, boolean nonMonotone) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Answer {
            others = Collections.unmodifiableMap(new LinkedHashMap<>(others));
            worst = Collections.unmodifiableList(new ArrayList<>(worst));
            failing = List.copyOf(failing);
        }
    }

    /**
     * All answers of a sweep.
     *
     * @param axis the capacity axis, or null when no swept key is one
     * @param maximize true when larger axis values are better (vms, overcommit)
     */
    public record Result(String axis, boolean maximize, List<String> others, List<Requirement> requirements,
            List<Answer> answers) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The heading of the knee column: "largest vms", "smallest pes", "meets all". */
        public String kneeHeading() {
            return axis == null ? "meets all" : (maximize ? "largest " : "smallest ") + axis;
        }

        /** The knee value on the axis for the group that a point with these parameters belongs to. */
        public Answer answerFor(Map<String, String> params) {
            for (Answer a : answers) {
                boolean match = true;
                for (var e : a.others().entrySet()) {
                    if (!e.getValue().equals(params.get(e.getKey()))) {
                        match = false;
                        break;
                    }
                }
                if (match) {
                    return a;
                }
            }
            return null;
        }

        /** The answers as a plain-text table (for stdout). */
        public String table() {
            List<String> head = new ArrayList<>(others);
            head.add(kneeHeading());
            for (Requirement r : requirements) {
                head.add("worst " + r.metric().column());
            }
            head.add("note");
            List<List<String>> body = new ArrayList<>();
            for (Answer a : answers) {
                List<String> row = new ArrayList<>();
                for (String k : others) {
                    row.add(a.others().get(k));
                }
                row.add(a.value() == null ? "none" : a.value());
                for (Double w : a.worst()) {
                    row.add(format(w));
                }
                row.add(note(a));
                body.add(row);
            }
            int[] width = new int[head.size()];
            for (int i = 0; i < head.size(); i++) {
                width[i] = head.get(i).length();
                for (List<String> row : body) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append(REQUIREMENTS_LINE)
                    .append(String.join(", ", requirements.stream().map(Requirement::text).toList())).append('\n');
            line(sb, head, width);
            List<String> rule = new ArrayList<>();
            for (int w : width) {
                rule.add("-".repeat(w));
            }
            line(sb, rule, width);
            for (List<String> row : body) {
                line(sb, row, width);
            }
            return sb.toString();
        }

        /**
         * Each answer as one sentence with its evidence, e.g. {@code largest vms with irq_p99_us<=50: 2
         * (worst irq_p99_us 6.655; fair scheduler, 4000 µs quantum, replacing the recorded schedule;
         * n >= 10,003 interrupts per VM)}: the scheduler that point ran and the fewest interrupts a VM
         * of it took, so that a reader sees what the percentile rests on. {@code rows}: the sweep's
         * {@code sweep_results}.
         */
        public List<String> sentences(List<SweepResultRow> rows) {
            List<String> out = new ArrayList<>();
            String reqs = String.join(", ", requirements.stream().map(Requirement::text).toList());
            for (Answer a : answers) {
                StringBuilder b = new StringBuilder();
                if (!a.others().isEmpty()) {
                    List<String> kv = new ArrayList<>();
                    a.others().forEach((k, v) -> kv.add(k + "=" + v));
                    b.append(String.join(" ", kv)).append(": ");
                }
                if (a.value() == null) {
                    b.append(axis == null ? "the point fails " : "no " + axis + " meets ").append(reqs)
                            .append(" (").append(note(a)).append(')');
                    out.add(b.toString());
                    continue;
                }
                b.append(axis == null ? "meets " + reqs : kneeHeading() + " with " + reqs + ": " + a.value());
                List<String> worst = new ArrayList<>();
                for (int i = 0; i < requirements.size(); i++) {
                    worst.add("worst " + requirements.get(i).metric().column() + " " + format(a.worst().get(i)));
                }
                String sched = "";
                long fewest = Long.MAX_VALUE;
                for (SweepResultRow r : rows) {
                    if (r.point() == a.kneePoint()) {
                        sched = r.schedPolicy() + " scheduler"
                                + (r.schedPolicy().equals("trace") ? "" : ", " + r.schedQuantumUs() + " µs quantum")
                                + (r.schedReplaced() ? ", replacing the recorded schedule" : "");
                        fewest = Math.min(fewest, r.irqCount());
                    }
                }
                b.append(" (").append(String.join(", ", worst));
                if (!sched.isEmpty()) {
                    b.append("; ").append(sched).append(String.format(Locale.ROOT, "; n >= %,d interrupts per VM",
                            fewest));
                }
                b.append(')');
                out.add(b.toString());
            }
            return out;
        }

        /** A short explanation for an answer: why there is none, or that the curve is not monotone. */
        public String note(Answer a) {
            if (a.value() == null) {
                return "fails " + String.join(", ", a.failing()) + (axis == null ? "" : " even at the least demanding " + axis);
            }
            return a.nonMonotone() ? "not monotone: a less demanding " + axis + " fails" : "";
        }

        private static void line(StringBuilder sb, List<String> cells, int[] width) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    l.append("  ");
                }
                l.append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length()));
            }
            sb.append(l.toString().stripTrailing()).append('\n');
        }
    }

    /** Formats a metric value for tables: up to 4 significant decimals, "–" for undefined. */
    public static String format(Double v) {
        if (v == null) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) (double) v);
        }
        return new BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }

    /** The capacity axis of a sweep over {@code swept}, or null. */
    public static String axis(List<String> swept) {
        for (var a : AXES) {
            if (swept.contains(a.getKey())) {
                return a.getKey();
            }
        }
        return null;
    }

    /** True when larger values of {@code axis} mean more capacity (more VMs, more overcommit). */
    public static boolean maximize(String axis) {
        for (var a : AXES) {
            if (a.getKey().equals(axis)) {
                return a.getValue();
            }
        }
        return false;
    }

    /** Finds the knees; {@code rows} are the sweep's rows (any order). */
    public static Result find(Grid grid, List<SweepResultRow> rows, List<Requirement> reqs) {
        List<String> swept = grid.swept();
        String axis = axis(swept);
        boolean max = maximize(axis);
        List<String> others = new ArrayList<>(swept);
        if (axis != null) {
            others.remove(axis);
        }
        Map<Integer, List<SweepResultRow>> byPoint = new TreeMap<>();
        for (SweepResultRow r : rows) {
            byPoint.computeIfAbsent(r.point(), k -> new ArrayList<>()).add(r);
        }
        // groups of points with equal other values, in order of first appearance
        Map<List<String>, List<SweepPoint>> groups = new LinkedHashMap<>();
        for (SweepPoint p : grid.points()) {
            List<String> key = new ArrayList<>();
            for (String k : (axis == null ? swept : others)) {
                key.add(p.params().get(k));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<Answer> answers = new ArrayList<>();
        for (var g : groups.entrySet()) {
            Map<String, String> o = new LinkedHashMap<>();
            List<String> keys = axis == null ? swept : others;
            for (int i = 0; i < keys.size(); i++) {
                o.put(keys.get(i), g.getKey().get(i));
            }
            List<SweepPoint> pts = new ArrayList<>(g.getValue());
            if (axis != null) {
                // from the least to the most demanding value
                Comparator<SweepPoint> c = Comparator.comparing(p -> new BigDecimal(p.params().get(axis)));
                pts.sort(max ? c : c.reversed());
            }
            int knee = -1;
            boolean failedBefore = false;
            boolean nonMonotone = false;
            for (SweepPoint p : pts) {
                boolean ok = failing(byPoint.getOrDefault(p.index(), List.of()), reqs).isEmpty();
                if (ok) {
                    knee = p.index();
                    nonMonotone |= failedBefore;
                } else {
                    failedBefore = true;
                }
            }
            SweepPoint shown = knee >= 0 ? grid.points().get(knee) : pts.get(0);
            List<SweepResultRow> shownRows = byPoint.getOrDefault(shown.index(), List.of());
            List<Double> worst = new ArrayList<>();
            for (Requirement r : reqs) {
                Double w = null;
                for (SweepResultRow row : shownRows) {
                    w = r.worse(w, r.metric().of(row));
                }
                worst.add(w);
            }
            String value = knee < 0 ? null : axis == null ? "pass" : grid.points().get(knee).params().get(axis);
            answers.add(new Answer(o, value, knee, worst, knee >= 0 ? List.of() : failing(shownRows, reqs),
                    nonMonotone));
        }
        return new Result(axis, max, axis == null ? swept : others, reqs, answers);
    }

    /** The requirements some VM of the point fails, in requirement order. */
    static List<String> failing(List<SweepResultRow> pointRows, List<Requirement> reqs) {
        List<String> f = new ArrayList<>();
        for (Requirement r : reqs) {
            for (SweepResultRow row : pointRows) {
                if (!r.test(row)) {
                    f.add(r.text());
                    break;
                }
            }
        }
        return f;
    }
}
