package org.virtreplay.analysis.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two replay outputs side by side ({@code virtreplay compare A B}): what differs in their
 * configuration, every headline figure of each VM (matched by id) on both sides, and one sentence
 * that says what a stage-2 change bought (faults, reads per walk, translation time) and what else
 * changed most.
 *
 * @param pathA        A as the user named it
 * @param pathB        B as the user named it
 * @param a            A's summary
 * @param b            B's summary
 * @param configDiffs  the {@code run_info} keys whose values differ (key, A's value, B's value; null = absent)
 * @param vms          per VM id in either, in id order
 * @param headline     the first line: the stage-2 figures of the whole host (the VMs in both), then the other largest changes
 */
public record Comparison(String pathA, String pathB, RunSummary a, RunSummary b, List<String[]> configDiffs,
        List<VmComparison> vms, String headline) {

    /** How many figures the headline names after the stage-2 ones (faults, reads per walk, translation time). */
    static final int HEADLINE_OTHERS = 2;

    /**
     * One VM in a comparison.
     *
     * @param vm       its id
     * @param nameA    its name in A, or null when it is only in B
     * @param nameB    its name in B, or null when it is only in A
     * @param figures  its figures (empty when it is on one side only)
     */
    public record VmComparison(int vm, String nameA, String nameB, List<Figure> figures) {
        public boolean inBoth() {
            return nameA != null && nameB != null;
        }

        /** The figure named {@code key}, or null. */
        public Figure figure(String key) {
            for (Figure f : figures) {
                if (f.key().equals(key)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** Compares two summaries; {@code pathA} and {@code pathB} are only shown. */
    public static Comparison of(String pathA, RunSummary a, String pathB, RunSummary b) {
        List<String[]> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(a.runInfo().keySet());
        keys.addAll(b.runInfo().keySet());
        for (String k : keys) {
            // replay.* and vm.<id>.translation_ns are the replay's own results rather than configuration
            if (k.startsWith("replay.") || k.endsWith(".translation_ns")) {
                continue;
            }
            String va = a.runInfo().get(k);
            String vb = b.runInfo().get(k);
            if (!Objects.equals(va, vb)) {
                diffs.add(new String[] {k, va, vb});
            }
        }
        Map<Integer, VmSummary> ma = new TreeMap<>();
        a.vms().forEach(v -> ma.put(v.vm(), v));
        Map<Integer, VmSummary> mb = new TreeMap<>();
        b.vms().forEach(v -> mb.put(v.vm(), v));
        TreeSet<Integer> ids = new TreeSet<>(ma.keySet());
        ids.addAll(mb.keySet());
        List<VmComparison> vms = new ArrayList<>();
        for (int id : ids) {
            VmSummary va = ma.get(id);
            VmSummary vb = mb.get(id);
            vms.add(new VmComparison(id, va == null ? null : va.name(), vb == null ? null : vb.name(),
                    va == null || vb == null ? List.of() : figures(va, vb)));
        }
        String h = headline(a, b, vms);
        String what = scenarioChange(diffs);
        if (!what.isEmpty()) {
            h = h.replaceFirst("^B vs A", "B vs A (" + java.util.regex.Matcher.quoteReplacement(what) + ")");
        }
        return new Comparison(pathA, pathB, a, b, List.copyOf(diffs), List.copyOf(vms), h);
    }

    /** The most scenario keys the headline names; with more, the configuration table below says them. */
    static final int HEADLINE_KEYS = 2;

    /**
     * What the configuration change was, for the first line: the differing {@code scenario.*}
     * keys ({@code s2.backing trace → 2m}) when there are at most {@value #HEADLINE_KEYS}; else empty.
     */
    static String scenarioChange(List<String[]> diffs) {
        List<String> parts = new ArrayList<>();
        for (String[] d : diffs) {
            if (d[0].startsWith("scenario.")) {
                parts.add(d[0].substring("scenario.".length()) + " " + (d[1] == null ? "(absent)" : d[1]) + " → "
                        + (d[2] == null ? "(absent)" : d[2]));
            }
        }
        return parts.size() > HEADLINE_KEYS ? "" : String.join(", ", parts);
    }

    /** Every headline figure of a VM present on both sides, in a fixed order. */
    static List<Figure> figures(VmSummary a, VmSummary b) {
        List<Figure> f = new ArrayList<>();
        f.add(count("translations", "translations", a.translations(), b.translations()));
        f.add(new Figure("tlb_hit_rate", "TLB hit rate", Figure.Unit.RATIO, a.tlbHitRate(), b.tlbHitRate()));
        f.add(count("walks", "walks", a.walks(), b.walks()));
        f.add(new Figure("descriptor_reads_per_walk", "descriptor reads per walk", Figure.Unit.MEAN,
                a.readsPerWalk(), b.readsPerWalk()));
        f.add(count("stage2_faults", "stage-2 faults", a.stage2Faults(), b.stage2Faults()));
        TreeSet<String> causes = new TreeSet<>(a.faultsByCause().keySet());
        causes.addAll(b.faultsByCause().keySet());
        for (String c : causes) {
            f.add(count("stage2_faults." + c, "  " + c, a.faultsByCause().getOrDefault(c, 0L),
                    b.faultsByCause().getOrDefault(c, 0L)));
        }
        if (a.exits() != null || b.exits() != null) {
            f.add(new Figure("exits", "exits", Figure.Unit.COUNT, toD(a.exits()), toD(b.exits())));
            TreeSet<String> reasons = new TreeSet<>(a.exitsByReason().keySet());
            reasons.addAll(b.exitsByReason().keySet());
            for (String r : reasons) {
                f.add(new Figure("exits." + r, "  " + r, Figure.Unit.COUNT,
                        a.exits() == null ? null : (double) a.exitsByReason().getOrDefault(r, 0L),
                        b.exits() == null ? null : (double) b.exitsByReason().getOrDefault(r, 0L)));
            }
        }
        if (a.translationNs() != null || b.translationNs() != null) {
            f.add(new Figure("translation_ns", "translation time", Figure.Unit.NS, toD(a.translationNs()),
                    toD(b.translationNs())));
        }
        if (a.el2Ns() != null || b.el2Ns() != null) {
            f.add(new Figure("el2_ns", "time in EL2", Figure.Unit.NS, toD(a.el2Ns()), toD(b.el2Ns())));
        }
        latency(f, "", "interrupts", a.interrupts(), b.interrupts());
        TreeSet<String> classes = new TreeSet<>(a.byClass().keySet());
        classes.addAll(b.byClass().keySet());
        Latency none = new Latency(0, 0, 0, true);
        for (String c : classes) {
            latency(f, "." + c, "  " + c, a.byClass().getOrDefault(c, none), b.byClass().getOrDefault(c, none));
        }
        return f;
    }

    /** {@code interrupts}, {@code interrupt_p50_ns}, {@code interrupt_p99_ns}, each + {@code qualifier} (".timer"). */
    private static void latency(List<Figure> f, String qualifier, String label, Latency a, Latency b) {
        boolean vm = qualifier.isEmpty();
        String pLabel = vm ? "interrupt" : label;
        f.add(count("interrupts" + qualifier, vm ? label : label + " n", a.n(), b.n()));
        f.add(new Figure("interrupt_p50_ns" + qualifier, pLabel + " p50", Figure.Unit.NS, p(a, a.p50Ns()),
                p(b, b.p50Ns())));
        f.add(new Figure("interrupt_p99_ns" + qualifier, pLabel + " p99", Figure.Unit.NS, p(a, a.p99Ns()),
                p(b, b.p99Ns())));
    }

    private static Double p(Latency l, long v) {
        return l.n() == 0 ? null : (double) v;
    }

    private static Figure count(String key, String label, long a, long b) {
        return new Figure(key, label, Figure.Unit.COUNT, (double) a, (double) b);
    }

    private static Double toD(Long v) {
        return v == null ? null : v.doubleValue();
    }

    /**
     * The first line, over the VMs present on both sides. It always names, in this order, the three
     * figures that say what a stage-2 change buys: stage-2 faults, descriptor reads per walk (when
     * both sides walked) and translation time (when both sides record it), each as its relative
     * change, {@code unchanged} when equal, or {@code 0 → N} from nothing. Then, after {@code ; also},
     * the (up to) {@value #HEADLINE_OTHERS} other host-wide figures whose relative change is largest:
     * TLB hit rate, walks, translations, exits and time in EL2 (when both sides have
     * {@code exit_stats}) and the largest VM interrupt p99. They are ranked by the size of their
     * relative change (the hit rate by that of its complement, the miss rate, since a step from 99 %
     * to 99.9 % is a tenfold change in walks); a figure that was 0 and is not ranks first; ranks equal
     * to 9 decimals keep that order.
     */
    static String headline(RunSummary a, RunSummary b, List<VmComparison> vms) {
        long[] ta = new long[7]; // translations, walks, reads, faults, exits, translation ns, el2 ns
        long[] tb = new long[7];
        boolean times = true;
        boolean el2 = true;
        long p99a = -1;
        long p99b = -1;
        boolean exits = a.hasExits() && b.hasExits();
        int both = 0;
        List<String> onlyA = new ArrayList<>();
        List<String> onlyB = new ArrayList<>();
        Map<Integer, VmSummary> ma = new TreeMap<>();
        a.vms().forEach(v -> ma.put(v.vm(), v));
        Map<Integer, VmSummary> mb = new TreeMap<>();
        b.vms().forEach(v -> mb.put(v.vm(), v));
        for (VmComparison c : vms) {
            if (!c.inBoth()) {
                (c.nameA() != null ? onlyA : onlyB).add("vm " + c.vm());
                continue;
            }
            both++;
            VmSummary x = ma.get(c.vm());
            VmSummary y = mb.get(c.vm());
            add(ta, x);
            add(tb, y);
            times &= x.translationNs() != null && y.translationNs() != null;
            el2 &= x.el2Ns() != null && y.el2Ns() != null;
            if (x.interrupts().n() > 0) {
                p99a = Math.max(p99a, x.interrupts().p99Ns());
            }
            if (y.interrupts().n() > 0) {
                p99b = Math.max(p99b, y.interrupts().p99Ns());
            }
        }
        String tail = (onlyA.isEmpty() ? "" : "; only in A: " + String.join(", ", onlyA))
                + (onlyB.isEmpty() ? "" : "; only in B: " + String.join(", ", onlyB));
        if (both == 0) {
            return "B vs A: no VM in common" + tail;
        }
        // what a backing (or any stage-2) change buys: always named, changed or not
        List<Candidate> fixed = new ArrayList<>();
        fixed.add(new Candidate("stage-2 faults", Figure.Unit.COUNT, ta[3], tb[3], ta[3], tb[3]));
        if (ta[1] > 0 && tb[1] > 0) {
            fixed.add(new Candidate("descriptor reads per walk", Figure.Unit.MEAN, ratio(ta[2], ta[1]),
                    ratio(tb[2], tb[1]), ratio(ta[2], ta[1]), ratio(tb[2], tb[1])));
        }
        if (times) {
            fixed.add(new Candidate("translation time", Figure.Unit.NS, ta[5], tb[5], ta[5], tb[5]));
        }
        List<Candidate> cs = new ArrayList<>();
        Double ha = ta[0] == 0 ? null : 1.0 - ta[1] / (double) ta[0];
        Double hb = tb[0] == 0 ? null : 1.0 - tb[1] / (double) tb[0];
        cs.add(new Candidate("TLB hit rate", Figure.Unit.RATIO, ha, hb, ratio(ta[1], ta[0]), ratio(tb[1], tb[0])));
        cs.add(new Candidate("walks", Figure.Unit.COUNT, ta[1], tb[1], ta[1], tb[1]));
        cs.add(new Candidate("translations", Figure.Unit.COUNT, ta[0], tb[0], ta[0], tb[0]));
        if (exits) {
            cs.add(new Candidate("exits", Figure.Unit.COUNT, ta[4], tb[4], ta[4], tb[4]));
        }
        if (el2) {
            cs.add(new Candidate("time in EL2", Figure.Unit.NS, ta[6], tb[6], ta[6], tb[6]));
        }
        if (p99a >= 0 && p99b >= 0) {
            cs.add(new Candidate("largest VM interrupt p99", Figure.Unit.NS, p99a, p99b, p99a, p99b));
        }
        List<Candidate> changed = new ArrayList<>();
        for (Candidate c : cs) {
            if (c.rank() > 0) {
                changed.add(c);
            }
        }
        boolean anyFixed = false;
        for (Candidate c : fixed) {
            anyFixed |= c.rank() > 0;
        }
        if (changed.isEmpty() && !anyFixed) {
            return "B vs A: no headline figure changed (" + both + (both == 1 ? " VM" : " VMs") + " compared)" + tail;
        }
        // stable sort: equal ranks keep the order above
        changed.sort((x, y) -> Double.compare(y.rank(), x.rank()));
        List<String> parts = new ArrayList<>();
        for (Candidate c : fixed) {
            parts.add(c.name() + " " + c.change());
        }
        List<String> also = new ArrayList<>();
        for (Candidate c : changed.subList(0, Math.min(HEADLINE_OTHERS, changed.size()))) {
            also.add(c.name() + " " + c.change());
        }
        return "B vs A: " + String.join(", ", parts) + (also.isEmpty() ? "" : "; also " + String.join(", ", also))
                + tail;
    }

    private static void add(long[] t, VmSummary v) {
        t[0] += v.translations();
        t[1] += v.walks();
        t[2] += v.descriptorReads();
        t[3] += v.stage2Faults();
        t[4] += v.exits() == null ? 0 : v.exits();
        t[5] += v.translationNs() == null ? 0 : v.translationNs();
        t[6] += v.el2Ns() == null ? 0 : v.el2Ns();
    }

    private static Double ratio(long x, long y) {
        return y == 0 ? null : x / (double) y;
    }

    /** A headline candidate: its values and the values whose relative change ranks it. */
    private record Candidate(String name, Figure.Unit unit, Double a, Double b, Double rankA, Double rankB) {
        Candidate(String name, Figure.Unit unit, long a, long b, long rankA, long rankB) {
            this(name, unit, (double) a, (double) b, (double) rankA, (double) rankB);
        }

        double rank() {
            if (a == null || b == null || a.equals(b) || rankA == null || rankB == null) {
                return 0;
            }
            if (rankA == 0) {
                return rankB == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            // to 9 decimals: a rank that differs from another only by rounding (0.11 - 0.1 is not
            // exactly 0.01 in binary) ties with it and keeps the fixed order
            return Math.rint(Math.abs((rankB - rankA) / rankA) * 1e9) / 1e9;
        }

        String change() {
            if (a.equals(b)) {
                return "unchanged";
            }
            if (unit == Figure.Unit.RATIO) {
                return CompareText.signed(String.format(Locale.ROOT, "%+.2f", (b - a) * 100.0)) + " points";
            }
            if (a == 0) {
                return CompareText.value(unit, a) + " → " + CompareText.value(unit, b);
            }
            return CompareText.percent((b - a) / a);
        }
    }
}
