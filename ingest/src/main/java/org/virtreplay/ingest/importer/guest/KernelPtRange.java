package org.virtreplay.ingest.importer.guest;

/**
 * One range line of an arm64 {@code kernel_page_tables} dump: the VA range {@code [start, end)}
 * whose entries at one level share these attributes.
 *
 * @param line       1-based line number
 * @param section    the marker the range follows ({@code Linear Mapping start}, {@code vmalloc() area},
 *                   ...), or null before the first marker
 * @param start      first VA
 * @param end        VA just past the range (0 = 2^64)
 * @param levelName  the level as printed: {@code PGD}, {@code P4D}, {@code PUD}, {@code PMD}, {@code PTE}
 * @param level      the translation level: 3 for PTE, 2 for PMD, 1 for PUD, 0 for P4D; -1 for PGD,
 *                   whose level depends on how many levels the kernel folds
 * @param valid      true for valid entries (the line has attributes and no {@code F})
 * @param user       {@code USR}: AP[1], EL0 may access
 * @param readOnly   {@code ro} (AP[2] set) rather than {@code RW}
 * @param pxn        {@code NX}: not executable at EL1 (rather than {@code x})
 * @param uxn        {@code UXN}: not executable at EL0
 * @param shared     {@code SHD}: shareable
 * @param af         {@code AF}: Access flag
 * @param notGlobal  {@code NG}: nG, the entry is tagged with an ASID
 * @param contiguous {@code CON}: the contiguous hint
 * @param block      {@code BLK}: a block descriptor
 * @param memtype    the canonical memory type of the attribute index ({@code normal_wb}, ...), or null
 *                   if the line names none
 */
public record KernelPtRange(long line, String section, long start, long end, String levelName, int level,
        boolean valid, boolean user, boolean readOnly, boolean pxn, boolean uxn, boolean shared, boolean af,
        boolean notGlobal, boolean contiguous, boolean block, String memtype) {

    /** Bytes covered (0 = the whole 2^64 space). */
    public long size() {
        return end - start;
    }

    /**
     * The stage-1 {@code perm} letters of the canonical {@code map} table: {@code r}; {@code w}
     * unless read-only; {@code u} if EL0 may access; {@code x} if executable at the EL that uses the
     * page (EL0 for a user page, {@code UXN} clear; EL1 otherwise, {@code NX} clear).
     */
    public String perm() {
        boolean x = user ? !uxn : !pxn;
        return "r" + (readOnly ? "" : "w") + (x ? "x" : "") + (user ? "u" : "");
    }
}
