package org.virtreplay.analysis.summary;

/**
 * One headline figure of one VM on both sides of a comparison.
 *
 * @param key    stable name ({@code translations}, {@code stage2_faults.lazy_map}, {@code interrupt_p99_ns}, …)
 * @param label  what the text and the page call it
 * @param unit   how it is printed and how its difference is expressed
 * @param a      its value in A, or null where A does not have it (no exit table, no interrupts)
 * @param b      its value in B, or null
 */
public record Figure(String key, String label, Unit unit, Double a, Double b) {

    /** How a figure is printed; a ratio's difference is in percentage points. */
    public enum Unit { COUNT, RATIO, MEAN, NS }

    /** B − A, or null when either is missing. */
    public Double difference() {
        return a == null || b == null ? null : b - a;
    }

    /** (B − A) / A, or null when either is missing or A is 0. */
    public Double relative() {
        return a == null || b == null || a == 0 ? null : (b - a) / a;
    }
}
