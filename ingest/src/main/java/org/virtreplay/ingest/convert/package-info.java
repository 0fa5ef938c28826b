/**
 * Writing canonical traces: {@link org.virtreplay.ingest.convert.TraceConverter} validates a whole
 * trace and writes its Parquet form (parquet-avro, schemas in {@code org/virtreplay/ingest/schema/})
 * or its canonical CSV form, atomically (temporary directory, then rename).
 */
package org.virtreplay.ingest.convert;
