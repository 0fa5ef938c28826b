package org.virtreplay.ingest.importer.spe;

/**
 * One Arm SPE record as {@code perf script} shows it: the union of the synthetic events perf printed
 * for it (one line each, same time, CPU, thread and PC).
 *
 * @param line        line of the first of its events
 * @param lines       how many event lines it merged
 * @param timeNs      the sample time in nanoseconds (perf's clock), or -1 if the capture has no time
 * @param precisionNs 1000 for microsecond output (6 decimals), 1 for {@code --ns} (9 decimals)
 * @param comm        the thread name, or null if not printed
 * @param pid         the process id, or -1 if not printed
 * @param tid         the thread id, or -1 if not printed
 * @param cpu         the CPU column, or -1 if not printed
 * @param ip          the PC ({@code ip}), valid if {@code hasIp}
 * @param addr        the data virtual address ({@code addr}), valid if {@code hasAddr}; for a branch
 *                    record perf puts the branch target here, which {@link #isMemory()} tells apart
 * @param physAddr    the data physical address ({@code phys_addr}), valid if {@code hasPhys} (perf
 *                    prints 0 when PA collection was off: then not present)
 * @param dataSrc     the {@code perf_mem_data_src} word, valid if {@code hasDataSrc}
 * @param weight      the {@code weight} column (SPE: total latency in cycles), or -1
 * @param dataSrcText the data_src text as perf printed it ({@code |OP LOAD|LVL L1 miss|...}), or null
 * @param events      bit set of {@link #L1D_ACCESS} ... {@link #INSTRUCTIONS}
 * @param eventNames  the event names in the order printed, joined with {@code ;}
 */
public record SpeSample(long line, int lines, long timeNs, int precisionNs, String comm, int pid, int tid, int cpu,
        long ip, boolean hasIp, long addr, boolean hasAddr, long physAddr, boolean hasPhys, long dataSrc,
        boolean hasDataSrc, String dataSrcText, long weight, int events, String eventNames) {

    /** Event names in a fixed order (the order of the event bits), whatever order perf printed them in. */
    public String eventsCanonical() {
        String[] names = eventNames.split(";");
        java.util.Arrays.sort(names, java.util.Comparator.comparingInt(SpeSample::eventBit)
                .thenComparing(java.util.Comparator.naturalOrder()));
        return String.join(";", names);
    }

    public static final int L1D_ACCESS = 1;
    public static final int L1D_MISS = 1 << 1;
    public static final int LLC_ACCESS = 1 << 2;
    public static final int LLC_MISS = 1 << 3;
    public static final int TLB_ACCESS = 1 << 4;
    public static final int TLB_MISS = 1 << 5;
    public static final int BRANCH = 1 << 6;
    public static final int REMOTE_ACCESS = 1 << 7;
    public static final int MEMORY = 1 << 8;
    public static final int INSTRUCTIONS = 1 << 9;
    /** An event name perf's Arm SPE decoder does not synthesise (kept in {@link #eventNames}). */
    public static final int OTHER = 1 << 10;

    /** The event bit of a synthetic event name of perf's Arm SPE decoder ({@code tools/perf/util/arm-spe.c}). */
    public static int eventBit(String name) {
        return switch (name) {
            case "l1d-access" -> L1D_ACCESS;
            case "l1d-miss" -> L1D_MISS;
            case "llc-access" -> LLC_ACCESS;
            case "llc-miss" -> LLC_MISS;
            case "tlb-access" -> TLB_ACCESS;
            case "tlb-miss" -> TLB_MISS;
            case "branch", "branch-miss", "branches" -> BRANCH;
            case "remote-access" -> REMOTE_ACCESS;
            case "memory" -> MEMORY;
            case "instructions" -> INSTRUCTIONS;
            default -> OTHER;
        };
    }

    // perf_mem_data_src bit fields (include/uapi/linux/perf_event.h): mem_op at 0 (5 bits),
    // mem_lvl at 5 (14 bits), mem_dtlb at 26 (7 bits).
    private static final int OP_LOAD = 0x02;
    private static final int OP_STORE = 0x04;
    private static final int LVL_HIT = 0x02;
    private static final int LVL_MISS = 0x04;
    private static final int LVL_L1 = 0x08;
    private static final int LVL_L3 = 0x40;
    private static final int TLB_HIT = 0x02;
    private static final int TLB_MISS_BIT = 0x04;

    private int memOp() {
        return hasDataSrc ? (int) (dataSrc & 0x1F) : 0;
    }

    private int memLvl() {
        return hasDataSrc ? (int) ((dataSrc >>> 5) & 0x3FFF) : 0;
    }

    private int memDtlb() {
        return hasDataSrc ? (int) ((dataSrc >>> 26) & 0x7F) : 0;
    }

    /**
     * {@code load}, {@code store} (from data_src's mem_op), {@code branch} (a branch event), or null
     * when the capture does not say (perf script without data_src).
     */
    public String op() {
        int op = memOp();
        if ((op & OP_LOAD) != 0) {
            return "load";
        }
        if ((op & OP_STORE) != 0) {
            return "store";
        }
        if ((events & BRANCH) != 0) {
            return "branch";
        }
        return null;
    }

    /** True for a load or store: an event of the memory hierarchy, or data_src naming one. */
    public boolean isMemory() {
        int op = memOp();
        return (op & (OP_LOAD | OP_STORE)) != 0 || (events & (L1D_ACCESS | L1D_MISS | LLC_ACCESS | LLC_MISS
                | TLB_ACCESS | TLB_MISS | REMOTE_ACCESS | MEMORY)) != 0;
    }

    /**
     * The data TLB outcome: {@code miss} (SPE TLB-REFILL: a walk; event {@code tlb-miss}, or data_src
     * TLB MISS), {@code hit} (TLB-ACCESS without refill; {@code tlb-access}, or data_src TLB HIT), or
     * null if the record says nothing about the TLB.
     */
    public String tlb() {
        int t = memDtlb();
        if ((events & TLB_MISS) != 0 || (t & TLB_MISS_BIT) != 0) {
            return "miss";
        }
        if ((events & TLB_ACCESS) != 0 || (t & TLB_HIT) != 0) {
            return "hit";
        }
        return null;
    }

    /** The L1 data cache outcome ({@code l1d-miss} / {@code l1d-access}, or data_src L1), or null. */
    public String l1d() {
        int l = memLvl();
        if ((events & L1D_MISS) != 0 || ((l & LVL_L1) != 0 && (l & LVL_MISS) != 0)) {
            return "miss";
        }
        if ((events & L1D_ACCESS) != 0 || ((l & LVL_L1) != 0 && (l & LVL_HIT) != 0)) {
            return "hit";
        }
        return null;
    }

    /** The last-level cache outcome ({@code llc-miss} / {@code llc-access}, or data_src L3), or null. */
    public String llc() {
        int l = memLvl();
        if ((events & LLC_MISS) != 0 || ((l & LVL_L3) != 0 && (l & LVL_MISS) != 0)) {
            return "miss";
        }
        if ((events & LLC_ACCESS) != 0 || ((l & LVL_L3) != 0 && (l & LVL_HIT) != 0)) {
            return "hit";
        }
        return null;
    }
}
