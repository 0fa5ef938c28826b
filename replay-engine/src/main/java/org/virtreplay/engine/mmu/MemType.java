package org.virtreplay.engine.mmu;

import java.util.Locale;

/**
 * Memory types a mapping can ask for, named as in the trace format's {@code map} records, with
 * their MAIR byte (stage 1) and stage-2 MemAttr[3:0] encodings for FWB=0 and FWB=1 (-1: none).
 */
public enum MemType {
    NORMAL_WB(0xFF, 0xF, 0b0110),
    NORMAL_NC(0x44, 0x5, 0b0101),
    NORMAL_WT(0xBB, 0xA, -1),
    DEVICE_NGNRNE(0x00, 0x0, 0b0000),
    DEVICE_NGNRE(0x04, 0x1, 0b0001),
    DEVICE_GRE(0x0C, 0x3, 0b0011);

    public final int mair;
    public final int s2MemAttr;
    public final int s2MemAttrFwb;
    /** Lower-case once: a replay parses the name of every {@code map} row. */
    private final String traceName = name().toLowerCase(Locale.ROOT);
    private static final MemType[] ALL = values();

    MemType(int mair, int s2MemAttr, int s2MemAttrFwb) {
        this.mair = mair;
        this.s2MemAttr = s2MemAttr;
        this.s2MemAttrFwb = s2MemAttrFwb;
    }

    public boolean isDevice() {
        return (mair & 0xF0) == 0;
    }

    /** The trace-format name, e.g. {@code normal_wb}. */
    public String traceName() {
        return traceName;
    }

    /** Parses a trace-format name; null if unknown. */
    public static MemType fromTraceName(String s) {
        for (MemType t : ALL) {
            if (t.traceName.equals(s)) {
                return t;
            }
        }
        return null;
    }
}
