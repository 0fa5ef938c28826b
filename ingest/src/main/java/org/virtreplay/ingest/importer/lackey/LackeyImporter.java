package org.virtreplay.ingest.importer.lackey;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.mmu.Granule;
import org.virtreplay.engine.stats.LongSet;
import org.virtreplay.ingest.importer.GuestLayouts;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.SourceImporter;
import org.virtreplay.ingest.importer.SourceSink;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.lackey.LackeyBatch;
import org.virtreplay.ingest.lackey.LackeyParser;
import org.virtreplay.ingest.lackey.LackeyReader;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.TableKind;

/**
 * {@code --lackey VM:VCPU=FILE}: a Valgrind lackey log (the existing {@link LackeyParser}) as the
 * access stream of one vCPU, at EL0, with the first-touch layout {@code virtreplay tlb} gives lackey
 * traces (docs/fidelity.md, "lackey VM"), written as canonical rows:
 *
 * <ul>
 * <li>each log is one process with its own stage-1 tables (TTBR0_EL1, ASID 1, 2, ... in the order
 *     of the logs of that VM), 4K pages "rwxu", Normal Write-Back, nG;</li>
 * <li>a VA page is mapped (a {@code map} row) just before the first access that touches it, to the
 *     next free IPA page from 4 GiB, in first-touch order; addresses at or above 2^48 (outside
 *     TTBR0_EL1's range) are not mapped and take a Translation fault;</li>
 * <li>two RAM memslots: the data pages from 4 GiB, and the stage-1 tables at 1 GiB (the roots, then
 *     the table pool of manifest {@code vm.N.s1_table_pool}, sized from the tables the mappings
 *     need); host PAs and backing are left to the replay;</li>
 * <li>time: lackey has none; access i of a log is at i ns.</li>
 * </ul>
 */
public final class LackeyImporter implements SourceImporter {
    /** IPA of the first stage-1 root; the table pool follows the roots. */
    public static final long TABLE_IPA_BASE = 0x4000_0000L;
    /** IPA of the first data page. */
    public static final long DATA_IPA_BASE = 0x1_0000_0000L;
    private static final long PAGE = 4096;
    private static final long MB2 = 2L << 20;

    private final List<SourceSpec> specs;
    private final int maxErrors;
    private final boolean lenient;
    private final GuestLayouts layouts;

    public LackeyImporter(List<SourceSpec> specs, boolean lenient, int maxErrors, GuestLayouts layouts) {
        this.specs = List.copyOf(specs);
        this.lenient = lenient;
        this.maxErrors = maxErrors;
        this.layouts = layouts;
    }

    @Override
    public void read(ImportSink sink) throws IOException {
        Map<String, List<SourceSpec>> byVm = new LinkedHashMap<>();
        for (SourceSpec s : specs) {
            byVm.computeIfAbsent(s.vm(), k -> new ArrayList<>()).add(s);
        }
        for (Map.Entry<String, List<SourceSpec>> e : byVm.entrySet()) {
            readVm(sink, e.getKey(), e.getValue());
        }
    }

    /** The lackey logs of one VM: one address space each, one IPA space for all. */
    private void readVm(ImportSink sink, String vmName, List<SourceSpec> logs) throws IOException {
        int vm = sink.vm(vmName);
        List<SourceSink> srcs = new ArrayList<>();
        for (SourceSpec s : logs) {
            srcs.add(sink.source(s));
        }
        for (int i = 0; i < logs.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (logs.get(i).vcpu() == logs.get(j).vcpu()) {
                    srcs.get(i).problem(logs.get(i).label() + ": vCPU " + vmName + ":" + logs.get(i).vcpu()
                            + " already runs " + logs.get(j).label() + "; give each lackey log a vCPU of its own");
                    return;
                }
            }
        }
        if (!layouts.ram(vm).isEmpty()) {
            srcs.get(0).problem(logs.get(0).label() + ": vm '" + vmName + "' already has memslots from "
                    + layouts.ram(vm).get(0).source() + "; a lackey log needs a VM of its own (its layout is "
                    + "made up on first touch)");
            return;
        }
        long[] nextIpa = {DATA_IPA_BASE};
        long tables = 0;
        for (int i = 0; i < logs.size(); i++) {
            SourceSpec spec = logs.get(i);
            SourceSink src = srcs.get(i);
            int asid = i + 1;
            long root = TABLE_IPA_BASE + i * PAGE;
            tables += readLog(sink, vm, spec, src, asid, root, nextIpa);
            layouts.processTables(vm, spec.vcpu(), root, asid, Granule.K4);
        }
        // Tables: the roots, then a pool with room for every table the mappings need, and a margin.
        long pool = ((tables + 16) * PAGE + 0xFFFF) & ~0xFFFFL;
        long poolBase = TABLE_IPA_BASE + logs.size() * PAGE;
        sink.s1TablePool(vm, poolBase, pool);
        long tableBytes = roundUp(poolBase + pool - TABLE_IPA_BASE, MB2);
        long dataBytes = Math.max(MB2, roundUp(nextIpa[0] - DATA_IPA_BASE, MB2));
        memslot(sink, srcs.get(0), vm, TABLE_IPA_BASE, tableBytes);
        memslot(sink, srcs.get(0), vm, DATA_IPA_BASE, dataBytes);
        srcs.get(0).inferred("memslots", String.format(Locale.ROOT, "2 RAM memslots: stage-1 tables at IPA 0x%x "
                + "(%d bytes), data pages at IPA 0x%x (%d bytes, the %d pages first touched); host PAs and backing "
                + "left to the replay", TABLE_IPA_BASE, tableBytes, DATA_IPA_BASE, dataBytes,
                (nextIpa[0] - DATA_IPA_BASE) / PAGE));
    }

    private void memslot(ImportSink sink, SourceSink src, int vm, long ipa, long size) {
        TableKind ms = TableKind.MEMSLOTS;
        Row slot = sink.newRow(ms);
        slot.set(0, vm);
        slot.set(1, sink.nextSlot(vm));
        slot.set(2, ipa);
        slot.set(3, size);
        slot.set(4, ms.column(ms.indexOf("kind")).symbols().indexOf("ram"));
        slot.setNull(5);
        slot.setNull(6);
        src.add(slot);
        layouts.ram(vm, ipa, size, src.spec().label());
    }

    private static long roundUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** Reads one log; returns the number of stage-1 tables below the root its mappings need. */
    private long readLog(ImportSink sink, int vm, SourceSpec spec, SourceSink src, int asid, long root,
            long[] nextIpa) throws IOException {
        TableKind mk = TableKind.MEM;
        TableKind pk = TableKind.MAP;
        Row mem = sink.newRow(mk);
        Row map = sink.newRow(pk);
        int[] access = new int[4];
        access[LackeyParser.LOAD] = mk.column(4).symbols().indexOf("r");
        access[LackeyParser.STORE] = mk.column(4).symbols().indexOf("w");
        access[LackeyParser.MODIFY] = mk.column(4).symbols().indexOf("rw");
        access[LackeyParser.FETCH] = mk.column(4).symbols().indexOf("x");
        int normalWb = pk.column(9).symbols().indexOf("normal_wb");
        int opMap = pk.column(11).symbols().indexOf("map");
        LongSet pages = new LongSet(1 << 10);
        // tables below the root of a 4K, 48-bit regime: one per 512G, 1G and 2M region touched
        LongSet l1 = new LongSet(1 << 10);
        LongSet l2 = new LongSet(1 << 10);
        LongSet l3 = new LongSet(1 << 10);
        long[] ts = {0};
        long[] kinds = new long[4];
        long[] outside = {0};
        long[] clamped = {0};
        int vcpu = spec.vcpu();
        LackeyReader.Result res;
        try {
            res = LackeyReader.read(spec.file(), spec.label(), maxErrors, lenient, (LackeyBatch b) -> {
                for (int i = 0; i < b.count; i++) {
                    long va = b.addr[i];
                    int size = b.size[i];
                    if (size > 4096) {
                        size = 4096;
                        clamped[0]++;
                    }
                    long t = ts[0]++;
                    long last = (va + size - 1) >>> 12;
                    for (long page = va >>> 12; page <= last && page >= 0; page++) {
                        if ((page >>> 36) != 0) {
                            outside[0]++;
                            break;
                        }
                        if (!pages.add(page)) {
                            continue;
                        }
                        l1.add(page >>> 27);
                        l2.add(page >>> 18);
                        l3.add(page >>> 9);
                        // ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op
                        map.set(0, t);
                        map.set(1, vm);
                        map.set(2, 1);
                        map.set(3, root);
                        map.set(4, asid);
                        map.set(5, page << 12);
                        map.set(6, nextIpa[0]);
                        map.set(7, PAGE);
                        map.setText(8, "rwxu");
                        map.set(9, normalWb);
                        map.set(10, 1);
                        map.set(11, opMap);
                        src.add(map);
                        nextIpa[0] += PAGE;
                    }
                    kinds[b.kind[i]]++;
                    // ts,vm,vcpu,el,access,va,size
                    mem.set(0, t);
                    mem.set(1, vm);
                    mem.set(2, vcpu);
                    mem.set(3, 0);
                    mem.set(4, access[b.kind[i]]);
                    mem.set(5, va);
                    mem.set(6, size);
                    src.add(mem);
                }
            });
        } catch (BadInputException e) {
            for (String p : e.problems()) {
                src.problem(p);
            }
            return 0;
        }
        src.lines(res.lines());
        src.records(res.records() + res.skipped());
        src.used("load", kinds[LackeyParser.LOAD]);
        src.used("store", kinds[LackeyParser.STORE]);
        src.used("modify", kinds[LackeyParser.MODIFY]);
        src.used("instruction_fetch", kinds[LackeyParser.FETCH]);
        src.skipped("malformed_line", res.skipped());
        src.note("pages", Integer.toString(pages.size()));
        src.note("asid", Integer.toString(asid));
        if (outside[0] > 0) {
            src.note("accesses_above_2_48", outside[0] + " (outside TTBR0_EL1's 48-bit range: not mapped, they fault)");
        }
        if (clamped[0] > 0) {
            src.note("sizes_clamped", clamped[0] + " accesses larger than 4096 bytes, written as 4096");
        }
        src.inferred("time", "lackey has no time: access i of the log is at i ns");
        src.inferred("layout", String.format(Locale.ROOT, "first touch, as virtreplay tlb: each VA page mapped "
                + "(rwxu, Normal WB, nG, ASID %d, stage-1 root IPA 0x%x) just before its first access, to the next "
                + "free IPA page from 0x%x; EL0", asid, root, DATA_IPA_BASE));
        return l1.size() + l2.size() + l3.size();
    }
}
