package org.virtreplay.ingest.importer;

import java.util.Map;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.importer.stage2.Stage2DumpParser;

/**
 * Options of single source formats (docs/import.md).
 *
 * @param s2Granule    {@code --s2-granule}: the stage-2 granule of every {@code --stage2} dump, or null
 *                     to infer it from the page and block sizes the dump shows
 * @param s2XColumn    {@code --s2-x-column}: what the single {@code X} column of a v9-form stage-2 dump
 *                     means (execute-never, as Linux 6.12..6.18 print it, or executable)
 * @param guestRamBase {@code --guest-ram-base VM=IPA}: the IPA of the first byte a guest's linear map
 *                     maps (its RAM base), by VM name; a VM not named gets QEMU virt's 0x40000000
 * @param spePeriod    {@code --spe-period N}: the SPE sampling interval, or -1 for what the capture's
 *                     {@code perf script --header} says
 */
public record FormatOptions(Granule s2Granule, Stage2DumpParser.XColumn s2XColumn, Map<String, Long> guestRamBase,
        long spePeriod) {

    public FormatOptions {
        guestRamBase = Map.copyOf(guestRamBase);
    }

    /** Everything inferred or read from the sources. */
    public static FormatOptions defaults() {
        return new FormatOptions(null, Stage2DumpParser.XColumn.EXECUTE_NEVER, Map.of(), -1);
    }
}
