package org.virtreplay.engine.mmu;

import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;

/**
 * Writes real VMSAv8-64 descriptors into {@link PhysicalMemory} to map or unmap a range, allocating
 * missing intermediate tables from a pool. This is how trace {@code map} records and importers
 * (one page per first touch) become tables that the {@link Mmu} then walks like hardware would.
 *
 * <p>Usage:
 * <pre>
 *   TableBuilder s2 = TableBuilder.stage2(mem, Granule.K4, 40, TableBuilder.stage2StartLevel(Granule.K4, 40),
 *           vttbrBaddr, s2PoolPa, s2PoolSize, false);
 *   s2.map(0x4000_0000L, 0x1_4000_0000L, 2 &lt;&lt; 20, "rwx", MemType.NORMAL_WB, false);
 *   TableBuilder s1 = TableBuilder.stage1(mem, Granule.K4, 48, ttbr0Baddr, s1PoolIpa, s1PoolSize,
 *           new Mair(mairEl1), s2::resolve);          // stage-1 tables live at IPAs
 *   s1.map(va, ipa, 4096, "rwu", MemType.NORMAL_WB, true);
 * </pre>
 *
 * <p>Rules: {@code ia}, {@code oa} and {@code size} must be multiples of the granule. Each chunk is
 * mapped with the largest block or page that the alignment of both addresses and the remaining
 * size allow (so a 2 MB-aligned 2 MB map at 4K becomes one level-2 block). Existing tables are
 * reused; mapping inside an existing block, or unmapping part of a block, is refused. Permissions
 * are letters from {@code r w x u}: stage 1 AP[2] = not {@code w}, AP[1] = {@code u} (EL0 data
 * access), {@code x} makes the page executable by EL0 if {@code u} (UXN=0, PXN=1) else by EL1
 * (PXN=0, UXN=1); stage 2 S2AP = {r, w}, XN = 00 if {@code x} else 10. Leaves get SH = Inner
 * Shareable, AF as asked, nG (stage 1) as asked. Stage-1 AttrIndx is the first MAIR byte equal to
 * the memory type's canonical byte ({@link MemType#mair}); none is an error.
 *
 * <p>Not on the hot path: it may allocate. Errors are {@link BadInputException}s.
 */
public final class TableBuilder {

    /** Translates an IPA at which a stage-1 table lives to its PA; -1 if unmapped. */
    @FunctionalInterface
    public interface TableAddressTranslator {
        long toPa(long ipa);
    }

    private final PhysicalMemory mem;
    private final Granule gran;
    private final boolean stage2;
    private final int iaBits;
    private final int startLevel;
    private final int rootBits;
    private final long root;
    private final long poolEnd;
    private long poolNext;
    private final Mair mair;
    private final boolean fwb;
    private final TableAddressTranslator s2;

    private TableBuilder(PhysicalMemory mem, Granule gran, boolean stage2, int iaBits, int startLevel, long root,
            long poolBase, long poolSize, Mair mair, boolean fwb, TableAddressTranslator s2) {
        this.mem = mem;
        this.gran = gran;
        this.stage2 = stage2;
        this.iaBits = iaBits;
        this.startLevel = startLevel;
        this.rootBits = iaBits - gran.levelShift(startLevel);
        this.root = root;
        this.poolNext = (poolBase + gran.bytes - 1) & -gran.bytes;
        this.poolEnd = poolBase + poolSize;
        this.mair = mair;
        this.fwb = fwb;
        this.s2 = s2;
        if (rootBits < 1 || rootBits > gran.stride + 4) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%d-bit input with a %d KB granule cannot start at level %d", iaBits, gran.bytes >> 10, startLevel));
        }
        if ((root & ((8L << rootBits) - 1)) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "table root 0x%x is not aligned to its size (0x%x bytes)", root, 8L << rootBits));
        }
    }

    /**
     * A stage-1 builder for a {@code vaBits}-bit VA range (start level as the walker derives it).
     * {@code rootIpa} and the pool are IPAs; {@code s2} maps them to PAs (null: IPA = PA).
     */
    public static TableBuilder stage1(PhysicalMemory mem, Granule gran, int vaBits, long rootIpa, long poolBase,
            long poolSize, Mair mair, TableAddressTranslator s2) {
        int start = 4 - (vaBits - 4) / gran.stride;
        return new TableBuilder(mem, gran, false, vaBits, start, rootIpa, poolBase, poolSize, mair, false, s2);
    }

    /** A stage-2 builder; the root may be a concatenated table (up to 16 granules). */
    public static TableBuilder stage2(PhysicalMemory mem, Granule gran, int ipaBits, int startLevel, long rootPa,
            long poolBase, long poolSize, boolean fwb) {
        return new TableBuilder(mem, gran, true, ipaBits, startLevel, rootPa, poolBase, poolSize, null, fwb, null);
    }

    /**
     * KVM's choice of stage-2 start level: the fewest levels (at least 2) that cover {@code ipaBits}
     * when up to 16 initial tables may be concatenated.
     */
    public static int stage2StartLevel(Granule gran, int ipaBits) {
        // levels = ceil((ipaBits - 4 - g) / stride): the 4 concatenation bits are taken off the top.
        int levels = Math.max(2, (ipaBits - 4 - gran.g + gran.stride - 1) / gran.stride);
        return 4 - levels;
    }

    /** VTCR_EL2.SL0 encoding for a stage-2 start level. */
    public static int sl0For(Granule gran, int startLevel) {
        return (gran == Granule.K4 ? 2 : 3) - startLevel;
    }

    /** The next free address of the table pool. */
    public long poolNext() {
        return poolNext;
    }

    /** Maps {@code [ia, ia+size)} to {@code oa} with AF=1. */
    public void map(long ia, long oa, long size, String perm, MemType type, boolean notGlobal) {
        map(ia, oa, size, perm, type, notGlobal, true);
    }

    /** Maps {@code [ia, ia+size)} to {@code oa}; {@code af} = false leaves the Access flag clear. */
    public void map(long ia, long oa, long size, String perm, MemType type, boolean notGlobal, boolean af) {
        checkRange(ia, size);
        if ((oa & (gran.bytes - 1)) != 0 || (oa >>> 48) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "output address 0x%x is not %d-byte aligned or exceeds 48 bits", oa, gran.bytes));
        }
        long attrs = leafAttrs(perm, type, notGlobal, af);
        while (size > 0) {
            int level = 3;
            for (int l = startLevel; l < 3; l++) {
                long bs = 1L << gran.levelShift(l);
                if (gran.blockAllowed(l) && (ia & (bs - 1)) == 0 && (oa & (bs - 1)) == 0 && size >= bs) {
                    level = l;
                    break;
                }
            }
            long bs = 1L << gran.levelShift(level);
            long entry = entryFor(ia, level);
            long old = mem.read(entry);
            if ((old & 3) == 3 && level < 3) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "mapping 0x%x as a %d-byte block would replace an existing table", ia, bs));
            }
            mem.write(entry, oa | attrs | (level == 3 ? 3 : 1));
            ia += bs;
            oa += bs;
            size -= bs;
        }
    }

    /** Removes mappings in {@code [ia, ia+size)}; unmapped parts are skipped. Tables are not freed. */
    public void unmap(long ia, long size) {
        checkRange(ia, size);
        long end = ia + size;
        while (ia < end) {
            long table = root;
            int level = startLevel;
            while (true) {
                long entry = entryAddress(table, ia, level);
                long pa = tablePa(entry);
                long d = mem.read(pa);
                long bs = 1L << gran.levelShift(level);
                if ((d & 1) == 0) {
                    ia = (ia & -bs) + bs;
                    break;
                }
                if ((d & 3) == 3 && level < 3) {
                    table = d & 0x0000_FFFF_FFFF_F000L & -gran.bytes;
                    level++;
                    continue;
                }
                if ((ia & (bs - 1)) != 0 || end - ia < bs) {
                    throw new BadInputException(String.format(Locale.ROOT,
                            "unmap of 0x%x..0x%x covers only part of a %d-byte block", ia, end, bs));
                }
                mem.write(pa, 0);
                ia += bs;
                break;
            }
        }
    }

    /**
     * The PA of the leaf descriptor that maps {@code ia} (block or page), or -1 if unmapped; lets a
     * caller change one descriptor (e.g. set the contiguous bit) as a {@code pte} record would.
     */
    public long leafDescriptorPa(long ia) {
        long table = root;
        int level = startLevel;
        while (true) {
            long pa = tablePa(entryAddress(table, ia, level));
            long d = mem.read(pa);
            if ((d & 1) == 0) {
                return -1;
            }
            if ((d & 3) == 3 && level < 3) {
                table = d & 0x0000_FFFF_FFFF_FFFFL & -gran.bytes;
                level++;
                continue;
            }
            return pa;
        }
    }

    /** Software walk of this builder's tables: the output address for {@code ia}, or -1 if unmapped. */
    public long resolve(long ia) {
        long table = root;
        int level = startLevel;
        while (true) {
            long d = mem.read(tablePa(entryAddress(table, ia, level)));
            if ((d & 1) == 0) {
                return -1;
            }
            int shift = gran.levelShift(level);
            if ((d & 3) == 3 && level < 3) {
                table = d & 0x0000_FFFF_FFFF_FFFFL & -gran.bytes;
                level++;
                continue;
            }
            return (d & 0x0000_FFFF_FFFF_FFFFL & -(1L << shift)) | (ia & ((1L << shift) - 1));
        }
    }

    private void checkRange(long ia, long size) {
        if (size <= 0 || (size & (gran.bytes - 1)) != 0 || (ia & (gran.bytes - 1)) != 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "range 0x%x+0x%x is not a non-empty multiple of the %d-byte granule", ia, size, gran.bytes));
        }
        // Unsigned, and without forming ia + size, which wraps past 2^64 for a range near the top.
        long limit = 1L << iaBits; // iaBits <= 52 (the constructor's root check)
        if (Long.compareUnsigned(ia, limit) >= 0 || Long.compareUnsigned(size, limit - ia) > 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "range 0x%x+0x%x exceeds the %d-bit input range", ia, size, iaBits));
        }
    }

    private long leafAttrs(String perm, MemType type, boolean notGlobal, boolean af) {
        boolean r = false;
        boolean w = false;
        boolean x = false;
        boolean u = false;
        for (int i = 0; i < perm.length(); i++) {
            switch (perm.charAt(i)) {
                case 'r' -> r = true;
                case 'w' -> w = true;
                case 'x' -> x = true;
                case 'u' -> u = true;
                case '-' -> { }
                default -> throw new BadInputException("permission " + UserText.quote(perm)
                        + ": expected letters from r, w, x, u");
            }
        }
        long a = (af ? 1L << 10 : 0) | ((long) (type.isDevice() ? Attributes.OSH : Attributes.ISH) << 8);
        if (stage2) {
            int memattr = fwb ? type.s2MemAttrFwb : type.s2MemAttr;
            if (memattr < 0) {
                throw new BadInputException("memtype " + type.traceName() + " has no stage-2 encoding with FWB=1");
            }
            a |= (long) memattr << 2;
            a |= (r ? 1L << 6 : 0) | (w ? 1L << 7 : 0);
            a |= x ? 0 : 2L << 53;
            return a;
        }
        int idx = mair.indexOf(type.mair);
        if (idx < 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "memtype %s: MAIR 0x%016x has no attribute byte 0x%02x", type.traceName(), mair.raw(), type.mair));
        }
        a |= (long) idx << 2;
        a |= w ? 0 : 1L << 7; // AP[2]: read-only
        a |= u && (r || w) ? 1L << 6 : 0; // AP[1]: EL0 data access
        a |= notGlobal ? 1L << 11 : 0;
        long pxn = 1L << 53;
        long uxn = 1L << 54;
        a |= x ? (u ? pxn : uxn) : pxn | uxn;
        return a;
    }

    private long entryAddress(long table, long ia, int level) {
        long mask = level == startLevel ? (1L << rootBits) - 1 : (1L << gran.stride) - 1;
        return table | (((ia >>> gran.levelShift(level)) & mask) << 3);
    }

    /** The PA of the descriptor for {@code ia} at {@code level}, creating missing tables. */
    private long entryFor(long ia, int level) {
        long table = root;
        for (int l = startLevel; l < level; l++) {
            long entry = tablePa(entryAddress(table, ia, l));
            long d = mem.read(entry);
            if ((d & 1) == 0) {
                long t = allocTable();
                mem.write(entry, t | 3);
                table = t;
            } else if ((d & 3) == 3) {
                table = d & 0x0000_FFFF_FFFF_FFFFL & -gran.bytes;
            } else {
                throw new BadInputException(String.format(Locale.ROOT,
                        "mapping 0x%x at level %d would split an existing level-%d block", ia, level, l));
            }
        }
        return tablePa(entryAddress(table, ia, level));
    }

    private long allocTable() {
        if (poolNext + gran.bytes > poolEnd) {
            throw new TablePoolExhaustedException(stage2 ? 2 : 1, poolNext, String.format(Locale.ROOT,
                    "%s table pool exhausted at 0x%x", stage2 ? "stage-2" : "stage-1", poolNext));
        }
        long t = poolNext;
        poolNext += gran.bytes;
        // Zero the new table (the pool may hold stale data). A stage-1 table larger than the stage-2
        // pages that back it need not be contiguous in PA, so translate each 4 KB piece.
        for (long off = 0; off < gran.bytes; off += 4096) {
            long pa = tablePa(t + off);
            for (long b = 0; b < 4096; b += 8) {
                mem.write(pa + b, 0);
            }
        }
        return t;
    }

    private long tablePa(long addr) {
        if (s2 == null) {
            return addr;
        }
        long pa = s2.toPa(addr);
        if (pa < 0) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "stage-1 table address IPA 0x%x is not mapped at stage 2", addr));
        }
        return pa;
    }
}
