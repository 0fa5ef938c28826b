/**
 * The VMSAv8-64 memory-management unit model: modelled physical memory, decoded translation
 * control registers, the single-stage table walker, the two-stage (nested) walker, fault
 * classification with full syndromes, memory-attribute decode and combination, and a
 * {@link org.virtreplay.engine.mmu.TableBuilder} that writes real descriptors.
 *
 * <p>Rules follow the Arm Architecture Reference Manual (DDI 0487) as summarised, with sources, in
 * the project's arm-reference notes; decisions on points the architecture leaves open are recorded
 * in {@code docs/fidelity.md} (section "MMU"). The per-access path ({@link
 * org.virtreplay.engine.mmu.Mmu#translate}) allocates nothing: results go into a reusable
 * {@link org.virtreplay.engine.mmu.TranslationResult}.
 */
package org.virtreplay.engine.mmu;
