package org.virtreplay.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.virtreplay.analysis.progress.Stderr;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.generate.Compression;
import org.virtreplay.ingest.generate.GenerateJob;
import org.virtreplay.ingest.generate.Generator;
import org.virtreplay.ingest.generate.GeneratorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code virtreplay generate}: a seeded synthetic workload written as a canonical trace directory. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        sortOptions = false,
        description = {
            "Writes a synthetic, self-consistent canonical trace (docs/trace-format.md): N VMs x M vCPUs "
                    + "time-sliced over P PEs, guest processes with their own ASIDs and context switches, stage-1 "
                    + "and stage-2 mappings, memory accesses with a chosen skew, TLB maintenance by guests and "
                    + "hypervisor, timer / device / IPI / LPI interrupts, interrupt-mask windows and the vCPU "
                    + "schedule.",
            "",
            "Every random choice comes from --seed: the same options give byte-identical files. Output "
                    + "streams to disk in bounded memory, so billions of accesses are fine. Sizes take k/M/G "
                    + "suffixes (binary). Options marked 'per VM' take a comma-separated list cycled over the VMs.",
            ""
        },
        footer = {
            "",
            "Stage 2: RAM memslots whose backing (--s2-page-sizes) is 2m or 1g get explicit stage-2 map records "
                    + "at time 0 (with --s2-premap blocks, the default); 4k-backed slots are left to the "
                    + "hypervisor model to map lazily on first touch. The MMIO slot is never mapped (every "
                    + "access exits); the pass-through device slot is mapped as device_ngnre.",
            "Rates (--*-hz) are 0 (off) or at least 0.001 Hz; times in us are at most 1e12 (11.6 days): beyond "
                    + "that, drawn event times would overflow 64-bit nanoseconds. Memory does not grow with "
                    + "--footprint, --accesses or --duration-ms.",
            "See sample-traces/README.md for what each table holds and how the guest layout looks.",
            "",
            "Exit codes: 0 written, 2 bad option (nothing written), 1 internal error."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Trace directory to create (must not exist or be empty, unless --force).")
    Path out;

    @Option(names = "--force", description = "Replace the trace files in a non-empty --out.")
    boolean force;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "generated", description = "Trace name in the manifest (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--compress", defaultValue = "none", paramLabel = "none|gz|zst|xz",
            description = "Compress the event tables (sysreg, map, mem, tlbi, irq, sched, daif); manifest, vms and "
                    + "memslots stay plain (default ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--progress", description = "Report progress on stderr even when it is not a terminal.")
    boolean progress;

    @Option(names = {"-q", "--quiet"}, description = VirtReplay.QUIET_HELP)
    boolean quiet;

    // --- size of the run
    @Option(names = "--accesses", paramLabel = "N", defaultValue = "0", description = "Stop after this many mem rows (0 = no limit; default ${DEFAULT-VALUE}).")
    long accesses;

    @Option(names = "--duration-ms", paramLabel = "MS", defaultValue = "1000", description = "Stop at this simulated time (0 = no limit; default ${DEFAULT-VALUE}).")
    double durationMs;

    // --- host and VMs
    @Option(names = "--vms", paramLabel = "N", defaultValue = "3", description = "Number of VMs, 1..255 (default ${DEFAULT-VALUE}).")
    int vms;

    @Option(names = "--vcpus", paramLabel = "N", defaultValue = "2", description = "vCPUs per VM (default ${DEFAULT-VALUE}).")
    int vcpus;

    @Option(names = "--pes", paramLabel = "N", defaultValue = "4", description = "Physical PEs of the host (default ${DEFAULT-VALUE}).")
    int pes;

    @Option(names = "--ipa-bits", paramLabel = "BITS", defaultValue = "40", description = "Guest IPA size: 32, 36, 40, 42, 44, 48 (default ${DEFAULT-VALUE}).")
    int ipaBits;

    @Option(names = "--host-pa-bits", paramLabel = "BITS", defaultValue = "48", description = "Host PA size: 40, 42, 44, 48 (default ${DEFAULT-VALUE}).")
    int hostPaBits;

    @Option(names = "--ram", paramLabel = "SIZE", defaultValue = "256M", description = "Guest RAM per VM, multiple of 2M (default ${DEFAULT-VALUE}).")
    String ram;

    @Option(names = "--ram-slots", paramLabel = "N", defaultValue = "2", description = "RAM memslots per VM, equal parts of --ram (default ${DEFAULT-VALUE}).")
    int ramSlots;

    @Option(names = "--s2-page-sizes", paramLabel = "SIZES", defaultValue = "2m,4k",
            description = "Stage-2 backing of the RAM memslots, 4k|2m|1g, cycled over the slots (default ${DEFAULT-VALUE}).")
    String s2PageSizes;

    @Option(names = "--s2-premap", defaultValue = "blocks", paramLabel = "blocks|all|none",
            description = "RAM slots given explicit stage-2 maps at t=0: those backed by 2m/1g blocks, all, or none "
                    + "(the rest are mapped lazily on first touch; default ${DEFAULT-VALUE}).")
    String s2Premap;

    @Option(names = "--passthrough", description = "Give each VM a pass-through device memslot (stage 2 device_ngnre).")
    boolean passthrough;

    // --- guest software
    @Option(names = "--procs", paramLabel = "N", defaultValue = "4", description = "Guest processes per VM, each with its ASID (default ${DEFAULT-VALUE}).")
    int procs;

    @Option(names = "--footprint", paramLabel = "SIZES", defaultValue = "16M", description = "Data footprint per VM (split over its processes), per VM, 4K..1T; one stage-1 map row "
            + "(~64 bytes) per 4K page at start and at each exec: 1T is ~17 GB of map.csv per VM (default ${DEFAULT-VALUE}).")
    String footprint;

    @Option(names = "--text-pages", paramLabel = "N", defaultValue = "32", description = "Text pages per process (default ${DEFAULT-VALUE}).")
    int textPages;

    @Option(names = "--kernel-data", paramLabel = "SIZE", defaultValue = "4M", description = "Guest kernel data, mapped by 2 MB stage-1 blocks (default ${DEFAULT-VALUE}).")
    String kernelData;

    @Option(names = "--skew", paramLabel = "SKEWS", defaultValue = "zipf,uniform,seq", description = "Data page choice uniform|zipf|seq, per VM (default ${DEFAULT-VALUE}).")
    String skew;

    @Option(names = "--zipf-s", paramLabel = "S", defaultValue = "1.0", description = "Zipf exponent (default ${DEFAULT-VALUE}).")
    double zipfS;

    @Option(names = "--access-gap-ns", paramLabel = "NS", defaultValue = "4000", description = "Mean time between accesses of a running vCPU (default ${DEFAULT-VALUE}).")
    double accessGapNs;

    @Option(names = "--ifetch", paramLabel = "F", defaultValue = "0.3", description = "Fraction of accesses that are user instruction fetches (default ${DEFAULT-VALUE}).")
    double ifetch;

    @Option(names = "--writes", paramLabel = "F", defaultValue = "0.3", description = "Fraction of user data accesses that are writes (default ${DEFAULT-VALUE}).")
    double writes;

    @Option(names = "--rmw", paramLabel = "F", defaultValue = "0.05", description = "Fraction of user data accesses that are read-modify-writes (default ${DEFAULT-VALUE}).")
    double rmw;

    @Option(names = "--kernel", paramLabel = "F", defaultValue = "0.1", description = "Fraction of accesses by the guest kernel at EL1 (default ${DEFAULT-VALUE}).")
    double kernel;

    @Option(names = "--cross-page", paramLabel = "F", defaultValue = "0.001", description = "Fraction of data accesses that straddle two pages (default ${DEFAULT-VALUE}).")
    double crossPage;

    @Option(names = "--mmio", paramLabel = "F", defaultValue = "0.0005", description = "Fraction of accesses to the emulated MMIO slot, each one an exit (default ${DEFAULT-VALUE}; "
            + "the same fraction again goes to the pass-through device with --passthrough).")
    double mmio;

    // --- events
    @Option(names = "--guest-slice-us", paramLabel = "US", defaultValue = "2000", description = "Guest scheduler slice: a context switch (TTBR0_EL1 write) after this much running time (default ${DEFAULT-VALUE}).")
    double guestSliceUs;

    @Option(names = "--exec-hz", paramLabel = "HZ", defaultValue = "20", description = "Per VM: a process exits and is replaced under a new ASID (default ${DEFAULT-VALUE}).")
    double execHz;

    @Option(names = "--asid-max", paramLabel = "N", defaultValue = "255", description = "Largest ASID; the allocator wraps and reuses ASIDs after ASIDE1IS (default ${DEFAULT-VALUE}).")
    int asidMax;

    @Option(names = "--remap-hz", paramLabel = "HZ", defaultValue = "50", description = "Per vCPU: page remaps with unmap, TLBI VALE1IS/VAE1IS, DSB, map (default ${DEFAULT-VALUE}).")
    double remapHz;

    @Option(names = "--hyp-tlbi-hz", paramLabel = "HZ", defaultValue = "10", description = "Per VM: hypervisor stage-2 maintenance, IPAS2E1IS+VMALLE1IS or VMALLS12E1IS (default ${DEFAULT-VALUE}).")
    double hypTlbiHz;

    @Option(names = "--quantum-us", paramLabel = "US", defaultValue = "1000", description = "Host scheduler time slice under overcommit (default ${DEFAULT-VALUE}).")
    double quantumUs;

    @Option(names = "--busy-us", paramLabel = "US", defaultValue = "2000", description = "Mean running time before a vCPU idles in WFI until an interrupt; 0 = never idles (default ${DEFAULT-VALUE}).")
    double busyUs;

    @Option(names = "--timer-hz", paramLabel = "HZ", defaultValue = "250", description = "Virtual timer (PPI 27) rate per vCPU, Hz of simulated time: the guest's HZ (default ${DEFAULT-VALUE}, Linux's default CONFIG_HZ).")
    double timerHz;

    @Option(names = "--spi-hz", paramLabel = "HZ", defaultValue = "1000", description = "Device SPI rate per VM, Hz of simulated time (default ${DEFAULT-VALUE}: 1 per ms).")
    double spiHz;

    @Option(names = "--spis", paramLabel = "N", defaultValue = "4", description = "Distinct device SPIs per VM, INTIDs from 32 (default ${DEFAULT-VALUE}).")
    int spis;

    @Option(names = "--ipi-hz", paramLabel = "HZ", defaultValue = "500", description = "IPI (SGI) rate per running vCPU, Hz of simulated time (default ${DEFAULT-VALUE}).")
    double ipiHz;

    @Option(names = "--lpi-hz", paramLabel = "HZ", defaultValue = "0", description = "ITS LPI rate per VM, INTIDs from 8192 (default ${DEFAULT-VALUE}).")
    double lpiHz;

    @Option(names = "--daif-hz", paramLabel = "HZ", defaultValue = "500", description = "Interrupt-mask windows per running vCPU per second (default ${DEFAULT-VALUE}).")
    double daifHz;

    @Option(names = "--daif-window-us", paramLabel = "US", defaultValue = "10", description = "Mean length of a mask window (default ${DEFAULT-VALUE}).")
    double daifWindowUs;

    @Override
    public Integer call() throws Exception {
        GeneratorOptions o = new GeneratorOptions();
        o.seed = seed;
        o.name = name;
        o.accesses = accesses;
        o.durationMs = durationMs;
        o.vms = vms;
        o.vcpus = vcpus;
        o.pes = pes;
        o.ipaBits = ipaBits;
        o.hostPaBits = hostPaBits;
        o.ram = ram;
        o.ramSlots = ramSlots;
        o.s2PageSizes = s2PageSizes;
        o.s2Premap = switch (s2Premap.toLowerCase(Locale.ROOT)) {
            case "blocks" -> GeneratorOptions.S2Premap.BLOCKS;
            case "all" -> GeneratorOptions.S2Premap.ALL;
            case "none" -> GeneratorOptions.S2Premap.NONE;
            default -> throw new BadInputException(
                    "option '--s2-premap': expected blocks, all or none, got " + UserText.quote(s2Premap));
        };
        o.passthrough = passthrough;
        o.procs = procs;
        o.footprint = footprint;
        o.textPages = textPages;
        o.kernelData = kernelData;
        o.skew = skew;
        o.zipfS = zipfS;
        o.accessGapNs = accessGapNs;
        o.ifetch = ifetch;
        o.writes = writes;
        o.rmw = rmw;
        o.kernel = kernel;
        o.crossPage = crossPage;
        o.mmio = mmio;
        o.guestSliceUs = guestSliceUs;
        o.execHz = execHz;
        o.asidMax = asidMax;
        o.remapHz = remapHz;
        o.hypTlbiHz = hypTlbiHz;
        o.quantumUs = quantumUs;
        o.busyUs = busyUs;
        o.timerHz = timerHz;
        o.spiHz = spiHz;
        o.spis = spis;
        o.ipiHz = ipiHz;
        o.lpiHz = lpiHz;
        o.daifHz = daifHz;
        o.daifWindowUs = daifWindowUs;
        Compression c = Compression.parse(compress);

        PrintWriter err = spec.commandLine().getErr();
        boolean showProgress = !quiet && (progress || Stderr.isTerminal());
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
        long t0 = System.nanoTime();
        Generator.Counts n = GenerateJob.run(o, out, c, force, showProgress ? err : null);
        double secs = (System.nanoTime() - t0) / 1e9;
        // CPU time of this thread: on a shared machine the fair measure of one core's throughput
        double cpuSecs = cpu0 >= 0 ? (mx.getCurrentThreadCpuTime() - cpu0) / 1e9 : secs;
        // -q is progress only, as in every command: the summary line is the result, on stdout
        {
            PrintWriter w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "wrote %s: %d mem, %d sysreg, %d map, %d tlbi, %d irq, %d sched, %d daif rows; "
                    + "%.3f ms simulated; %.1f s wall (%.2f M rows/s), %.1f s CPU (%.2f M rows/s)%n", out, n.mem(),
                    n.sysreg(), n.map(), n.tlbi(), n.irq(), n.sched(), n.daif(), n.endTs() / 1e6, secs,
                    n.total() / Math.max(secs, 1e-9) / 1e6, cpuSecs, n.total() / Math.max(cpuSecs, 1e-9) / 1e6);
            w.flush();
        }
        return VirtReplay.EXIT_OK;
    }
}
