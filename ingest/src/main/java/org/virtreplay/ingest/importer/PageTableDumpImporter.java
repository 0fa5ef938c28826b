package org.virtreplay.ingest.importer;

import java.util.List;
import java.util.Map;
import org.virtreplay.engine.BadInputException;

/**
 * What the importers of per-VM page-table dumps ({@code --stage2 VM=FILE} and
 * {@code --guest-tables VM=FILE}) share: their options, one {@link #readOne} a dump, a refused
 * dump's problems handed to its source, and the line and range counts every dump reports.
 */
public abstract class PageTableDumpImporter implements SourceImporter {
    protected final List<SourceSpec> specs;
    protected final FormatOptions formats;
    protected final boolean lenient;
    protected final int maxErrors;
    protected final GuestLayouts layouts;

    protected PageTableDumpImporter(List<SourceSpec> specs, FormatOptions formats, boolean lenient, int maxErrors,
            GuestLayouts layouts) {
        this.specs = List.copyOf(specs);
        this.formats = formats;
        this.lenient = lenient;
        this.maxErrors = maxErrors;
        this.layouts = layouts;
    }

    @Override
    public final void read(ImportSink sink) {
        for (SourceSpec spec : specs) {
            readOne(sink, spec);
        }
    }

    /** Imports one dump. */
    protected abstract void readOne(ImportSink sink, SourceSpec spec);

    /** Hands each problem of a refused dump to its source, which reports them with the others. */
    protected static void refused(SourceSink src, BadInputException e) {
        for (String p : e.problems()) {
            src.problem(p);
        }
    }

    /**
     * Records a dump's line and range counts and its skipped (malformed) ranges by reason
     * ({@code malformed_REASON}); returns how many ranges were skipped.
     */
    protected static long counts(SourceSink src, long lines, long ranges, Map<String, Long> skipped) {
        src.lines(lines);
        src.records(ranges);
        long n = 0;
        for (Map.Entry<String, Long> e : skipped.entrySet()) {
            src.skipped("malformed_" + e.getKey().replace(' ', '_'), e.getValue());
            n += e.getValue();
        }
        return n;
    }
}
