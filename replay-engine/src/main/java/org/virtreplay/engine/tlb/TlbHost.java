package org.virtreplay.engine.tlb;

import org.virtreplay.engine.mmu.Hcr;

/**
 * The PEs of one host, for TLB maintenance: executes {@code TLBI} operations ({@link TlbiOp}) with
 * their architectural scope (Arm ARM C5.5 / D8.17; the project notes §8.3):
 *
 * <ul>
 *   <li>no suffix: the executing PE only; {@code IS}/{@code OS}: every PE of the host (the model's
 *       Inner and Outer Shareable domains are both the whole host). {@code HCR_EL2.FB} upgrades
 *       an EL1 local operation to Inner Shareable.</li>
 *   <li>the VMID is the executing PE's current {@code VTTBR_EL2.VMID}; the operation reaches that
 *       VMID's entries on every targeted PE.</li>
 *   <li>{@code *E1} operations executed at EL2 with {@code HCR_EL2.{E2H,TGE} = {1,1}} apply to the
 *       EL2&amp;0 regime; {@code *E2} operations apply to EL2 (E2H=0) or EL2&amp;0 (E2H=1, with ASID).</li>
 *   <li>last-level forms ({@code VALE1}, {@code IPAS2LE1}...) leave walk caches alone; the others
 *       also remove walk-cache entries for the address.</li>
 *   <li>{@code IPAS2E1} removes stage-2-only information (IPA cache, stage-2 walk cache) and
 *       removes combined stage-1+2 entries only if the core's
 *       {@link CorePreset#ipas2RemovesCombined()} says so (false by default, as the architecture
 *       does not require it).</li>
 *   <li>TTL hints (FEAT_TTL, Xt[47:44]; range forms Xt[38:37]): when present, only leaf entries of
 *       the hinted granule and level are removed, so a wrong hint leaves the entry, as hardware may.</li>
 *   <li>operations complete at once; a {@code DSB} is accepted and does nothing (no model of
 *       in-flight invalidations).</li>
 * </ul>
 */
public final class TlbHost {
    private final TranslationUnit[] pes;

    public TlbHost(TranslationUnit... pes) {
        this.pes = pes.clone();
    }

    public TranslationUnit pe(int i) {
        return pes[i];
    }

    public int peCount() {
        return pes.length;
    }

    /** Decoded address range of a TLBI operand. */
    record Range(long lo, long hi, int ttlLevel, int ttlGranLog, boolean valid) { }

    /** TTL / TG granule encoding 01 = 4K, 10 = 16K, 11 = 64K (note: not the TCR TG0 encoding). */
    static int granLog(int tg) {
        return switch (tg & 3) {
            case 1 -> 12;
            case 2 -> 14;
            case 3 -> 16;
            default -> 0;
        };
    }

    /**
     * Decodes the address operand of a non-range VA form: Xt[43:0] = VA[55:12] (sign-extended from
     * VA bit 55 so that TTBR1 addresses come out as the VA), TTL in Xt[47:44].
     */
    static Range decodeVa(long xt) {
        long va = (xt & 0x0000_0FFF_FFFF_FFFFL) << 12;
        va = (va << 8) >> 8;
        int ttl = (int) ((xt >>> 44) & 0xF);
        return withTtl(va, va | 0xFFF, ttl);
    }

    /** IPA form: Xt[39:0] = IPA[51:12], TTL in Xt[47:44]. */
    static Range decodeIpa(long xt) {
        long ipa = (xt & 0xFF_FFFF_FFFFL) << 12;
        int ttl = (int) ((xt >>> 44) & 0xF);
        return withTtl(ipa, ipa | 0xFFF, ttl);
    }

    private static Range withTtl(long lo, long hi, int ttl) {
        int gl = granLog(ttl >>> 2);
        int level = ttl & 3;
        // TTL[3:2] = 00 means no hint; a 4K hint of level 0 is reserved and also treated as no hint.
        if (gl == 0 || (gl == 12 && level == 0)) {
            return new Range(lo, hi, -1, 0, true);
        }
        return new Range(lo, hi, level, gl, true);
    }

    /**
     * Range form (FEAT_TLBIRANGE): Xt[47:46] TG, [45:44] SCALE, [43:39] NUM, [38:37] TTL level,
     * [36:0] BaseADDR in granule units; the range is {@code (NUM+1) * 2^(5*SCALE+1)} granules. A
     * reserved TG (00) invalidates nothing.
     */
    static Range decodeRange(long xt, boolean ipa) {
        int gl = granLog((int) (xt >>> 46));
        if (gl == 0) {
            return new Range(0, 0, -1, 0, false);
        }
        int scale = (int) ((xt >>> 44) & 3);
        int num = (int) ((xt >>> 39) & 31);
        int level = (int) ((xt >>> 37) & 3);
        long base = (xt & 0x1F_FFFF_FFFFL) << gl;
        if (!ipa) {
            int top = 36 + gl; // sign-extend from the top bit of the BaseADDR field
            base = (base << (63 - top)) >> (63 - top);
        }
        long pages = (long) (num + 1) << (5 * scale + 1);
        long hi = base + (pages << gl) - 1;
        return new Range(base, hi, level == 0 ? -1 : level, level == 0 ? 0 : gl, true);
    }

    /**
     * Executes {@code TLBI op, xt} on PE {@code peIndex} at exception level {@code el}.
     *
     * @return the number of entries removed, over all PEs and structures (for tests and statistics)
     */
    public int tlbi(int peIndex, TlbiOp op, long xt, int el) {
        if (op.isBarrier()) {
            return 0;
        }
        TranslationUnit issuer = pes[peIndex];
        Hcr hcr = issuer.regs().hcr();
        boolean broadcast = op.scope() != TlbiOp.Scope.LOCAL;
        if (!broadcast && el == 1 && ((hcr.raw() >>> 9) & 1) != 0) {
            broadcast = true; // HCR_EL2.FB
        }
        // Stage-1-only EL1&0 entries are tagged with VMID 0 (see TranslationUnit), so without stage 2
        // the "current VMID" the operation selects is 0 too.
        int vmid = hcr.vm() || hcr.dc() ? issuer.currentVmid() : 0;
        boolean secure = false;
        int sec = secure ? TlbArray.CTX_SECURE : 0;
        int regime;
        switch (op.regimeEl()) {
            case 1 -> regime = (el == 2 && hcr.e2h() && hcr.tge()) ? 2 : 0;
            case 2 -> regime = hcr.e2h() ? 2 : 1;
            default -> regime = 3;
        }
        int asid = (int) (xt >>> 48);
        if (regime == 0 && !issuer.regs().tcrEl1().as16()) {
            asid &= 0xFF;
        }
        int removed = 0;
        int from = broadcast ? 0 : peIndex;
        int to = broadcast ? pes.length : peIndex + 1;
        for (int p = from; p < to; p++) {
            removed += apply(pes[p], op, xt, regime, sec, vmid, asid);
        }
        return removed;
    }

    private static int apply(TranslationUnit u, TlbiOp op, long xt, int regime, int sec, int vmid, int asid) {
        final int regimeMask = TlbArray.CTX_REGIME_MASK | TlbArray.CTX_SECURE;
        // EL1&0 entries carry the VMID; EL2, EL2&0 and EL3 entries do not.
        final int vmMask = regime == 0 ? regimeMask | TlbArray.CTX_VMID_MASK : regimeMask;
        final int vmValue = regime | sec | (regime == 0 ? vmid << 3 : 0);
        final int s2Value = sec | (vmid << 3); // stage-2 structures: EL1&0 regime, this VMID
        final int s2Mask = regimeMask | TlbArray.CTX_VMID_MASK;
        int n = 0;
        switch (op.target()) {
            case ALL -> {
                // ALLE1: every EL1&0 entry of every VMID; ALLE2: EL2 and EL2&0; ALLE3: EL3.
                if (op.regimeEl() == 1) {
                    n += all(u, regimeMask, sec, true);
                } else if (op.regimeEl() == 2) {
                    n += all(u, regimeMask, 1 | sec, false);
                    n += all(u, regimeMask, 2 | sec, false);
                } else {
                    n += all(u, regimeMask, 3 | sec, false);
                }
            }
            case VMALL -> n += all(u, vmMask, vmValue, false);
            case VMALLS12 -> {
                n += all(u, vmMask, vmValue, false);
                if (regime == 0) {
                    n += inv(u.s2wc, s2Mask, s2Value, TlbArray.ASID_ANY, 0, 0, -1L, false, -1, 0);
                    n += inv(u.ipac, s2Mask, s2Value, TlbArray.ASID_ANY, 0, 0, -1L, false, -1, 0);
                }
            }
            case ASID -> {
                for (TlbArray a : u.combined()) {
                    n += inv(a, vmMask, vmValue, TlbArray.ASID_NON_GLOBAL, asid, 0, -1L, false, -1, 0);
                }
                n += inv(u.s1wc, vmMask, vmValue, TlbArray.ASID_NON_GLOBAL, asid, 0, -1L, false, -1, 0);
            }
            case VA, VAA -> {
                Range r = op.isRange() ? decodeRange(xt, false) : decodeVa(xt);
                if (!r.valid()) {
                    return 0;
                }
                boolean hasAsid = op.target() == TlbiOp.Target.VA && (regime == 0 || regime == 2);
                int rule = hasAsid ? TlbArray.ASID_MATCH_OR_GLOBAL : TlbArray.ASID_ANY;
                for (TlbArray a : u.combined()) {
                    n += inv(a, vmMask, vmValue, rule, asid, r.lo(), r.hi(), false, r.ttlLevel(), r.ttlGranLog());
                }
                if (!op.lastLevel()) {
                    n += inv(u.s1wc, vmMask, vmValue, rule, asid, r.lo(), r.hi(), false, -1, 0);
                }
            }
            case IPAS2 -> {
                Range r = op.isRange() ? decodeRange(xt, true) : decodeIpa(xt);
                if (!r.valid()) {
                    return 0;
                }
                n += inv(u.ipac, s2Mask, s2Value, TlbArray.ASID_ANY, 0, r.lo(), r.hi(), false, r.ttlLevel(),
                        r.ttlGranLog(), true);
                if (!op.lastLevel()) {
                    n += inv(u.s2wc, s2Mask, s2Value, TlbArray.ASID_ANY, 0, r.lo(), r.hi(), false, -1, 0);
                }
                if (u.config.ipas2RemovesCombined()) {
                    for (TlbArray a : u.combined()) {
                        n += inv(a, s2Mask, s2Value, TlbArray.ASID_ANY, 0, r.lo(), r.hi(), true, r.ttlLevel(),
                                r.ttlGranLog(), true);
                    }
                }
            }
            default -> { }
        }
        return n;
    }

    private static int all(TranslationUnit u, int mask, int value, boolean stage2Too) {
        int n = 0;
        for (TlbArray a : u.combined()) {
            n += inv(a, mask, value, TlbArray.ASID_ANY, 0, 0, -1L, false, -1, 0);
        }
        n += inv(u.s1wc, mask, value, TlbArray.ASID_ANY, 0, 0, -1L, false, -1, 0);
        if (stage2Too) {
            n += inv(u.s2wc, mask, value, TlbArray.ASID_ANY, 0, 0, -1L, false, -1, 0);
            n += inv(u.ipac, mask, value, TlbArray.ASID_ANY, 0, 0, -1L, false, -1, 0);
        }
        return n;
    }

    private static int inv(TlbArray a, int mask, int value, int rule, int asid, long lo, long hi, boolean byIpa,
            int ttlLevel, int ttlGran) {
        return inv(a, mask, value, rule, asid, lo, hi, byIpa, ttlLevel, ttlGran, false);
    }

    private static int inv(TlbArray a, int mask, int value, int rule, int asid, long lo, long hi, boolean byIpa,
            int ttlLevel, int ttlGran, boolean ttlIsStage2) {
        if (a == null) {
            return 0;
        }
        // For IPA operations the TTL hint names a stage-2 level; for VA operations a stage-1 level.
        return a.invalidate(mask, value, rule, asid, lo, hi, byIpa || ttlIsStage2, ttlLevel, ttlGran, byIpa);
    }
}
