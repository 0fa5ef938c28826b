/**
 * Allocation-free statistics for the replay hot path: a log-linear histogram in the style of
 * HdrHistogram (constant-time recording into a {@code long[]}, bounded relative error), so that the
 * engine can keep latency distributions without depending on any library; and a primitive long set
 * for first-touch questions (has this page been seen?) without boxing.
 */
package org.virtreplay.engine.stats;
