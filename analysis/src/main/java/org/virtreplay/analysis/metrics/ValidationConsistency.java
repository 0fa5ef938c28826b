package org.virtreplay.analysis.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Consistency rule 8 of docs/metrics.md: the {@code validation} table's errors follow from its
 * observed and modelled values, and its modelled values are the ones the other tables hold
 * ({@code exit_stats}, {@code stage2_faults}, {@code irq_latency}).
 */
final class ValidationConsistency {
    private static final double REL_TOL = 1e-9;
    private static final int MAX_ROW_PROBLEMS = 100;

    private ValidationConsistency() {
    }

    static List<String> check(List<ValidationRow> rows, List<ExitStatsRow> exits, List<Stage2FaultRow> faults,
            List<IrqLatencyRow> irq) {
        Map<String, long[]> exitsBy = new HashMap<>(); // "vm reason" -> {count + unfinished, count, total}
        for (ExitStatsRow e : exits) {
            long[] a = exitsBy.computeIfAbsent(e.vm() + " " + e.reason(), k -> new long[3]);
            a[0] += e.count() + e.unfinished();
            a[1] += e.count();
            a[2] += e.totalNs();
        }
        Map<Integer, Long> abortsBy = new HashMap<>();
        for (Stage2FaultRow f : faults) {
            abortsBy.merge(f.vm(), f.count(), Long::sum);
        }
        Map<String, IrqLatencyRow> irqBy = new HashMap<>();
        for (IrqLatencyRow r : irq) {
            irqBy.put(r.vm() + " " + r.vcpu() + " " + r.irqClass(), r);
        }
        Map<Integer, Double> memslotSum = new HashMap<>();
        List<String> p = new ArrayList<>();
        for (ValidationRow r : rows) {
            if (p.size() >= MAX_ROW_PROBLEMS) {
                break;
            }
            String where = "validation " + r.quantity() + " " + r.scope();
            Double m = r.modelled();
            Double abs = m == null ? null : Math.abs(m - r.observed());
            Double rel = m == null || r.observed() == 0 ? null : abs / Math.abs(r.observed());
            if (!same(abs, r.absError()) || !same(rel, r.relError())) {
                p.add(where + ": abs_error " + r.absError() + " / rel_error " + r.relError() + " do not follow from "
                        + "observed " + r.observed() + " and modelled " + m);
            }
            if (r.judged() && (m == null || !r.note().isEmpty()) || !r.judged() && r.note().isEmpty()) {
                p.add(where + ": judged " + r.judged() + " with modelled " + m + " and note '" + r.note() + "'");
            }
            Map<String, String> s = scope(r.scope());
            String vm = Integer.toString(r.vm());
            if (!vm.equals(s.get("vm"))) {
                p.add(where + ": vm " + r.vm() + " is not the scope's");
                continue;
            }
            Double want;
            switch (r.quantity()) {
                case "exits" -> {
                    long[] a = exitsBy.get(vm + " " + s.get("reason"));
                    want = a == null ? 0.0 : (double) a[0];
                }
                case "exit_mean_ns" -> {
                    long[] a = exitsBy.get(vm + " " + s.get("reason"));
                    want = a == null || a[1] == 0 ? null : (double) a[2] / a[1];
                }
                case "stage2_aborts" -> {
                    if (s.containsKey("memslot")) {
                        memslotSum.merge(r.vm(), m == null ? 0.0 : m, Double::sum);
                        continue;
                    }
                    want = (double) abortsBy.getOrDefault(r.vm(), 0L);
                }
                case "irq_latency_p50_ns", "irq_latency_p99_ns" -> {
                    IrqLatencyRow l = irqBy.get(vm + " " + s.get("vcpu") + " " + s.get("class"));
                    want = l == null ? null : (double) (r.quantity().contains("p50") ? l.p50Ns() : l.p99Ns());
                }
                default -> {
                    continue; // tlb_miss_ratio: the probes are in no other table
                }
            }
            if (!same(want, m)) {
                p.add(where + ": modelled " + m + ", but the model's tables give " + want);
            }
        }
        for (Map.Entry<Integer, Double> e : memslotSum.entrySet()) {
            long total = abortsBy.getOrDefault(e.getKey(), 0L);
            if (e.getValue() != total) {
                p.add("validation stage2_aborts vm=" + e.getKey() + ": the memslot rows' modelled aborts add up to "
                        + e.getValue() + ", stage2_faults has " + total);
            }
        }
        return p;
    }

    private static Map<String, String> scope(String scope) {
        Map<String, String> m = new HashMap<>();
        for (String item : scope.split(" ")) {
            int eq = item.indexOf('=');
            if (eq > 0) {
                m.put(item.substring(0, eq), item.substring(eq + 1));
            }
        }
        return m;
    }

    private static boolean same(Double a, Double b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Math.abs(a - b) <= REL_TOL * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
}
