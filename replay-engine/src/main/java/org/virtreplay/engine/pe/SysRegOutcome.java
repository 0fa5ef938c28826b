package org.virtreplay.engine.pe;

/** Reusable result of a system-register access check ({@link SysRegAccess#check}). */
public final class SysRegOutcome {
    /** What the architecture does with the access. */
    public enum Kind {
        /** The access proceeds, to {@link #target} (after FEAT_VHE redirection). */
        ALLOWED,
        /** UNDEFINED: an exception with EC 0x00 to {@link #targetEl}. */
        UNDEFINED,
        /** Trapped (EC 0x18) to {@link #targetEl}, e.g. by HCR_EL2.TVM/TRVM. */
        TRAPPED
    }

    public Kind kind = Kind.ALLOWED;
    public SysRegName target;
    public int targetEl;
    public long esr;

    void set(Kind k, SysRegName t, int el, long syndrome) {
        kind = k;
        target = t;
        targetEl = el;
        esr = syndrome;
    }
}
