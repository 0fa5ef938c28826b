package org.virtreplay.engine.mmu;

/**
 * One {@code virtreplay translate} question: registers, memory, and the access to translate.
 * {@link TranslateTool#run} answers it; the CLI and the golden tests share that path.
 */
public record TranslateRequest(MmuRegisters regs, PhysicalMemory memory, long va, int el, AccessType access,
        boolean unprivileged, boolean secure) {
}
