package org.virtreplay.analysis.metrics;

/** One row of {@code run_info}: a key and its value, both text. */
public record RunInfoRow(String key, String value) {
}
