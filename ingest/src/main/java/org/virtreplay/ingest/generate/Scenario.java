package org.virtreplay.ingest.generate;

import java.util.ArrayList;
import java.util.List;
import org.virtreplay.engine.BadInputException;

/**
 * The fixed memory layout of a generated scenario: for each VM its memslots (IPA, host PA, stage-2
 * backing), where its stage-1 roots, table pool, kernel and process pages sit in guest RAM, and the
 * guest virtual-address layout every process shares. Pure arithmetic on the options; nothing here
 * depends on the seed.
 *
 * <p>Host PA map (T = 2^hostPaBits): guest RAM from 4 GiB upwards; pass-through device BARs at T/2;
 * stage-2 root tables at 3T/4 (64 KiB per VM, room for 16 concatenated tables); the stage-2 table
 * pool right after them.
 *
 * <p>Guest IPA map: emulated MMIO slot (virtio-mmio style) at 0x0a00_0000, 64 KiB; pass-through
 * device slot at 0x1000_0000, 64 KiB; RAM from 0x4000_0000 (1 GiB), split into equal memslots.
 * Inside RAM: the first 2 MiB hold the stage-1 roots (kernel root, then one per process); then the
 * stage-1 table pool; then the kernel data, 2 MiB aligned (mapped by 2 MB stage-1 blocks); then
 * 4 KiB pages for kernel text, each process's text and data, and spares used by remaps.
 */
final class Scenario {
    static final long PAGE = 4096;
    static final long MB2 = 2L << 20;
    static final long RAM_IPA = 0x4000_0000L;
    static final long MMIO_IPA = 0x0a00_0000L;
    static final long MMIO_SIZE = 0x1_0000L;
    static final long DEV_IPA = 0x1000_0000L;
    static final long DEV_SIZE = 0x1_0000L;
    static final long HOST_RAM_PA = 0x1_0000_0000L;

    // Guest virtual layout (48-bit VAs, 4 KB granule). TTBR0 range: user; TTBR1 range: kernel.
    static final long USER_TEXT_VA = 0x0000_0000_0040_0000L;
    static final long USER_DATA_VA = 0x0000_0000_1000_0000L;
    static final long KERNEL_TEXT_VA = 0xFFFF_8000_0800_0000L;
    static final long KERNEL_LINEAR_VA = 0xFFFF_0000_0000_0000L;
    static final long KERNEL_MMIO_VA = 0xFFFF_FFC0_0000_0000L;
    static final long KERNEL_DEV_VA = 0xFFFF_FFC0_0010_0000L;
    static final int KERNEL_TEXT_PAGES = 16;
    static final int SPARE_PAGES = 64;

    final GeneratorOptions o;
    final int nVm;
    final long hostTop;
    final long s2RootBase;
    final long s2PoolBase;
    final long s2PoolSize;

    // per VM
    final long[] ram;
    final long[] footprint;
    final int[] dataPages;
    final GeneratorOptions.Skew[] skew;
    final long[][] slotIpa;
    final long[][] slotPa;
    final long[][] slotSize;
    final long[][] slotS2;
    final boolean[][] slotPremapped;
    final long[] s2Root;
    final long[] devPa;
    final long[] kernelRoot;
    final long[][] procRoot;
    final long[] poolIpa;
    final long[] poolSize;
    final long[] kdataIpa;
    final long[] kdataSize;
    final long[] ktextIpa;
    /**
     * First IPA of the process text pages, the data pages and the spare pages: the pages follow each
     * other in that order (text of process 0, 1, ...; data of process 0, 1, ...), so any page's IPA is
     * arithmetic ({@link #textIpa}, {@link #homeDataIpa}) and no array grows with the footprint.
     */
    final long[] textIpa0;
    final long[] dataIpa0;
    final long[] spareIpa0;

    Scenario(GeneratorOptions o) {
        this.o = o;
        nVm = o.vms;
        hostTop = 1L << o.hostPaBits;
        s2RootBase = hostTop - hostTop / 4;
        s2PoolBase = s2RootBase + 0x100_0000L;
        s2PoolSize = hostTop / 8;
        ram = new long[nVm];
        footprint = new long[nVm];
        dataPages = new int[nVm];
        skew = new GeneratorOptions.Skew[nVm];
        slotIpa = new long[nVm][];
        slotPa = new long[nVm][];
        slotSize = new long[nVm][];
        slotS2 = new long[nVm][];
        slotPremapped = new boolean[nVm][];
        s2Root = new long[nVm];
        devPa = new long[nVm];
        kernelRoot = new long[nVm];
        procRoot = new long[nVm][];
        poolIpa = new long[nVm];
        poolSize = new long[nVm];
        kdataIpa = new long[nVm];
        kdataSize = new long[nVm];
        ktextIpa = new long[nVm];
        textIpa0 = new long[nVm];
        dataIpa0 = new long[nVm];
        spareIpa0 = new long[nVm];

        List<String> problems = new ArrayList<>();
        long hostPa = HOST_RAM_PA;
        int slots = o.ramSlots;
        for (int vm = 0; vm < nVm; vm++) {
            ram[vm] = o.ramBytes();
            footprint[vm] = o.footprintOf(vm);
            skew[vm] = o.skewOf(vm);
            long perProc = footprint[vm] / o.procs / PAGE;
            if (perProc < 1) {
                problems.add("option '--footprint': VM " + vm + " has " + footprint[vm] + " bytes for " + o.procs
                        + " processes: less than one 4K page each");
                continue;
            }
            if (perProc > Integer.MAX_VALUE / 2) {
                problems.add("option '--footprint': VM " + vm + " footprint too large");
                continue;
            }
            dataPages[vm] = (int) perProc;
            long slotBytes = ram[vm] / slots;
            slotIpa[vm] = new long[slots];
            slotPa[vm] = new long[slots];
            slotSize[vm] = new long[slots];
            slotS2[vm] = new long[slots];
            slotPremapped[vm] = new boolean[slots];
            for (int s = 0; s < slots; s++) {
                long s2 = o.s2PageSizeOf(s);
                long ipa = RAM_IPA + s * slotBytes;
                if (slotBytes % s2 != 0 || slotBytes % MB2 != 0 || ipa % s2 != 0) {
                    problems.add("options '--ram' / '--ram-slots' / '--s2-page-sizes': RAM memslot " + s + " of VM "
                            + vm + " (IPA 0x" + Long.toHexString(ipa) + ", " + slotBytes
                            + " bytes) is not aligned to its stage-2 backing size " + s2 + " and to 2 MiB");
                }
                long align = Math.max(s2, MB2);
                hostPa = (hostPa + align - 1) / align * align;
                slotIpa[vm][s] = ipa;
                slotPa[vm][s] = hostPa;
                slotSize[vm][s] = slotBytes;
                slotS2[vm][s] = s2;
                slotPremapped[vm][s] = switch (o.s2Premap) {
                    case ALL -> true;
                    case NONE -> false;
                    case BLOCKS -> s2 >= MB2;
                };
                hostPa += slotBytes;
            }
            if (vm == 0 && RAM_IPA + ram[vm] > (1L << o.ipaBits)) {
                // every VM has the same RAM: one line, not one per VM
                problems.add("option '--ram': " + ram[vm] + " bytes of RAM at IPA 0x40000000 do not fit a "
                        + o.ipaBits + "-bit IPA space; raise --ipa-bits or lower --ram");
            }
            s2Root[vm] = s2RootBase + vm * 0x1_0000L;
            devPa[vm] = hostTop / 2 + vm * 0x10_0000L;

            // Guest RAM usage.
            kernelRoot[vm] = RAM_IPA;
            procRoot[vm] = new long[o.procs];
            for (int p = 0; p < o.procs; p++) {
                procRoot[vm][p] = RAM_IPA + (1 + p) * PAGE;
            }
            // Pool bound: each region of a tree needs its L3 tables (pages / 512, +1 for a
            // misaligned start) and at most one L2, L1 and L0 table each; doubled for slack.
            long tables = 0;
            tables += 3 * (KERNEL_TEXT_PAGES / 512 + 5); // kernel text, kernel MMIO/device, linear map
            tables += (long) o.procs * ((long) o.textPages / 512 + 5 + perProc / 512 + 5);
            long pool = Math.max(MB2, (tables * 2 * PAGE + MB2 - 1) / MB2 * MB2);
            poolIpa[vm] = RAM_IPA + MB2;
            poolSize[vm] = pool;
            kdataIpa[vm] = poolIpa[vm] + pool;
            kdataSize[vm] = o.kernelDataBytes();
            long next = kdataIpa[vm] + kdataSize[vm];
            ktextIpa[vm] = next;
            next += KERNEL_TEXT_PAGES * PAGE;
            long needed = next + (long) o.procs * (o.textPages + perProc) * PAGE + SPARE_PAGES * PAGE - RAM_IPA;
            if (needed > ram[vm]) {
                problems.add("option '--ram': VM " + vm + " needs at least " + needed + " bytes of RAM ("
                        + ((needed + MB2 - 1) / MB2 * 2) + "M) for its roots, table pool, kernel, "
                        + o.procs + " processes' text and a " + footprint[vm] + "-byte footprint; got " + ram[vm]);
                continue;
            }
            textIpa0[vm] = next;
            dataIpa0[vm] = textIpa0[vm] + (long) o.procs * o.textPages * PAGE;
            spareIpa0[vm] = dataIpa0[vm] + (long) o.procs * perProc * PAGE;
        }
        if (hostPa > hostTop / 2) {
            problems.add("option '--host-pa-bits': " + o.hostPaBits + " bits cannot hold " + (hostPa - HOST_RAM_PA)
                    + " bytes of guest RAM above 4 GiB");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
    }

    /** IPA of text page {@code i} of process {@code p} (text pages never move). */
    long textIpa(int vm, int p, int i) {
        return textIpa0[vm] + ((long) p * o.textPages + i) * PAGE;
    }

    /** IPA of data page {@code i} of process {@code p} before any remap moved it ({@link DataPages}). */
    long homeDataIpa(int vm, int p, int i) {
        return dataIpa0[vm] + ((long) p * dataPages[vm] + i) * PAGE;
    }

    int slotCountWithDevices() {
        return o.ramSlots + 1 + (o.passthrough ? 1 : 0);
    }

    /** Translation-table level of a leaf of this size with the 4 KB granule (the TTL hint). */
    static int leafLevel(long size) {
        return size == (1L << 30) ? 1 : size == MB2 ? 2 : 3;
    }
}
