/**
 * The answer of a replay in a few lines: a record per VM of the headline figures (translations,
 * TLB hit rate, walks and descriptor reads per walk, stage-2 faults by cause, exits, interrupt
 * latency with its sample count), built from the metric tables alone so that {@code run},
 * {@code replay} and {@code report} print the same summary, and the comparison of two such
 * summaries ({@code virtreplay compare}). Text and JSON renderers are deterministic: the same
 * tables give the same bytes.
 */
package org.virtreplay.analysis.summary;
