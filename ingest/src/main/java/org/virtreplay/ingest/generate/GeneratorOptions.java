package org.virtreplay.ingest.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.engine.UserText;

/**
 * Every knob of a generated scenario, with its default. The command line fills it; {@link #validate()}
 * reports every bad value at once (one line each, naming the option). Per-VM values given as
 * comma-separated lists ({@code footprint}, {@code skew}, {@code s2PageSizes}) are cycled over the
 * VMs (or over the RAM memslots of a VM for {@code s2PageSizes}).
 *
 * <p>Mutable on purpose: it is a bag of about forty settings that picocli and tests set one by one.
 */
public final class GeneratorOptions {
    /** Access skews of a VM's data pages. */
    public enum Skew { UNIFORM, ZIPF, SEQ }

    /** Which RAM memslots get explicit stage-2 {@code map} records at time 0. */
    public enum S2Premap { BLOCKS, ALL, NONE }

    public long seed = 1;
    public String name = "generated";
    public int vms = 3;
    public int vcpus = 2;
    public int pes = 4;
    // The default trace is one second of simulated time, so that interrupts arrive at the rates a guest
    // sees over time (timer at HZ, devices per ms) and every vCPU takes hundreds of each; the accesses
    // are a sample (one per ~4 us of running time) so that this second stays about 1 M rows.
    // sample-traces/README.md gives the sources.
    public long accesses = 0;
    public double durationMs = 1000;
    public double accessGapNs = 4000;
    public int procs = 4;
    public String footprint = "16M";
    public int textPages = 32;
    public String skew = "zipf,uniform,seq";
    public double zipfS = 1.0;
    public double ifetch = 0.3;
    public double writes = 0.3;
    public double rmw = 0.05;
    public double kernel = 0.1;
    public double crossPage = 0.001;
    public double mmio = 0.0005;
    public boolean passthrough = false;
    public String ram = "256M";
    public int ramSlots = 2;
    public String s2PageSizes = "2m,4k";
    public S2Premap s2Premap = S2Premap.BLOCKS;
    public String kernelData = "4M";
    public int ipaBits = 40;
    public int hostPaBits = 48;
    public double quantumUs = 1000;
    public double busyUs = 2000;
    public double guestSliceUs = 2000;
    public double timerHz = 250;
    public double spiHz = 1000;
    public int spis = 4;
    public double ipiHz = 500;
    public double lpiHz = 0;
    public double daifHz = 500;
    public double daifWindowUs = 10;
    public double remapHz = 50;
    public double execHz = 20;
    public int asidMax = 255;
    public double hypTlbiHz = 10;

    /** Parses a byte size such as {@code 4096}, {@code 64k}, {@code 16M}, {@code 2g} (binary units). */
    public static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        long v = Long.parseLong(t);
        if (v < 0 || v > Long.MAX_VALUE / mult) {
            throw new NumberFormatException("out of range");
        }
        return v * mult;
    }

    private static String[] list(String s) {
        return s.split(",", -1);
    }

    /** Per-VM data footprint in bytes (cycled list). Call after {@link #validate()}. */
    public long footprintOf(int vm) {
        String[] l = list(footprint);
        return parseSize(l[vm % l.length]);
    }

    /** Per-VM skew (cycled list). Call after {@link #validate()}. */
    public Skew skewOf(int vm) {
        String[] l = list(skew);
        return Skew.valueOf(l[vm % l.length].trim().toUpperCase(Locale.ROOT));
    }

    /** Stage-2 backing size of RAM memslot {@code slot} (cycled list). Call after {@link #validate()}. */
    public long s2PageSizeOf(int slot) {
        String[] l = list(s2PageSizes);
        return parseSize(l[slot % l.length]);
    }

    public long ramBytes() {
        return parseSize(ram);
    }

    public long kernelDataBytes() {
        return parseSize(kernelData);
    }

    /**
     * Checks every option; returns one message per problem (empty if all is well). Layout problems
     * that depend on several options together (RAM too small) are found by {@link Scenario}.
     */
    public List<String> validate() {
        List<String> p = new ArrayList<>();
        range(p, "--vms", vms, 1, 255);
        range(p, "--vcpus", vcpus, 1, 512);
        range(p, "--pes", pes, 1, 4096);
        if (accesses < 0) {
            p.add("option '--accesses': expected a count >= 0, got " + accesses);
        }
        nonNeg(p, "--duration-ms", durationMs);
        if (accesses == 0 && durationMs == 0) {
            p.add("options '--accesses' and '--duration-ms': at least one must be > 0, or the trace never ends");
        }
        if (!(accessGapNs >= 1 && accessGapNs <= 1e9)) {
            p.add("option '--access-gap-ns': expected 1..1e9 ns, got " + accessGapNs);
        }
        range(p, "--procs", procs, 1, 510);
        range(p, "--text-pages", textPages, 1, 1 << 20);
        for (String f : list(footprint)) {
            try {
                long b = parseSize(f);
                if (b < 4096 || b % 4096 != 0 || b > (1L << 40)) {
                    p.add("option '--footprint': expected a multiple of 4K between 4K and 1T, got "
                            + UserText.quote(f));
                }
            } catch (NumberFormatException e) {
                p.add("option '--footprint': expected a size like 16M, got " + UserText.quote(f));
            }
        }
        for (String s : list(skew)) {
            String t = s.trim().toUpperCase(Locale.ROOT);
            if (!t.equals("UNIFORM") && !t.equals("ZIPF") && !t.equals("SEQ")) {
                p.add("option '--skew': expected uniform, zipf or seq (comma-separated, per VM), got "
                        + UserText.quote(s));
            }
        }
        if (!(zipfS > 0 && zipfS <= 5)) {
            p.add("option '--zipf-s': expected an exponent in (0, 5], got " + zipfS);
        }
        fraction(p, "--ifetch", ifetch);
        fraction(p, "--writes", writes);
        fraction(p, "--rmw", rmw);
        if (writes + rmw > 1) {
            p.add("options '--writes' + '--rmw': must not exceed 1, got " + (writes + rmw));
        }
        fraction(p, "--kernel", kernel);
        fraction(p, "--cross-page", crossPage);
        fraction(p, "--mmio", mmio);
        if (mmio * (passthrough ? 2 : 1) + kernel + ifetch > 1) {
            p.add("options '--mmio' (x2 with --passthrough) + '--kernel' + '--ifetch': must not exceed 1");
        }
        long ramB = -1;
        try {
            ramB = parseSize(ram);
            if (ramB < (16L << 20) || ramB % (2L << 20) != 0) {
                p.add("option '--ram': expected a multiple of 2M, at least 16M, got " + UserText.quote(ram));
            }
        } catch (NumberFormatException e) {
            p.add("option '--ram': expected a size like 256M, got " + UserText.quote(ram));
        }
        range(p, "--ram-slots", ramSlots, 1, 64);
        for (String s : list(s2PageSizes)) {
            long b = -1;
            try {
                b = parseSize(s);
            } catch (NumberFormatException e) {
                // reported below
            }
            if (b != 4096 && b != (2L << 20) && b != (1L << 30)) {
                p.add("option '--s2-page-sizes': expected 4k, 2m or 1g (the 4 KB granule's page and block "
                        + "sizes), got " + UserText.quote(s));
            }
        }
        try {
            long k = parseSize(kernelData);
            if (k < (2L << 20) || k % (2L << 20) != 0) {
                p.add("option '--kernel-data': expected a multiple of 2M (it is mapped by 2 MB stage-1 blocks), got "
                        + UserText.quote(kernelData));
            }
        } catch (NumberFormatException e) {
            p.add("option '--kernel-data': expected a size like 4M, got " + UserText.quote(kernelData));
        }
        if (ipaBits != 32 && ipaBits != 36 && ipaBits != 40 && ipaBits != 42 && ipaBits != 44 && ipaBits != 48) {
            p.add("option '--ipa-bits': expected 32, 36, 40, 42, 44 or 48, got " + ipaBits);
        }
        if (hostPaBits != 40 && hostPaBits != 42 && hostPaBits != 44 && hostPaBits != 48) {
            p.add("option '--host-pa-bits': expected 40, 42, 44 or 48, got " + hostPaBits);
        } else if (ipaBits > hostPaBits) {
            p.add("option '--ipa-bits': " + ipaBits + " exceeds --host-pa-bits " + hostPaBits
                    + " (KVM limits the IPA size to the host's PARange)");
        }
        micros(p, "--quantum-us", quantumUs, false);
        micros(p, "--busy-us", busyUs, true);
        micros(p, "--guest-slice-us", guestSliceUs, false);
        rate(p, "--timer-hz", timerHz);
        rate(p, "--spi-hz", spiHz);
        range(p, "--spis", spis, 1, 988);
        rate(p, "--ipi-hz", ipiHz);
        rate(p, "--lpi-hz", lpiHz);
        rate(p, "--daif-hz", daifHz);
        micros(p, "--daif-window-us", daifWindowUs, false);
        rate(p, "--remap-hz", remapHz);
        rate(p, "--exec-hz", execHz);
        range(p, "--asid-max", asidMax, 2, 255);
        if (asidMax < procs && p.isEmpty()) {
            p.add("option '--asid-max': " + asidMax + " ASIDs cannot serve --procs " + procs + " live processes");
        }
        rate(p, "--hyp-tlbi-hz", hypTlbiHz);
        if (name.isEmpty() || name.contains("\n") || name.contains(",")) {
            p.add("option '--name': expected a non-empty name without commas or newlines");
        }
        return p;
    }

    private static void range(List<String> p, String opt, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            p.add("option '" + opt + "': expected " + lo + ".." + hi + ", got " + v);
        }
    }

    private static void fraction(List<String> p, String opt, double v) {
        if (!(v >= 0 && v <= 1)) {
            p.add("option '" + opt + "': expected a fraction 0..1, got " + v);
        }
    }

    private static void nonNeg(List<String> p, String opt, double v) {
        if (!(v >= 0 && v < 1e15)) {
            p.add("option '" + opt + "': expected a number >= 0, got " + v);
        }
    }

    /** Lowest non-zero event rate: one event per 1000 s keeps every drawn time far from 2^63 ns. */
    static final double MIN_HZ = 1e-3;
    /** Longest mean interval: 10^12 us (11.6 days); exponential draws of it stay far below 2^63 ns. */
    static final double MAX_US = 1e12;

    // A rate of 1e-12 Hz made exponential draws of its period overflow the 64-bit time into negative
    // timestamps; such rates mean "never" within any trace one can write, so 0 says that instead.
    private static void rate(List<String> p, String opt, double v) {
        if (!(v == 0 || (v >= MIN_HZ && v < 1e15))) {
            p.add("option '" + opt + "': expected 0 (off) or a rate from " + MIN_HZ + " Hz up, got " + v);
        }
    }

    private static void micros(List<String> p, String opt, double v, boolean zeroOk) {
        if (!((zeroOk ? v >= 0 : v > 0) && v <= MAX_US)) {
            p.add("option '" + opt + "': expected " + (zeroOk ? "0.." : "a number > 0 and <= ") + "1e12 us, got " + v);
        }
    }

    /** The options as {@code generator.*} manifest entries, in a fixed order. */
    public Map<String, String> asManifest() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("seed", Long.toString(seed));
        m.put("vms", Integer.toString(vms));
        m.put("vcpus", Integer.toString(vcpus));
        m.put("pes", Integer.toString(pes));
        m.put("accesses", Long.toString(accesses));
        m.put("duration_ms", num(durationMs));
        m.put("access_gap_ns", num(accessGapNs));
        m.put("procs", Integer.toString(procs));
        m.put("footprint", footprint);
        m.put("text_pages", Integer.toString(textPages));
        m.put("skew", skew);
        m.put("zipf_s", num(zipfS));
        m.put("ifetch", num(ifetch));
        m.put("writes", num(writes));
        m.put("rmw", num(rmw));
        m.put("kernel", num(kernel));
        m.put("cross_page", num(crossPage));
        m.put("mmio", num(mmio));
        m.put("passthrough", Boolean.toString(passthrough));
        m.put("ram", ram);
        m.put("ram_slots", Integer.toString(ramSlots));
        m.put("s2_page_sizes", s2PageSizes);
        m.put("s2_premap", s2Premap.name().toLowerCase(Locale.ROOT));
        m.put("kernel_data", kernelData);
        m.put("ipa_bits", Integer.toString(ipaBits));
        m.put("host_pa_bits", Integer.toString(hostPaBits));
        m.put("quantum_us", num(quantumUs));
        m.put("busy_us", num(busyUs));
        m.put("guest_slice_us", num(guestSliceUs));
        m.put("timer_hz", num(timerHz));
        m.put("spi_hz", num(spiHz));
        m.put("spis", Integer.toString(spis));
        m.put("ipi_hz", num(ipiHz));
        m.put("lpi_hz", num(lpiHz));
        m.put("daif_hz", num(daifHz));
        m.put("daif_window_us", num(daifWindowUs));
        m.put("remap_hz", num(remapHz));
        m.put("exec_hz", num(execHz));
        m.put("asid_max", Integer.toString(asidMax));
        m.put("hyp_tlbi_hz", num(hypTlbiHz));
        return m;
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
