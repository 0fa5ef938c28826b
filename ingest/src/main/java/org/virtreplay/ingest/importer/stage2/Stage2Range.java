package org.virtreplay.ingest.importer.stage2;

/**
 * One range line of a KVM {@code stage2_page_tables} dump: the IPA range {@code [start, end)} whose
 * leaf entries at {@code level} share these attributes (the dump coalesces neighbouring entries with
 * equal attributes into one line).
 *
 * @param line   1-based line number in the dump
 * @param start  first IPA
 * @param end    IPA just past the range
 * @param level  the translation level the dump names (0..3)
 * @param valid  true if the entries are valid descriptors (the line has attributes and no {@code F});
 *               false for an unmapped range
 * @param read   S2AP[0] (the {@code R} column)
 * @param write  S2AP[1] (the {@code W} column)
 * @param xn     the stage-2 execute-never field XN[1:0] (FEAT_XNX encoding): {@link #EXEC_EL1_EL0},
 *               {@link #EXEC_EL0}, {@link #EXEC_NONE}, {@link #EXEC_EL1}
 * @param af     the Access flag (the {@code AF} column)
 * @param block  the {@code BLK} column: a block descriptor (levels 0..2) rather than a page
 */
public record Stage2Range(long line, long start, long end, int level, boolean valid, boolean read, boolean write,
        int xn, boolean af, boolean block) {

    /** XN[1:0] = 0b00: executable at EL1 and EL0. */
    public static final int EXEC_EL1_EL0 = 0;
    /** XN[1:0] = 0b01: not executable at EL1 (PXN), executable at EL0. */
    public static final int EXEC_EL0 = 1;
    /** XN[1:0] = 0b10: executable at neither EL. */
    public static final int EXEC_NONE = 2;
    /** XN[1:0] = 0b11: executable at EL1, not at EL0 (UXN). */
    public static final int EXEC_EL1 = 3;

    /** Bytes covered. */
    public long size() {
        return end - start;
    }

    /** The stage-2 {@code perm} letters of the canonical {@code map} table: {@code r}, {@code w}, and
     * {@code x} only when both ELs may execute (the table has one execute permission for stage 2). */
    public String perm() {
        return (read ? "r" : "") + (write ? "w" : "") + (xn == EXEC_EL1_EL0 ? "x" : "");
    }
}
