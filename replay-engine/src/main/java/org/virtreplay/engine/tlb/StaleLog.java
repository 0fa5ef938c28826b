package org.virtreplay.engine.tlb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hits on TLB entries whose translation no longer matches the page tables: the symptom of a
 * missing or misplaced {@code TLBI} in a guest or hypervisor. Counts every such hit
 * ({@link #count}), counts the entries that had one ({@link #entries}: the first stale hit of each
 * entry), and keeps the first {@code capacity} first stale hits with what explains them in
 * primitive arrays (nothing allocated when recording).
 */
public final class StaleLog {

    /**
     * One entry's first stale hit.
     *
     * @param stage        the stage whose mapping changed: 1 (VA to IPA) or 2 (IPA to PA)
     * @param asid         the entry's ASID, -1 for a global entry
     * @param regime       0 EL1&amp;0, 1 EL2, 2 EL2&amp;0, 3 EL3
     * @param fillNs       trace time of the access whose walk filled the entry
     * @param changeNs     trace time of the change found after the fill, -1 when none was found
     * @param changeSrc    its source ({@link MappingChangeLog#source}), -1 when none was found
     * @param oldPerm      the entry's permissions, bits R=1 W=2 X=4
     * @param newPa        the PA the tables give now, -1 when they fault
     * @param newPerm      the permissions they give now (-1 when they fault)
     * @param s1Level      the entry's stage-1 leaf level (-1 none); {@code s2Level} likewise
     * @param tlbiOp       the TlbiOp ordinal of a TLBI seen after the change that did not remove
     *                     the entry, -1 when there was none; {@code tlbi*} its operands and row
     */
    public record Hit(int vm, int vcpu, int pe, long va, long ipa, int asid, int vmid, int regime, int stage,
            long fillNs, long changeNs, long changeSrc, long hitNs, long oldPa, int oldPerm, long newPa, int newPerm,
            int s1Level, int s2Level, int tlbiOp, int tlbiAsid, long tlbiAddr, int tlbiTtl, int tlbiPe, long tlbiNs,
            long tlbiSrc) {

        /** The narrowest TLBI that removes this entry (Arm ARM D8.13; C5.5 for the operations). */
        public String missingTlbi() {
            if (stage == 2) {
                return String.format(Locale.ROOT, "IPAS2LE1IS IPA 0x%x + VMALLE1IS (VMID %d)", ipa & -4096L, vmid);
            }
            String el = regime == 1 || regime == 2 ? "E2" : regime == 3 ? "E3" : "E1";
            if (regime == 1 || regime == 3) {
                return String.format(Locale.ROOT, "VAL%sIS VA 0x%x", el, va & -4096L);
            }
            String vmidPart = regime == 0 ? String.format(Locale.ROOT, ", VMID %d", vmid) : "";
            return asid < 0 ? String.format(Locale.ROOT, "VAAL%sIS VA 0x%x%s", el, va & -4096L, vmidPart)
                    : String.format(Locale.ROOT, "VAL%sIS ASID %d VA 0x%x%s", el, asid, va & -4096L, vmidPart);
        }

        /** Where the missing TLBI must reach: broadcast, or the PE holding the entry. */
        public String tlbiScope() {
            return String.format(Locale.ROOT, "broadcast (IS), or the non-IS form on PE %d", pe);
        }

        /** Why a TLBI seen after the change did not remove the entry; "no TLBI after the change" otherwise. */
        public String why() {
            if (changeNs < 0) {
                return "no mapping change recorded after the fill (the tables changed by other means)";
            }
            if (tlbiOp < 0) {
                return "no TLBI after the change";
            }
            TlbiOp op = TlbiOp.values()[tlbiOp];
            String seen = String.format(Locale.ROOT, "%s at %d ns", op, tlbiNs);
            if (op.scope() == TlbiOp.Scope.LOCAL && tlbiPe >= 0 && tlbiPe != pe) {
                return seen + " ran on PE " + tlbiPe + " without broadcast; the entry is on PE " + pe;
            }
            boolean byAsid = op.target() == TlbiOp.Target.VA || op.target() == TlbiOp.Target.ASID;
            if (stage == 1 && byAsid && asid >= 0 && tlbiAsid >= 0 && tlbiAsid != asid) {
                return seen + " named ASID " + tlbiAsid + "; the entry has ASID " + asid;
            }
            if (stage == 1 && op.target() == TlbiOp.Target.ASID && asid < 0) {
                return seen + " invalidates by ASID, which leaves global entries";
            }
            if (op.hasAddress() && tlbiAddr >= 0) {
                boolean ipaOp = op.target() == TlbiOp.Target.IPAS2;
                long want = ipaOp ? ipa : va;
                if ((tlbiAddr >>> 12) != (want >>> 12)) {
                    return String.format(Locale.ROOT, "%s named %s 0x%x; the entry translates %s 0x%x", seen,
                            ipaOp ? "IPA" : "VA", tlbiAddr, ipaOp ? "IPA" : "VA", want);
                }
                int level = ipaOp ? s2Level : s1Level;
                if (tlbiTtl >= 0 && tlbiTtl != level) {
                    return seen + " had TTL hint level " + tlbiTtl + "; the entry's leaf is at level " + level;
                }
            }
            if (stage == 2 && op.target() == TlbiOp.Target.IPAS2) {
                return seen + " invalidated the stage-2 entry but no VMALLE1 followed for the combined entry";
            }
            if (stage == 2 && (op.target() == TlbiOp.Target.VA || op.target() == TlbiOp.Target.VAA)) {
                return seen + " was by VA; a stage-2 change needs IPAS2E1 and VMALLE1";
            }
            return seen + " did not match the entry";
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "vm %d vcpu %d pe %d %s 0x%x at %d ns: TLB gives pa 0x%x, tables give %s",
                    vm, vcpu, pe, stage == 2 ? "ipa" : "va", stage == 2 ? ipa : va, hitNs, oldPa,
                    newPa < 0 ? "a fault" : String.format(Locale.ROOT, "pa 0x%x", newPa));
        }
    }

    private final int capacity;
    private final int[] ints;   // INTS per hit
    private final long[] longs; // LONGS per hit
    private static final int INTS = 16, LONGS = 11;
    private int kept;
    private long count;
    private long entries;

    public StaleLog(int capacity) {
        this.capacity = capacity;
        ints = new int[capacity * INTS];
        longs = new long[capacity * LONGS];
    }

    /** A hit on an entry already known to be stale (counted only). */
    void recordHit() {
        count++;
    }

    /** The first stale hit of an entry: counted, and kept when there is room. */
    void recordFirst(int vm, int vcpu, int pe, long va, long ipa, int asid, int vmid, int regime, int stage,
            long fillNs, long changeNs, long changeSrc, long hitNs, long oldPa, int oldPerm, long newPa, int newPerm,
            int s1Level, int s2Level, MappingChangeLog log, boolean tlbiSeen) {
        count++;
        entries++;
        if (kept >= capacity) {
            return;
        }
        int b = kept * INTS;
        ints[b] = vm;
        ints[b + 1] = vcpu;
        ints[b + 2] = pe;
        ints[b + 3] = asid;
        ints[b + 4] = vmid;
        ints[b + 5] = regime;
        ints[b + 6] = stage;
        ints[b + 7] = oldPerm;
        ints[b + 8] = newPerm;
        ints[b + 9] = s1Level;
        ints[b + 10] = s2Level;
        ints[b + 11] = tlbiSeen ? log.tlbiOp : -1;
        ints[b + 12] = tlbiSeen ? log.tlbiAsid : -1;
        ints[b + 13] = tlbiSeen ? log.tlbiTtl : -1;
        ints[b + 14] = tlbiSeen ? log.tlbiPe : -1;
        int c = kept * LONGS;
        longs[c] = va;
        longs[c + 1] = ipa;
        longs[c + 2] = fillNs;
        longs[c + 3] = changeNs;
        longs[c + 4] = changeSrc;
        longs[c + 5] = hitNs;
        longs[c + 6] = oldPa;
        longs[c + 7] = newPa;
        longs[c + 8] = tlbiSeen ? log.tlbiAddr : -1;
        longs[c + 9] = tlbiSeen ? log.tlbiNs : -1;
        longs[c + 10] = tlbiSeen ? log.tlbiSrc : -1;
        kept++;
    }

    /** Number of stale hits seen (not only those kept). */
    public long count() {
        return count;
    }

    /** Number of entries that had a stale hit (first stale hits), kept or not. */
    public long entries() {
        return entries;
    }

    /** The first stale hits kept, in order (allocates; for reports). */
    public List<Hit> hits() {
        List<Hit> l = new ArrayList<>(kept);
        for (int k = 0; k < kept; k++) {
            int b = k * INTS;
            int c = k * LONGS;
            l.add(new Hit(ints[b], ints[b + 1], ints[b + 2], longs[c], longs[c + 1], ints[b + 3], ints[b + 4],
                    ints[b + 5], ints[b + 6], longs[c + 2], longs[c + 3], longs[c + 4], longs[c + 5], longs[c + 6],
                    ints[b + 7], longs[c + 7], ints[b + 8], ints[b + 9], ints[b + 10], ints[b + 11], ints[b + 12],
                    longs[c + 8], ints[b + 13], ints[b + 14], longs[c + 9], longs[c + 10]));
        }
        return l;
    }
}
