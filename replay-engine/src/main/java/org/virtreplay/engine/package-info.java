/**
 * The model of an Arm host: processing elements ({@code pe}), two-stage address translation
 * ({@code mmu}), TLBs and walk caches ({@code tlb}), the GICv3/v4 virtual-interrupt path
 * ({@code gic}), a KVM-like hypervisor ({@code hyp}), the replay event loop ({@code replay}) and
 * the statistics it keeps ({@code stats}).
 *
 * <p>This module depends on nothing but the JDK (a Maven Enforcer rule keeps it so): it never
 * sees Parquet, Hadoop, Spark or picocli. Data reaches it as primitives through small sink
 * interfaces and leaves it through statistics objects that the analysis module reads.
 */
package org.virtreplay.engine;
