package org.virtreplay.engine.mmu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds translate requests from register and memory text, exactly as {@code virtreplay translate} reads them. */
final class MmuTestSupport {
    private MmuTestSupport() {}

    /** ENV-S1 of arm-reference §15.0: stage 1 only, 4 KB, 48-bit VA; SCTLR_EL1 = M|C|I (0x1005). */
    static final String ENV_S1_REGS = """
            TCR_EL1 = 0x0000_0005_0080_3510
            MAIR_EL1 = 0x0000_0000_0004_44FF
            TTBR0_EL1 = 0x4000_0000
            SCTLR_EL1 = 0x1005
            ID_AA64MMFR0_EL1 = 5
            """;
    static final long VA_A = 0x0000_0080_8060_4ABCL;
    static final long D3_DEFAULT = 0x0000_0000_9ABC_D703L;

    static String envS1Memory(long l1e2, long l2e3, long d3) {
        return "0x40000008 0x40001003\n"
                + "0x40001010 " + Long.toHexString(l1e2) + "\n"
                + "0x40002018 " + Long.toHexString(l2e3) + "\n"
                + "0x40003020 " + Long.toHexString(d3) + "\n";
    }

    static String envS1Memory(long d3) {
        return envS1Memory(0x4000_2003L, 0x4000_3003L, d3);
    }

    static List<String> lines(String s) {
        return new ArrayList<>(Arrays.asList(s.split("\n")));
    }

    static TranslateRequest request(String regs, String memory, long va, int el, AccessType acc, boolean unpriv) {
        MmuRegisters r = TranslateTool.parseRegisters(lines(regs), "regs");
        PhysicalMemory mem = TranslateTool.parseMemory(lines(memory), "mem", new PhysicalMemory());
        return new TranslateRequest(r, mem, va, el, acc, unpriv, false);
    }

    static TranslationResult run(String regs, String memory, long va, int el, AccessType acc) {
        return TranslateTool.run(request(regs, memory, va, el, acc, false));
    }

    static TranslationResult run(String regs, String memory, long va, int el, AccessType acc, boolean unpriv) {
        return TranslateTool.run(request(regs, memory, va, el, acc, unpriv));
    }
}
