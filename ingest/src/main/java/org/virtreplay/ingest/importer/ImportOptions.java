package org.virtreplay.ingest.importer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.virtreplay.ingest.convert.TraceConverter;

/**
 * What {@code virtreplay import} was asked to do.
 *
 * @param out        the trace directory to write
 * @param form       Parquet or canonical CSV
 * @param force      replace {@code out} if it exists (once the new trace is complete)
 * @param lenient    skip malformed records with a count instead of failing
 * @param maxErrors  stop after this many problems
 * @param clock      {@code --clock}: the trace clock to record, or null for the sources' own
 * @param vms        {@code --vm NAME=PID[,TID...]}, in the order given (their VM ids follow it)
 * @param offsets    {@code --offset SOURCE=NS} by source label (the file as written, or its name)
 * @param sources    every source, in a fixed order of formats, each format's files in the order given
 * @param bufferRows rows per table the sink sorts in memory before it writes a run to disk
 * @param formats    options of single source formats ({@code --s2-granule}, ...)
 */
public record ImportOptions(Path out, TraceConverter.Form form, boolean force, boolean lenient, int maxErrors,
        String clock, List<VmSpec> vms, Map<String, Long> offsets, List<SourceSpec> sources, int bufferRows,
        FormatOptions formats) {

    /** Rows per table sorted in memory: about 10 MB for the widest table. */
    public static final int DEFAULT_BUFFER_ROWS = 1 << 17;

    public ImportOptions {
        vms = List.copyOf(vms);
        offsets = Map.copyOf(offsets);
        sources = List.copyOf(sources);
        formats = formats == null ? FormatOptions.defaults() : formats;
    }

    /** Without format options (everything inferred or read from the sources). */
    public ImportOptions(Path out, TraceConverter.Form form, boolean force, boolean lenient, int maxErrors,
            String clock, List<VmSpec> vms, Map<String, Long> offsets, List<SourceSpec> sources, int bufferRows) {
        this(out, form, force, lenient, maxErrors, clock, vms, offsets, sources, bufferRows, FormatOptions.defaults());
    }

    /** The sources of one format, in the order given. */
    public List<SourceSpec> sources(SourceFormat f) {
        return sources.stream().filter(s -> s.format() == f).toList();
    }
}
