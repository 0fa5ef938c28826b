package org.virtreplay.ingest.importer.stage2;

import java.util.List;
import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.ingest.importer.FormatOptions;
import org.virtreplay.ingest.importer.GuestLayouts;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.PageTableDumpImporter;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * {@code --stage2 VM=FILE}: a KVM {@code stage2_page_tables} dump (or a copy of the VM's debugfs
 * directory) gives the VM's memslots and stage-2 {@code map} rows ({@link Stage2Dump},
 * {@link Stage2Layout}). The dump is a snapshot without a time: its rows are at the start of the
 * trace ({@link ImportSink#AT_START}).
 */
public final class Stage2Importer extends PageTableDumpImporter {
    private static final int[] IPA_BITS = {32, 36, 40, 42, 44, 48};

    private final HostPaAllocator pas;

    public Stage2Importer(List<SourceSpec> specs, FormatOptions formats, boolean lenient, int maxErrors,
            HostPaAllocator pas, GuestLayouts layouts) {
        super(specs, formats, lenient, maxErrors, layouts);
        this.pas = pas;
    }

    @Override
    protected void readOne(ImportSink sink, SourceSpec spec) {
        SourceSink src = sink.source(spec);
        int vm = sink.vm(spec.vm());
        if (!layouts.ram(vm).isEmpty()) {
            src.problem(spec.label() + ": vm '" + spec.vm() + "' already has memslots from "
                    + layouts.ram(vm).get(0).source() + "; give one stage-2 dump per VM");
            return;
        }
        TableKind ms = TableKind.MEMSLOTS;
        TableKind mp = TableKind.MAP;
        Row slot = sink.newRow(ms);
        Row map = sink.newRow(mp);
        int ram = ms.column(ms.indexOf("kind")).symbols().indexOf("ram");
        int normalWb = mp.column(mp.indexOf("memtype")).symbols().indexOf("normal_wb");
        int opMap = mp.column(mp.indexOf("op")).symbols().indexOf("map");
        Stage2Layout.Out out = new Stage2Layout.Out() {
            @Override
            public void memslot(long ipa, long size, long pa, long pageSize, long firstLine) {
                int n = sink.nextSlot(vm);
                if (n > 65535) {
                    throw new BadInputException(src.where(firstLine) + ": more than 65536 separate mapped IPA ranges "
                            + "(memslots); the trace format numbers memslots 0..65535");
                }
                slot.set(0, vm);
                slot.set(1, n);
                slot.set(2, ipa);
                slot.set(3, size);
                slot.set(4, ram);
                slot.set(5, pa);
                slot.set(6, modelled(pageSize));
                src.add(slot);
                layouts.ram(vm, ipa, size, spec.label());
            }

            @Override
            public void map(long ipa, long pa, long size, String perm, long line) {
                // ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op: one row per page or block
                // of the modelled 4K granule (a 16K page is four 4K ones, a 32M block sixteen 2M ones)
                long piece = modelled(size);
                for (long off = 0; off < size; off += piece) {
                    map.set(0, ImportSink.AT_START);
                    map.set(1, vm);
                    map.set(2, 2);
                    map.setNull(3);
                    map.setNull(4);
                    map.set(5, ipa + off);
                    map.set(6, pa + off);
                    map.set(7, piece);
                    map.setText(8, perm);
                    map.set(9, normalWb);
                    map.setNull(10);
                    map.set(11, opMap);
                    src.add(map);
                }
            }
        };
        Stage2Dump.Options o = new Stage2Dump.Options(formats.s2Granule(), formats.s2XColumn(), lenient, maxErrors);
        Stage2Dump.Result r;
        try {
            r = Stage2Dump.read(spec.file(), spec.label(), o, pas, out);
        } catch (BadInputException e) {
            refused(src, e);
            return;
        }
        provenance(sink, src, vm, r, formats);
    }

    private static void provenance(ImportSink sink, SourceSink src, int vm, Stage2Dump.Result r, FormatOptions f) {
        long skipped = counts(src, r.lines(), r.ranges(), r.skipped());
        src.used("mapped_range", r.validRanges());
        src.used("unmapped_range", r.ranges() - r.validRanges() - skipped);
        String g = Stage2Geometry.name(r.granule());
        src.note("granule", g);
        if (r.form() != null) {
            src.note("attribute_form", r.form() == Stage2DumpParser.Form.XNX ? "xnx (px ux / PXNux / PXNUXN / px UXN)"
                    : "x_column (v9 patch, Linux 6.12..6.18)");
        }
        if (r.form() == Stage2DumpParser.Form.X_COLUMN) {
            src.note("x_column", f.s2XColumn() == Stage2DumpParser.XColumn.EXECUTE_NEVER
                    ? "X read as execute-never (as Linux 6.12..6.18 print it; --s2-x-column exec for trees that swapped it)"
                    : "X read as executable (--s2-x-column exec)");
        }
        if (r.ipaBits() > 0) {
            src.note("ipa_range", Integer.toString(r.ipaBits()));
            int bits = 0;
            for (int b : IPA_BITS) {
                if (b >= r.ipaBits()) {
                    bits = b;
                    break;
                }
            }
            if (bits == 0) {
                src.problem(src.spec().label() + ": ipa_range " + r.ipaBits() + ": the trace format holds IPA sizes of "
                        + "at most 48 bits");
                return;
            }
            sink.ipaBits(vm, bits);
            if (bits != r.ipaBits()) {
                src.inferred("ipa_bits", bits + ": ipa_range " + r.ipaBits() + " rounded up to a size the trace "
                        + "format holds (32, 36, 40, 42, 44, 48)");
            }
        }
        if (r.levels() > 0) {
            src.note("stage2_levels", Integer.toString(r.levels()));
        }
        src.note("memslots", Long.toString(r.memslots()));
        src.note("map_rows", Long.toString(r.mapRows()));
        src.note("mapped_bytes", Long.toString(r.mappedBytes()));
        if (r.afClearEntries() > 0) {
            src.note("af_clear_entries", r.afClearEntries() + " (not mapped: the replay takes a stage-2 fault on "
                    + "their first access, as the host takes an Access flag fault)");
        }
        if (r.noAccessEntries() > 0) {
            src.note("no_access_entries", r.noAccessEntries() + " (valid entries with neither R nor W: not mapped)");
        }
        if (r.singleElExec() > 0) {
            src.note("single_el_exec_entries", r.singleElExec() + " (executable at one EL only: mapped without x, "
                    + "the map table has one execute permission for stage 2)");
        }
        if (r.granuleInferred()) {
            src.inferred("granule", g + ": the largest granule whose page and block sizes fit every mapped range "
                    + "and level-3 range of the dump" + (r.levels() > 0 && r.ipaBits() > 0
                            ? " and that gives " + r.levels() + " levels at " + r.ipaBits() + " bits" : ""));
        }
        src.inferred("host_pa", String.format(Locale.ROOT, "allocated by import: the dump prints no host PAs; each "
                + "memslot gets a contiguous host range from 0x%x upward, in IPA order, congruent to its IPA modulo its "
                + "page size or 2M, whichever is larger", HostPaAllocator.BASE));
        src.inferred("memslots", r.memslots() + " RAM memslots, one per run of adjacent mapped ranges with the same "
                + "page size; the unmapped ranges between them (RAM not touched yet, emulated MMIO, or nothing: the "
                + "dump cannot tell) are not memslots, so accesses there replay as MMIO exits");
        src.inferred("time", "the dump has no time: its memslots and mappings are in place when the trace starts");
        if (r.granule() != Granule.K4) {
            src.inferred("s2_sizes", "the dump's " + g + " stage-2 granule is replayed with the engine's 4K one: its "
                    + "pages are written as 4K pages and its blocks as 2M blocks (same addresses, output addresses and "
                    + "permissions; TLB entries of the modelled sizes)");
            sink.message("stage2 " + src.spec().label() + ": a " + g + " stage-2 granule; the replay engine builds "
                    + "4K stage-2 tables, so its pages are written as 4K pages and its blocks as 2M blocks");
        }
    }

    /**
     * The size of the 4K-granule page or block that a recorded page or block of {@code size}
     * becomes: the engine builds 4K stage-2 tables only (4K pages, 2M and 1G blocks), so a 16K or 64K
     * page becomes 4K pages and a 32M or 512M block 2M blocks; 4K-granule sizes stay as they are.
     */
    static long modelled(long size) {
        if (size == 1L << 30) {
            return size;
        }
        return size >= 2L << 20 ? 2L << 20 : 4096;
    }
}
