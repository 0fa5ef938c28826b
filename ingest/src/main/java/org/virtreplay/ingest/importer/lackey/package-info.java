/**
 * {@code virtreplay import --lackey}: a Valgrind lackey log (read by the existing
 * {@link org.virtreplay.ingest.lackey.LackeyParser}) as one vCPU's access stream, with the
 * first-touch stage-1 layout of {@code virtreplay tlb} written as canonical rows
 * ({@link org.virtreplay.ingest.importer.lackey.LackeyImporter}).
 */
package org.virtreplay.ingest.importer.lackey;
