package org.virtreplay.engine.gic;

/** INTID ranges and the architected PPIs used by KVM (arm-reference §11.1). */
public final class IntId {
    private IntId() {
    }

    public static final int SGI_LAST = 15;
    public static final int PPI_FIRST = 16;
    public static final int PPI_LAST = 31;
    public static final int SPI_FIRST = 32;
    public static final int SPI_LAST = 1019;
    public static final int SPURIOUS = 1023;
    public static final int LPI_FIRST = 8192;
    /** GIC virtual CPU interface maintenance interrupt (BSA). */
    public static final int MAINTENANCE_PPI = 25;
    /** Non-secure EL1 virtual timer, CNTV (KVM default_ppi VTIMER). */
    public static final int VTIMER_PPI = 27;
    /** Non-secure EL1 physical timer, CNTP. */
    public static final int PTIMER_PPI = 30;

    public static boolean isSgi(int id) {
        return id >= 0 && id <= SGI_LAST;
    }

    public static boolean isPpi(int id) {
        return id >= PPI_FIRST && id <= PPI_LAST;
    }

    public static boolean isSpi(int id) {
        return id >= SPI_FIRST && id <= SPI_LAST;
    }

    public static boolean isLpi(int id) {
        return id >= LPI_FIRST;
    }

    /** True for INTIDs a trace may carry (1020–8191 are special or reserved). */
    public static boolean isValid(int id) {
        return (id >= 0 && id <= SPI_LAST) || id >= LPI_FIRST;
    }
}
