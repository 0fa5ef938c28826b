package org.virtreplay.engine.hyp;

import static org.junit.jupiter.api.Assertions.fail;

import org.virtreplay.engine.mmu.AccessType;
import org.virtreplay.engine.mmu.Mmu;
import org.virtreplay.engine.mmu.MmuRegisters;
import org.virtreplay.engine.mmu.PhysicalMemory;
import org.virtreplay.engine.mmu.TranslationResult;

/**
 * Test driver: a guest with its stage-1 MMU off (SCTLR_EL1.M=0, so VA = IPA) under the stage 2 a
 * {@link Stage2Manager} builds, translated by the real {@link Mmu}. An access is translated; on a
 * stage-2 fault the manager handles it and, if KVM would, the access is retried — as the replay loop does.
 */
final class Stage2Harness {
    static final int VM = 1;
    static final long POOL = 0x8000_0000L;

    final PhysicalMemory mem = new PhysicalMemory();
    final Stage2Manager m;
    final Mmu mmu = new Mmu(mem);
    final MmuRegisters regs = new MmuRegisters();
    final TranslationResult res = new TranslationResult();
    long ts;
    /** Outcome of the last access: the causes of the faults it took, in order. */
    final int[] causes = new int[8];
    int nCauses;

    Stage2Harness() {
        m = new Stage2Manager(mem, POOL, 256L << 20);
        m.addVm(VM, 40, 5);
        regs.set("HCR_EL2", (1L << 31) | 1L); // RW, VM
        regs.set("SCTLR_EL1", 0);             // guest MMU off: VA = IPA
        regs.set("VTCR_EL2", m.vtcr(VM));
        regs.set("VTTBR_EL2", m.vttbr(VM));
    }

    /** Runs one guest access to completion; returns true if it finally translated. */
    boolean access(long ipa, AccessType acc) {
        ts++;
        nCauses = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            if (mmu.translate(regs, ipa, 1, acc, false, res)) {
                return true;
            }
            int c = m.handleFault(ts, VM, 0, res);
            if (c < 0) {
                fail("not a stage-2 fault: stage " + res.faultStage + " " + res.fault + " at 0x" + Long.toHexString(ipa));
            }
            causes[nCauses++] = c;
            if (!Stage2Manager.retry(c)) {
                return false;
            }
        }
        fail("access to 0x" + Long.toHexString(ipa) + " kept faulting");
        return false;
    }

    boolean read(long ipa) {
        return access(ipa, AccessType.READ);
    }

    boolean write(long ipa) {
        return access(ipa, AccessType.WRITE);
    }

    long total(int cause) {
        return m.counters().total(VM, cause);
    }
}
