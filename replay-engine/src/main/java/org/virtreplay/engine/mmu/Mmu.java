package org.virtreplay.engine.mmu;

/**
 * The two-stage (nested) translation unit: chooses the regime, applies the VA-range and MMU-off
 * rules, runs the stage-1 {@link StageWalker} (whose every descriptor address is first translated
 * by stage 2 when stage 2 is active: S1PTW), then stage 2 on the output IPA, intersects the
 * permissions, combines the attributes, and on a fault produces the architected syndrome.
 *
 * <p>Ordering for one access (Arm ARM R_XCHFJ, checked against QEMU
 * {@code get_phys_addr_twostage}): stage-2 faults on stage-1 table walks first, then any stage-1
 * fault, then a stage-2 fault on the final IPA. A faulting walk produces no translation.
 *
 * <p>Not thread-safe: one instance per replay thread. {@link #translate} allocates nothing.
 */
public final class Mmu {
    private static final Hcr HCR_OFF = Hcr.decode(1L << 31);

    private final PhysicalMemory mem;
    private final StageWalker s1;
    private final StageWalker s2;

    // Per-translation context used by the nested callbacks.
    private StageParams s2p;
    /** Stage 2 for stage-1 table addresses in the Non-secure IPA space (after NSTable in Secure state). */
    private StageParams s2pNsWalk;
    private boolean s1User;
    private boolean ptwCheck;
    private boolean fwb;
    /** Stage-2 write permission of the last translated stage-1 table address. */
    boolean lastTableWritable;

    public Mmu(PhysicalMemory mem) {
        this.mem = mem;
        this.s1 = new StageWalker(mem, this);
        this.s2 = new StageWalker(mem, this);
    }

    public PhysicalMemory memory() {
        return mem;
    }

    /** The regime that an access at {@code el} uses under the given (effective) HCR_EL2. */
    public static Regime regimeFor(int el, Hcr hcrEff) {
        if (el == 3) {
            return Regime.EL3;
        }
        if (el == 2) {
            return hcrEff.e2h() ? Regime.EL20 : Regime.EL2;
        }
        if (el == 0 && hcrEff.e2h() && hcrEff.tge()) {
            return Regime.EL20;
        }
        return Regime.EL10;
    }

    /** Non-secure translation; see {@link #translate(MmuRegisters, long, int, AccessType, boolean, boolean, TranslationResult)}. */
    public boolean translate(MmuRegisters r, long va, int el, AccessType acc, boolean unprivileged,
            TranslationResult res) {
        return translate(r, va, el, acc, unprivileged, false, res);
    }

    /**
     * Translates {@code va} for an access at {@code el} (0..3).
     *
     * @param unprivileged an LDTR/STTR-style access: checked with EL0 permissions and not subject
     *                     to PAN when made from EL1 (or from EL2 with E2H=TGE=1); ignored otherwise
     * @param secure       the PE is in Secure state (EL3 is always Secure)
     * @return {@code res.ok}
     */
    public boolean translate(MmuRegisters r, long va, int el, AccessType acc, boolean unprivileged, boolean secure,
            TranslationResult res) {
        res.reset();
        if (el == 3) {
            secure = true;
        }
        // EL2 is enabled in Non-secure state, and in Secure state only with SCR_EL3.EEL2 (FEAT_SEL2);
        // where it is not enabled, HCR_EL2 has no effect at all.
        final boolean el2Enabled = !secure || r.scrEel2();
        final Hcr h = el2Enabled ? r.hcrEff : HCR_OFF;
        final Regime regime = regimeFor(el, h);
        res.regime = regime;
        res.secureState = secure;
        boolean s2on = regime == Regime.EL10 && el2Enabled && (h.vm() || h.dc());
        s2p = secure ? r.s2Secure : r.s2;
        s2pNsWalk = r.s2;
        fwb = h.fwb();
        ptwCheck = h.ptw();
        boolean user = el == 0
                || (unprivileged && !acc.isFetch() && (el == 1 || (el == 2 && regime == Regime.EL20 && h.tge())));
        s1User = user;
        res.stage2Enabled = s2on;
        res.vmid = s2on ? (r.vtcr.vs() ? r.vttbr.asidOrVmid16() : r.vttbr.asidOrVmid16() & 0xFF) : 0;

        Sctlr sctlr;
        Mair mair;
        boolean s1on;
        StageParams p0;
        StageParams p1;
        switch (regime) {
            case EL10 -> {
                sctlr = r.sctlr1;
                mair = r.mair1;
                s1on = sctlr.m() && !(el2Enabled && (h.dc() || h.tge()));
                p0 = r.el1r0;
                p1 = r.el1r1;
                Ttbr asidSrc = r.tcr1.a1() ? r.ttbr1El1d : r.ttbr0El1d;
                res.asid = r.tcr1.as16() ? asidSrc.asidOrVmid16() : asidSrc.asidOrVmid16() & 0xFF;
            }
            case EL2, EL20 -> {
                sctlr = r.sctlr2;
                mair = r.mair2;
                s1on = sctlr.m();
                p0 = r.el2r0;
                p1 = r.el2r1;
                if (regime == Regime.EL20) {
                    Ttbr asidSrc = r.tcr2.a1() ? r.ttbr1El2d : r.ttbr0El2d;
                    res.asid = r.tcr2.as16() ? asidSrc.asidOrVmid16() : asidSrc.asidOrVmid16() & 0xFF;
                }
            }
            default -> {
                sctlr = r.sctlr3;
                mair = r.mair3;
                s1on = sctlr.m();
                p0 = r.el3;
                p1 = r.el3;
            }
        }
        final boolean twoRange = regime.twoRanges;
        final int sel = twoRange ? (int) ((va >>> 55) & 1) : 0;
        final StageParams p = sel == 1 ? p1 : p0;
        res.stage1Enabled = s1on;

        long ipa;
        int s1attr;
        int s1sh;
        long s1size;
        boolean s1r = true;
        boolean s1w = true;
        boolean s1x = true;
        boolean outNs = !secure;
        int mask = 0x3F; // stage 1 off: everything allowed at stage 1
        if (s1on) {
            boolean tbi = p.tbi && !(acc.isFetch() && p.tbid);
            if (!p.valid) {
                return stage1Fault(res, FaultKind.TRANSLATION, 0, r, va, el, acc, regime);
            }
            int top = tbi ? 55 : 63;
            long upperMask = (top == 63 ? -1L : (1L << (top + 1)) - 1) & (-1L << p.iaBits);
            long expect = sel == 1 ? upperMask : 0;
            if ((va & upperMask) != expect || p.epd || (p.e0pd && el == 0)) {
                // Outside both VA ranges, the range disabled by EPDn, or an EL0 access to a range with
                // E0PDn (FEAT_E0PD): level-0 Translation fault.
                return stage1Fault(res, FaultKind.TRANSLATION, 0, r, va, el, acc, regime);
            }
            long ia = va & ((1L << p.iaBits) - 1);
            boolean pan = !user && r.pan && (regime == Regime.EL10 || regime == Regime.EL20);
            s1.epan = sctlr.epan();
            if (!s1.walk(p, ia, acc, user, pan, sctlr.wxn(), twoRange, s2on, res)) {
                return finishFault(res, r, va, el, acc, regime);
            }
            ipa = s1.oa;
            s1size = s1.leafSize;
            s1attr = mair.attr(s1.attrField);
            if (!Attributes.isDevice(s1attr) && (acc.isFetch() ? !sctlr.i() : !sctlr.c())) {
                // SCTLR_ELx.C=0 (data) / I=0 (fetch): Normal memory is Non-cacheable (S1CacheDisabled).
                s1attr = Attributes.NORMAL_NC;
            }
            s1sh = Attributes.sh(s1.shField);
            s1r = s1.permR;
            s1w = s1.permW;
            s1x = s1.permX;
            mask = s1.permMask;
            res.s1Level = s1.leafLevel;
            res.notGlobal = s1.ng;
            if (secure) {
                outNs = s1.nsBit || s1.tableNs != 0;
            }
        } else {
            // Stage 1 disabled: VA bits above PAMax (below the tag byte when TBI applies) must be zero.
            boolean tbi = p.tbi && !(acc.isFetch() && p.tbid);
            int top = tbi ? 55 : 63;
            int pamax = r.paRangeBits;
            long m = (top == 63 ? -1L : (1L << (top + 1)) - 1) & (-1L << pamax);
            if ((va & m) != 0) {
                return stage1Fault(res, FaultKind.ADDRESS_SIZE, 0, r, va, el, acc, regime);
            }
            ipa = va & ((1L << pamax) - 1);
            s1size = Long.MAX_VALUE;
            if (regime == Regime.EL10 && h.dc() && el2Enabled) {
                s1attr = Attributes.NORMAL_WB;
                s1sh = Attributes.NSH;
            } else if (acc.isFetch()) {
                s1attr = sctlr.i() ? Attributes.NORMAL_WT_RA : Attributes.NORMAL_NC;
                s1sh = Attributes.OSH;
            } else {
                s1attr = Attributes.DEVICE_NGNRNE;
                s1sh = Attributes.OSH;
            }
        }
        res.ipa = ipa;

        long pa = ipa;
        long s2size = Long.MAX_VALUE;
        int attr = s1attr;
        int sh = s1sh;
        boolean rd = s1r;
        boolean wr = s1w;
        boolean ex = s1x;
        if (s2on) {
            if (secure) {
                // Secure EL1&0 with FEAT_SEL2: a Secure IPA goes through the Secure stage 2 (VSTTBR/VSTCR),
                // a Non-secure IPA (stage-1 NS or NSTable) through the Non-secure one (VTTBR/VTCR); the
                // output PA space is then chosen by VSTCR_EL2.SA or VTCR_EL2.NSA (bit 30 in both).
                boolean nsIpa = outNs;
                s2p = nsIpa ? r.s2 : r.s2Secure;
                outNs = nsIpa ? r.vtcr.nsa() : r.vstcr.nsa();
            }
            if ((ipa >>> s2p.iaBits) != 0 || !s2p.valid) {
                res.fault = FaultKind.TRANSLATION;
                res.faultStage = 2;
                res.faultLevel = 0;
                res.faultIpa = ipa;
                return finishFault(res, r, va, el, acc, regime);
            }
            if (!s2.walk(s2p, ipa, acc, user, false, false, false, false, res)) {
                return finishFault(res, r, va, el, acc, regime);
            }
            pa = s2.oa;
            s2size = s2.leafSize;
            res.s2Level = s2.leafLevel;
            rd &= s2.permR;
            wr &= s2.permW;
            ex &= s2.permX;
            mask &= s2.permMask;
            attr = fwb ? Attributes.combineFwb(s1attr, s2.attrField)
                    : Attributes.combineNoFwb(s1attr, Attributes.s2MemAttrToMair(s2.attrField, acc.isFetch() ? h.id() : h.cd()));
            sh = Attributes.combineSh(s1sh, Attributes.sh(s2.shField));
        }
        res.ok = true;
        res.pa = pa;
        res.s1Size = s1size == Long.MAX_VALUE ? 0 : s1size;
        res.s2Size = s2size == Long.MAX_VALUE ? 0 : s2size;
        long size = Math.min(s1size, s2size);
        res.size = size == Long.MAX_VALUE ? Granule.K4.bytes : size;
        res.attr = attr;
        res.sh = Attributes.forcedSh(attr, sh);
        res.permRead = rd;
        res.permWrite = wr;
        res.permExec = ex;
        res.permMask = mask;
        res.nonSecure = outNs;
        return true;
    }

    /**
     * Stage-2 translation of a stage-1 descriptor address (an IPA) for the walk read. Returns the PA,
     * or -1 with an S1PTW stage-2 fault recorded in {@code res}.
     */
    long translateTableAddress(long descIpa, boolean nsTable, TranslationResult res) {
        // In Secure state an NSTable bit above moves the rest of the walk to the Non-secure IPA space.
        final StageParams s2p = nsTable ? this.s2pNsWalk : this.s2p;
        if ((descIpa >>> s2p.iaBits) != 0 || !s2p.valid) {
            res.fault = FaultKind.TRANSLATION;
            res.faultStage = 2;
            res.faultLevel = 0;
            res.faultIpa = descIpa;
            res.s1ptw = true;
            return -1;
        }
        if (!s2.walk(s2p, descIpa, AccessType.READ, s1User, false, false, false, false, res)) {
            res.s1ptw = true;
            return -1;
        }
        if (ptwCheck && s2Device(s2.attrField)) {
            // HCR_EL2.PTW: a stage-1 walk to stage-2 Device memory is a stage-2 Permission fault.
            res.fault = FaultKind.PERMISSION;
            res.faultStage = 2;
            res.faultLevel = s2.leafLevel;
            res.faultIpa = descIpa;
            res.s1ptw = true;
            return -1;
        }
        lastTableWritable = s2.permW;
        return s2.oa;
    }

    /** A hardware AF/dirty update of a stage-1 descriptor whose page stage 2 maps read-only. */
    void tableWriteFault(long descIpa, TranslationResult res) {
        res.fault = FaultKind.PERMISSION;
        res.faultStage = 2;
        res.faultLevel = s2.leafLevel;
        res.faultIpa = descIpa;
        res.s1ptw = true;
        res.wnr = true;
    }

    private boolean s2Device(int memattr) {
        return fwb ? (memattr & 0b0100) == 0 : (memattr & 0b1100) == 0;
    }

    private boolean stage1Fault(TranslationResult res, FaultKind kind, int level, MmuRegisters r, long va, int el,
            AccessType acc, Regime regime) {
        res.fault = kind;
        res.faultStage = 1;
        res.faultLevel = level;
        return finishFault(res, r, va, el, acc, regime);
    }

    /** Fills target EL and the syndrome (ESR_ELx, FAR_ELx, HPFAR_EL2) of the fault recorded in {@code res}. */
    private boolean finishFault(TranslationResult res, MmuRegisters r, long va, int el, AccessType acc,
            Regime regime) {
        res.ok = false;
        boolean stage2 = res.faultStage == 2;
        int target;
        if (stage2) {
            target = 2;
        } else {
            target = switch (regime) {
                case EL10 -> el == 0 && r.hcrEff.tge() ? 2 : 1;
                case EL2, EL20 -> 2;
                default -> 3;
            };
        }
        res.targetEl = target;
        boolean lower = target > el;
        int ec = acc.isFetch() ? (lower ? 0x20 : 0x21) : (lower ? 0x24 : 0x25);
        if (!res.s1ptw) {
            res.wnr = acc.isWrite();
        }
        if (acc.isFetch()) {
            res.wnr = false; // an Instruction Abort has no WnR
        }
        res.esr = Esr.abort(ec, res.s1ptw, res.wnr, res.fault.fsc(res.faultLevel));
        res.far = va;
        res.hpfar = stage2 ? Esr.hpfar(res.faultIpa) : 0;
        return false;
    }
}
