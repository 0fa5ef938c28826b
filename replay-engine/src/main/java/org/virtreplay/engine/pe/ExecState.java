package org.virtreplay.engine.pe;

/** Execution state of an exception level. */
public enum ExecState {
    AARCH64,
    AARCH32
}
