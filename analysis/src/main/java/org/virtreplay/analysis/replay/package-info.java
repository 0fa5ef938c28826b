/**
 * The batch replay job: reads a canonical trace, merges its tables in time order, drives the
 * engine's {@link org.virtreplay.engine.replay.Replayer} and writes the metric tables.
 */
package org.virtreplay.analysis.replay;
