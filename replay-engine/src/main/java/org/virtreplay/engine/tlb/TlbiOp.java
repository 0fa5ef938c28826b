package org.virtreplay.engine.tlb;

import java.util.HashMap;
import java.util.Map;

/**
 * AArch64 TLB maintenance instructions ({@code TLBI <op>}, Arm ARM C5.5 / D8.17) by mnemonic,
 * plus the DSB barriers that complete them, as a trace's {@code tlbi} table names them. One list
 * for the whole project: the trace validator accepts exactly these names and the TLB model
 * dispatches on them.
 *
 * <p>Naming: {@code IS} = Inner Shareable broadcast, {@code OS} = Outer Shareable (FEAT_TLBIOS),
 * no suffix = this PE only; a leading {@code R} = range form (FEAT_TLBIRANGE); an {@code L} before
 * {@code E} = last level only (leaf entries).
 */
public enum TlbiOp {
    VMALLE1(Target.VMALL, 1, false, false, Scope.LOCAL),
    VMALLE1IS(Target.VMALL, 1, false, false, Scope.INNER),
    VMALLE1OS(Target.VMALL, 1, false, false, Scope.OUTER),
    VAE1(Target.VA, 1, false, false, Scope.LOCAL),
    VAE1IS(Target.VA, 1, false, false, Scope.INNER),
    VAE1OS(Target.VA, 1, false, false, Scope.OUTER),
    VALE1(Target.VA, 1, true, false, Scope.LOCAL),
    VALE1IS(Target.VA, 1, true, false, Scope.INNER),
    VALE1OS(Target.VA, 1, true, false, Scope.OUTER),
    VAAE1(Target.VAA, 1, false, false, Scope.LOCAL),
    VAAE1IS(Target.VAA, 1, false, false, Scope.INNER),
    VAAE1OS(Target.VAA, 1, false, false, Scope.OUTER),
    VAALE1(Target.VAA, 1, true, false, Scope.LOCAL),
    VAALE1IS(Target.VAA, 1, true, false, Scope.INNER),
    VAALE1OS(Target.VAA, 1, true, false, Scope.OUTER),
    ASIDE1(Target.ASID, 1, false, false, Scope.LOCAL),
    ASIDE1IS(Target.ASID, 1, false, false, Scope.INNER),
    ASIDE1OS(Target.ASID, 1, false, false, Scope.OUTER),
    IPAS2E1(Target.IPAS2, 1, false, false, Scope.LOCAL),
    IPAS2E1IS(Target.IPAS2, 1, false, false, Scope.INNER),
    IPAS2E1OS(Target.IPAS2, 1, false, false, Scope.OUTER),
    IPAS2LE1(Target.IPAS2, 1, true, false, Scope.LOCAL),
    IPAS2LE1IS(Target.IPAS2, 1, true, false, Scope.INNER),
    IPAS2LE1OS(Target.IPAS2, 1, true, false, Scope.OUTER),
    VMALLS12E1(Target.VMALLS12, 1, false, false, Scope.LOCAL),
    VMALLS12E1IS(Target.VMALLS12, 1, false, false, Scope.INNER),
    VMALLS12E1OS(Target.VMALLS12, 1, false, false, Scope.OUTER),
    ALLE1(Target.ALL, 1, false, false, Scope.LOCAL),
    ALLE1IS(Target.ALL, 1, false, false, Scope.INNER),
    ALLE1OS(Target.ALL, 1, false, false, Scope.OUTER),
    ALLE2(Target.ALL, 2, false, false, Scope.LOCAL),
    ALLE2IS(Target.ALL, 2, false, false, Scope.INNER),
    ALLE2OS(Target.ALL, 2, false, false, Scope.OUTER),
    VAE2(Target.VA, 2, false, false, Scope.LOCAL),
    VAE2IS(Target.VA, 2, false, false, Scope.INNER),
    VAE2OS(Target.VA, 2, false, false, Scope.OUTER),
    VALE2(Target.VA, 2, true, false, Scope.LOCAL),
    VALE2IS(Target.VA, 2, true, false, Scope.INNER),
    VALE2OS(Target.VA, 2, true, false, Scope.OUTER),
    ALLE3(Target.ALL, 3, false, false, Scope.LOCAL),
    ALLE3IS(Target.ALL, 3, false, false, Scope.INNER),
    ALLE3OS(Target.ALL, 3, false, false, Scope.OUTER),
    VAE3(Target.VA, 3, false, false, Scope.LOCAL),
    VAE3IS(Target.VA, 3, false, false, Scope.INNER),
    VAE3OS(Target.VA, 3, false, false, Scope.OUTER),
    VALE3(Target.VA, 3, true, false, Scope.LOCAL),
    VALE3IS(Target.VA, 3, true, false, Scope.INNER),
    VALE3OS(Target.VA, 3, true, false, Scope.OUTER),
    RVAE1(Target.VA, 1, false, true, Scope.LOCAL),
    RVAE1IS(Target.VA, 1, false, true, Scope.INNER),
    RVAE1OS(Target.VA, 1, false, true, Scope.OUTER),
    RVALE1(Target.VA, 1, true, true, Scope.LOCAL),
    RVALE1IS(Target.VA, 1, true, true, Scope.INNER),
    RVALE1OS(Target.VA, 1, true, true, Scope.OUTER),
    RVAAE1(Target.VAA, 1, false, true, Scope.LOCAL),
    RVAAE1IS(Target.VAA, 1, false, true, Scope.INNER),
    RVAAE1OS(Target.VAA, 1, false, true, Scope.OUTER),
    RVAALE1(Target.VAA, 1, true, true, Scope.LOCAL),
    RVAALE1IS(Target.VAA, 1, true, true, Scope.INNER),
    RVAALE1OS(Target.VAA, 1, true, true, Scope.OUTER),
    RIPAS2E1(Target.IPAS2, 1, false, true, Scope.LOCAL),
    RIPAS2E1IS(Target.IPAS2, 1, false, true, Scope.INNER),
    RIPAS2E1OS(Target.IPAS2, 1, false, true, Scope.OUTER),
    RIPAS2LE1(Target.IPAS2, 1, true, true, Scope.LOCAL),
    RIPAS2LE1IS(Target.IPAS2, 1, true, true, Scope.INNER),
    RIPAS2LE1OS(Target.IPAS2, 1, true, true, Scope.OUTER),
    RVAE2(Target.VA, 2, false, true, Scope.LOCAL),
    RVAE2IS(Target.VA, 2, false, true, Scope.INNER),
    RVAE2OS(Target.VA, 2, false, true, Scope.OUTER),
    RVALE2(Target.VA, 2, true, true, Scope.LOCAL),
    RVALE2IS(Target.VA, 2, true, true, Scope.INNER),
    RVALE2OS(Target.VA, 2, true, true, Scope.OUTER),
    RVAE3(Target.VA, 3, false, true, Scope.LOCAL),
    RVAE3IS(Target.VA, 3, false, true, Scope.INNER),
    RVAE3OS(Target.VA, 3, false, true, Scope.OUTER),
    RVALE3(Target.VA, 3, true, true, Scope.LOCAL),
    RVALE3IS(Target.VA, 3, true, true, Scope.INNER),
    RVALE3OS(Target.VA, 3, true, true, Scope.OUTER),
    DSB_NSH(Target.BARRIER, 0, false, false, Scope.LOCAL),
    DSB_ISH(Target.BARRIER, 0, false, false, Scope.INNER),
    DSB_OSH(Target.BARRIER, 0, false, false, Scope.OUTER),
    DSB_SY(Target.BARRIER, 0, false, false, Scope.SYSTEM);

    /** What an operation selects. */
    public enum Target {
        /** All entries of the regime ({@code ALLE1}: all VMIDs of EL1&0; {@code ALLE2}/{@code ALLE3}). */
        ALL,
        /** Stage-1 entries of the current VMID ({@code VMALLE1}). */
        VMALL,
        /** Stage-1 and stage-2 entries of the current VMID ({@code VMALLS12E1}). */
        VMALLS12,
        /** Entries of one ASID in the current VMID ({@code ASIDE1}). */
        ASID,
        /** Entries for one VA (or VA range) and ASID ({@code VAE1}, {@code RVAE1}; no ASID at EL3). */
        VA,
        /** Entries for one VA (or range) for all ASIDs ({@code VAAE1}). */
        VAA,
        /** Stage-2 entries for one IPA (or range) of the current VMID ({@code IPAS2E1}). */
        IPAS2,
        /** A DSB that waits for earlier TLBIs of its shareability domain to complete. */
        BARRIER
    }

    /** Which PEs an operation (or barrier) reaches. */
    public enum Scope {
        /** This PE only (no suffix; DSB NSH). */
        LOCAL,
        /** The Inner Shareable domain ({@code IS}; DSB ISH). */
        INNER,
        /** The Outer Shareable domain ({@code OS}; DSB OSH). */
        OUTER,
        /** Full system (DSB SY). */
        SYSTEM
    }

    private final Target target;
    private final int regimeEl;
    private final boolean lastLevel;
    private final boolean range;
    private final Scope scope;

    TlbiOp(Target target, int regimeEl, boolean lastLevel, boolean range, Scope scope) {
        this.target = target;
        this.regimeEl = regimeEl;
        this.lastLevel = lastLevel;
        this.range = range;
        this.scope = scope;
    }

    private static final Map<String, TlbiOp> BY_NAME = new HashMap<>();

    static {
        for (TlbiOp op : values()) {
            BY_NAME.put(op.name(), op);
        }
    }

    /** The operation by its mnemonic without {@code TLBI} (exact, upper case), or {@code null}. */
    public static TlbiOp lookup(String mnemonic) {
        return BY_NAME.get(mnemonic);
    }

    public Target target() {
        return target;
    }

    /** The EL of the translation regime it maintains: 1 (EL1&0), 2 (EL2/EL2&0), 3; 0 for barriers. */
    public int regimeEl() {
        return regimeEl;
    }

    /** True for the last-level-only forms ({@code VALE1}, {@code IPAS2LE1}...). */
    public boolean lastLevel() {
        return lastLevel;
    }

    /** True for the FEAT_TLBIRANGE forms, whose operand carries a page count. */
    public boolean isRange() {
        return range;
    }

    public Scope scope() {
        return scope;
    }

    public boolean isBarrier() {
        return target == Target.BARRIER;
    }

    /** True if the operand carries an address (VA or IPA). */
    public boolean hasAddress() {
        return target == Target.VA || target == Target.VAA || target == Target.IPAS2;
    }

    /** True if the operand carries an ASID ({@code ASIDE1}, and VA forms of EL1&0). */
    public boolean hasAsid() {
        return target == Target.ASID || (target == Target.VA && regimeEl == 1);
    }
}
