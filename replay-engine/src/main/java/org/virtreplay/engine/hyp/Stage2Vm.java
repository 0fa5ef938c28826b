package org.virtreplay.engine.hyp;

/**
 * The host's record of one VM's stage 2 (KVM's {@code struct kvm_s2_mmu} with the VM's memslots):
 * its table geometry (VTCR_EL2 fields, root), VMID pinning, memslots with their dirty bitmaps, and
 * the per-VM counters. A plain mutable holder shared by the classes that split {@link Stage2Manager}'s
 * work ({@link Stage2Tables}, {@link Stage2FaultHandler}, {@link Stage2DirtyLogging}), so that none of
 * them needs a map lookup or a copy of another's state on the fault path.
 */
final class Stage2Vm {
    int id;
    int index;
    int ipaBits;
    /** Stage-2 output size (VTCR_EL2.PS, capped at 48): every PA the VM maps must be below 2^paBits. */
    int paBits = 48;
    int startLevel;
    int rootBits;
    long root;
    int fixedVmid = -1;
    Memslot[] slots = new Memslot[8];
    /** Dirty bitmap of slot i while logging is on (null for non-RAM slots and when logging is off). */
    DirtyLog[] dirty = new DirtyLog[8];
    int nSlots;
    boolean logging;
    long mmioExits;
    long mmioWrites;
    long mmioNisv;
    long blocksBroken;
    long blocksSplit;
    long writeProtected;

    /** The memslot holding {@code ipa}, or null. */
    Memslot slotOf(long ipa) {
        for (int i = 0; i < nSlots; i++) {
            if (slots[i].contains(ipa)) {
                return slots[i];
            }
        }
        return null;
    }

    /** The dirty bitmap of slot {@code s} (null if it is not being logged). */
    DirtyLog dirtyOf(Memslot s) {
        for (int i = 0; i < nSlots; i++) {
            if (slots[i] == s) {
                return dirty[i];
            }
        }
        throw new IllegalStateException("memslot not in VM");
    }
}
