/**
 * The canonical trace format v1 (docs/trace-format.md): its tables and columns
 * ({@link org.virtreplay.ingest.trace.TableKind}), and validated streaming reading of either form,
 * CSV (plain, gzip, xz, zstd) or Parquet, through {@link org.virtreplay.ingest.trace.Trace}:
 * primitive cursors ({@link org.virtreplay.ingest.trace.MemCursor},
 * {@link org.virtreplay.ingest.trace.TableCursor}) and records for the small tables. Every problem
 * is one {@code FILE:LINE: ...} line collected in {@link org.virtreplay.ingest.trace.Problems}.
 */
package org.virtreplay.ingest.trace;
