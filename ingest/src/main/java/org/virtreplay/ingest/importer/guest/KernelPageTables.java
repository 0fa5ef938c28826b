package org.virtreplay.ingest.importer.guest;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.importer.stage2.Stage2Geometry;
import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.PtdumpRow;
import org.virtreplay.ingest.importer.text.TextInput;

/**
 * Reads a guest's {@code kernel_page_tables} dump in two passes and gives the model the stage-1
 * mappings whose output address the dump determines.
 *
 * <p>The dump prints VA ranges and attributes but no output addresses. Only the linear map has an
 * output address that follows from the VA: Linux maps all guest RAM there at a constant offset
 * ({@code __phys_to_virt}), so the first mapped byte of the {@code Linear Mapping} region is the
 * start of guest RAM, and every linear-map VA {@code v} maps IPA {@code v - first + ramBase}. The
 * other regions (kernel image, modules, vmalloc, vmemmap, fixmap, PCI I/O) map pages the dump gives
 * no IPA for; they are counted, not mapped.
 *
 * <p>First pass: checks every line, finds the granule (as {@link Stage2Geometry} does for stage 2:
 * from the {@code PTE} ranges and the valid blocks; the largest consistent granule) and the linear
 * map's start. Second pass: one {@code map} row per leaf entry of a valid linear-map range.
 */
public final class KernelPageTables {
    private KernelPageTables() {
    }

    /** QEMU virt's (and cloud-hypervisor's) guest RAM base, the default of {@link Options#ramBase()}. */
    public static final long QEMU_VIRT_RAM_BASE = 0x4000_0000L;

    /**
     * How to read a dump.
     *
     * @param granule   the stage-1 granule, or null to infer it
     * @param ramBase   the IPA of the first byte the linear map maps (the guest's RAM base), or -1 for
     *                  {@link #QEMU_VIRT_RAM_BASE}
     * @param lenient   skip malformed lines (counted) instead of failing
     * @param maxErrors problems reported before a strict read stops
     */
    public record Options(Granule granule, long ramBase, boolean lenient, int maxErrors) {
        public static Options defaults() {
            return new Options(null, -1, false, 20);
        }
    }

    /**
     * What the first pass found, given before the first mapping.
     *
     * @param granule        the granule
     * @param vaBits         VA bits of the upper range (0 without a linear map marker)
     * @param ramBase        the IPA of the linear map's first mapped byte
     * @param firstRunBytes  bytes of IPA from {@code ramBase} that the linear map maps without a hole
     * @param tablePages     translation tables (root included) the mapped linear ranges need
     */
    public record Plan(Granule granule, int vaBits, long ramBase, long firstRunBytes, long tablePages) {
    }

    /** Receives the mappings, in VA order. */
    @FunctionalInterface
    public interface Out {
        /** Called once, after the first pass and before the first {@link #map}. */
        default void start(Plan plan) {
        }

        /** One leaf entry: VA {@code va} to IPA {@code ipa}, {@code size} bytes. */
        void map(long va, long ipa, long size, String perm, String memtype, boolean notGlobal, long line);
    }

    /**
     * What a read found.
     *
     * @param granule          the granule used
     * @param granuleInferred  true if inferred
     * @param vaBits           VA bits of the kernel's upper range (from the linear map's start,
     *                         PAGE_OFFSET = -2^vaBits), or 0 if the dump has no linear map marker
     * @param linearStart      VA of the linear map's start, or 0
     * @param firstMapped      VA of its first mapped byte, or 0
     * @param ramBase          the IPA that VA maps
     * @param ramBaseAssumed   true if {@code ramBase} is the default, not given
     * @param lines            lines read
     * @param ranges           range lines read
     * @param validRanges      range lines with valid entries
     * @param mapRows          map rows written (leaf entries of the linear map)
     * @param maxIpaEnd        IPA just past the highest mapped byte
     * @param notMapped        valid leaf entries not mapped, by reason
     * @param contiguousLeaves mapped leaf entries with the contiguous hint
     * @param notGlobalLeaves  mapped leaf entries with nG
     * @param skipped          malformed lines skipped (lenient), by kind
     */
    public record Result(Granule granule, boolean granuleInferred, int vaBits, long linearStart, long firstMapped,
            long ramBase, boolean ramBaseAssumed, long lines, long ranges, long validRanges, long mapRows,
            long maxIpaEnd, SortedMap<String, Long> notMapped, long contiguousLeaves, long notGlobalLeaves,
            SortedMap<String, Long> skipped) {
    }

    private static boolean isLinear(String section) {
        return section != null && section.startsWith("Linear Mapping") && !section.endsWith("end");
    }

    /** Reads the dump at {@code file} and gives its linear-map entries to {@code out}. */
    public static Result read(Path file, String name, Options o, Out out) {
        Issues issues = new Issues(name, o.lenient(), o.maxErrors());
        Pass1 p1 = new Pass1();
        KernelPageTablesParser first = new KernelPageTablesParser(issues);
        long lines;
        try (TextInput in = TextInput.open(file, name)) {
            first.parse(in, p1::add);
            lines = in.lineNumber();
        }
        issues.finish();
        if (first.ranges() == 0) {
            throw issues.fatal("expected range lines '0xSTART-0xEND SIZE LEVEL [ATTRIBUTES]' (a kernel_page_tables "
                    + "dump), found none");
        }
        Granule g = p1.decide(o.granule(), issues);
        long ramBase = o.ramBase() >= 0 ? o.ramBase() : QEMU_VIRT_RAM_BASE;
        int vaBits0 = p1.linearStart != 0 ? Long.numberOfTrailingZeros(p1.linearStart) : 0;
        int gi = g == Granule.K4 ? 0 : g == Granule.K16 ? 1 : 2;
        out.start(new Plan(g, vaBits0, ramBase, p1.firstRunBytes, p1.tables[gi]));
        Pass2 p2 = new Pass2(g, p1.firstMapped, ramBase, out, issues);
        try (TextInput in = TextInput.open(file, name)) {
            new KernelPageTablesParser(new Issues(name, true, o.maxErrors())).parse(in, p2::add);
        }
        int vaBits = p1.linearStart != 0 ? Long.numberOfTrailingZeros(p1.linearStart) : 0;
        return new Result(g, o.granule() == null, vaBits, p1.linearStart, p1.firstMapped, ramBase, o.ramBase() < 0,
                lines, first.ranges(), p1.validRanges, p2.mapRows, p2.maxIpaEnd, p2.notMapped, p2.contiguous,
                p2.notGlobal, issues.skipped());
    }

    /** Leaf size of a level, or 0 for PGD (its level depends on the kernel's folding). */
    static long leaf(Granule g, int level) {
        return level < 0 ? 0 : 1L << g.levelShift(level);
    }

    private static final Granule[] ALL = {Granule.K4, Granule.K16, Granule.K64};

    private static final class Pass1 {
        int candidates = 0b111;
        final long[] excludedAt = new long[3];
        final String[] excludedWhy = new String[3];
        long validRanges;
        long linearStart;
        long firstMapped;
        boolean inLinear;
        long firstRunBytes;
        boolean firstRunOpen;
        final long[] tables = {1, 1, 1};
        final long[][] lastRegion = new long[3][4];
        final boolean[][] seen = new boolean[3][4];

        void add(KernelPtRange r) {
            if (isLinear(r.section())) {
                if (!inLinear) {
                    inLinear = true;
                    linearStart = r.start();
                }
                if (r.valid() && firstMapped == 0) {
                    firstMapped = r.start();
                    firstRunOpen = true;
                }
                if (firstRunOpen) {
                    if (r.valid() && r.start() == firstMapped + firstRunBytes) {
                        firstRunBytes += r.size();
                    } else {
                        firstRunOpen = false;
                    }
                }
                if (r.valid() && r.level() >= 0 && linearStart != 0) {
                    countTables(r);
                }
            }
            if (r.valid()) {
                validRanges++;
            }
            if (r.level() < 0 || (!r.valid() && r.level() != 3)) {
                return;
            }
            for (int i = 0; i < ALL.length; i++) {
                if ((candidates & (1 << i)) == 0) {
                    continue;
                }
                Granule g = ALL[i];
                long entry = leaf(g, r.level());
                String why = null;
                if (r.valid() && r.level() < 3 && !g.blockAllowed(r.level())) {
                    why = String.format(Locale.ROOT, "a %s granule has no %s blocks", Stage2Geometry.name(g),
                            r.levelName());
                } else if ((r.start() & (entry - 1)) != 0 || (r.size() & (entry - 1)) != 0) {
                    why = String.format(Locale.ROOT,
                            "a %s range of a %s granule is a whole number of %s entries, got 0x%x-0x%x (%s)",
                            r.levelName(), Stage2Geometry.name(g), PtdumpRow.describe(entry), r.start(), r.end(),
                            PtdumpRow.describe(r.size()));
                }
                if (why != null) {
                    candidates &= ~(1 << i);
                    excludedAt[i] = r.line();
                    excludedWhy[i] = why;
                }
            }
        }

        /**
         * Counts, for each granule, the tables a valid linear range needs below the root: one
         * level-k table per distinct region one level-(k-1) entry maps, for k = start + 1 .. the
         * range's level. Ranges come in VA order, so a region shared with the previous range is
         * counted once.
         */
        void countTables(KernelPtRange r) {
            int vaBits = Long.numberOfTrailingZeros(linearStart);
            for (int i = 0; i < ALL.length; i++) {
                Granule g = ALL[i];
                int levels = (vaBits - g.g + g.stride - 1) / g.stride;
                int start = 4 - levels;
                for (int k = start + 1; k <= r.level(); k++) {
                    int shift = g.levelShift(k - 1);
                    if (shift >= 64) {
                        continue;
                    }
                    long first = (r.start() & ((1L << vaBits) - 1)) >>> shift;
                    long last = ((r.end() - 1) & ((1L << vaBits) - 1)) >>> shift;
                    long n = last - first + 1;
                    if (seen[i][k] && lastRegion[i][k] == first) {
                        n--;
                    }
                    tables[i] += n;
                    lastRegion[i][k] = last;
                    seen[i][k] = true;
                }
            }
        }

        Granule decide(Granule given, Issues issues) {
            if (given != null) {
                int i = given == Granule.K4 ? 0 : given == Granule.K16 ? 1 : 2;
                if ((candidates & (1 << i)) == 0) {
                    throw issues.fatal(excludedAt[i], "--guest-granule " + Stage2Geometry.name(given) + ": "
                            + excludedWhy[i]);
                }
                return given;
            }
            for (int i = ALL.length - 1; i >= 0; i--) {
                if ((candidates & (1 << i)) != 0) {
                    return ALL[i];
                }
            }
            int last = 0;
            for (int i = 1; i < ALL.length; i++) {
                if (excludedAt[i] > excludedAt[last]) {
                    last = i;
                }
            }
            throw issues.fatal(excludedAt[last], "the ranges fit no stage-1 granule (4K, 16K, 64K); here "
                    + excludedWhy[last]);
        }
    }

    private static final class Pass2 {
        final Granule g;
        final long firstMapped;
        final long ramBase;
        final Out out;
        final Issues issues;
        long mapRows;
        long maxIpaEnd;
        long contiguous;
        long notGlobal;
        final TreeMap<String, Long> notMapped = new TreeMap<>();

        Pass2(Granule g, long firstMapped, long ramBase, Out out, Issues issues) {
            this.g = g;
            this.firstMapped = firstMapped;
            this.ramBase = ramBase;
            this.out = out;
            this.issues = issues;
        }

        void add(KernelPtRange r) {
            if (!r.valid()) {
                return;
            }
            long leaf = leaf(g, r.level());
            if (leaf == 0) {
                notMapped.merge("block at PGD level (its size depends on the kernel's folded levels)", 1L, Long::sum);
                return;
            }
            long entries = r.size() / leaf;
            if (!isLinear(r.section())) {
                notMapped.merge("no output address in the dump: " + (r.section() == null ? "before any marker"
                        : r.section()), entries, Long::sum);
                return;
            }
            if (!r.af()) {
                notMapped.merge("Access flag clear", entries, Long::sum);
                return;
            }
            if (r.memtype() == null) {
                notMapped.merge("no memory type printed", entries, Long::sum);
                return;
            }
            long ipa0 = r.start() - firstMapped + ramBase;
            if ((ipa0 & (leaf - 1)) != 0) {
                throw issues.fatal(r.line(), String.format(Locale.ROOT,
                        "the linear map's %s entry at VA 0x%x needs a %s-aligned IPA, but RAM base 0x%x puts it at "
                                + "0x%x (give the guest's RAM base, the IPA of VA 0x%x)", PtdumpRow.describe(leaf),
                        r.start(), PtdumpRow.describe(leaf), ramBase, ipa0, firstMapped));
            }
            String perm = r.perm();
            for (long va = r.start(); va != r.end(); va += leaf) {
                long ipa = va - firstMapped + ramBase;
                out.map(va, ipa, leaf, perm, r.memtype(), r.notGlobal(), r.line());
                mapRows++;
                if (Long.compareUnsigned(ipa + leaf, maxIpaEnd) > 0) {
                    maxIpaEnd = ipa + leaf;
                }
            }
            if (r.contiguous()) {
                contiguous += entries;
            }
            if (r.notGlobal()) {
                notGlobal += entries;
            }
        }
    }
}
