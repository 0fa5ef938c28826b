/**
 * Importer of Arm SPE samples as {@code perf script} prints them: the line parser that merges the
 * synthetic events of one SPE record into one sample
 * ({@link org.virtreplay.ingest.importer.spe.PerfScriptSpeParser},
 * {@link org.virtreplay.ingest.importer.spe.SpeSample}).
 */
package org.virtreplay.ingest.importer.spe;
