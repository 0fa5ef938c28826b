/**
 * Importer of Valgrind lackey memory traces ({@code valgrind --tool=lackey --trace-mem=yes}):
 * a byte-level parser (no {@code String} per line) that turns {@code I}, {@code L}, {@code S} and
 * {@code M} lines into primitive batches, with transparent gzip, xz and zstd decompression and a
 * reader thread that parses while the consumer simulates.
 */
package org.virtreplay.ingest.lackey;
