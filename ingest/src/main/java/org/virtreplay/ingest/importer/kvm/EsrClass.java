package org.virtreplay.ingest.importer.kvm;

/**
 * Names of the exception classes ESR_ELx.EC (bits [31:26]) allocated by the Arm ARM (DDI 0487,
 * "ESR_EL2, Exception Syndrome Register (EL2)"), spelled as Linux names them
 * ({@code ESR_ELx_EC_*} in arch/arm64/include/asm/esr.h), which is how KVM's {@code kvm_exit}
 * prints them (its {@code kvm_arm_exception_class} table). Kernels print an EC missing from their
 * table as hex; the {@code exits} table names it from this one, whatever the kernel version.
 */
final class EsrClass {
    private static final String[] NAMES = new String[64];

    static {
        set(0x00, "UNKNOWN");       // unknown reason
        set(0x01, "WFx");           // trapped WFI/WFE/WFIT/WFET
        set(0x03, "CP15_32");       // AArch32 MCR/MRC, coproc 0b1111
        set(0x04, "CP15_64");       // AArch32 MCRR/MRRC, coproc 0b1111
        set(0x05, "CP14_MR");       // AArch32 MCR/MRC, coproc 0b1110
        set(0x06, "CP14_LS");       // AArch32 LDC/STC
        set(0x07, "FP_ASIMD");      // SVE, Advanced SIMD or FP access trap
        set(0x08, "CP10_ID");       // AArch32 VMRS (ID group)
        set(0x09, "PAC");           // pointer authentication trap (HCR_EL2.API)
        set(0x0A, "OTHER");         // LD64B/ST64B* and other FEAT_LS64 traps
        set(0x0C, "CP14_64");       // AArch32 MRRC/MCRR, coproc 0b1110
        set(0x0D, "BTI");           // branch target exception
        set(0x0E, "ILL");           // illegal execution state
        set(0x11, "SVC32");
        set(0x12, "HVC32");
        set(0x13, "SMC32");
        set(0x15, "SVC64");
        set(0x16, "HVC64");
        set(0x17, "SMC64");
        set(0x18, "SYS64");         // MSR, MRS or system instruction trap
        set(0x19, "SVE");           // SVE access trap
        set(0x1A, "ERET");          // ERETAA/ERETAB trap (FEAT_NV)
        set(0x1C, "FPAC");          // pointer authentication failure
        set(0x1D, "SME");           // SME access trap
        set(0x1F, "IMP_DEF");       // implementation defined, to EL3
        set(0x20, "IABT_LOW");      // instruction abort from a lower EL
        set(0x21, "IABT_CUR");      // instruction abort, same EL
        set(0x22, "PC_ALIGN");
        set(0x24, "DABT_LOW");      // data abort from a lower EL
        set(0x25, "DABT_CUR");      // data abort, same EL
        set(0x26, "SP_ALIGN");
        set(0x27, "MOPS");          // memory copy/set exception (FEAT_MOPS)
        set(0x28, "FP_EXC32");
        set(0x2C, "FP_EXC64");
        set(0x2D, "GCS");           // guarded control stack
        set(0x2F, "SERROR");
        set(0x30, "BREAKPT_LOW");
        set(0x31, "BREAKPT_CUR");
        set(0x32, "SOFTSTP_LOW");
        set(0x33, "SOFTSTP_CUR");
        set(0x34, "WATCHPT_LOW");
        set(0x35, "WATCHPT_CUR");
        set(0x38, "BKPT32");
        set(0x3A, "VECTOR32");
        set(0x3C, "BRK64");
    }

    private static void set(int ec, String name) {
        NAMES[ec] = name;
    }

    /** The name of EC {@code ec} (0..63), or null if the Arm ARM leaves it unallocated. */
    static String name(int ec) {
        return ec < 0 || ec > 63 ? null : NAMES[ec];
    }

    private EsrClass() {
    }
}
