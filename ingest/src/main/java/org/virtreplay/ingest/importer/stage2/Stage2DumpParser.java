package org.virtreplay.ingest.importer.stage2;

import org.virtreplay.ingest.importer.text.Issues;
import org.virtreplay.ingest.importer.text.PtdumpRow;
import org.virtreplay.ingest.importer.text.PtdumpParser;

/**
 * Reads a KVM {@code stage2_page_tables} dump ({@code /sys/kernel/debug/kvm/PID-FD/}, Linux
 * {@code arch/arm64/kvm/ptdump.c}) line by line and hands each range line to a sink.
 *
 * <p>Grammar: a marker {@code ---[ Guest IPA ]---}, then range lines (see {@link PtdumpRow}) whose
 * level is a number 0..3 and whose attributes are tokens of two known forms:
 * <ul>
 * <li><b>single execute column</b> (the v9 patch, and mainline Linux 6.12 to 6.18):
 *     {@code [F] [R] [W] [X] [AF] [BLK]}. Its {@code X} is printed <em>when XN is set</em>: the
 *     column was written with {@code .set = " ", .clear = "X"} under a mask that includes the valid
 *     bit, so a valid entry prints {@code X} when it is execute-never (reported upstream as "KVM:
 *     arm64: ptdump: Fix exec attribute printing", Aug 2025). Some trees carry the fix that swaps the
 *     strings; {@link XColumn#EXECUTABLE} reads those.</li>
 * <li><b>FEAT_XNX form</b> (Linux 6.19, "KVM: arm64: Teach ptdump about FEAT_XNX permissions"):
 *     {@code [F] [R] [W] XN [AF] [BLK]} where XN is one of {@code px ux}, {@code PXNux},
 *     {@code PXNUXN}, {@code px UXN} for XN[1:0] = 00, 01, 10, 11.</li>
 * </ul>
 * A line without attributes is an unmapped range; {@code F} marks an invalid entry. One dump uses one
 * form: a line of the other form is a problem. Ranges must come in increasing address order (the
 * walker's order); a gap between ranges is allowed (an excerpt), an overlap is not.
 */
public final class Stage2DumpParser extends PtdumpParser<Stage2Range> {

    /** What the single execute column's {@code X} means. */
    public enum XColumn {
        /** {@code X} printed = XN set (v9 patch, Linux 6.12..6.18): the default. */
        EXECUTE_NEVER,
        /** {@code X} printed = executable (trees with the swapped strings). */
        EXECUTABLE
    }

    /** The attribute form of a dump. */
    public enum Form {
        /** One {@code X} column. */
        X_COLUMN,
        /** {@code px ux} / {@code PXNux} / {@code PXNUXN} / {@code px UXN}. */
        XNX
    }

    private final XColumn xColumn;
    private Form form;
    private long formLine;

    public Stage2DumpParser(Issues issues, XColumn xColumn) {
        super(issues);
        this.xColumn = xColumn;
    }

    /** The dump's attribute form, once a line has shown it (null before). */
    public Form form() {
        return form;
    }

    @Override
    protected Stage2Range parseLine(long ln) {
        String lv = row.level;
        if (lv.length() != 1 || lv.charAt(0) < '0' || lv.charAt(0) > '3') {
            issues.malformed(ln, "bad level", "expected a level number 0..3 (stage2_page_tables prints numbers), got "
                    + Issues.quote(lv));
            return null;
        }
        int level = lv.charAt(0) - '0';
        if (!inOrder(ln, row.start)) {
            return null;
        }
        boolean invalid = false;
        boolean r = false;
        boolean w = false;
        boolean x = false;
        boolean af = false;
        boolean blk = false;
        int pxn = -1;
        int uxn = -1;
        for (String t : row.attrs) {
            switch (t) {
                case "F" -> invalid = true;
                case "R" -> r = true;
                case "W" -> w = true;
                case "X" -> x = true;
                case "AF" -> af = true;
                case "BLK" -> blk = true;
                case "px" -> pxn = set(pxn, 0);
                case "ux" -> uxn = set(uxn, 0);
                case "UXN" -> uxn = set(uxn, 1);
                case "PXNux" -> {
                    pxn = set(pxn, 1);
                    uxn = set(uxn, 0);
                }
                case "PXNUXN" -> {
                    pxn = set(pxn, 1);
                    uxn = set(uxn, 1);
                }
                default -> {
                    issues.malformed(ln, "unknown attribute", "expected stage-2 attributes from R, W, X, px, ux, PXNux, "
                            + "PXNUXN, UXN, AF, BLK, F, got " + Issues.quote(t));
                    return null;
                }
            }
        }
        if (pxn == 2 || uxn == 2) {
            issues.malformed(ln, "bad execute column", "expected one execute column ('px ux', 'PXNux', 'PXNUXN' or "
                    + "'px UXN'), got it twice in " + Issues.quote(String.join(" ", row.attrs)));
            return null;
        }
        boolean valid = row.attrs.length > 0 && !invalid;
        boolean xnx = pxn >= 0 || uxn >= 0;
        if (xnx && (pxn < 0 || uxn < 0 || x)) {
            issues.malformed(ln, "bad execute column", "expected the execute column as one of 'px ux', 'PXNux', "
                    + "'PXNUXN', 'px UXN', got " + Issues.quote(String.join(" ", row.attrs)));
            return null;
        }
        int xn = 0;
        if (valid) {
            Form f = xnx ? Form.XNX : Form.X_COLUMN;
            if (form == null) {
                form = f;
                formLine = ln;
            } else if (form != f) {
                issues.malformed(ln, "mixed attribute forms", form == Form.XNX
                        ? "expected the execute column as 'px ux', 'PXNux', 'PXNUXN' or 'px UXN' like line " + formLine
                                + ", got " + Issues.quote(String.join(" ", row.attrs))
                        : "expected the single X column of line " + formLine + ", got "
                                + Issues.quote(String.join(" ", row.attrs)));
                return null;
            }
            if (xnx) {
                xn = pxn == 0 ? (uxn == 0 ? Stage2Range.EXEC_EL1_EL0 : Stage2Range.EXEC_EL1)
                        : (uxn == 0 ? Stage2Range.EXEC_EL0 : Stage2Range.EXEC_NONE);
            } else {
                boolean executable = xColumn == XColumn.EXECUTE_NEVER ? !x : x;
                xn = executable ? Stage2Range.EXEC_EL1_EL0 : Stage2Range.EXEC_NONE;
            }
            if (blk != (level < 3)) {
                issues.malformed(ln, "bad BLK column", level < 3
                        ? "expected BLK on a valid level-" + level + " leaf (a block descriptor), got "
                                + Issues.quote(String.join(" ", row.attrs))
                        : "expected no BLK on a level-3 page, got " + Issues.quote(String.join(" ", row.attrs)));
                return null;
            }
        }
        accepted(ln, row.end);
        return new Stage2Range(ln, row.start, row.end, level, valid, valid && r, valid && w, xn, valid && af,
                valid && blk);
    }

    /** Records one half of the execute column; 2 marks a column printed twice. */
    private static int set(int old, int v) {
        return old >= 0 ? 2 : v;
    }
}
