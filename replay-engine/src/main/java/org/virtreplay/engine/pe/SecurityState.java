package org.virtreplay.engine.pe;

/** Security state of a PE (Arm ARM D1.3); Realm and Root (FEAT_RME) are not modelled. */
public enum SecurityState {
    SECURE,
    NON_SECURE
}
