package org.virtreplay.engine.pe;

/** Exceptions whose entry and return the PE model books (routing is decided by {@link PeState}). */
public enum ExceptionKind {
    IRQ,
    FIQ,
    SERROR,
    /** A stage-1 Instruction/Data Abort (EL1, or EL2 under TGE or in the EL2 regimes). */
    STAGE1_ABORT,
    /** A stage-2 abort, always to EL2. */
    STAGE2_ABORT,
    /** A trapped MSR/MRS (EC 0x18), e.g. HCR_EL2.TVM/TRVM. */
    SYSREG_TRAP,
    /** UNDEFINED instruction or register access (EC 0x00). */
    UNDEFINED,
    SVC,
    HVC,
    SMC
}
