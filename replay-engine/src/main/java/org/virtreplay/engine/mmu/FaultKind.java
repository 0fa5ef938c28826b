package org.virtreplay.engine.mmu;

/**
 * MMU fault kinds with their long-descriptor fault status code base (Arm ARM D17 ISS encoding for
 * a Data/Instruction Abort; FSC = base | level for levels 0..3).
 */
public enum FaultKind {
    NONE("none", -1),
    ADDRESS_SIZE("address_size", 0x00),
    TRANSLATION("translation", 0x04),
    ACCESS_FLAG("access_flag", 0x08),
    PERMISSION("permission", 0x0C);

    /** Name used by {@code virtreplay translate --json}. */
    public final String jsonName;
    private final int fscBase;

    FaultKind(String jsonName, int fscBase) {
        this.jsonName = jsonName;
        this.fscBase = fscBase;
    }

    /**
     * DFSC/IFSC for a fault at {@code level}. Level -1 (FEAT_LPA2, not yet modelled) uses the
     * separate encodings 0x29 (address size) and 0x2B (translation).
     */
    public int fsc(int level) {
        if (level < 0) {
            return this == ADDRESS_SIZE ? 0x29 : 0x2B;
        }
        return fscBase | level;
    }
}
