package org.virtreplay.engine.gic;

/**
 * ICH_LR&lt;n&gt;_EL2 encoding (arm-reference §11.5, GIC spec IHI 0069): vINTID [31:0], pINTID
 * [41:32] (HW=1) or EOI bit 41 (HW=0), Priority [55:48], NMI 59, Group 60, HW 61, State [63:62].
 * Static helpers on the raw 64-bit value, so that list registers stay a {@code long[]}.
 */
public final class IchLr {
    private IchLr() {
    }

    public static final int STATE_INVALID = 0;
    public static final int STATE_PENDING = 1;
    public static final int STATE_ACTIVE = 2;
    public static final int STATE_PENDING_ACTIVE = 3;

    public static final long PENDING_BIT = 1L << 62;
    public static final long ACTIVE_BIT = 1L << 63;
    public static final long HW_BIT = 1L << 61;
    public static final long GROUP_BIT = 1L << 60;
    public static final long NMI_BIT = 1L << 59;
    public static final long EOI_BIT = 1L << 41;
    public static final int PRIORITY_SHIFT = 48;
    public static final int PINTID_SHIFT = 32;

    /**
     * Builds a list register value.
     *
     * @param pintid physical INTID when {@code hw}; ignored otherwise
     * @param eoi    request an EOI maintenance interrupt on deactivation (only meaningful with HW=0;
     *               KVM sets it for level-triggered software interrupts)
     */
    public static long encode(int vintid, int state, int priority, boolean group1, boolean hw, int pintid,
            boolean eoi) {
        long v = vintid & 0xFFFF_FFFFL;
        v |= ((long) (state & 3)) << 62;
        v |= ((long) (priority & 0xFF)) << PRIORITY_SHIFT;
        if (group1) {
            v |= GROUP_BIT;
        }
        if (hw) {
            v |= HW_BIT | (((long) pintid & 0x3FF) << PINTID_SHIFT);
        } else if (eoi) {
            v |= EOI_BIT;
        }
        return v;
    }

    public static int vintid(long lr) {
        return (int) lr;
    }

    public static int pintid(long lr) {
        return (int) ((lr >>> PINTID_SHIFT) & 0x3FF);
    }

    public static int state(long lr) {
        return (int) (lr >>> 62);
    }

    public static int priority(long lr) {
        return (int) ((lr >>> PRIORITY_SHIFT) & 0xFF);
    }

    public static boolean group1(long lr) {
        return (lr & GROUP_BIT) != 0;
    }

    public static boolean hw(long lr) {
        return (lr & HW_BIT) != 0;
    }

    /** The EOI bit; it shares bit 41 with pINTID[9], so it only means EOI when HW=0. */
    public static boolean eoi(long lr) {
        return (lr & HW_BIT) == 0 && (lr & EOI_BIT) != 0;
    }

    public static boolean pending(long lr) {
        return (lr & PENDING_BIT) != 0;
    }

    public static boolean active(long lr) {
        return (lr & ACTIVE_BIT) != 0;
    }

    public static long withState(long lr, int state) {
        return (lr & ~(3L << 62)) | (((long) (state & 3)) << 62);
    }
}
