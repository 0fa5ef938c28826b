package org.virtreplay.ingest.importer.stage2;

import java.util.Locale;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.PtdumpRow;

/**
 * Works out the stage-2 translation granule of a dump from its ranges (first pass), checked against
 * {@code stage2_levels} and {@code ipa_range} when they are given.
 *
 * <p>A granule G is consistent with a range at level L when the range starts and ends on multiples
 * of the size one level-L entry maps with G (4K: 4K, 2M, 1G, 512G at levels 3..0; 16K: 16K, 32M,
 * 64G; 64K: 64K, 512M, 4T) and, for a valid range above level 3, G allows a block at L. The evidence
 * is every valid range and every range at level 3; unmapped ranges above level 3 are not used,
 * because the v9 dump names some of them with a level their size does not fit (the {@code 1G 0}
 * row of the QEMU sample). Of the consistent granules the largest is taken: every range of a 16K or
 * 64K dump is also a whole number of 4K pages or 2M blocks, so the smaller granule can never be
 * ruled out by a dump of a larger one, while a 4K dump rules out the others as soon as it has one
 * page or block run that a 16K or 64K table could not hold.
 *
 * <p>KVM gives a stage 2 of {@code ipa_range} bits {@code max(2, (ipa - 8) / (granule_shift - 3))}
 * levels (Linux {@code stage2_pgtable_levels()}, {@code ARM64_HW_PGTABLE_LEVELS(ipa - 4)} with up to
 * 16 concatenated root tables), so when both files are given only the granules that give that level
 * count remain.
 */
public final class Stage2Geometry {
    private static final Granule[] ALL = {Granule.K4, Granule.K16, Granule.K64};

    private int candidates = 0b111;
    private final long[] excludedAt = new long[3];
    private final String[] excludedWhy = new String[3];
    private long validRanges;
    private int minLevel = 4;
    private long minLevelLine;
    private long maxValidEnd;
    private long maxValidEndLine;

    /** Takes one range line into account. */
    public void add(Stage2Range r) {
        if (r.level() < minLevel) {
            minLevel = r.level();
            minLevelLine = r.line();
        }
        if (r.valid()) {
            validRanges++;
            if (Long.compareUnsigned(r.end(), maxValidEnd) > 0) {
                maxValidEnd = r.end();
                maxValidEndLine = r.line();
            }
        } else if (r.level() != 3) {
            return;
        }
        for (int i = 0; i < ALL.length; i++) {
            if ((candidates & (1 << i)) == 0) {
                continue;
            }
            Granule g = ALL[i];
            String why = misfit(g, r);
            if (why != null) {
                candidates &= ~(1 << i);
                excludedAt[i] = r.line();
                excludedWhy[i] = why;
            }
        }
    }

    /** Why {@code r} cannot be a range of a stage 2 with granule {@code g}, or null if it can. */
    static String misfit(Granule g, Stage2Range r) {
        int shift = g.levelShift(r.level());
        if (shift >= 64) {
            return null;
        }
        long entry = 1L << shift;
        if (r.valid() && r.level() < 3 && !g.blockAllowed(r.level())) {
            return String.format(Locale.ROOT, "a %s granule has no level-%d blocks, got a valid level-%d range",
                    name(g), r.level(), r.level());
        }
        if ((r.start() & (entry - 1)) != 0 || (r.size() & (entry - 1)) != 0) {
            return String.format(Locale.ROOT,
                    "a level-%d range of a %s granule is a whole number of %s entries, got 0x%x-0x%x (%s)",
                    r.level(), name(g), PtdumpRow.describe(entry), r.start(), r.end(), PtdumpRow.describe(r.size()));
        }
        return null;
    }

    /** {@code 4K}, {@code 16K}, {@code 64K}. */
    public static String name(Granule g) {
        return (g.bytes >> 10) + "K";
    }

    /** Levels of a KVM stage 2 with this granule and IPA size. */
    public static int kvmLevels(Granule g, int ipaBits) {
        return Math.max(2, (ipaBits - 8) / (g.g - 3));
    }

    /** Number of valid (mapped) ranges seen. */
    public long validRanges() {
        return validRanges;
    }

    /** The end of the highest mapped range (0 if none). */
    public long maxValidEnd() {
        return maxValidEnd;
    }

    /**
     * The granule of the dump.
     *
     * @param given   from {@code --s2-granule}, or null to infer
     * @param levels  from {@code stage2_levels}, or 0 if not given
     * @param ipaBits from {@code ipa_range}, or 0 if not given
     * @param issues  where to report a contradiction (always fatal: the layout cannot be built)
     */
    public Granule decide(Granule given, int levels, int ipaBits, Issues issues) {
        if (ipaBits > 0 && maxValidEnd != 0 && Long.compareUnsigned(maxValidEnd - 1, (1L << ipaBits) - 1) > 0) {
            throw issues.fatal(maxValidEndLine, String.format(Locale.ROOT,
                    "expected mapped IPAs below 2^%d (ipa_range %d), got a range ending at 0x%x", ipaBits, ipaBits,
                    maxValidEnd));
        }
        if (levels > 0 && minLevel < 4 - levels) {
            throw issues.fatal(minLevelLine, String.format(Locale.ROOT,
                    "expected levels %d..3 (stage2_levels %d), got level %d", 4 - levels, levels, minLevel));
        }
        if (given != null) {
            int i = index(given);
            if ((candidates & (1 << i)) == 0) {
                throw issues.fatal(excludedAt[i], "--s2-granule " + name(given) + ": " + excludedWhy[i]);
            }
            if (levels > 0 && ipaBits > 0 && kvmLevels(given, ipaBits) != levels) {
                throw issues.fatal(levelsMismatch(given, levels, ipaBits));
            }
            return given;
        }
        int kept = candidates;
        if (levels > 0 && ipaBits > 0) {
            for (int i = 0; i < ALL.length; i++) {
                if (kvmLevels(ALL[i], ipaBits) != levels) {
                    kept &= ~(1 << i);
                }
            }
        }
        for (int i = ALL.length - 1; i >= 0; i--) {
            if ((kept & (1 << i)) != 0) {
                return ALL[i];
            }
        }
        if (candidates == 0) {
            int last = 0;
            for (int i = 1; i < ALL.length; i++) {
                if (excludedAt[i] > excludedAt[last]) {
                    last = i;
                }
            }
            throw issues.fatal(excludedAt[last], "the ranges fit no stage-2 granule (4K, 16K, 64K); here " + excludedWhy[last]);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ALL.length; i++) {
            if ((candidates & (1 << i)) != 0) {
                b.append(b.length() == 0 ? "" : " or ").append(name(ALL[i])).append(" (")
                        .append(kvmLevels(ALL[i], ipaBits)).append(" levels)");
            }
        }
        throw issues.fatal(String.format(Locale.ROOT,
                "stage2_levels %d with ipa_range %d fits none of the granules the ranges allow: %s", levels, ipaBits, b));
    }

    private static String levelsMismatch(Granule g, int levels, int ipaBits) {
        return String.format(Locale.ROOT, "--s2-granule %s: KVM builds a %d-bit stage 2 with %d levels at that granule, "
                + "but stage2_levels says %d", name(g), ipaBits, kvmLevels(g, ipaBits), levels);
    }

    private static int index(Granule g) {
        return g == Granule.K4 ? 0 : g == Granule.K16 ? 1 : 2;
    }
}
