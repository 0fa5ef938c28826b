package org.virtreplay.engine.mmu;

import java.util.List;

/**
 * The translation-related system registers of one vCPU (and of the VM's EL2 view), held raw and
 * decoded. Every {@link #set} re-derives the decoded records and the per-stage
 * {@link StageParams}, so that a translation only reads plain fields (decode per write, not per
 * access).
 *
 * <p>Reset values: all registers 0 except {@code ID_AA64MMFR0_EL1} (PARange 0b0101, 48 bits),
 * {@code SCR_EL3} (NS=1: the PE is in Non-secure state unless the registers say otherwise) and
 * {@code SCTLR_EL2}/{@code SCTLR_EL3} (0x1005: M, C and I set: MMU and caches on), which {@code virtreplay translate}'s register list does
 * not include; see docs/fidelity.md.
 */
public final class MmuRegisters {

    /** Register names accepted by {@link #set}, spelled as in the Arm ARM. */
    public static final List<String> NAMES = List.of("TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "SCTLR_EL1",
            "HCR_EL2", "VTTBR_EL2", "VTCR_EL2", "TTBR0_EL2", "TTBR1_EL2", "TCR_EL2", "MAIR_EL2", "SCTLR_EL2",
            "ID_AA64MMFR0_EL1", "PSTATE.PAN", "SCR_EL3", "VSTTBR_EL2", "VSTCR_EL2", "TTBR0_EL3", "TCR_EL3",
            "MAIR_EL3", "SCTLR_EL3");

    long ttbr0El1, ttbr1El1, tcrEl1, mairEl1, sctlrEl1;
    long hcrEl2, vttbrEl2, vtcrEl2, ttbr0El2, ttbr1El2, tcrEl2, mairEl2, sctlrEl2 = 0x1005;
    long idAa64mmfr0 = 0b0101;
    boolean pan;
    long scrEl3 = 1, vsttbrEl2, vstcrEl2, ttbr0El3, tcrEl3, mairEl3, sctlrEl3 = 0x1005;

    // Decoded.
    Hcr hcr = Hcr.decode(0);
    Hcr hcrEff = hcr;
    Sctlr sctlr1 = Sctlr.decode(0), sctlr2 = Sctlr.decode(0x1005), sctlr3 = Sctlr.decode(0x1005);
    Mair mair1 = new Mair(0), mair2 = new Mair(0), mair3 = new Mair(0);
    Tcr tcr1 = Tcr.decodeTwoRange(0), tcr2 = Tcr.decodeSingleRange(0), tcr3 = Tcr.decodeSingleRange(0);
    Vtcr vtcr = Vtcr.decode(0), vstcr = Vtcr.decode(0);
    Ttbr ttbr0El1d = Ttbr.decode(0), ttbr1El1d = Ttbr.decode(0), ttbr0El2d = Ttbr.decode(0),
            ttbr1El2d = Ttbr.decode(0), vttbr = Ttbr.decode(0), vsttbr = Ttbr.decode(0);
    int paRangeBits = 48;

    /** Stage-1 parameters: EL1&amp;0 ranges 0/1, EL2 (or EL2&amp;0) ranges 0/1, EL3. */
    final StageParams el1r0 = new StageParams(), el1r1 = new StageParams();
    final StageParams el2r0 = new StageParams(), el2r1 = new StageParams();
    final StageParams el3 = new StageParams();
    /** Stage-2 parameters: Non-secure (VTTBR/VTCR) and Secure (VSTTBR/VSTCR). */
    final StageParams s2 = new StageParams(), s2Secure = new StageParams();

    public MmuRegisters() {
        derive();
    }

    /**
     * Writes register {@code name}; returns false if the name is not one of {@link #NAMES}.
     * {@code PSTATE.PAN} takes 0 or 1 (any non-zero value sets it).
     */
    public boolean set(String name, long value) {
        switch (name) {
            case "TTBR0_EL1" -> ttbr0El1 = value;
            case "TTBR1_EL1" -> ttbr1El1 = value;
            case "TCR_EL1" -> tcrEl1 = value;
            case "MAIR_EL1" -> mairEl1 = value;
            case "SCTLR_EL1" -> sctlrEl1 = value;
            case "HCR_EL2" -> hcrEl2 = value;
            case "VTTBR_EL2" -> vttbrEl2 = value;
            case "VTCR_EL2" -> vtcrEl2 = value;
            case "TTBR0_EL2" -> ttbr0El2 = value;
            case "TTBR1_EL2" -> ttbr1El2 = value;
            case "TCR_EL2" -> tcrEl2 = value;
            case "MAIR_EL2" -> mairEl2 = value;
            case "SCTLR_EL2" -> sctlrEl2 = value;
            case "ID_AA64MMFR0_EL1" -> idAa64mmfr0 = value;
            case "PSTATE.PAN" -> pan = value != 0;
            case "SCR_EL3" -> scrEl3 = value;
            case "VSTTBR_EL2" -> vsttbrEl2 = value;
            case "VSTCR_EL2" -> vstcrEl2 = value;
            case "TTBR0_EL3" -> ttbr0El3 = value;
            case "TCR_EL3" -> tcrEl3 = value;
            case "MAIR_EL3" -> mairEl3 = value;
            case "SCTLR_EL3" -> sctlrEl3 = value;
            default -> {
                return false;
            }
        }
        derive();
        return true;
    }

    /** Reads register {@code name} (raw value); throws IllegalArgumentException for an unknown name. */
    public long get(String name) {
        return switch (name) {
            case "TTBR0_EL1" -> ttbr0El1;
            case "TTBR1_EL1" -> ttbr1El1;
            case "TCR_EL1" -> tcrEl1;
            case "MAIR_EL1" -> mairEl1;
            case "SCTLR_EL1" -> sctlrEl1;
            case "HCR_EL2" -> hcrEl2;
            case "VTTBR_EL2" -> vttbrEl2;
            case "VTCR_EL2" -> vtcrEl2;
            case "TTBR0_EL2" -> ttbr0El2;
            case "TTBR1_EL2" -> ttbr1El2;
            case "TCR_EL2" -> tcrEl2;
            case "MAIR_EL2" -> mairEl2;
            case "SCTLR_EL2" -> sctlrEl2;
            case "ID_AA64MMFR0_EL1" -> idAa64mmfr0;
            case "PSTATE.PAN" -> pan ? 1 : 0;
            case "SCR_EL3" -> scrEl3;
            case "VSTTBR_EL2" -> vsttbrEl2;
            case "VSTCR_EL2" -> vstcrEl2;
            case "TTBR0_EL3" -> ttbr0El3;
            case "TCR_EL3" -> tcrEl3;
            case "MAIR_EL3" -> mairEl3;
            case "SCTLR_EL3" -> sctlrEl3;
            default -> throw new IllegalArgumentException("unknown register " + name);
        };
    }

    private void derive() {
        paRangeBits = Math.min(StageParams.psBits((int) (idAa64mmfr0 & 0xF)), StageParams.MAX_OA_BITS);
        hcr = Hcr.decode(hcrEl2);
        hcrEff = hcr.effective();
        sctlr1 = Sctlr.decode(sctlrEl1);
        sctlr2 = Sctlr.decode(sctlrEl2);
        sctlr3 = Sctlr.decode(sctlrEl3);
        mair1 = new Mair(mairEl1);
        mair2 = new Mair(mairEl2);
        mair3 = new Mair(mairEl3);
        tcr1 = Tcr.decodeTwoRange(tcrEl1);
        tcr2 = hcr.e2h() ? Tcr.decodeTwoRange(tcrEl2) : Tcr.decodeSingleRange(tcrEl2);
        tcr3 = Tcr.decodeSingleRange(tcrEl3);
        vtcr = Vtcr.decode(vtcrEl2);
        vstcr = Vtcr.decode(vstcrEl2);
        ttbr0El1d = Ttbr.decode(ttbr0El1);
        ttbr1El1d = Ttbr.decode(ttbr1El1);
        ttbr0El2d = Ttbr.decode(ttbr0El2);
        ttbr1El2d = Ttbr.decode(ttbr1El2);
        vttbr = Ttbr.decode(vttbrEl2);
        vsttbr = Ttbr.decode(vsttbrEl2);
        setTwoRange(el1r0, el1r1, tcr1, ttbr0El1d, ttbr1El1d);
        if (tcr2.twoRange()) {
            setTwoRange(el2r0, el2r1, tcr2, ttbr0El2d, ttbr1El2d);
        } else {
            setSingle(el2r0, tcr2, ttbr0El2d);
            el2r1.valid = false;
        }
        setSingle(el3, tcr3, Ttbr.decode(ttbr0El3));
        s2.setStage2(vtcr, vttbr.baddr(), paRangeBits);
        s2Secure.setStage2(vstcr, vsttbr.baddr(), paRangeBits);
    }

    private void setTwoRange(StageParams r0, StageParams r1, Tcr t, Ttbr b0, Ttbr b1) {
        r0.setStage1(t.t0sz(), t.tg0(), t.epd0(), t.ips(), t.tbi0(), t.tbid0(), t.ha(), t.hd(), t.hpd0(), t.sh0(),
                b0.baddr(), paRangeBits);
        r1.setStage1(t.t1sz(), t.tg1(), t.epd1(), t.ips(), t.tbi1(), t.tbid1(), t.ha(), t.hd(), t.hpd1(), t.sh1(),
                b1.baddr(), paRangeBits);
        r0.e0pd = t.e0pd0();
        r1.e0pd = t.e0pd1();
    }

    private void setSingle(StageParams r0, Tcr t, Ttbr b0) {
        r0.setStage1(t.t0sz(), t.tg0(), false, t.ips(), t.tbi0(), t.tbid0(), t.ha(), t.hd(), t.hpd0(), t.sh0(),
                b0.baddr(), paRangeBits);
        r0.e0pd = false;
    }

    /** VTTBR_EL2 as written (the raw value). */
    public long vttbrEl2() { return vttbrEl2; }

    // Decoded views for other units (PE model, TLB).
    public Hcr hcr() { return hcr; }
    public Hcr hcrEffective() { return hcrEff; }
    public Sctlr sctlrEl1() { return sctlr1; }
    public Tcr tcrEl1() { return tcr1; }
    public Vtcr vtcr() { return vtcr; }
    public Ttbr vttbr() { return vttbr; }
    public Ttbr ttbr0El1() { return ttbr0El1d; }
    public Ttbr ttbr1El1() { return ttbr1El1d; }
    public boolean pan() { return pan; }
    public int paRangeBits() { return paRangeBits; }
    /** SCR_EL3.NS (bit 0). */
    public boolean scrNs() { return (scrEl3 & 1) != 0; }
    /** SCR_EL3.EEL2 (bit 18): Secure EL2 enabled. */
    public boolean scrEel2() { return (scrEl3 & (1L << 18)) != 0; }
    /** The stage-2 parameters (Non-secure). */
    public StageParams stage2Params() { return s2; }
    /** The EL1&amp;0 stage-1 parameters of VA range 0 or 1. */
    public StageParams el1Params(int range) { return range == 0 ? el1r0 : el1r1; }
}
