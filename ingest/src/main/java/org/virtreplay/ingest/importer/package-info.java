/**
 * {@code virtreplay import}: builds a canonical trace from recordings of real hosts. Each source
 * format has one {@link org.virtreplay.ingest.importer.SourceImporter} (a class per format, in a
 * subpackage: {@code kvm} for ftrace / trace-cmd KVM events, {@code stage2}, {@code guest},
 * {@code spe}, and the lackey adapter); they hand rows to one
 * {@link org.virtreplay.ingest.importer.ImportSink}, which time-orders every table in bounded
 * memory (sorted runs on disk, merged at the end), makes timestamps relative to the earliest event
 * of all sources, declares the VMs and PEs the rows need, and writes the trace with its manifest
 * (clock, provenance, what was inferred). {@link org.virtreplay.ingest.importer.ImportJob} runs the
 * importers and installs the result atomically. Engine-free: nothing here replays.
 */
package org.virtreplay.ingest.importer;
