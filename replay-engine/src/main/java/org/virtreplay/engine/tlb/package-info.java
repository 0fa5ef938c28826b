/**
 * Translation lookaside buffers: TLB structures, walk caches, replacement policies and TLB
 * maintenance ({@link org.virtreplay.engine.tlb.TlbiOp} is the project-wide list of TLBI mnemonics).
 */
package org.virtreplay.engine.tlb;
