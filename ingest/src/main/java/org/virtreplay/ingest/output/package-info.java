/**
 * How every command writes its output: {@link org.virtreplay.ingest.output.AtomicOutput} builds a
 * directory or file under a temporary name beside the target and renames it into place when
 * complete, so that an output is either whole or absent, whatever happens to the process.
 * It sits in {@code ingest}, the lowest module that writes files (the engine does no I/O).
 */
package org.virtreplay.ingest.output;
