package org.virtreplay.ingest.importer.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.FormatOptions;
import org.virtreplay.ingest.importer.GuestLayouts;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.PageTableDumpImporter;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.importer.stage2.Stage2Geometry;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * {@code --guest-tables VM=FILE}: a guest's {@code kernel_page_tables} dump gives stage-1
 * {@code map} rows for its linear map ({@link KernelPageTables}), in place at the start of the
 * trace, and the guest's translation registers for them ({@link GuestLayouts}).
 *
 * <p><b>Where the tables live.</b> The replay builds the mappings as descriptors in guest memory:
 * a root table at an IPA and the tables below it from the VM's stage-1 table pool (manifest
 * {@code vm.N.s1_table_pool}), both in RAM memslots. When no stage-2 dump gave the VM memslots, the
 * linear map says where the guest's RAM is: each run of IPAs it maps without a hole becomes a RAM
 * memslot (host PA and backing chosen by the replay), and the root and pool go at the start of the
 * first run. With a stage-2 dump, they go at the start of its largest memslot. The tables are the
 * model's, not the guest's own (the dump does not say where those are); their pages hold nothing
 * the replay reads as data.
 */
public final class GuestTablesImporter extends PageTableDumpImporter {

    public GuestTablesImporter(List<SourceSpec> specs, FormatOptions formats, boolean lenient, int maxErrors,
            GuestLayouts layouts) {
        super(specs, formats, lenient, maxErrors, layouts);
    }

    @Override
    protected void readOne(ImportSink sink, SourceSpec spec) {
        SourceSink src = sink.source(spec);
        int vm = sink.vm(spec.vm());
        Long given = formats.guestRamBase().get(spec.vm());
        KernelPageTables.Options o = new KernelPageTables.Options(null, given == null ? -1 : given, lenient, maxErrors);
        TableKind mk = TableKind.MAP;
        Row map = sink.newRow(mk);
        int opMap = mk.column(mk.indexOf("op")).symbols().indexOf("map");
        List<GuestLayouts.Ram> stage2Ram = new ArrayList<>(layouts.ram(vm));
        List<long[]> runs = new ArrayList<>();
        long[] root = {-1};
        String[] rootWhy = {null};
        KernelPageTables.Out out = new KernelPageTables.Out() {
            @Override
            public void start(KernelPageTables.Plan plan) {
                long g = plan.granule().bytes;
                // the tables the mappings need, and a margin of 16 pages, whole 64K
                long pool = ((plan.tablePages() + 16) * g + 0xFFFF) & ~0xFFFFL;
                if (stage2Ram.isEmpty()) {
                    if (plan.firstRunBytes() < pool) {
                        throw new BadInputException(spec.label() + ": the linear map's first run of RAM ("
                                + plan.firstRunBytes() + " bytes from IPA 0x" + Long.toHexString(plan.ramBase())
                                + ") cannot hold the " + pool + " bytes of stage-1 tables the replay builds");
                    }
                    root[0] = plan.ramBase();
                    rootWhy[0] = "the start of the guest's RAM, the linear map's first mapped IPA";
                } else {
                    GuestLayouts.Ram best = null;
                    for (GuestLayouts.Ram r : stage2Ram) {
                        if (best == null || r.size() > best.size()) {
                            best = r;
                        }
                    }
                    if (best.size() < pool) {
                        throw new BadInputException(spec.label() + ": no memslot of vm '" + spec.vm() + "' (from "
                                + best.source() + ") can hold the " + pool + " bytes of stage-1 tables the replay "
                                + "builds; the largest has " + best.size());
                    }
                    root[0] = best.ipa();
                    rootWhy[0] = "the start of the largest memslot of " + best.source();
                }
                sink.s1TablePool(vm, root[0] + g, pool - g);
            }

            @Override
            public void map(long va, long ipa, long size, String perm, String memtype, boolean notGlobal, long line) {
                // ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op
                map.set(0, ImportSink.AT_START);
                map.set(1, vm);
                map.set(2, 1);
                map.set(3, root[0]);
                map.setNull(4);
                map.set(5, va);
                map.set(6, ipa);
                map.set(7, size);
                map.setText(8, perm);
                map.set(9, mk.column(9).symbols().indexOf(memtype));
                map.set(10, notGlobal ? 1 : 0);
                map.set(11, opMap);
                src.add(map);
                long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (last != null && last[1] == ipa) {
                    last[1] = ipa + size;
                } else {
                    runs.add(new long[] {ipa, ipa + size});
                }
            }
        };
        KernelPageTables.Result r;
        try {
            r = KernelPageTables.read(spec.file(), spec.label(), o, out);
        } catch (BadInputException e) {
            refused(src, e);
            return;
        }
        if (r.mapRows() > 0 && stage2Ram.isEmpty()) {
            TableKind ms = TableKind.MEMSLOTS;
            Row slot = sink.newRow(ms);
            int ram = ms.column(ms.indexOf("kind")).symbols().indexOf("ram");
            for (long[] run : runs) {
                slot.set(0, vm);
                slot.set(1, sink.nextSlot(vm));
                slot.set(2, run[0]);
                slot.set(3, run[1] - run[0]);
                slot.set(4, ram);
                slot.setNull(5);
                slot.setNull(6);
                src.add(slot);
                layouts.ram(vm, run[0], run[1] - run[0], spec.label());
            }
            src.inferred("memslots", runs.size() + (runs.size() == 1 ? " RAM memslot" : " RAM memslots") + ": the IPA runs the linear map covers (Linux maps "
                    + "all of the guest's RAM there); host PAs and backing left to the replay");
        }
        if (r.mapRows() > 0) {
            layouts.kernelTables(vm, root[0], r.vaBits(), r.granule(), spec.label());
            src.inferred("tables", String.format(Locale.ROOT, "the replay builds the stage-1 tables with root at IPA "
                    + "0x%x (%s) and the others in vm.%d.s1_table_pool; the guest's own tables are elsewhere "
                    + "(the dump does not say where)", root[0], rootWhy[0], vm));
        }
        provenance(src, r);
    }

    private static void provenance(SourceSink src, KernelPageTables.Result r) {
        long skipped = counts(src, r.lines(), r.ranges(), r.skipped());
        src.used("valid_range", r.validRanges());
        src.used("unmapped_range", r.ranges() - r.validRanges() - skipped);
        src.note("granule", Stage2Geometry.name(r.granule()));
        if (r.vaBits() > 0) {
            src.note("va_bits", Integer.toString(r.vaBits()));
        }
        src.note("map_rows", Long.toString(r.mapRows()));
        src.note("contiguous_entries", r.contiguousLeaves() + " (CON: written as single entries; the map table has "
                + "no contiguous hint)");
        src.note("ng_entries", Long.toString(r.notGlobalLeaves()));
        for (Map.Entry<String, Long> e : r.notMapped().entrySet()) {
            src.note("not_mapped." + e.getKey(), e.getValue() + " entries");
        }
        if (r.granuleInferred()) {
            src.inferred("granule", Stage2Geometry.name(r.granule()) + ": the largest granule whose page and block "
                    + "sizes fit every PTE range and valid block of the dump");
        }
        if (r.firstMapped() != 0) {
            src.inferred("output_addresses", String.format(Locale.ROOT, "the dump prints no output addresses: the "
                    + "linear map's VA 0x%x is taken to map IPA 0x%x%s, the rest at the same offset", r.firstMapped(),
                    r.ramBase(), r.ramBaseAssumed() ? " (QEMU virt's RAM base; give the guest's with --guest-ram-base "
                            + src.spec().vm() + "=0xIPA)" : " (--guest-ram-base)"));
        }
        src.inferred("time", "the dump has no time: its mappings are in place when the trace starts");
    }
}
