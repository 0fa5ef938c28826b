package org.virtreplay.analysis.summary;

import java.util.Map;

/**
 * The summary as JSON: one object, keys in a fixed order (documented in docs/metrics.md,
 * "Summary"), maps in key order, doubles in Java's shortest round-trip form. The same tables give
 * the same bytes.
 */
public final class SummaryJson {
    private SummaryJson() {
    }

    public static String render(RunSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"input\": ").append(Json.str(s.input()))
                .append(",\n  \"name\": ").append(Json.str(SummaryText.traceName(s)))
                .append(",\n  \"input_digest\": ").append(Json.str(s.inputDigest()))
                .append(",\n  \"interrupt_percentiles\": ")
                .append(Json.str(s.pooledIrq() ? "pooled" : "per_vcpu_bound"))
                .append(",\n  \"vms\": [");
        for (int i = 0; i < s.vms().size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            vm(sb, s.vms().get(i));
        }
        sb.append(s.vms().isEmpty() ? "]" : "\n  ]").append(",\n  \"notes\": [");
        for (int i = 0; i < s.notes().size(); i++) {
            sb.append(i == 0 ? "\n    " : ",\n    ").append(Json.str(s.notes().get(i)));
        }
        sb.append(s.notes().isEmpty() ? "]" : "\n  ]").append("\n}\n");
        return sb.toString();
    }

    private static void vm(StringBuilder sb, VmSummary v) {
        sb.append("    {\"vm\": ").append(v.vm())
                .append(", \"name\": ").append(Json.str(v.name()))
                .append(", \"translations\": ").append(v.translations())
                .append(", \"tlb_hit_rate\": ").append(Json.num(v.tlbHitRate()))
                .append(", \"walks\": ").append(v.walks())
                .append(", \"descriptor_reads\": ").append(v.descriptorReads())
                .append(", \"descriptor_reads_per_walk\": ").append(Json.num(v.readsPerWalk()))
                .append(",\n     \"stage2_faults\": ").append(v.stage2Faults())
                .append(", \"stage2_faults_by_cause\": ");
        counts(sb, v.faultsByCause());
        sb.append(",\n     \"exits\": ").append(Json.num(v.exits())).append(", \"exits_by_reason\": ");
        if (v.exits() == null) {
            sb.append("null");
        } else {
            counts(sb, v.exitsByReason());
        }
        sb.append(",\n     \"interrupts\": ");
        latency(sb, v.interrupts());
        sb.append(",\n     \"interrupts_by_class\": {");
        boolean first = true;
        for (var e : v.byClass().entrySet()) {
            sb.append(first ? "" : ", ").append(Json.str(e.getKey())).append(": ");
            latency(sb, e.getValue());
            first = false;
        }
        sb.append("}}");
    }

    private static void counts(StringBuilder sb, Map<String, Long> m) {
        sb.append('{');
        boolean first = true;
        for (var e : m.entrySet()) {
            sb.append(first ? "" : ", ").append(Json.str(e.getKey())).append(": ").append(e.getValue());
            first = false;
        }
        sb.append('}');
    }

    private static void latency(StringBuilder sb, Latency l) {
        sb.append("{\"n\": ").append(l.n());
        if (l.n() == 0) {
            sb.append(", \"p50_ns\": null, \"p99_ns\": null");
        } else {
            sb.append(", \"p50_ns\": ").append(l.p50Ns()).append(", \"p99_ns\": ").append(l.p99Ns());
        }
        sb.append(", \"exact\": ").append(l.exact()).append(", \"few_samples\": ").append(l.few()).append('}');
    }
}
