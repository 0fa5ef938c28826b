/**
 * {@code virtreplay calibrate}: fits the cost model (docs/costs.md) to a recording's observed exit
 * durations and interrupt latencies by least squares on medians (docs/calibrate.md).
 */
package org.virtreplay.analysis.calibrate;
