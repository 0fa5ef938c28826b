/**
 * Processing elements: exception levels, execution and security states, and the system registers
 * a PE holds ({@link org.virtreplay.engine.pe.SysRegName} is the project-wide list of names).
 *
 * <p>{@link org.virtreplay.engine.pe.PeState} is the state of one vCPU or physical PE (EL,
 * execution state per EL, security state, registers, exception return state, time per EL);
 * {@link org.virtreplay.engine.pe.SysRegAccess} holds the architectural access rules for system
 * registers (UNDEFINED, HCR_EL2.TVM/TRVM traps, FEAT_VHE redirection);
 * {@link org.virtreplay.engine.pe.TranslationRegime} names the regime of an access and packs the
 * tag a TLB entry needs. Decisions are recorded in docs/fidelity.md, section "PE model".
 */
package org.virtreplay.engine.pe;
