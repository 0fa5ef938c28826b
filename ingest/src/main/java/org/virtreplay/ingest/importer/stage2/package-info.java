/**
 * Importer of KVM's stage-2 page-table dump ({@code /sys/kernel/debug/kvm/PID-FD/stage2_page_tables},
 * with {@code stage2_levels} and {@code ipa_range}): a line parser of both attribute forms
 * ({@link org.virtreplay.ingest.importer.stage2.Stage2DumpParser}), the granule inference
 * ({@link org.virtreplay.ingest.importer.stage2.Stage2Geometry}) and the layout it gives the model:
 * memslots with their backing size and stage-2 map rows at deterministic host PAs
 * ({@link org.virtreplay.ingest.importer.stage2.Stage2Layout},
 * {@link org.virtreplay.ingest.importer.stage2.HostPaAllocator}).
 */
package org.virtreplay.ingest.importer.stage2;
