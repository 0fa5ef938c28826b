package org.virtreplay.engine.mmu;

/** The kind of memory access being translated. */
public enum AccessType {
    READ,
    WRITE,
    FETCH;

    public boolean isWrite() {
        return this == WRITE;
    }

    public boolean isFetch() {
        return this == FETCH;
    }
}
