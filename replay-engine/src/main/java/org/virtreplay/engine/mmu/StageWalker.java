package org.virtreplay.engine.mmu;

/**
 * Walks the translation tables of one stage (Arm ARM D8.3, pseudocode AArch64.S1Walk /
 * AArch64.S2Walk; QEMU {@code get_phys_addr_lpae} checked for semantics): descriptor fetch,
 * type decode, block-level validity, output-size checks, hierarchical table attributes,
 * Access flag and dirty state with an atomic compare-and-swap and restart, permissions, and the
 * contiguous hint. The fault priority within one stage is the order of these checks:
 * Translation, Address size, Access flag, Permission.
 *
 * <p>A stage-1 walker under an active stage 2 asks its {@link Mmu} to translate each descriptor
 * address (an IPA) before reading it; that is the nested walk. Outputs are left in public-in-package
 * fields, so nothing is allocated.
 */
final class StageWalker {
    static final long AF = 1L << 10;
    static final long AP2 = 1L << 7;
    static final long AP1 = 1L << 6;
    static final long DBM = 1L << 51;
    static final long CONTIG = 1L << 52;
    static final long OA_FIELD = 0x0000_FFFF_FFFF_FFFFL;

    private final PhysicalMemory mem;
    private final Mmu mmu;

    // Outputs of the last successful walk.
    long oa;
    long leafSize;
    int leafLevel;
    long leafDesc;
    boolean permR, permW, permX;
    /** SCTLR_ELx.EPAN (FEAT_PAN3) of the regime, set by the caller before a stage-1 walk. */
    boolean epan;
    /** Leaf permissions for both privileges, {@link TranslationResult#permMask} bits. */
    int permMask;
    /** Stage 1: AttrIndx; stage 2: MemAttr[3:0]. */
    int attrField;
    int shField;
    boolean ng;
    boolean nsBit;
    int tableNs;

    StageWalker(PhysicalMemory mem, Mmu mmu) {
        this.mem = mem;
        this.mmu = mmu;
    }

    /**
     * Walks {@code ia} (input address already range-checked and stripped of tag/upper bits).
     *
     * @param p          the stage's parameters
     * @param acc        the access type whose permission is checked (READ for a stage-2 walk of a descriptor)
     * @param user       stage 1: check EL0 permissions (EL0 or an unprivileged LDTR/STTR);
     *                   stage 2: the stage-1 access was from EL0 (for FEAT_XNX)
     * @param pan        stage 1: PSTATE.PAN applies to this (privileged data) access
     * @param wxn        stage 1: SCTLR_ELx.WXN
     * @param twoRange   stage 1: the regime has two VA ranges (EL1&amp;0, EL2&amp;0), so AP[1], PXN, UXN exist
     * @param nested     stage 1: descriptor addresses are IPAs translated by stage 2
     * @return true on success; false with the fault recorded in {@code res}
     */
    boolean walk(StageParams p, long ia, AccessType acc, boolean user, boolean pan, boolean wxn, boolean twoRange,
            boolean nested, TranslationResult res) {
        final int stage = p.stage2 ? 2 : 1;
        if (!p.valid) {
            return fault(res, FaultKind.TRANSLATION, stage, 0, ia);
        }
        if (p.baseTooBig) {
            return fault(res, FaultKind.ADDRESS_SIZE, stage, 0, ia);
        }
        final Granule gr = p.gran;
        long table = p.base;
        int level = p.startLevel;
        int tableAttrs = 0;
        while (true) {
            int shift = gr.levelShift(level);
            long idxMask = level == p.startLevel ? (1L << p.rootBits) - 1 : (1L << gr.stride) - 1;
            long descAddr = table | (((ia >>> shift) & idxMask) << 3);
            long descPa = descAddr;
            boolean s2Writable = true;
            if (nested) {
                descPa = mmu.translateTableAddress(descAddr, (tableAttrs & 0b10000) != 0, res);
                if (descPa < 0) {
                    return false;
                }
                s2Writable = mmu.lastTableWritable;
            }
            long desc = mem.read(descPa);
            res.countRead(stage, level, descPa, desc);
            restart:
            while (true) {
                if ((desc & 1) == 0) {
                    return fault(res, FaultKind.TRANSLATION, stage, level, ia);
                }
                boolean isTable = (desc & 2) != 0 && level < 3;
                if ((desc & 2) == 0 && (level == 3 || !gr.blockAllowed(level))) {
                    return fault(res, FaultKind.TRANSLATION, stage, level, ia);
                }
                if (isTable) {
                    long next = desc & OA_FIELD & -(1L << gr.g);
                    if ((next >>> p.oaBits) != 0) {
                        return fault(res, FaultKind.ADDRESS_SIZE, stage, level, ia);
                    }
                    if (stage == 1) {
                        tableAttrs |= (int) (desc >>> 59); // PXNTable, XNTable, APTable[1:0], NSTable
                    }
                    table = next;
                    level++;
                    break restart;
                }
                // Leaf: block or page.
                long out = desc & OA_FIELD & -(1L << shift);
                if ((out >>> p.oaBits) != 0) {
                    return fault(res, FaultKind.ADDRESS_SIZE, stage, level, ia);
                }
                long upd = desc;
                if ((desc & AF) == 0) {
                    if (!p.ha) {
                        return fault(res, FaultKind.ACCESS_FLAG, stage, level, ia);
                    }
                    upd |= AF;
                }
                if (p.hd && acc.isWrite() && (desc & DBM) != 0) {
                    if (stage == 1) {
                        upd &= ~AP2; // writable-clean -> writable-dirty
                    } else {
                        upd |= AP2; // S2AP[1] (write) set
                    }
                }
                if (stage == 1) {
                    stage1Perms(upd, tableAttrs, p.hpd, user, pan && !acc.isFetch(), wxn, twoRange);
                } else {
                    stage2Perms(upd, user);
                }
                boolean allowed = acc.isFetch() ? permX : acc.isWrite() ? permW : permR;
                if (!allowed) {
                    return fault(res, FaultKind.PERMISSION, stage, level, ia);
                }
                if (upd != desc) {
                    if (!s2Writable) {
                        // The hardware update is a write to the stage-1 table through stage 2.
                        mmu.tableWriteFault(descAddr, res);
                        return false;
                    }
                    if (!mem.compareAndSwap(descPa, desc, upd)) {
                        desc = mem.read(descPa); // changed under us: evaluate the new value from scratch
                        continue restart;
                    }
                    res.countUpdate(descPa, desc, upd);
                }
                permMask = stage == 1 ? stage1Mask(upd, tableAttrs, p.hpd, wxn, twoRange) : stage2Mask(upd);
                long size = 1L << shift;
                if ((upd & CONTIG) != 0) {
                    size *= gr.contiguousEntries(level);
                }
                oa = out | (ia & ((1L << shift) - 1));
                leafSize = size;
                leafLevel = level;
                leafDesc = upd;
                attrField = stage == 1 ? (int) ((upd >>> 2) & 7) : (int) ((upd >>> 2) & 0xF);
                shField = (int) ((upd >>> 8) & 3);
                ng = stage == 1 && (upd & (1L << 11)) != 0;
                nsBit = (upd & (1L << 5)) != 0;
                tableNs = (tableAttrs >>> 4) & 1;
                return true;
            }
        }
    }

    private void stage1Perms(long d, int tableAttrs, boolean hpd, boolean user, boolean panData, boolean wxn,
            boolean twoRange) {
        boolean ap2 = (d & AP2) != 0;
        boolean ap1 = (d & AP1) != 0;
        boolean uxn = (d & (1L << 54)) != 0;
        boolean pxn = (d & (1L << 53)) != 0;
        if (!hpd) {
            ap2 |= (tableAttrs & 0b01000) != 0; // APTable[1]: read-only
            ap1 &= (tableAttrs & 0b00100) == 0; // APTable[0]: no EL0 access
            uxn |= (tableAttrs & 0b00010) != 0; // UXNTable / XNTable
            pxn |= (tableAttrs & 0b00001) != 0; // PXNTable
        }
        if (!twoRange) {
            // EL2 (E2H=0) and EL3: AP[1] is RES1 and ignored, bit 54 is XN, no PXN.
            permR = true;
            permW = !ap2;
            permX = !uxn && !(wxn && permW);
            return;
        }
        boolean userR = ap1;
        boolean userW = ap1 && !ap2;
        if (user) {
            permR = userR;
            permW = userW;
            permX = !uxn && !(wxn && userW);
        } else {
            permR = true;
            permW = !ap2;
            // A page writable at EL0 is never privileged-executable.
            permX = !pxn && !userW && !(wxn && permW);
            // PAN: no privileged data access to EL0-accessible pages; with EPAN also to EL0-executable ones.
            if (panData && (ap1 || (epan && !uxn))) {
                permR = false;
                permW = false;
            }
        }
    }

    /** Permissions of the leaf for both privileges (PAN aside), for TLB entries: see {@link TranslationResult#permMask}. */
    private int stage1Mask(long d, int tableAttrs, boolean hpd, boolean wxn, boolean twoRange) {
        boolean r = permR;
        boolean w = permW;
        boolean x = permX;
        stage1Perms(d, tableAttrs, hpd, false, false, wxn, twoRange);
        int m = (permR ? TranslationResult.PERM_EL1_R : 0) | (permW ? TranslationResult.PERM_EL1_W : 0)
                | (permX ? TranslationResult.PERM_EL1_X : 0);
        if (twoRange) {
            stage1Perms(d, tableAttrs, hpd, true, false, wxn, true);
            m |= (permR ? TranslationResult.PERM_EL0_R : 0) | (permW ? TranslationResult.PERM_EL0_W : 0)
                    | (permX ? TranslationResult.PERM_EL0_X : 0);
            if (permR || (epan && permX)) {
                m |= TranslationResult.PERM_PAN_BLOCKS; // EL0-accessible (or, with EPAN, EL0-executable)
            }
        }
        permR = r;
        permW = w;
        permX = x;
        return m;
    }

    private int stage2Mask(long d) {
        boolean r = (d & AP1) != 0;
        boolean w = (d & AP2) != 0;
        int xn = (int) ((d >>> 53) & 3);
        int m = (r ? TranslationResult.PERM_EL1_R | TranslationResult.PERM_EL0_R : 0)
                | (w ? TranslationResult.PERM_EL1_W | TranslationResult.PERM_EL0_W : 0)
                | TranslationResult.PERM_PAN_BLOCKS;
        if (xn == 0 || xn == 3) {
            m |= TranslationResult.PERM_EL1_X;
        }
        if (xn == 0 || xn == 1) {
            m |= TranslationResult.PERM_EL0_X;
        }
        return m;
    }

    private void stage2Perms(long d, boolean s1User) {
        permR = (d & AP1) != 0;
        permW = (d & AP2) != 0;
        int xn = (int) ((d >>> 53) & 3); // FEAT_XNX: XN[1:0]
        permX = switch (xn) {
            case 0 -> true;
            case 1 -> s1User; // EL1 execution not permitted
            case 2 -> false;
            default -> !s1User; // EL0 execution not permitted
        };
    }

    private static boolean fault(TranslationResult res, FaultKind kind, int stage, int level, long ia) {
        res.fault = kind;
        res.faultStage = stage;
        res.faultLevel = level;
        if (stage == 2) {
            res.faultIpa = ia;
        }
        return false;
    }
}
