package org.virtreplay.analysis.sweep;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;

/**
 * A requirement on a per-VM metric, {@code irq_p99_us<=50} or {@code tlb_hit_rate>=0.99}. A point
 * satisfies it when every VM of the point does (the worst VM decides). A VM whose value is
 * undefined (no interrupts for a latency, no translations for a TLB ratio) does not violate it:
 * nothing was late and nothing missed.
 */
public record Requirement(Metric metric, Op op, double bound, String text) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The comparison. */
    public enum Op {
        LE("<="), LT("<"), GE(">="), GT(">"), EQ("==");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        boolean test(double v, double bound) {
            return switch (this) {
                case LE -> v <= bound;
                case LT -> v < bound;
                case GE -> v >= bound;
                case GT -> v > bound;
                case EQ -> v == bound;
            };
        }

        /** True when larger values are worse (so the worst VM is the one with the largest value). */
        boolean upperBound() {
            return this == LE || this == LT;
        }
    }

    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z0-9_.]+)\\s*(<=|>=|==|=|<|>)\\s*(\\S+)\\s*");

    /** Parses {@code METRIC OP NUMBER}; a bad expression is one clear line of a {@link BadInputException}. */
    public static Requirement parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new BadInputException("--require " + UserText.quote(text)
                    + ": expected METRIC OP NUMBER with OP one of "
                    + "<=, <, >=, >, ==, e.g. 'irq_p99_us<=50' or 'tlb_hit_rate>=0.99'");
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        Metric metric = Metric.byColumn(name);
        if (metric == null) {
            throw new BadInputException("--require " + UserText.quote(text) + ": unknown metric "
                    + UserText.quote(m.group(1)) + "; known metrics: "
                    + String.join(", ", Metric.columns()));
        }
        Op op = switch (m.group(2)) {
            case "<=" -> Op.LE;
            case "<" -> Op.LT;
            case ">=" -> Op.GE;
            case ">" -> Op.GT;
            default -> Op.EQ;
        };
        double bound;
        try {
            bound = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            bound = Double.NaN;
        }
        if (!Double.isFinite(bound)) {
            throw new BadInputException("--require " + UserText.quote(text) + ": expected a number after '" + m.group(2)
                    + "', got " + UserText.quote(m.group(3)));
        }
        return new Requirement(metric, op, bound, metric.column() + op.symbol + m.group(3));
    }

    /** True when the VM of this row meets the requirement (an undefined value does). */
    public boolean test(SweepResultRow r) {
        Double v = metric.of(r);
        return v == null || op.test(v, bound);
    }

    /** Of two values, the one that is worse for this requirement (nulls lose to any value). */
    Double worse(Double a, Double b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return op.upperBound() ? Math.max(a, b) : Math.min(a, b);
    }

    @Override
    public String toString() {
        return text;
    }
}
