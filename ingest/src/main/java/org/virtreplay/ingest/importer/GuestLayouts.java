package org.virtreplay.ingest.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * What the importers of guest memory ({@code --stage2}, {@code --guest-tables}, {@code --lackey})
 * tell each other about a VM, and the guest translation registers they need, written once every
 * source has been read.
 *
 * <ul>
 * <li><b>RAM memslots</b> a source declared ({@link #ram}), so that another source of the same VM
 *     does not declare overlapping ones and knows where the stage-1 tables it needs can live.</li>
 * <li><b>The stage-1 regime</b> of the VM: the kernel's tables of a {@code kernel_page_tables} dump
 *     (TTBR1_EL1) and the process tables of each lackey vCPU (TTBR0_EL1, one ASID each). At the start
 *     of the trace every vCPU of the VM gets TCR_EL1, MAIR_EL1, SCTLR_EL1 (stage-1 MMU on) and its
 *     TTBRs ({@link #finish}): without them the guest's MMU would be off and the map rows unused.</li>
 * </ul>
 */
public final class GuestLayouts implements SourceImporter {

    /**
     * MAIR_EL1 the imported guests get: Attr0 0xFF Normal WB, Attr1 0x04 Device-nGnRE, Attr2 0x44
     * Normal NC (the engine's canonical three), Attr3 0xBB Normal WT, Attr4 0x0C Device-GRE, Attr5..7
     * 0x00 Device-nGnRnE: every memory type a {@code map} row can name has an index.
     */
    public static final long MAIR_EL1 = 0x0000_000C_BB44_04FFL;

    /**
     * SCTLR_EL1: M (bit 0) stage-1 MMU on, C (2), SA (3), SA0 (4), I (12), and the bits RES1 in
     * Armv8.0 (11, 20, 22, 23, 28, 29), as the generator writes it.
     */
    public static final long SCTLR_EL1 = (1L << 0) | (1L << 2) | (1L << 3) | (1L << 4) | (1L << 12) | (1L << 11)
            | (1L << 20) | (1L << 22) | (1L << 23) | (1L << 28) | (1L << 29);

    /** A RAM memslot a source declared: {@code [ipa, ipa + size)}. */
    public record Ram(long ipa, long size, String source) {
    }

    /** The stage-1 setup of one VM. */
    private static final class Regime {
        final int vm;
        long ttbr1Root = -1;
        int vaBits1;
        Granule granule1;
        /** vCPU -> {root, asid} of TTBR0_EL1. */
        final TreeMap<Integer, long[]> ttbr0 = new TreeMap<>();
        Granule granule0;
        String source;

        Regime(int vm) {
            this.vm = vm;
        }
    }

    private final Map<Integer, List<Ram>> ram = new LinkedHashMap<>();
    private final Map<Integer, Regime> regimes = new LinkedHashMap<>();

    /** Records a RAM memslot of {@code vm} declared by {@code source}. */
    public void ram(int vm, long ipa, long size, String source) {
        ram.computeIfAbsent(vm, k -> new ArrayList<>()).add(new Ram(ipa, size, source));
    }

    /** The RAM memslots of {@code vm} declared so far (by any of these importers). */
    public List<Ram> ram(int vm) {
        return ram.getOrDefault(vm, List.of());
    }

    private Regime regime(int vm) {
        return regimes.computeIfAbsent(vm, Regime::new);
    }

    /** The kernel's (upper range) tables of {@code vm}: root IPA, VA size, granule. */
    public void kernelTables(int vm, long root, int vaBits, Granule g, String source) {
        Regime r = regime(vm);
        r.ttbr1Root = root;
        r.vaBits1 = vaBits;
        r.granule1 = g;
        r.source = source;
    }

    /** The process (lower range) tables of vCPU {@code vcpu} of {@code vm}: root IPA, ASID, granule. */
    public void processTables(int vm, int vcpu, long root, int asid, Granule g) {
        Regime r = regime(vm);
        r.ttbr0.put(vcpu, new long[] {root, asid});
        r.granule0 = g;
    }

    @Override
    public void read(ImportSink sink) {
        // no source of its own: the regimes are written in finish()
    }

    /**
     * Writes the stage-1 registers of every VM with imported tables: one set per vCPU at the start
     * of the trace (el 1, pe -1: written by the guest kernel before the recording). A range with no
     * tables of its own is disabled (TCR_EL1.EPD0/EPD1), so its addresses take a Translation fault
     * instead of a walk of an unknown table.
     */
    @Override
    public void finish(ImportSink sink) {
        for (Regime r : regimes.values()) {
            int vcpus = sink.vcpuCount(r.vm);
            SourceSink src = null;
            for (SourceSink s : sink.sources()) {
                if (s.spec().vm() != null && sink.vmIfDeclared(s.spec().vm()) == r.vm
                        && s.spec().format() != SourceFormat.STAGE2 && s.spec().format() != SourceFormat.SPE) {
                    src = s;
                }
            }
            Row row = sink.newRow(TableKind.SYSREG);
            for (int v = 0; v < vcpus; v++) {
                long[] t0 = r.ttbr0.get(v);
                long tcr = tcr(r, t0 != null);
                write(src, row, r.vm, v, "TCR_EL1", tcr);
                write(src, row, r.vm, v, "MAIR_EL1", MAIR_EL1);
                if (t0 != null) {
                    write(src, row, r.vm, v, "TTBR0_EL1", (t0[1] << 48) | t0[0]);
                }
                if (r.ttbr1Root >= 0) {
                    write(src, row, r.vm, v, "TTBR1_EL1", r.ttbr1Root);
                }
                write(src, row, r.vm, v, "SCTLR_EL1", SCTLR_EL1);
            }
            if (src != null) {
                src.inferred("guest_registers", "TCR_EL1 0x" + Long.toHexString(tcr(r, !r.ttbr0.isEmpty()))
                        + ", MAIR_EL1 0x" + Long.toHexString(MAIR_EL1) + ", SCTLR_EL1 0x" + Long.toHexString(SCTLR_EL1)
                        + (r.ttbr1Root >= 0 ? ", TTBR1_EL1 0x" + Long.toHexString(r.ttbr1Root) : "")
                        + (r.ttbr0.isEmpty() ? "" : ", TTBR0_EL1 per vCPU") + " for each of the " + vcpus
                        + " vCPUs at the trace start: the recording does not hold the guest's registers; these "
                        + "turn its stage-1 MMU on over the imported tables");
            }
        }
    }

    private static void write(SourceSink src, Row row, int vm, int vcpu, String reg, long value) {
        TableKind k = TableKind.SYSREG;
        row.set(k.indexOf("ts"), ImportSink.AT_START);
        row.set(k.indexOf("pe"), -1);
        row.set(k.indexOf("vm"), vm);
        row.set(k.indexOf("vcpu"), vcpu);
        row.set(k.indexOf("el"), 1);
        row.set(k.indexOf("reg"), k.column(k.indexOf("reg")).symbols().indexOf(reg));
        row.set(k.indexOf("value"), value);
        src.add(row);
    }

    /**
     * TCR_EL1: the lower range 48-bit (T0SZ 16) with the process tables' granule, the upper range
     * with the kernel dump's VA size (T1SZ = 64 - vaBits) and granule; walks Inner Shareable,
     * Write-Back (IRGNn = ORGNn = 01, SHn = 11); IPS 48 bits; a range without tables disabled (EPDn).
     */
    static long tcr(Regime r, boolean lower) {
        long t = 16;
        t |= 0b01L << 8 | 0b01L << 10 | 0b11L << 12;
        Granule g0 = r.granule0 == null ? Granule.K4 : r.granule0;
        t |= (long) (g0 == Granule.K4 ? 0b00 : g0 == Granule.K64 ? 0b01 : 0b10) << 14;
        if (!lower) {
            t |= 1L << 7; // EPD0
        }
        int t1sz = r.ttbr1Root >= 0 ? 64 - r.vaBits1 : 16;
        t |= (long) t1sz << 16;
        t |= 0b01L << 24 | 0b01L << 26 | 0b11L << 28;
        Granule g1 = r.granule1 == null ? Granule.K4 : r.granule1;
        t |= (long) (g1 == Granule.K4 ? 0b10 : g1 == Granule.K16 ? 0b01 : 0b11) << 30;
        if (r.ttbr1Root < 0) {
            t |= 1L << 23; // EPD1
        }
        t |= 0b101L << 32; // IPS: 48 bits
        return t;
    }
}
