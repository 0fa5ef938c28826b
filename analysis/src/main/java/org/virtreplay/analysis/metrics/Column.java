package org.virtreplay.analysis.metrics;

/**
 * One column of a metric table, derived from a record component: its snake_case name, its type
 * and whether it may be null (only boxed {@code Long} and {@code Double} components may).
 */
public record Column(String name, Type type, boolean nullable) {

    /** The value types metric tables use; each maps to one Avro primitive type. */
    public enum Type { INT, LONG, DOUBLE, BOOLEAN, STRING }

    /** {@code s1L0Reads} becomes {@code s1_l0_reads}, {@code irqP99Ns} becomes {@code irq_p99_ns}. */
    static String snakeCase(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
