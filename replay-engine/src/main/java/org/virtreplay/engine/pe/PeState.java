package org.virtreplay.engine.pe;

import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.Hcr;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.TranslationResult;

/**
 * The architectural state of one PE as the replay sees it: a vCPU (whose EL2 view is the
 * hypervisor's configuration of it) or a physical PE. Holds the current EL, the execution state of
 * each EL, the security state, the system registers (translation registers in a decoded
 * {@link MmuRegisters}, the others raw), the return state of each EL for ERET, the time spent at
 * each EL, and counts of UNDEFINED and trapped system-register accesses by ESR.
 *
 * <p>What is refused: AArch32 at EL1, EL2 or EL3 ({@link BadInputException} naming the record);
 * EL2 in Secure state unless SCR_EL3.EEL2=1. AArch32 is accepted at EL0 under an AArch64 EL1, which
 * keeps using the AArch64 EL1&amp;0 regime with 32-bit VAs.
 */
public final class PeState {
    private final MmuRegisters regs = new MmuRegisters();
    private final long[] otherRegs = new long[SysRegName.values().length];
    private int el;
    private SecurityState security;
    private final ExecState[] exec = {ExecState.AARCH64, ExecState.AARCH64, ExecState.AARCH64, ExecState.AARCH64};
    private final int[] returnEl = new int[4];
    private final SecurityState[] returnSecurity = new SecurityState[4];
    private final long[] timeInEl = new long[4];
    private long lastTs;
    private boolean started;
    /** KVM emulates trapped TVM writes into the vCPU's register; false discards them. */
    private boolean emulateTrappedWrites = true;

    // Trap statistics: distinct ESRs with counts (few distinct values; linear search).
    private long[] trapEsr = new long[8];
    private long[] trapCount = new long[8];
    private int trapKinds;
    private long undefinedCount;
    private long trappedCount;
    private final SysRegOutcome scratch = new SysRegOutcome();

    /** A PE starting at {@code el} in {@code security} state, AArch64 everywhere, HCR_EL2.RW=1. */
    public PeState(int el, SecurityState security) {
        if (el < 0 || el > 3) {
            throw new IllegalArgumentException("EL must be 0..3");
        }
        this.el = el;
        this.security = el == 3 ? SecurityState.SECURE : security;
        regs.set("HCR_EL2", 1L << 31); // RW: EL1 is AArch64
        regs.set("SCR_EL3", security == SecurityState.NON_SECURE ? 1 : 0);
        checkSecureEl2(el, this.security, "initial state");
    }

    public int el() { return el; }
    public SecurityState security() { return security; }
    public MmuRegisters mmuRegisters() { return regs; }
    public ExecState execState(int level) { return exec[level]; }
    public long timeInEl(int level) { return timeInEl[level]; }
    public long undefinedCount() { return undefinedCount; }
    public long trappedCount() { return trappedCount; }
    public void setEmulateTrappedWrites(boolean emulate) { emulateTrappedWrites = emulate; }

    /** How many UNDEFINED or trapped accesses had syndrome {@code esr}. */
    public long countForEsr(long esr) {
        for (int i = 0; i < trapKinds; i++) {
            if (trapEsr[i] == esr) {
                return trapCount[i];
            }
        }
        return 0;
    }

    /**
     * Sets the execution state of {@code level}. Only EL0 may be AArch32 (under an AArch64 EL1).
     *
     * @param record where the request came from, e.g. {@code trace.csv:12}, for the error message
     */
    public void setExecState(int level, ExecState state, String record) {
        if (state == ExecState.AARCH32 && level != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: AArch32 at EL%d is not supported: virtreplay models AArch64 at EL1, EL2 and EL3 "
                            + "(AArch32 is accepted at EL0 only, under an AArch64 EL1)", record, level));
        }
        exec[level] = state;
    }

    /** The translation regime of an access at the current EL. */
    public TranslationRegime regime() {
        return regimeAt(el);
    }

    /** The translation regime of an access made at {@code level} in the current security state. */
    public TranslationRegime regimeAt(int level) {
        int vmid = regs.vtcr().vs() ? regs.vttbr().asidOrVmid16() : regs.vttbr().asidOrVmid16() & 0xFF;
        return TranslationRegime.select(level, security, regs.hcrEffective(), regs.scrEel2(), vmid);
    }

    /**
     * Translates an access at the current EL and security state. An AArch32 EL0 has 32-bit VAs: a
     * VA at or above 2^32 is refused (the record cannot come from such a process).
     */
    public boolean translate(Mmu mmu, long va, AccessType acc, boolean unprivileged, TranslationResult res,
            String record) {
        if (el == 0 && exec[0] == ExecState.AARCH32 && (va >>> 32) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: column 'va': an AArch32 EL0 access needs a 32-bit VA, got 0x%x", record, va));
        }
        return mmu.translate(regs, va, el, acc, unprivileged, security == SecurityState.SECURE, res);
    }

    /**
     * A system-register access from {@code fromEl} (the trace's {@code el} column). The outcome
     * says whether it proceeded (the write is applied to the register the name reaches), was
     * UNDEFINED (discarded) or trapped to EL2 (counted; a trapped write is applied as the
     * hypervisor's emulation unless {@link #setEmulateTrappedWrites} says otherwise). UNDEFINED and
     * trapped accesses are counted by ESR. A write of HCR_EL2 with RW=0 (AArch32 EL1) is refused.
     *
     * @return the reusable outcome (valid until the next call)
     */
    public SysRegOutcome accessSysreg(SysRegName reg, boolean write, long value, int fromEl, String record) {
        Hcr raw = regs.hcr();
        SysRegAccess.check(reg, write, fromEl, security, raw, regs.hcrEffective(), regs.scrEel2(), scratch);
        switch (scratch.kind) {
            case UNDEFINED -> {
                undefinedCount++;
                count(scratch.esr);
            }
            case TRAPPED -> {
                trappedCount++;
                count(scratch.esr);
                if (write && emulateTrappedWrites) {
                    store(scratch.target, value, record);
                }
            }
            default -> {
                if (write) {
                    store(scratch.target, value, record);
                }
            }
        }
        return scratch;
    }

    /** The current value of {@code reg} (aliases read their target). */
    public long read(SysRegName reg) {
        SysRegName t = reg.target();
        if (MmuRegisters.NAMES.contains(t.armName())) {
            return regs.get(t.armName());
        }
        return otherRegs[t.ordinal()];
    }

    private void store(SysRegName reg, long value, String record) {
        if (reg == SysRegName.HCR_EL2 && (value & (1L << 31)) == 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: HCR_EL2 = 0x%x has RW (bit 31) = 0, which makes EL1 AArch32: not supported "
                            + "(virtreplay models AArch64 EL1)", record, value));
        }
        String n = reg.armName();
        if (MmuRegisters.NAMES.contains(n)) {
            regs.set(n, value);
        } else {
            otherRegs[reg.ordinal()] = value;
        }
    }

    private void count(long esr) {
        for (int i = 0; i < trapKinds; i++) {
            if (trapEsr[i] == esr) {
                trapCount[i]++;
                return;
            }
        }
        if (trapKinds == trapEsr.length) {
            trapEsr = java.util.Arrays.copyOf(trapEsr, trapKinds * 2);
            trapCount = java.util.Arrays.copyOf(trapCount, trapKinds * 2);
        }
        trapEsr[trapKinds] = esr;
        trapCount[trapKinds++] = 1;
    }

    /** Attributes the time since the last event to the current EL. */
    public void advance(long ts) {
        if (started) {
            if (ts < lastTs) {
                throw new IllegalArgumentException("time went backwards: " + ts + " < " + lastTs);
            }
            timeInEl[el] += ts - lastTs;
        }
        started = true;
        lastTs = ts;
    }

    /** The EL that takes a physical IRQ now: EL2 when routed by HCR_EL2.IMO (or TGE from EL0), else EL1 or the current EL. */
    public int routeIrq() {
        return routeInterrupt(regs.hcrEffective().imo());
    }

    /** As {@link #routeIrq()} for FIQ (HCR_EL2.FMO). */
    public int routeFiq() {
        return routeInterrupt(regs.hcrEffective().fmo());
    }

    private int routeInterrupt(boolean routedToEl2) {
        if (el == 3) {
            return 3;
        }
        boolean el2Enabled = security == SecurityState.NON_SECURE || regs.scrEel2();
        if (el2Enabled && (el == 2 || routedToEl2 || (el == 0 && regs.hcrEffective().tge()))) {
            return 2;
        }
        return Math.max(el, 1);
    }

    /** The EL that takes an abort described by a faulting translation result. */
    public static int routeAbort(TranslationResult res) {
        return res.targetEl;
    }

    /**
     * Takes an exception to {@code targetEl} at time {@code ts}: time so far goes to the current EL,
     * the return EL and security state are saved (SPSR/ELR bookkeeping), the EL switches. Entry to
     * EL3 makes the PE Secure. Entry to EL1 sets PSTATE.PAN when SCTLR_EL1.SPAN=0.
     */
    public void takeException(ExceptionKind kind, int targetEl, long ts) {
        if (targetEl < el || targetEl < 1 || targetEl > 3) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s cannot be taken from EL%d to EL%d: exceptions go to the same or a higher EL, never EL0",
                    kind, el, targetEl));
        }
        SecurityState target = targetEl == 3 ? SecurityState.SECURE : security;
        checkSecureEl2(targetEl, target, kind.name());
        advance(ts);
        returnEl[targetEl] = el;
        returnSecurity[targetEl] = security;
        el = targetEl;
        security = target;
        if (targetEl == 1 && !regs.sctlrEl1().span()) {
            regs.set("PSTATE.PAN", 1);
        }
    }

    /** ERET at time {@code ts}: back to the EL and security state saved at entry to the current EL. */
    public void eret(long ts) {
        if (el == 0) {
            throw new IllegalStateException("ERET is UNDEFINED at EL0");
        }
        advance(ts);
        int back = returnEl[el];
        SecurityState sec = returnSecurity[el] == null ? security : returnSecurity[el];
        if (el == 3) {
            // Leaving EL3, SCR_EL3.NS decides the security state of the lower EL.
            sec = regs.scrNs() ? SecurityState.NON_SECURE : SecurityState.SECURE;
        }
        checkSecureEl2(back, sec, "ERET");
        el = back;
        security = sec;
    }

    private void checkSecureEl2(int level, SecurityState sec, String what) {
        if (level == 2 && sec == SecurityState.SECURE && !regs.scrEel2()) {
            throw new IllegalStateException(what + ": Secure EL2 needs SCR_EL3.EEL2 = 1 (FEAT_SEL2)");
        }
    }
}
