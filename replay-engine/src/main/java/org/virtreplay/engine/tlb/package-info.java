/**
 * Translation lookaside buffers, per PE: set-associative structures in primitive arrays
 * ({@link org.virtreplay.engine.tlb.TlbArray}: any entries/ways, several page sizes, LRU, tree-PLRU,
 * FIFO, seeded random), the L1 I/L1 D/L2 hierarchy with stage-1 and stage-2 walk caches and an
 * IPA cache in front of the real nested walk ({@link org.virtreplay.engine.tlb.TranslationUnit}),
 * TLB maintenance with its architectural scope ({@link org.virtreplay.engine.tlb.TlbHost};
 * {@link org.virtreplay.engine.tlb.TlbiOp} is the project-wide list of TLBI mnemonics), real core
 * organisations ({@link org.virtreplay.engine.tlb.CorePreset}, sources in docs/cores.md), a
 * stale-translation detector ({@link org.virtreplay.engine.tlb.StaleLog} of what it found,
 * {@link org.virtreplay.engine.tlb.MappingChangeLog} of the mapping changes its exact mode checks
 * against), and the one-VM study
 * behind {@code virtreplay tlb} ({@link org.virtreplay.engine.tlb.TlbStudy},
 * {@link org.virtreplay.engine.tlb.FirstTouchVm}). Decisions: docs/fidelity.md, section TLB.
 */
package org.virtreplay.engine.tlb;
