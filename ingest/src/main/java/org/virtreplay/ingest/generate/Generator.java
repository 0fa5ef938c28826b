package org.virtreplay.ingest.generate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.virtreplay.engine.BadInputException;

/**
 * The event loop that writes a synthetic trace. One discrete-event simulation in global time order:
 * a control heap holds, per vCPU, its next timer tick, IPI, interrupt-mask window, page remap, end
 * of busy period (WFI), guest context switch and run start, and per VM its next device SPI, LPI,
 * process exec and hypervisor TLB maintenance, plus the host scheduler's quantum; an access heap
 * holds the next memory access of each running vCPU. Every row is written when its event is
 * popped, so each table comes out in non-decreasing time order and nothing is buffered beyond the
 * writers' fixed buffers.
 *
 * <p>Multi-row operations that must not be interleaved with accesses (unmap, TLBI, DSB, map) take
 * consecutive nanoseconds t, t+1, ...; every pending event that falls inside that window is pushed
 * just past it, so no access sees a half-done change and timestamps stay ordered.
 */
public final class Generator {
    // vCPU states
    private static final byte BLOCKED = 0;
    private static final byte RUNNABLE = 1;
    private static final byte STARTING = 2;
    private static final byte RUNNING = 3;

    // per-vCPU control event types (entity id = type * nVcpu + g)
    private static final int E_TIMER = 0;
    private static final int E_TDEASSERT = 1;
    private static final int E_IPI = 2;
    private static final int E_DAIF = 3;
    private static final int E_REMAP = 4;
    private static final int E_BLOCK = 5;
    private static final int E_CTXSW = 6;
    private static final int E_RUNSTART = 7;
    private static final int VCPU_TYPES = 8;
    // per-VM types (entity id = vmBase + type * nVm + vm)
    private static final int E_SPI = 0;
    private static final int E_LPI = 1;
    private static final int E_EXEC = 2;
    private static final int E_HYPTLBI = 3;
    private static final int VM_TYPES = 4;

    /** Host scheduler's switch cost: a vCPU picked at t starts running (and accessing) at t + this. */
    static final long SWITCH_NS = 1000;
    /** Delay from a timer assertion on a running vCPU to the guest's deassertion (it reprogrammed CVAL). */
    static final long TIMER_ACK_NS = 5000;
    /** A vCPU resumed with interrupts masked unmasks this long after it runs again. */
    static final long RESUME_UNMASK_NS = 100;

    private static final byte[] A_R = bytes("r");
    private static final byte[] A_W = bytes("w");
    private static final byte[] A_X = bytes("x");
    private static final byte[] A_RW = bytes("rw");
    private static final byte[] SYS_HDR = bytes("ts,pe,vm,vcpu,el,reg,value");
    private static final byte[] MAP_HDR = bytes("ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op");
    private static final byte[] MEM_HDR = bytes("ts,vm,vcpu,el,access,va,size");
    private static final byte[] TLBI_HDR = bytes("ts,pe,vm,vcpu,op,asid,addr,ttl,pages");
    private static final byte[] IRQ_HDR =
            bytes("ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts");
    private static final byte[] SCHED_HDR = bytes("ts,pe,vm,vcpu,event");
    private static final byte[] DAIF_HDR = bytes("ts,vm,vcpu,event");

    private static final byte[] R_MAIR = bytes("MAIR_EL1");
    private static final byte[] R_TCR = bytes("TCR_EL1");
    private static final byte[] R_TTBR0 = bytes("TTBR0_EL1");
    private static final byte[] R_TTBR1 = bytes("TTBR1_EL1");
    private static final byte[] R_SCTLR = bytes("SCTLR_EL1");
    private static final byte[] R_HCR = bytes("HCR_EL2");
    private static final byte[] R_VTCR = bytes("VTCR_EL2");
    private static final byte[] R_VTTBR = bytes("VTTBR_EL2");

    private static final byte[] T_VALE1IS = bytes("VALE1IS");
    private static final byte[] T_VAE1IS = bytes("VAE1IS");
    private static final byte[] T_ASIDE1IS = bytes("ASIDE1IS");
    private static final byte[] T_IPAS2E1IS = bytes("IPAS2E1IS");
    private static final byte[] T_VMALLE1IS = bytes("VMALLE1IS");
    private static final byte[] T_VMALLS12E1IS = bytes("VMALLS12E1IS");
    private static final byte[] T_DSB_ISH = bytes("DSB_ISH");

    private static final byte[] P_RXU = bytes("rxu");
    private static final byte[] P_RWU = bytes("rwu");
    private static final byte[] P_RX = bytes("rx");
    private static final byte[] P_RW = bytes("rw");
    private static final byte[] P_RWX = bytes("rwx");
    private static final byte[] M_WB = bytes("normal_wb");
    private static final byte[] M_DEV = bytes("device_ngnre");
    private static final byte[] OP_MAP = bytes("map");
    private static final byte[] OP_UNMAP = bytes("unmap");

    private static final byte[] S_TIMER = bytes("timer");
    private static final byte[] S_DEVICE = bytes("device");
    private static final byte[] S_IPI = bytes("ipi");
    private static final byte[] S_ITS = bytes("its");
    private static final byte[] TR_EDGE = bytes("edge");
    private static final byte[] TR_LEVEL = bytes("level");
    private static final byte[] EV_ASSERT = bytes("assert");
    private static final byte[] EV_DEASSERT = bytes("deassert");
    private static final byte[] EV_RUN = bytes("run");
    private static final byte[] EV_PREEMPT = bytes("preempt");
    private static final byte[] EV_BLOCK = bytes("block");
    private static final byte[] EV_WAKE = bytes("wake");
    private static final byte[] EV_MASK = bytes("mask");
    private static final byte[] EV_UNMASK = bytes("unmask");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Row counts of a finished run. */
    public record Counts(long mem, long sysreg, long map, long tlbi, long irq, long sched, long daif, long endTs) {
        public long total() {
            return mem + sysreg + map + tlbi + irq + sched + daif;
        }
    }

    private final GeneratorOptions o;
    private final Scenario sc;
    private final Rng rng;
    private final int nVm;
    private final int nV;
    private final int nPe;
    private final EventHeap ctrl;
    private final EventHeap acc;
    private final int vmBase;
    private final int quantumId;

    // per vCPU
    private final int[] vmOf;
    private final int[] idxOf;
    private final byte[] state;
    private final int[] peOf;
    private final long[] runStart;
    private final long[] busyLeft;
    private final long[] sliceLeft;
    private final int[] curProc;
    private final boolean[] initialised;
    private final boolean[] timerHigh;
    private final boolean[] masked;
    private final long[] pcOff;
    private final long[] kpcOff;
    private final long[] seqOff;
    private final byte[][] rowPrefix;
    // run queue (FIFO ring)
    private final int[] queue;
    private int qHead;
    private int qCount;
    private final int[] peOwner;
    private final int[] scratch;

    // per VM
    private final int[][] procAsid;
    private final boolean[][] asidEverUsed;
    private final int[] asidNext;
    private final int[] spareNext;
    private final int[] hypCount;
    private final ZipfTable[] zipf;
    /** Zipf rank r lands on data page r * zipfMul mod pages (a permutation: zipfMul is coprime to pages). */
    private final long[] zipfMul;
    private final DataPages placement;
    private final long[] textBytes;
    private final long[] dataBytes;
    private final long[] kdataVa;

    // derived constants
    private final long thrMmio;
    private final long thrDev;
    private final long thrKernel;
    private final long thrFetch;
    private final long thrWrite;
    private final long thrRmw;
    private final long thrCross;
    private final int gapSpan;
    private final long busyNs;
    private final long sliceNs;
    private final long quantumNs;
    private final double timerPeriod;
    private final long durationNs;
    private final long windowNs;

    private RowWriter wSys;
    private RowWriter wMap;
    private RowWriter wMem;
    private RowWriter wTlbi;
    private RowWriter wIrq;
    private RowWriter wSched;
    private RowWriter wDaif;
    private long memRows;
    private long now;

    public Generator(GeneratorOptions o) {
        List<String> problems = o.validate();
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        if (o.busyUs > 0 && o.timerHz == 0 && o.spiHz == 0 && o.lpiHz == 0) {
            throw new BadInputException("option '--busy-us': vCPUs that idle (WFI) need an interrupt to wake them; "
                    + "set --timer-hz, --spi-hz or --lpi-hz above 0, or --busy-us 0");
        }
        this.o = o;
        this.sc = new Scenario(o);
        this.rng = new Rng(o.seed);
        nVm = o.vms;
        nV = o.vms * o.vcpus;
        nPe = o.pes;
        vmBase = VCPU_TYPES * nV;
        quantumId = vmBase + VM_TYPES * nVm;
        ctrl = new EventHeap(quantumId + 1);
        acc = new EventHeap(nV);

        vmOf = new int[nV];
        idxOf = new int[nV];
        state = new byte[nV];
        peOf = new int[nV];
        runStart = new long[nV];
        busyLeft = new long[nV];
        sliceLeft = new long[nV];
        curProc = new int[nV];
        initialised = new boolean[nV];
        timerHigh = new boolean[nV];
        masked = new boolean[nV];
        pcOff = new long[nV];
        kpcOff = new long[nV];
        seqOff = new long[nV];
        rowPrefix = new byte[nV][];
        queue = new int[nV];
        peOwner = new int[nPe];
        Arrays.fill(peOwner, -1);
        scratch = new int[nV];

        procAsid = new int[nVm][o.procs];
        asidEverUsed = new boolean[nVm][o.asidMax + 1];
        asidNext = new int[nVm];
        spareNext = new int[nVm];
        hypCount = new int[nVm];
        zipf = new ZipfTable[nVm];
        zipfMul = new long[nVm];
        placement = new DataPages(sc);
        textBytes = new long[nVm];
        dataBytes = new long[nVm];
        kdataVa = new long[nVm];

        double two53 = 0x1.0p53;
        double mm = o.mmio;
        thrMmio = (long) (mm * two53);
        thrDev = (long) ((mm + (o.passthrough ? mm : 0)) * two53);
        thrKernel = (long) ((mm + (o.passthrough ? mm : 0) + o.kernel) * two53);
        thrFetch = (long) ((mm + (o.passthrough ? mm : 0) + o.kernel + o.ifetch) * two53);
        thrWrite = (long) (o.writes * two53);
        thrRmw = (long) ((o.writes + o.rmw) * two53);
        thrCross = (long) (o.crossPage * two53);
        gapSpan = (int) Math.max(1, Math.round(2 * o.accessGapNs - 1));
        busyNs = (long) (o.busyUs * 1000);
        sliceNs = Math.max(1, (long) (o.guestSliceUs * 1000));
        quantumNs = Math.max(1, (long) (o.quantumUs * 1000));
        timerPeriod = o.timerHz > 0 ? 1e9 / o.timerHz : 0;
        durationNs = o.durationMs > 0 ? (long) (o.durationMs * 1e6) : Long.MAX_VALUE;
        windowNs = Math.max(1, (long) (o.daifWindowUs * 1000));

        for (int vm = 0; vm < nVm; vm++) {
            for (int p = 0; p < o.procs; p++) {
                procAsid[vm][p] = p + 1;
                asidEverUsed[vm][p + 1] = true;
            }
            asidNext[vm] = o.procs + 1;
            textBytes[vm] = (long) o.textPages * Scenario.PAGE;
            dataBytes[vm] = (long) sc.dataPages[vm] * Scenario.PAGE;
            kdataVa[vm] = Scenario.KERNEL_LINEAR_VA + (sc.kdataIpa[vm] - Scenario.RAM_IPA);
            if (sc.skew[vm] == GeneratorOptions.Skew.ZIPF) {
                int n = sc.dataPages[vm];
                zipf[vm] = new ZipfTable(n, o.zipfS);
                // Scatter the ranks over the pages (hot pages are not neighbours): rank r -> r*a mod n,
                // with a coprime to n so that the map is a permutation.
                long a = Math.max(1, (long) (n * 0.6180339887) | 1);
                while (gcd(a, n) != 1) {
                    a++;
                }
                zipfMul[vm] = a;
            }
        }
        for (int g = 0; g < nV; g++) {
            vmOf[g] = g / o.vcpus;
            idxOf[g] = g % o.vcpus;
            rowPrefix[g] = bytes("," + vmOf[g] + "," + idxOf[g] + ",");
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** The scenario's layout (for tests). */
    Scenario scenario() {
        return sc;
    }

    /**
     * Generates the whole trace into {@code dir} (which must exist and be empty): the manifest,
     * {@code vms}, {@code memslots} and the event tables.
     *
     * @param progress where to report progress about once a second, or null
     */
    public Counts writeTo(Path dir, Compression compression, PrintWriter progress) throws IOException {
        writeStatic(dir);
        String ext = ".csv" + compression.extension();
        try (RowWriter sys = new RowWriter(compression.open(dir.resolve("sysreg" + ext)));
                RowWriter map = new RowWriter(compression.open(dir.resolve("map" + ext)));
                RowWriter mem = new RowWriter(compression.open(dir.resolve("mem" + ext)));
                RowWriter tlbi = new RowWriter(compression.open(dir.resolve("tlbi" + ext)));
                RowWriter irq = new RowWriter(compression.open(dir.resolve("irq" + ext)));
                RowWriter sched = new RowWriter(compression.open(dir.resolve("sched" + ext)));
                RowWriter daif = new RowWriter(compression.open(dir.resolve("daif" + ext)))) {
            wSys = sys.raw(SYS_HDR);
            sys.endRow();
            wMap = map.raw(MAP_HDR);
            map.endRow();
            wMem = mem.raw(MEM_HDR);
            mem.endRow();
            wTlbi = tlbi.raw(TLBI_HDR);
            tlbi.endRow();
            wIrq = irq.raw(IRQ_HDR);
            irq.endRow();
            wSched = sched.raw(SCHED_HDR);
            sched.endRow();
            wDaif = daif.raw(DAIF_HDR);
            daif.endRow();
            setup();
            loop(progress);
            return new Counts(memRows, sys.rows() - 1, map.rows() - 1, tlbi.rows() - 1, irq.rows() - 1,
                    sched.rows() - 1, daif.rows() - 1, now);
        }
    }

    private void writeStatic(Path dir) throws IOException {
        try (RowWriter w = new RowWriter(Compression.NONE.open(dir.resolve("manifest.csv")))) {
            w.text("key,value").endRow();
            kv(w, "format_version", "1");
            kv(w, "time_unit", "ns");
            kv(w, "clock", "synthetic");
            kv(w, "pe_count", Integer.toString(nPe));
            kv(w, "name", o.name);
            kv(w, "source.tool", "virtreplay generate");
            for (Map.Entry<String, String> e : o.asManifest().entrySet()) {
                String v = e.getValue();
                kv(w, "generator." + e.getKey(), v.contains(",") ? "\"" + v + "\"" : v);
            }
            for (int vm = 0; vm < nVm; vm++) {
                kv(w, "vm." + vm + ".s1_table_pool",
                        "\"0x" + Long.toHexString(sc.poolIpa[vm]) + "," + sc.poolSize[vm] + "\"");
            }
            kv(w, "host.s2_table_pool", "\"0x" + Long.toHexString(sc.s2PoolBase) + "," + sc.s2PoolSize + "\"");
        }
        try (RowWriter w = new RowWriter(Compression.NONE.open(dir.resolve("vms.csv")))) {
            w.text("vm,name,vcpus,ipa_bits,vmid").endRow();
            for (int vm = 0; vm < nVm; vm++) {
                w.dec(vm).comma().text("vm" + vm).comma().dec(o.vcpus).comma().dec(o.ipaBits).comma().dec(vm + 1)
                        .endRow();
            }
        }
        try (RowWriter w = new RowWriter(Compression.NONE.open(dir.resolve("memslots.csv")))) {
            w.text("vm,slot,ipa,size,kind,pa,s2_page_size").endRow();
            for (int vm = 0; vm < nVm; vm++) {
                int s = 0;
                for (; s < o.ramSlots; s++) {
                    w.dec(vm).comma().dec(s).comma().hex(sc.slotIpa[vm][s]).comma().dec(sc.slotSize[vm][s]).comma()
                            .text("ram").comma().hex(sc.slotPa[vm][s]).comma().dec(sc.slotS2[vm][s]).endRow();
                }
                w.dec(vm).comma().dec(s++).comma().hex(Scenario.MMIO_IPA).comma().dec(Scenario.MMIO_SIZE).comma()
                        .text("mmio").comma().comma().endRow();
                if (o.passthrough) {
                    w.dec(vm).comma().dec(s).comma().hex(Scenario.DEV_IPA).comma().dec(Scenario.DEV_SIZE).comma()
                            .text("device").comma().hex(sc.devPa[vm]).comma().endRow();
                }
            }
        }
    }

    private static void kv(RowWriter w, String k, String v) throws IOException {
        w.text(k).comma().text(v).endRow();
    }

    // ---------------------------------------------------------------- setup at t = 0

    private void setup() throws IOException {
        for (int vm = 0; vm < nVm; vm++) {
            // The hypervisor's view of the VM: stage 2 on, its VTCR and VTTBR (VMID = vm + 1).
            sysreg(0, -1, vm, -1, 2, R_HCR, GuestRegs.HCR_EL2);
            sysreg(0, -1, vm, -1, 2, R_VTCR, GuestRegs.vtcrEl2(o.ipaBits, o.hostPaBits));
            sysreg(0, -1, vm, -1, 2, R_VTTBR, GuestRegs.ttbr(vm + 1, sc.s2Root[vm]));
            // Stage 2: pre-mapped RAM slots, and the pass-through device as Device-nGnRE.
            for (int s = 0; s < o.ramSlots; s++) {
                if (!sc.slotPremapped[vm][s]) {
                    continue;
                }
                long step = sc.slotS2[vm][s];
                for (long off = 0; off < sc.slotSize[vm][s]; off += step) {
                    map2Op(0, vm, sc.slotIpa[vm][s] + off, sc.slotPa[vm][s] + off, step, true);
                }
            }
            if (o.passthrough) {
                for (long off = 0; off < Scenario.DEV_SIZE; off += Scenario.PAGE) {
                    wMap.dec(0).comma().dec(vm).comma().dec(2).comma().hex(sc.s2Root[vm]).comma().comma()
                            .hex(Scenario.DEV_IPA + off).comma().hex(sc.devPa[vm] + off).comma().dec(Scenario.PAGE)
                            .comma().raw(P_RW).comma().raw(M_DEV).comma().comma().raw(OP_MAP).endRow();
                }
            }
            // Stage 1, kernel (TTBR1 tree, global): text pages, linear map of kernel data in 2 MB
            // blocks, the MMIO slot and the pass-through device as Device-nGnRE.
            long kroot = sc.kernelRoot[vm];
            for (int i = 0; i < Scenario.KERNEL_TEXT_PAGES; i++) {
                map1(0, vm, kroot, -1, Scenario.KERNEL_TEXT_VA + i * Scenario.PAGE,
                        sc.ktextIpa[vm] + i * Scenario.PAGE, Scenario.PAGE, P_RX, M_WB, true);
            }
            for (long off = 0; off < sc.kdataSize[vm]; off += Scenario.MB2) {
                map1(0, vm, kroot, -1, kdataVa[vm] + off, sc.kdataIpa[vm] + off, Scenario.MB2, P_RW, M_WB, true);
            }
            for (long off = 0; off < Scenario.MMIO_SIZE; off += Scenario.PAGE) {
                map1(0, vm, kroot, -1, Scenario.KERNEL_MMIO_VA + off, Scenario.MMIO_IPA + off, Scenario.PAGE, P_RW,
                        M_DEV, true);
            }
            if (o.passthrough) {
                for (long off = 0; off < Scenario.DEV_SIZE; off += Scenario.PAGE) {
                    map1(0, vm, kroot, -1, Scenario.KERNEL_DEV_VA + off, Scenario.DEV_IPA + off, Scenario.PAGE,
                            P_RW, M_DEV, true);
                }
            }
            for (int p = 0; p < o.procs; p++) {
                mapProcess(0, vm, p, true);
            }
        }
        // Every vCPU starts runnable, in order; the first quantum places them.
        for (int g = 0; g < nV; g++) {
            state[g] = RUNNABLE;
            enqueue(g);
            busyLeft[g] = busyNs > 0 ? rng.exp(busyNs) : Long.MAX_VALUE;
            sliceLeft[g] = 1 + rng.nextInt((int) Math.min(Integer.MAX_VALUE, sliceNs));
            curProc[g] = g % o.procs;
            pcOff[g] = 0;
            if (timerPeriod > 0) {
                ctrl.set(E_TIMER * nV + g, 1 + (long) (rng.nextDouble() * timerPeriod));
            }
            if (o.ipiHz > 0 && o.vcpus > 1) {
                ctrl.set(E_IPI * nV + g, rng.exp(1e9 / o.ipiHz));
            }
            if (o.daifHz > 0) {
                ctrl.set(E_DAIF * nV + g, rng.exp(1e9 / o.daifHz));
            }
            if (o.remapHz > 0) {
                ctrl.set(E_REMAP * nV + g, rng.exp(1e9 / o.remapHz));
            }
        }
        for (int vm = 0; vm < nVm; vm++) {
            if (o.spiHz > 0) {
                ctrl.set(vmBase + E_SPI * nVm + vm, rng.exp(1e9 / o.spiHz));
            }
            if (o.lpiHz > 0) {
                ctrl.set(vmBase + E_LPI * nVm + vm, rng.exp(1e9 / o.lpiHz));
            }
            if (o.execHz > 0) {
                ctrl.set(vmBase + E_EXEC * nVm + vm, rng.exp(1e9 / o.execHz));
            }
            if (o.hypTlbiHz > 0) {
                ctrl.set(vmBase + E_HYPTLBI * nVm + vm, rng.exp(1e9 / o.hypTlbiHz));
            }
        }
        ctrl.set(quantumId, 0);
    }

    private void mapProcess(long t, int vm, int p, boolean map) throws IOException {
        long root = sc.procRoot[vm][p];
        int asid = procAsid[vm][p];
        for (int i = 0; i < o.textPages; i++) {
            long va = Scenario.USER_TEXT_VA + i * Scenario.PAGE;
            if (map) {
                map1(t, vm, root, asid, va, sc.textIpa(vm, p, i), Scenario.PAGE, P_RXU, M_WB, false);
            } else {
                unmap1(t, vm, root, asid, va);
            }
        }
        int n = sc.dataPages[vm];
        for (int i = 0; i < n; i++) {
            long va = Scenario.USER_DATA_VA + i * Scenario.PAGE;
            if (map) {
                map1(t, vm, root, asid, va, placement.ipa(vm, p, i), Scenario.PAGE, P_RWU, M_WB, false);
            } else {
                unmap1(t, vm, root, asid, va);
            }
        }
    }

    // ---------------------------------------------------------------- main loop

    private void loop(PrintWriter progress) throws IOException {
        long target = o.accesses > 0 ? o.accesses : Long.MAX_VALUE;
        long nextCheck = 1 << 20;
        long started = System.nanoTime();
        long lastPrint = started;
        while (true) {
            long tc = ctrl.topTime();
            long ta = acc.topTime();
            if (ta < tc) {
                if (ta >= durationNs) {
                    break;
                }
                now = ta;
                access(acc.top(), ta);
                if (++memRows >= target) {
                    break;
                }
                if (memRows == nextCheck) {
                    nextCheck += 1 << 20;
                    if (progress != null) {
                        long n = System.nanoTime();
                        if (n - lastPrint >= 1_000_000_000L) {
                            lastPrint = n;
                            printProgress(progress, started, n, target);
                        }
                    }
                }
            } else {
                if (tc >= durationNs || tc == Long.MAX_VALUE) {
                    break;
                }
                now = tc;
                control(ctrl.top(), tc);
            }
        }
        if (progress != null) {
            printProgress(progress, started, System.nanoTime(), target);
            progress.println();
            progress.flush();
        }
    }

    private void printProgress(PrintWriter p, long started, long n, long target) {
        double secs = (n - started) / 1e9;
        String pct = target == Long.MAX_VALUE ? "" : String.format(" (%.0f%%)", 100.0 * memRows / target);
        p.print(String.format("\rgenerate: %,d accesses%s, %.1f ms simulated, %.1f M accesses/s   ",
                memRows, pct, now / 1e6, memRows / Math.max(secs, 1e-9) / 1e6));
        p.flush();
    }

    private int gap() {
        return 1 + rng.nextInt(gapSpan);
    }

    /** One memory access of running vCPU g at time t. The hot path: no allocation. */
    private void access(int g, long t) throws IOException {
        int vm = vmOf[g];
        long x = rng.nextLong() >>> 11;
        long r = rng.nextLong();
        int el;
        byte[] kind;
        long va;
        int size;
        if (x < thrFetch) {
            if (x < thrKernel) {
                el = 1;
                if (x < thrMmio) {
                    // a register of the emulated device, through its stage-1 Device mapping: an MMIO exit
                    va = Scenario.KERNEL_MMIO_VA + (((r >>> 40) & (Scenario.MMIO_SIZE - 1)) & ~3L);
                    size = 4;
                    kind = (r & 1) == 0 ? A_R : A_W;
                } else if (x < thrDev) {
                    va = Scenario.KERNEL_DEV_VA + (((r >>> 40) & (Scenario.DEV_SIZE - 1)) & ~3L);
                    size = 4;
                    kind = (r & 1) == 0 ? A_R : A_W;
                } else if ((r & 3) == 0) {
                    // kernel instruction stream
                    long off = kpcOff[g] + 4;
                    if ((r & 0x1c) == 0 || off >= Scenario.KERNEL_TEXT_PAGES * Scenario.PAGE) {
                        off = (((r >>> 32) * (Scenario.KERNEL_TEXT_PAGES * Scenario.PAGE)) >>> 32) & ~3L;
                    }
                    kpcOff[g] = off;
                    va = Scenario.KERNEL_TEXT_VA + off;
                    size = 4;
                    kind = A_X;
                } else {
                    long off = (((r >>> 32) * (sc.kdataSize[vm] >>> 3)) >>> 32) << 3;
                    va = kdataVa[vm] + off;
                    size = 8;
                    kind = (r & 4) == 0 ? A_R : A_W;
                }
            } else {
                el = 0;
                long off = pcOff[g] + 4;
                if ((r & 7) == 0 || off >= textBytes[vm]) {
                    off = (((r >>> 32) * textBytes[vm]) >>> 32) & ~3L;
                }
                pcOff[g] = off;
                va = Scenario.USER_TEXT_VA + off;
                size = 4;
                kind = A_X;
            }
        } else {
            el = 0;
            long w = r >>> 11;
            kind = w < thrWrite ? A_W : w < thrRmw ? A_RW : A_R;
            int sb = (int) (r & 7);
            size = sb < 4 ? 8 : sb < 6 ? 4 : sb == 6 ? 2 : 1;
            long r2 = rng.nextLong();
            int pages = sc.dataPages[vm];
            long page;
            long off;
            switch (sc.skew[vm]) {
                case ZIPF -> {
                    page = zipf[vm].draw(rng) * zipfMul[vm] % pages;
                    off = ((r2 >>> 20) & 0xfff) & -size;
                }
                case SEQ -> {
                    long s = seqOff[g] + size;
                    if ((r2 & 0xfff) == 0) {
                        s = (((r2 >>> 32) * dataBytes[vm]) >>> 32) & ~7L;
                    }
                    s &= -size;
                    if (s + size > dataBytes[vm]) {
                        s = 0;
                    }
                    seqOff[g] = s;
                    page = s >>> 12;
                    off = s & 0xfff;
                }
                default -> {
                    page = ((r2 >>> 32) * pages) >>> 32;
                    off = ((r2 >>> 20) & 0xfff) & -size;
                }
            }
            if ((rng.nextLong() >>> 11) < thrCross && page + 1 < pages) {
                // a 16-byte pair access straddling into the next page (both pages are mapped)
                off = Scenario.PAGE - 8;
                size = 16;
            }
            va = Scenario.USER_DATA_VA + (page << 12) + off;
        }
        RowWriter m = wMem;
        m.dec(t).raw(rowPrefix[g]).dec(el).comma().raw(kind).comma().hex(va).comma().dec(size).endRow();
        acc.set(g, t + gap());
    }

    private void control(int e, long t) throws IOException {
        if (e == quantumId) {
            quantum(t);
            ctrl.set(e, t + quantumNs);
            return;
        }
        if (e < vmBase) {
            int type = e / nV;
            int g = e % nV;
            switch (type) {
                case E_TIMER -> timer(g, t);
                case E_TDEASSERT -> timerDeassert(g, t);
                case E_IPI -> ipi(g, t);
                case E_DAIF -> daif(g, t);
                case E_REMAP -> remap(g, t);
                case E_BLOCK -> {
                    ctrl.set(e, Long.MAX_VALUE);
                    stopRun(g, t, EV_BLOCK);
                }
                case E_CTXSW -> contextSwitch(g, t);
                case E_RUNSTART -> {
                    ctrl.set(e, Long.MAX_VALUE);
                    startRun(g, t);
                }
                default -> throw new IllegalStateException("event type " + type);
            }
        } else {
            int type = (e - vmBase) / nVm;
            int vm = (e - vmBase) % nVm;
            switch (type) {
                case E_SPI -> spi(vm, t);
                case E_LPI -> lpi(vm, t);
                case E_EXEC -> exec(vm, t);
                case E_HYPTLBI -> hypTlbi(vm, t);
                default -> throw new IllegalStateException("event type " + type);
            }
        }
    }

    // ---------------------------------------------------------------- scheduling

    private void enqueue(int g) {
        queue[(qHead + qCount) % nV] = g;
        qCount++;
    }

    private int dequeue() {
        int g = queue[qHead];
        qHead = (qHead + 1) % nV;
        qCount--;
        return g;
    }

    /** Gives free PEs to waiting vCPUs, in queue order; each starts SWITCH_NS later. */
    private void dispatch(long t) {
        for (int pe = 0; pe < nPe && qCount > 0; pe++) {
            if (peOwner[pe] < 0) {
                int g = dequeue();
                peOwner[pe] = g;
                peOf[g] = pe;
                state[g] = STARTING;
                ctrl.set(E_RUNSTART * nV + g, t + SWITCH_NS);
            }
        }
    }

    /**
     * Host scheduler tick: when vCPUs are waiting, preempt the running vCPUs that have run longest
     * (at least half a quantum), one per waiting vCPU, and hand their PEs over: round-robin
     * time-slicing under overcommit.
     */
    private void quantum(long t) throws IOException {
        int waiting = qCount;
        if (waiting > 0) {
            int n = 0;
            for (int g = 0; g < nV; g++) {
                if (state[g] == RUNNING && t - runStart[g] >= quantumNs / 2) {
                    scratch[n++] = g;
                }
            }
            // insertion sort by run start (longest running first), ties by vCPU number
            for (int i = 1; i < n; i++) {
                int v = scratch[i];
                int j = i - 1;
                while (j >= 0 && runStart[scratch[j]] > runStart[v]) {
                    scratch[j + 1] = scratch[j];
                    j--;
                }
                scratch[j + 1] = v;
            }
            int k = Math.min(waiting, n);
            for (int i = 0; i < k; i++) {
                stopRun(scratch[i], t, EV_PREEMPT);
            }
        }
        dispatch(t);
    }

    private void startRun(int g, long t) throws IOException {
        int vm = vmOf[g];
        int idx = idxOf[g];
        int pe = peOf[g];
        state[g] = RUNNING;
        runStart[g] = t;
        sched(t, pe, vm, idx, EV_RUN);
        if (!initialised[g]) {
            // The guest kernel's MMU bring-up on this vCPU: attributes, control, both roots, then M = 1.
            initialised[g] = true;
            int p = curProc[g];
            sysreg(t, pe, vm, idx, 1, R_MAIR, GuestRegs.MAIR_EL1);
            sysreg(t, pe, vm, idx, 1, R_TCR, GuestRegs.tcrEl1(o.ipaBits));
            sysreg(t, pe, vm, idx, 1, R_TTBR1, GuestRegs.ttbr(0, sc.kernelRoot[vm]));
            sysreg(t, pe, vm, idx, 1, R_TTBR0, GuestRegs.ttbr(procAsid[vm][p], sc.procRoot[vm][p]));
            sysreg(t, pe, vm, idx, 1, R_SCTLR, GuestRegs.SCTLR_EL1);
        }
        acc.set(g, t + gap());
        if (busyNs > 0) {
            ctrl.set(E_BLOCK * nV + g, t + Math.max(1, busyLeft[g]));
        }
        if (o.procs > 1) {
            ctrl.set(E_CTXSW * nV + g, t + Math.max(1, sliceLeft[g]));
        }
        if (timerHigh[g]) {
            ctrl.set(E_TDEASSERT * nV + g, t + TIMER_ACK_NS);
        }
        if (masked[g]) {
            ctrl.set(E_DAIF * nV + g, t + RESUME_UNMASK_NS);
        }
    }

    private void stopRun(int g, long t, byte[] event) throws IOException {
        int pe = peOf[g];
        sched(t, pe, vmOf[g], idxOf[g], event);
        long ran = t - runStart[g];
        if (busyLeft[g] != Long.MAX_VALUE) {
            busyLeft[g] -= ran;
        }
        sliceLeft[g] -= ran;
        acc.set(g, Long.MAX_VALUE);
        ctrl.set(E_BLOCK * nV + g, Long.MAX_VALUE);
        ctrl.set(E_CTXSW * nV + g, Long.MAX_VALUE);
        ctrl.set(E_TDEASSERT * nV + g, Long.MAX_VALUE);
        if (masked[g]) {
            ctrl.set(E_DAIF * nV + g, Long.MAX_VALUE);
        }
        peOwner[pe] = -1;
        if (event == EV_PREEMPT) {
            state[g] = RUNNABLE;
            enqueue(g);
        } else {
            state[g] = BLOCKED;
        }
        dispatch(t);
    }

    /** An interrupt for a vCPU in WFI makes it runnable (KVM's kvm_vcpu_kick of a blocked vCPU). */
    private void wake(int g, long t) throws IOException {
        if (state[g] != BLOCKED) {
            return;
        }
        sched(t, -1, vmOf[g], idxOf[g], EV_WAKE);
        state[g] = RUNNABLE;
        busyLeft[g] = rng.exp(busyNs);
        enqueue(g);
        dispatch(t);
    }

    // ---------------------------------------------------------------- guest events

    private void contextSwitch(int g, long t) throws IOException {
        int e = E_CTXSW * nV + g;
        if (state[g] != RUNNING) {
            ctrl.set(e, Long.MAX_VALUE);
            return;
        }
        int vm = vmOf[g];
        int p = curProc[g];
        int np = (p + 1 + rng.nextInt(o.procs - 1)) % o.procs;
        curProc[g] = np;
        sysreg(t, peOf[g], vm, idxOf[g], 1, R_TTBR0, GuestRegs.ttbr(procAsid[vm][np], sc.procRoot[vm][np]));
        sliceLeft[g] = sliceNs;
        runStartSlice(g, t);
        ctrl.set(e, t + sliceNs);
        if (acc.time(g) <= t) {
            acc.set(g, t + 1);
        }
    }

    /** The guest slice is counted from here on: pretend the run started now for slice accounting. */
    private void runStartSlice(int g, long t) {
        // sliceLeft is reduced by (stop - runStart) when the vCPU stops; compensate for the part of
        // this run that preceded the switch.
        sliceLeft[g] += t - runStart[g];
    }

    private void timer(int g, long t) throws IOException {
        ctrl.set(E_TIMER * nV + g, t + Math.max(1, (long) timerPeriod));
        if (timerHigh[g]) {
            return; // the level is still high: no new edge to record
        }
        timerHigh[g] = true;
        irq(t, 27, vmOf[g], idxOf[g], S_TIMER, -1, TR_LEVEL, EV_ASSERT);
        if (state[g] == RUNNING) {
            ctrl.set(E_TDEASSERT * nV + g, t + TIMER_ACK_NS);
        } else {
            wake(g, t);
        }
    }

    private void timerDeassert(int g, long t) throws IOException {
        ctrl.set(E_TDEASSERT * nV + g, Long.MAX_VALUE);
        if (state[g] == RUNNING && timerHigh[g]) {
            timerHigh[g] = false;
            irq(t, 27, vmOf[g], idxOf[g], S_TIMER, -1, TR_LEVEL, EV_DEASSERT);
        }
    }

    private void ipi(int g, long t) throws IOException {
        ctrl.set(E_IPI * nV + g, t + rng.exp(1e9 / o.ipiHz));
        if (state[g] != RUNNING) {
            return; // only a running vCPU sends IPIs
        }
        int vm = vmOf[g];
        int target = rng.nextInt(o.vcpus - 1);
        if (target >= idxOf[g]) {
            target++;
        }
        // SGI 0 or 1 (Linux arm64: reschedule, call-function)
        irq(t, rng.nextInt(2), vm, target, S_IPI, idxOf[g], TR_EDGE, EV_ASSERT);
        wake(vm * o.vcpus + target, t);
    }

    private void daif(int g, long t) throws IOException {
        int e = E_DAIF * nV + g;
        if (masked[g]) {
            if (state[g] == RUNNING) {
                masked[g] = false;
                daifRow(t, vmOf[g], idxOf[g], EV_UNMASK);
                ctrl.set(e, t + rng.exp(1e9 / o.daifHz));
            } else {
                ctrl.set(e, Long.MAX_VALUE); // resumes masked; startRun schedules the unmask
            }
        } else {
            if (state[g] == RUNNING) {
                masked[g] = true;
                daifRow(t, vmOf[g], idxOf[g], EV_MASK);
                ctrl.set(e, t + rng.exp(windowNs));
            } else {
                ctrl.set(e, t + rng.exp(1e9 / o.daifHz));
            }
        }
    }

    /**
     * The guest moves one data page of the running process to another IPA page: unmap, TLBI by VA
     * for that ASID (last-level or all-levels form), DSB, map. Occupies t .. t+3.
     */
    private void remap(int g, long t) throws IOException {
        ctrl.set(E_REMAP * nV + g, t + rng.exp(1e9 / o.remapHz));
        if (state[g] != RUNNING) {
            return;
        }
        int vm = vmOf[g];
        int p = curProc[g];
        int pe = peOf[g];
        int idx = idxOf[g];
        long root = sc.procRoot[vm][p];
        int asid = procAsid[vm][p];
        int i = rng.nextInt(sc.dataPages[vm]);
        if (!placement.canMove(vm, p, i)) {
            return;
        }
        long va = Scenario.USER_DATA_VA + (long) i * Scenario.PAGE;
        int s = spareNext[vm];
        spareNext[vm] = (s + 1) % Scenario.SPARE_PAGES;
        long newIpa = placement.swapWithSpare(vm, p, i, s);
        unmap1(t, vm, root, asid, va);
        if ((rng.nextLong() & 3) != 0) {
            tlbi(t + 1, pe, vm, idx, T_VALE1IS, asid, va, 3);
        } else {
            tlbi(t + 1, pe, vm, idx, T_VAE1IS, asid, va, -1);
        }
        tlbi(t + 2, pe, vm, idx, T_DSB_ISH, -1, -1, -1);
        map1(t + 3, vm, root, asid, va, newIpa, Scenario.PAGE, P_RWU, M_WB, false);
        bumpAll(t, t + 4);
    }

    /**
     * A process that no vCPU is running is replaced by a new one (exit + exec): its pages are unmapped,
     * it gets the next ASID, and when that ASID has been used before (the allocator wrapped) the
     * guest invalidates it with ASIDE1IS + DSB before the new mappings appear.
     */
    private void exec(int vm, long t) throws IOException {
        ctrl.set(vmBase + E_EXEC * nVm + vm, t + rng.exp(1e9 / o.execHz));
        int issuer = -1;
        for (int i = 0; i < o.vcpus; i++) {
            if (state[vm * o.vcpus + i] == RUNNING) {
                issuer = vm * o.vcpus + i;
                break;
            }
        }
        if (issuer < 0) {
            return;
        }
        int start = rng.nextInt(o.procs);
        int p = -1;
        for (int k = 0; k < o.procs && p < 0; k++) {
            int c = (start + k) % o.procs;
            boolean current = false;
            for (int i = 0; i < o.vcpus; i++) {
                if (curProc[vm * o.vcpus + i] == c) {
                    current = true;
                    break;
                }
            }
            if (!current) {
                p = c;
            }
        }
        if (p < 0) {
            return;
        }
        mapProcess(t, vm, p, false);
        int a = asidNext[vm];
        while (true) {
            if (a > o.asidMax) {
                a = 1;
            }
            boolean live = false;
            for (int q = 0; q < o.procs; q++) {
                if (procAsid[vm][q] == a) {
                    live = true;
                    break;
                }
            }
            if (!live) {
                break;
            }
            a++;
        }
        asidNext[vm] = a + 1;
        long k = t + 1;
        if (asidEverUsed[vm][a]) {
            int pe = peOf[issuer];
            tlbi(k, pe, vm, idxOf[issuer], T_ASIDE1IS, a, -1, -1);
            tlbi(k + 1, pe, vm, idxOf[issuer], T_DSB_ISH, -1, -1, -1);
            k += 2;
        }
        asidEverUsed[vm][a] = true;
        procAsid[vm][p] = a;
        mapProcess(k, vm, p, true);
        bumpAll(t, k + 1);
    }

    // ---------------------------------------------------------------- interrupts from devices

    private void spi(int vm, long t) throws IOException {
        ctrl.set(vmBase + E_SPI * nVm + vm, t + rng.exp(1e9 / o.spiHz));
        int intid = 32 + rng.nextInt(o.spis);
        // a quarter of the SPIs are left to the distributor's routing (vcpu -1); if one of them finds
        // the VM idle, vCPU 0 is the one woken
        int target = (rng.nextLong() & 3) == 0 ? -1 : rng.nextInt(o.vcpus);
        irq(t, intid, vm, target, S_DEVICE, -1, TR_EDGE, EV_ASSERT);
        wake(vm * o.vcpus + Math.max(0, target), t);
    }

    private void lpi(int vm, long t) throws IOException {
        ctrl.set(vmBase + E_LPI * nVm + vm, t + rng.exp(1e9 / o.lpiHz));
        int intid = 8192 + rng.nextInt(64);
        int target = rng.nextInt(o.vcpus);
        irq(t, intid, vm, target, S_ITS, -1, TR_EDGE, EV_ASSERT);
        wake(vm * o.vcpus + target, t);
    }

    /**
     * Hypervisor TLB maintenance for a VM. Three of four times KVM's stage-2 unmap idiom on a
     * pre-mapped block: unmap, TLBI IPAS2E1IS (with the level hint), DSB ISH, TLBI VMALLE1IS,
     * DSB ISH, then the block mapped again (occupies t .. t+5); the fourth time a whole-VMID
     * VMALLS12E1IS + DSB ISH. With no pre-mapped slot the idiom runs on a page of a lazily
     * mapped slot without a map change (an over-invalidation, harmless).
     */
    private void hypTlbi(int vm, long t) throws IOException {
        ctrl.set(vmBase + E_HYPTLBI * nVm + vm, t + rng.exp(1e9 / o.hypTlbiHz));
        int pe = rng.nextInt(nPe);
        if ((hypCount[vm]++ & 3) == 3) {
            tlbi(t, pe, vm, -1, T_VMALLS12E1IS, -1, -1, -1);
            tlbi(t + 1, pe, vm, -1, T_DSB_ISH, -1, -1, -1);
            bumpAll(t, t + 2);
            return;
        }
        int nPremapped = 0;
        for (int s = 0; s < o.ramSlots; s++) {
            if (sc.slotPremapped[vm][s]) {
                nPremapped++;
            }
        }
        int pick = rng.nextInt(nPremapped > 0 ? nPremapped : o.ramSlots);
        int slot = -1;
        for (int s = 0; s < o.ramSlots; s++) {
            if (nPremapped == 0 || sc.slotPremapped[vm][s]) {
                if (pick-- == 0) {
                    slot = s;
                    break;
                }
            }
        }
        long step = nPremapped > 0 ? sc.slotS2[vm][slot] : Scenario.PAGE;
        long n = sc.slotSize[vm][slot] / step;
        long j = (long) (rng.nextDouble() * n);
        long ipa = sc.slotIpa[vm][slot] + j * step;
        long pa = sc.slotPa[vm][slot] + j * step;
        long k = t;
        if (nPremapped > 0) {
            map2Op(k++, vm, ipa, pa, step, false);
            tlbi(k++, pe, vm, -1, T_IPAS2E1IS, -1, ipa, Scenario.leafLevel(step));
        } else {
            tlbi(k++, pe, vm, -1, T_IPAS2E1IS, -1, ipa, -1);
        }
        tlbi(k++, pe, vm, -1, T_DSB_ISH, -1, -1, -1);
        tlbi(k++, pe, vm, -1, T_VMALLE1IS, -1, -1, -1);
        tlbi(k++, pe, vm, -1, T_DSB_ISH, -1, -1, -1);
        if (nPremapped > 0) {
            map2Op(k++, vm, ipa, pa, step, true);
        }
        bumpAll(t, k);
    }

    /** Pushes every pending event in [from, to) to {@code to}, after a multi-row operation. */
    private void bumpAll(long from, long to) {
        for (int e = 0; e < ctrl.size(); e++) {
            long te = ctrl.time(e);
            if (te >= from && te < to) {
                ctrl.set(e, to);
            }
        }
        for (int g = 0; g < nV; g++) {
            long te = acc.time(g);
            if (te >= from && te < to) {
                acc.set(g, to);
            }
        }
    }

    // ---------------------------------------------------------------- row writers

    private void sysreg(long t, int pe, int vm, int vcpu, int el, byte[] reg, long value) throws IOException {
        wSys.dec(t).comma().dec(pe).comma().dec(vm).comma().dec(vcpu).comma().dec(el).comma().raw(reg).comma()
                .hex(value).endRow();
    }

    private void map1(long t, int vm, long root, int asid, long va, long ipa, long size, byte[] perm, byte[] memtype,
            boolean global) throws IOException {
        RowWriter w = wMap;
        w.dec(t).comma().dec(vm).comma().dec(1).comma().hex(root).comma();
        if (!global) {
            w.dec(asid);
        }
        w.comma().hex(va).comma().hex(ipa).comma().dec(size).comma().raw(perm).comma().raw(memtype).comma()
                .dec(global ? 0 : 1).comma().raw(OP_MAP).endRow();
    }

    private void unmap1(long t, int vm, long root, int asid, long va) throws IOException {
        wMap.dec(t).comma().dec(vm).comma().dec(1).comma().hex(root).comma().dec(asid).comma().hex(va).comma().comma()
                .dec(Scenario.PAGE).comma().comma().comma().dec(1).comma().raw(OP_UNMAP).endRow();
    }

    private void map2Op(long t, int vm, long ipa, long pa, long size, boolean map) throws IOException {
        RowWriter w = wMap;
        w.dec(t).comma().dec(vm).comma().dec(2).comma().hex(sc.s2Root[vm]).comma().comma().hex(ipa).comma();
        if (map) {
            w.hex(pa).comma().dec(size).comma().raw(P_RWX).comma().raw(M_WB).comma().comma().raw(OP_MAP).endRow();
        } else {
            w.comma().dec(size).comma().comma().comma().comma().raw(OP_UNMAP).endRow();
        }
    }

    private void tlbi(long t, int pe, int vm, int vcpu, byte[] op, int asid, long addr, int ttl) throws IOException {
        RowWriter w = wTlbi;
        w.dec(t).comma().dec(pe).comma().dec(vm).comma().dec(vcpu).comma().raw(op).comma();
        if (asid >= 0) {
            w.dec(asid);
        }
        w.comma();
        if (addr != -1) {
            w.hex(addr);
        }
        w.comma();
        if (ttl >= 0) {
            w.dec(ttl);
        }
        w.comma().endRow();
    }

    private void irq(long t, int intid, int vm, int vcpu, byte[] source, int srcVcpu, byte[] trigger, byte[] event)
            throws IOException {
        wIrq.dec(t).comma().dec(intid).comma().dec(vm).comma().dec(vcpu).comma().raw(source).comma().dec(srcVcpu)
                .comma().raw(trigger).comma().raw(event).comma().comma().comma().endRow();
    }

    private void sched(long t, int pe, int vm, int vcpu, byte[] event) throws IOException {
        wSched.dec(t).comma().dec(pe).comma().dec(vm).comma().dec(vcpu).comma().raw(event).endRow();
    }

    private void daifRow(long t, int vm, int vcpu, byte[] event) throws IOException {
        wDaif.dec(t).comma().dec(vm).comma().dec(vcpu).comma().raw(event).endRow();
    }
}
