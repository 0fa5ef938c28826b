/**
 * The GICv3/v4 model: the {@link org.virtreplay.engine.gic.Distributor} (SPIs), the per-PE
 * {@link org.virtreplay.engine.gic.Redistributor} (SGIs, PPIs, LPIs with property and pending
 * tables), the physical {@link org.virtreplay.engine.gic.CpuInterface} (ICC_* registers: PMR,
 * running priority, binary point, acknowledge, EOI, deactivate, EOImode) and the
 * {@link org.virtreplay.engine.gic.VirtualCpuInterface} (ICH_*_EL2 / ICV_*_EL1: list registers in
 * their architected encoding ({@link org.virtreplay.engine.gic.IchLr}), ICH_HCR_EL2, ICH_VMCR_EL2,
 * ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2, ICH_AP0R/AP1R and the maintenance interrupt, PPI 25).
 *
 * <p>Registers are held as the raw bit patterns of the Arm GICv3/v4 specification (IHI 0069) so
 * that tests can compare against hand-encoded values (arm-reference §11, golden cases T29–T32).
 * Everything here is allocation-free after construction; the hypervisor model in {@code hyp}
 * drives it.
 */
package org.virtreplay.engine.gic;
