package org.virtreplay.ingest.importer.guest;

import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.PtdumpRow;
import org.virtreplay.ingest.importer.text.PtdumpParser;

/**
 * Reads an arm64 {@code /sys/kernel/debug/kernel_page_tables} dump (Linux
 * {@code arch/arm64/mm/ptdump.c}, {@code CONFIG_PTDUMP_DEBUGFS}) line by line.
 *
 * <p>Grammar: marker lines {@code ---[ NAME ]---} (the start of each region: {@code Linear Mapping
 * start}, {@code Modules start}, {@code vmalloc() area}, ...) and range lines (see {@link PtdumpRow})
 * whose level is {@code PGD}, {@code P4D}, {@code PUD}, {@code PMD} or {@code PTE} and whose
 * attributes are the set or clear strings of {@code pte_bits}: {@code F} (invalid), {@code USR},
 * {@code ro}/{@code RW}, {@code NX}/{@code x}, {@code SHD}, {@code AF}, {@code NG}, {@code CON},
 * {@code BLK}, {@code UXN}, {@code GP}, {@code TBL}, and one memory type {@code DEVICE/nGnRnE},
 * {@code DEVICE/nGnRE}, {@code DEVICE/GRE}, {@code MEM/NORMAL-NC}, {@code MEM/NORMAL-WT},
 * {@code MEM/NORMAL}, {@code MEM/NORMAL-TAGGED}. The columns have fixed widths with blanks for clear
 * bits, so they are read as a token set. A line without attributes is an unmapped range. A valid
 * line names exactly one of {@code ro}/{@code RW} and one of {@code NX}/{@code x}; {@code BLK} must
 * be on every valid line above {@code PTE} and on none at {@code PTE}.
 */
public final class KernelPageTablesParser extends PtdumpParser<KernelPtRange> {

    private String section;

    public KernelPageTablesParser(Issues issues) {
        super(issues);
    }

    @Override
    protected void marker(String line) {
        section = PtdumpRow.markerName(line);
    }

    @Override
    protected KernelPtRange parseLine(long ln) {
        int level = switch (row.level) {
            case "PTE" -> 3;
            case "PMD" -> 2;
            case "PUD" -> 1;
            case "P4D" -> 0;
            case "PGD" -> -1;
            default -> -2;
        };
        if (level == -2) {
            issues.malformed(ln, "bad level", "expected a level name PGD, P4D, PUD, PMD or PTE, got "
                    + Issues.quote(row.level));
            return null;
        }
        if (!inOrder(ln, row.start)) {
            return null;
        }
        boolean f = false;
        boolean usr = false;
        int ro = -1;
        int nx = -1;
        boolean uxn = false;
        boolean shd = false;
        boolean af = false;
        boolean ng = false;
        boolean con = false;
        boolean blk = false;
        String memtype = null;
        for (String t : row.attrs) {
            switch (t) {
                case "F" -> f = true;
                case "USR" -> usr = true;
                case "ro" -> ro = ro < 0 ? 1 : 2;
                case "RW" -> ro = ro < 0 ? 0 : 2;
                case "NX" -> nx = nx < 0 ? 1 : 2;
                case "x" -> nx = nx < 0 ? 0 : 2;
                case "UXN" -> uxn = true;
                case "SHD" -> shd = true;
                case "AF" -> af = true;
                case "NG" -> ng = true;
                case "CON" -> con = true;
                case "BLK" -> blk = true;
                case "GP", "TBL" -> {
                    // guarded page (BTI), table marker of newer kernels: no bearing on translation
                }
                default -> {
                    String m = memtype(t);
                    if (m == null || memtype != null) {
                        issues.malformed(ln, "unknown attribute", m == null
                                ? "expected attributes from F, USR, ro, RW, NX, x, SHD, AF, NG, CON, BLK, UXN, GP, TBL "
                                        + "and one memory type (DEVICE/nGnRnE, DEVICE/nGnRE, DEVICE/GRE, MEM/NORMAL-NC, "
                                        + "MEM/NORMAL-WT, MEM/NORMAL, MEM/NORMAL-TAGGED), got " + Issues.quote(t)
                                : "expected one memory type, got a second one " + Issues.quote(t));
                        return null;
                    }
                    memtype = m;
                }
            }
        }
        boolean valid = row.attrs.length > 0 && !f;
        if (valid) {
            if (ro < 0 || ro == 2 || nx < 0 || nx == 2) {
                issues.malformed(ln, "bad permission columns", "expected one of ro/RW and one of NX/x on a valid "
                        + "range, got " + Issues.quote(String.join(" ", row.attrs)));
                return null;
            }
            if (blk != (level != 3)) {
                issues.malformed(ln, "bad BLK column", level != 3
                        ? "expected BLK on a valid " + row.level + " leaf (a block descriptor), got "
                                + Issues.quote(String.join(" ", row.attrs))
                        : "expected no BLK on a PTE page, got " + Issues.quote(String.join(" ", row.attrs)));
                return null;
            }
        }
        accepted(ln, row.end);
        return new KernelPtRange(ln, section, row.start, row.end, row.level, level, valid, valid && usr,
                valid && ro == 1, valid && nx == 1, valid && uxn, valid && shd, valid && af, valid && ng,
                valid && con, valid && blk, valid ? memtype : null);
    }

    /** The canonical memory type of a ptdump memory-type string, or null. */
    static String memtype(String t) {
        return switch (t) {
            case "MEM/NORMAL", "MEM/NORMAL-TAGGED" -> "normal_wb";
            case "MEM/NORMAL-NC" -> "normal_nc";
            case "MEM/NORMAL-WT" -> "normal_wt";
            case "DEVICE/nGnRnE" -> "device_ngnrne";
            case "DEVICE/nGnRE" -> "device_ngnre";
            case "DEVICE/GRE" -> "device_gre";
            default -> null;
        };
    }
}
