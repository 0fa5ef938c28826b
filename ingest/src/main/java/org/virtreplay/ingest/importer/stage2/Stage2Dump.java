package org.virtreplay.ingest.importer.stage2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.TextInput;

/**
 * Reads one stage-2 dump in two passes: the first checks every line and works out the granule
 * ({@link Stage2Geometry}), the second builds the layout ({@link Stage2Layout}). Memory stays
 * bounded by the number of memslots, whatever the dump's length.
 *
 * <p>The source is either the dump file itself or a directory holding a copy of the VM's debugfs
 * directory: {@code stage2_page_tables} (plain or {@code .gz}, {@code .xz}, {@code .zst}) and,
 * optionally, {@code ipa_range} and {@code stage2_levels}.
 */
public final class Stage2Dump {
    private Stage2Dump() {
    }

    /**
     * How to read a dump.
     *
     * @param granule   the stage-2 granule, or null to infer it from the ranges
     * @param xColumn   the meaning of the single {@code X} column
     * @param lenient   skip malformed lines (counted) instead of failing
     * @param maxErrors problems reported before a strict read stops
     */
    public record Options(Granule granule, Stage2DumpParser.XColumn xColumn, boolean lenient, int maxErrors) {
        /** Strict, inferred granule, mainline meaning of {@code X}. */
        public static Options defaults() {
            return new Options(null, Stage2DumpParser.XColumn.EXECUTE_NEVER, false, 20);
        }
    }

    /**
     * What a read found.
     *
     * @param dump             the dump file read
     * @param granule          the granule used
     * @param granuleInferred  true if it was inferred (not given)
     * @param form             the attribute form ({@code null} if the dump maps nothing)
     * @param ipaBits          from {@code ipa_range}, or 0 if not given
     * @param levels           from {@code stage2_levels}, or 0 if not given
     * @param lines            lines read
     * @param ranges           range lines read
     * @param validRanges      range lines with valid entries
     * @param maxValidEnd      end of the highest mapped range
     * @param memslots         memslots written
     * @param mapRows          map rows written
     * @param afClearEntries   leaf entries left unmapped for a clear Access flag
     * @param noAccessEntries  leaf entries left unmapped for having no read or write permission
     * @param singleElExec     leaf entries executable at one EL only, mapped without x
     * @param mappedBytes      IPA bytes in valid ranges
     * @param skipped          malformed lines skipped (lenient), by kind
     */
    public record Result(Path dump, Granule granule, boolean granuleInferred, Stage2DumpParser.Form form, int ipaBits,
            int levels, long lines, long ranges, long validRanges, long maxValidEnd, long memslots, long mapRows,
            long afClearEntries, long noAccessEntries, long singleElExec, long mappedBytes,
            SortedMap<String, Long> skipped) {
    }

    /** The dump file of {@code source} (the file itself, or {@code stage2_page_tables*} in a directory). */
    public static Path dumpFile(Path source, String name) {
        if (!Files.isDirectory(source)) {
            return source;
        }
        for (String suffix : new String[] {"", ".gz", ".xz", ".zst"}) {
            Path p = source.resolve("stage2_page_tables" + suffix);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new BadInputException(name + ": a directory without stage2_page_tables (expected a copy of "
                + "/sys/kernel/debug/kvm/PID-FD/ or the dump file itself)");
    }

    /**
     * Reads the dump at {@code source}, allocating host PAs from {@code pas}, and gives the layout to
     * {@code out}. {@code name} is how messages name the source.
     */
    public static Result read(Path source, String name, Options o, HostPaAllocator pas, Stage2Layout.Out out) {
        Path dump = dumpFile(source, name);
        String dumpName = dump.equals(source) ? name : name + "/" + dump.getFileName();
        int ipaBits = 0;
        int levels = 0;
        if (Files.isDirectory(source)) {
            ipaBits = number(source.resolve("ipa_range"), name + "/ipa_range", 32, 52, "an IPA size in bits, 32..52");
            levels = number(source.resolve("stage2_levels"), name + "/stage2_levels", 1, 5, "a level count, 1..5");
        }
        Issues issues = new Issues(dumpName, o.lenient(), o.maxErrors());
        Stage2Geometry geometry = new Stage2Geometry();
        Stage2DumpParser first = new Stage2DumpParser(issues, o.xColumn());
        long lines;
        try (TextInput in = TextInput.open(dump, dumpName)) {
            first.parse(in, geometry::add);
            lines = in.lineNumber();
        }
        issues.finish();
        if (first.ranges() == 0) {
            throw issues.fatal("expected range lines '0xSTART-0xEND SIZE LEVEL [ATTRIBUTES]' (a stage2_page_tables "
                    + "dump), found none");
        }
        Granule g = geometry.decide(o.granule(), levels, ipaBits, issues);
        Stage2Layout layout = new Stage2Layout(g, pas, out);
        // The second pass sees the same lines; its problems were all reported (or counted) by the first.
        Issues again = new Issues(dumpName, true, o.maxErrors());
        try (TextInput in = TextInput.open(dump, dumpName)) {
            new Stage2DumpParser(again, o.xColumn()).parse(in, layout::accept);
        }
        layout.finish();
        return new Result(dump, g, o.granule() == null, first.form(), ipaBits, levels, lines, first.ranges(),
                geometry.validRanges(), geometry.maxValidEnd(), layout.memslots(), layout.mapRows(),
                layout.afClearEntries(), layout.noAccessEntries(), layout.singleElExecEntries(), layout.mappedBytes(),
                issues.skipped());
    }

    /** A one-number debugfs file ({@code "%2u\n"}), or 0 if absent. */
    private static int number(Path file, String name, int min, int max, String what) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try (TextInput in = TextInput.open(file, name)) {
            String s = in.next();
            String t = s == null ? "" : s.strip();
            int v;
            try {
                v = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new BadInputException(name + ":1: expected " + what + ", got " + Issues.quote(t));
            }
            if (v < min || v > max) {
                throw new BadInputException(name + ":1: expected " + what + ", got " + Issues.quote(t));
            }
            return v;
        }
    }
}
