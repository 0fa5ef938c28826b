package org.virtreplay.ingest.importer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.convert.CsvTableWriter;
import org.virtreplay.ingest.convert.ParquetTableWriter;
import org.virtreplay.ingest.convert.TableWriter;
import org.virtreplay.ingest.convert.TraceConverter;
import org.virtreplay.ingest.trace.Column;
import org.virtreplay.ingest.trace.Problems;
import org.virtreplay.ingest.trace.Row;
import org.virtreplay.ingest.trace.RowChecks;
import org.virtreplay.ingest.trace.TableKind;

/**
 * Collects the canonical tables of an import from every source and writes them as one trace.
 *
 * <ul>
 * <li><b>VMs</b> are declared by name ({@link #vm}); their ids follow the order of declaration.
 * Their vCPU count is the largest of what a source declared ({@link #declareVcpus}) and the
 * highest vCPU index any row uses plus one (then recorded as inferred); {@code ipa_bits} is what
 * a source gave ({@link #ipaBits}) or KVM's default of 40 bits, raised to cover every memslot.</li>
 * <li><b>PEs</b>: {@code pe_count} is what a source read ({@link #declarePes}) or the highest PE
 * any row uses plus one.</li>
 * <li><b>Time</b>: every timestamp column ({@code ts}, {@code *_ts}) gets its source's
 * {@code --offset}, then the earliest timestamp of all sources is subtracted, so the trace starts
 * at 0; {@link #AT_START} (a snapshot taken before the recording) becomes 0. Each time-ordered
 * table is sorted by time in bounded memory ({@link TableRuns}); rows with equal times keep the
 * order in which they were added.</li>
 * <li><b>Manifest</b>: {@code clock}, {@code pe_count}, {@code source.ts_epoch_ns} (the value
 * subtracted) and each source's provenance ({@link SourceSink}).</li>
 * </ul>
 *
 * <p>Rows must already be valid for their table: an out-of-range value is a bug of the importer
 * that produced it ({@link IllegalArgumentException}); user mistakes are reported by the importer
 * through {@link SourceSink#malformed}.
 */
public final class ImportSink {
    /** Timestamp of a snapshot taken before the recording (a page-table dump): written as 0. */
    public static final long AT_START = Long.MIN_VALUE;
    /** KVM/arm64's IPA size when the VMM does not ask for another (KVM_VM_TYPE_ARM_IPA_SIZE 0). */
    public static final int DEFAULT_IPA_BITS = 40;
    private static final int[] IPA_BITS = {32, 36, 40, 42, 44, 48};

    private final Path workDir;
    private final boolean lenient;
    private final Problems problems;
    private final Map<String, Long> offsets;
    private final int bufferRows;
    private final List<Vm> vms = new ArrayList<>();
    private final Map<String, Vm> vmByName = new HashMap<>();
    private final List<SourceSink> sources = new ArrayList<>();
    private final Map<TableKind, TableRuns> runs = new EnumMap<>(TableKind.class);
    private final List<Row> memslots = new ArrayList<>();
    private final Map<String, Integer> textIds = new HashMap<>();
    private final List<String> texts = new ArrayList<>();
    private final Map<String, String> globalInferred = new LinkedHashMap<>();
    private final List<String> messages = new ArrayList<>();
    private final long[] scratch = new long[65];
    private int declaredPes;
    private int maxPe = -1;
    private long minTs = Long.MAX_VALUE;
    private String clockOption;

    /** Per-VM declarations and what rows used. */
    private static final class Vm {
        final String name;
        final int id;
        int declaredVcpus;
        int maxVcpu = -1;
        int ipaBits;
        int vmid = -1;
        long ipaEnd;
        int nextSlot;
        long s1PoolIpa = -1;
        long s1PoolSize;

        Vm(String name, int id) {
            this.name = name;
            this.id = id;
        }
    }

    /**
     * @param workDir    directory for the sorted runs (beside the output, deleted by the caller)
     * @param lenient    skip malformed records with a count instead of failing
     * @param problems   where problems go (the import fails if any)
     * @param offsets    {@code --offset}: nanoseconds to add to each source's times, by source label
     * @param bufferRows rows per table held in memory before a sorted run is written
     */
    public ImportSink(Path workDir, boolean lenient, Problems problems, Map<String, Long> offsets, int bufferRows) {
        this.workDir = workDir;
        this.lenient = lenient;
        this.problems = problems;
        this.offsets = new HashMap<>(offsets);
        this.bufferRows = bufferRows;
    }

    boolean lenient() {
        return lenient;
    }

    Problems problems() {
        return problems;
    }

    /** Names the clock of the trace ({@code --clock}); otherwise the sources' own clock is used. */
    public void clockOption(String clock) {
        this.clockOption = clock;
    }

    /** Registers a source; its rows and provenance go through the returned view. */
    public SourceSink source(SourceSpec spec) {
        Long off = offsets.remove(spec.label());
        if (off == null) {
            off = offsets.remove(spec.file().getFileName().toString());
        }
        SourceSink s = new SourceSink(this, sources.size() + 1, spec, off == null ? 0 : off);
        sources.add(s);
        return s;
    }

    public List<SourceSink> sources() {
        return sources;
    }

    /** The {@code --offset} sources that named no source (checked after all sources registered). */
    public List<String> unusedOffsets() {
        return new ArrayList<>(offsets.keySet());
    }

    /** The id of VM {@code name}, declaring it if new (ids in order of declaration, from 0). */
    public int vm(String name) {
        Vm v = vmByName.get(name);
        if (v == null) {
            if (vms.size() == 65536) {
                throw new BadInputException("more than 65536 VMs");
            }
            v = new Vm(name, vms.size());
            vms.add(v);
            vmByName.put(name, v);
        }
        return v.id;
    }

    /** The id of VM {@code name}, or -1 if no source declared it. */
    public int vmIfDeclared(String name) {
        Vm v = vmByName.get(name);
        return v == null ? -1 : v.id;
    }

    public String vmName(int id) {
        return vms.get(id).name;
    }

    public int vmCount() {
        return vms.size();
    }

    /** A source read that {@code vm} has (at least) {@code n} vCPUs. */
    public void declareVcpus(int vm, int n) {
        Vm v = vms.get(vm);
        v.declaredVcpus = Math.max(v.declaredVcpus, n);
    }

    /** A source read the VM's IPA size (one of 32, 36, 40, 42, 44, 48). */
    public void ipaBits(int vm, int bits) {
        vms.get(vm).ipaBits = bits;
    }

    /** A source read the VM's VMID. */
    public void vmid(int vm, int vmid) {
        vms.get(vm).vmid = vmid;
    }

    /** A source read the host's number of PEs. */
    public void declarePes(int n) {
        declaredPes = Math.max(declaredPes, n);
    }

    /**
     * The guest IPA range from which the replay allocates the stage-1 tables of {@code vm}'s
     * {@code map} rows (manifest {@code vm.N.s1_table_pool}).
     */
    public void s1TablePool(int vm, long ipa, long size) {
        Vm v = vms.get(vm);
        v.s1PoolIpa = ipa;
        v.s1PoolSize = size;
    }

    /**
     * The vCPU count {@code vm} has so far: the largest a source declared or a row used (after all
     * sources have been read, what the {@code vms} table gets).
     */
    public int vcpuCount(int vm) {
        return vcpus(vms.get(vm));
    }

    /** The next free memslot number of {@code vm} (memslot rows need one). */
    public int nextSlot(int vm) {
        return vms.get(vm).nextSlot++;
    }

    /** Something inferred for the whole trace (not one source): {@code source.inferred.KEY}. */
    public void inferred(String key, String what) {
        globalInferred.put(key, what);
    }

    /** A line {@code import} prints (e.g. the thread-to-VM mapping an importer chose). */
    public void message(String line) {
        messages.add(line);
    }

    public List<String> messages() {
        return messages;
    }

    /** A reusable row for {@code kind} (fill it, then {@link SourceSink#add}). */
    public Row newRow(TableKind kind) {
        return new Row(kind);
    }

    /** Rows added to {@code kind} so far. */
    public long rows(TableKind kind) {
        if (kind == TableKind.MEMSLOTS) {
            return memslots.size();
        }
        TableRuns r = runs.get(kind);
        return r == null ? 0 : r.rows();
    }

    /** Per table, the column facts {@link #add} needs on every row (looked up once). */
    private static final class Shape {
        final Column[] cols;
        final boolean[] time;
        final boolean[] text;
        final int cVm;
        final int cVcpu;
        final int cPe;

        Shape(TableKind kind) {
            cols = kind.columns().toArray(new Column[0]);
            time = new boolean[cols.length];
            text = new boolean[cols.length];
            for (int c = 0; c < cols.length; c++) {
                time[c] = isTime(cols[c]);
                text[c] = cols[c].type() == Column.Type.TEXT;
            }
            cVm = kind.indexOf("vm");
            cVcpu = kind.indexOf("vcpu");
            cPe = kind.indexOf("pe");
        }
    }

    private final Shape[] shapes = new Shape[TableKind.values().length];

    /** Adds a row of {@code src}; see the class comment for what is checked and done. */
    void add(SourceSink src, Row row) {
        add(src, row, -1);
    }

    /**
     * Adds a row whose {@code vm} (and {@code vcpu}) the source's {@link RowResolver} fills in
     * from {@code key} when the trace is written; their values in {@code row} are ignored.
     */
    void add(SourceSink src, Row row, int deferredKey) {
        TableKind kind = row.kind();
        if (kind == TableKind.VMS) {
            throw new IllegalArgumentException("vms rows come from ImportSink.vm declarations");
        }
        Shape sh = shapes[kind.ordinal()];
        if (sh == null) {
            sh = shapes[kind.ordinal()] = new Shape(kind);
        }
        Column[] cols = sh.cols;
        long mask = 0;
        for (int c = 0; c < cols.length; c++) {
            if (row.isNull(c)) {
                if (!cols[c].optional()) {
                    throw new IllegalArgumentException(kind.tableName() + "." + cols[c].name() + " is required: " + row);
                }
                mask |= 1L << c;
                scratch[c] = 0;
                continue;
            }
            long v;
            if (sh.text[c]) {
                v = textId(row.text(c));
            } else {
                v = row.get(c);
                if (sh.time[c]) {
                    if (v != AT_START) {
                        v += src.offsetNs();
                        if (v < minTs) {
                            minTs = v;
                        }
                    }
                } else if (!cols[c].inRange(v)) {
                    throw new IllegalArgumentException(kind.tableName() + "." + cols[c].name() + " out of range: " + row);
                }
            }
            scratch[c] = v;
        }
        if (deferredKey < 0 && sh.cVm >= 0 && (mask & (1L << sh.cVm)) == 0 && scratch[sh.cVm] >= vms.size()) {
            throw new IllegalArgumentException("vm " + scratch[sh.cVm] + " was not declared: " + row);
        }
        if (kind == TableKind.MEMSLOTS) {
            Vm v = vms.get((int) scratch[0]);
            v.ipaEnd = Math.max(v.ipaEnd, scratch[2] + scratch[3]);
            memslots.add(row.copy());
            return;
        }
        // the hidden last column: which source's resolver completes the row, and its key
        scratch[cols.length] = deferredKey < 0 ? 0 : ((long) src.index() << 32) | (deferredKey + 1L);
        TableRuns r = runs.get(kind);
        if (r == null) {
            r = new TableRuns(cols.length + 1, bufferRows, workDir, kind.tableName());
            runs.put(kind, r);
        }
        r.add(scratch, 0, mask);
    }

    private static boolean isTime(Column c) {
        return c.name().equals("ts") || c.name().endsWith("_ts");
    }

    private long textId(String s) {
        Integer id = textIds.get(s);
        if (id == null) {
            id = texts.size();
            texts.add(s);
            textIds.put(s, id);
        }
        return id;
    }

    /** An event at {@code ts} (offset applied) that may have made no row. */
    void event(long ts) {
        if (ts < minTs) {
            minTs = ts;
        }
    }

    /** The earliest timestamp of all sources (after offsets), or 0 if there is none. */
    public long epochNs() {
        return minTs == Long.MAX_VALUE ? 0 : minTs;
    }

    /**
     * Writes the trace into {@code dir} (which exists and is empty) in the given form. Returns the
     * rows written per table. The time-ordered tables go first: completing deferred rows there
     * decides which VMs, vCPUs and PEs the rows use, which {@code vms} and the manifest then say.
     * Every row is checked against the trace-format rules before it is written; a row that breaks
     * them is a bug of the importer that made it ({@link IllegalStateException}).
     */
    public Map<TableKind, Long> write(Path dir, TraceConverter.Form form) throws IOException {
        Map<TableKind, Long> counts = new EnumMap<>(TableKind.class);
        String ext = form == TraceConverter.Form.PARQUET ? ".parquet" : ".csv";
        long epoch = epochNs();
        Problems bugs = new Problems(20);
        int[] vcpusOf = new int[65536];
        int[] ipaBitsOf = new int[65536];
        for (Vm v : vms) {
            vcpusOf[v.id] = 512; // the final counts cover every row by construction
            ipaBitsOf[v.id] = 48;
        }
        for (TableKind kind : TableKind.values()) {
            TableRuns tr = runs.get(kind);
            if (tr == null || tr.rows() == 0) {
                continue;
            }
            Shape sh = shapes[kind.ordinal()];
            int n = sh.cols.length;
            Row r = new Row(kind);
            RowChecks checks = new RowChecks(kind, kind.tableName() + ext, bugs, vcpusOf, ipaBitsOf, 4096);
            Path file = dir.resolve(kind.tableName() + ext);
            long written;
            try (TableWriter w = writer(kind, file, form)) {
                tr.drain((values, off, mask) -> {
                    long tag = values[off + n];
                    if (tag != 0) {
                        RowResolver res = sources.get((int) (tag >>> 32) - 1).resolver();
                        if (!res.resolve(kind, (int) (tag & 0xffffffffL) - 1, values, off)) {
                            return;
                        }
                    }
                    for (int c = 0; c < n; c++) {
                        if ((mask & (1L << c)) != 0) {
                            r.setNull(c);
                        } else if (sh.text[c]) {
                            r.setText(c, texts.get((int) values[off + c]));
                        } else if (sh.time[c]) {
                            long v = values[off + c];
                            r.set(c, v == AT_START ? 0 : v - epoch);
                        } else {
                            r.set(c, values[off + c]);
                        }
                    }
                    note(sh, r);
                    if (!checks.check(r)) {
                        throw new IllegalStateException("import would write an invalid row (a bug): "
                                + String.join("; ", bugs.lines()) + ": " + r);
                    }
                    w.write(r);
                });
                written = w.rows();
            }
            if (written == 0) {
                Files.delete(file); // every row was dropped
            } else {
                counts.put(kind, written);
            }
        }
        writeManifest(dir.resolve("manifest.csv"));
        try (TableWriter w = writer(TableKind.VMS, dir.resolve("vms" + ext), form)) {
            Row r = new Row(TableKind.VMS);
            for (Vm v : vms) {
                r.set(0, v.id);
                r.setText(1, v.name);
                r.set(2, vcpus(v));
                r.set(3, ipaBits(v));
                if (v.vmid >= 0) {
                    r.set(4, v.vmid);
                } else {
                    r.setNull(4);
                }
                w.write(r);
            }
            counts.put(TableKind.VMS, w.rows());
        }
        if (!memslots.isEmpty()) {
            try (TableWriter w = writer(TableKind.MEMSLOTS, dir.resolve("memslots" + ext), form)) {
                for (Row r : memslots) {
                    w.write(r);
                }
                counts.put(TableKind.MEMSLOTS, w.rows());
            }
        }
        return counts;
    }

    /** What a written row tells about its VM: the vCPUs, PEs and IPAs it uses. */
    private void note(Shape sh, Row r) {
        if (sh.cVm >= 0 && !r.isNull(sh.cVm)) {
            int vm = r.getInt(sh.cVm);
            if (vm >= vms.size()) {
                throw new IllegalStateException("vm " + vm + " was not declared: " + r);
            }
            Vm v = vms.get(vm);
            if (sh.cVcpu >= 0 && r.getInt(sh.cVcpu) > v.maxVcpu) {
                v.maxVcpu = r.getInt(sh.cVcpu);
            }
            if (r.kind() == TableKind.MAP && r.get(2) == 2) {
                v.ipaEnd = Math.max(v.ipaEnd, r.get(5) + r.get(7));
            }
        }
        if (sh.cPe >= 0 && r.getInt(sh.cPe) > maxPe) {
            maxPe = r.getInt(sh.cPe);
        }
    }

    private static TableWriter writer(TableKind kind, Path file, TraceConverter.Form form) throws IOException {
        return form == TraceConverter.Form.PARQUET ? new ParquetTableWriter(kind, file) : new CsvTableWriter(kind, file);
    }

    private int vcpus(Vm v) {
        int n = Math.max(v.declaredVcpus, v.maxVcpu + 1);
        return Math.max(1, n);
    }

    private int ipaBits(Vm v) {
        if (v.ipaBits > 0) {
            return v.ipaBits;
        }
        for (int b : IPA_BITS) {
            if (b >= DEFAULT_IPA_BITS && (b == 48 || Long.compareUnsigned(v.ipaEnd, 1L << b) <= 0)) {
                return b;
            }
        }
        return 48;
    }

    /** The trace clock: --clock, else the sources' common clock, else {@code none} (no timed rows). */
    String clock() {
        if (clockOption != null) {
            return clockOption;
        }
        String c = null;
        StringBuilder all = new StringBuilder();
        for (SourceSink s : sources) {
            if (s.clock() == null) {
                continue;
            }
            all.append(all.length() == 0 ? "" : ", ").append(s.spec().label()).append(": ").append(s.clock());
            if (c == null) {
                c = s.clock();
            } else if (!c.equals(s.clock())) {
                throw new BadInputException("the sources were recorded with different clocks (" + all
                        + "...): align them with --offset SOURCE=NS and name the result with --clock");
            }
        }
        return c == null ? "none" : c;
    }

    /** The manifest key/value pairs, in the order written. */
    public Map<String, String> manifest() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format_version", "1");
        m.put("time_unit", "ns");
        m.put("clock", clock());
        int pes = Math.max(declaredPes, maxPe + 1);
        m.put("pe_count", Integer.toString(Math.max(1, pes)));
        m.put("source.tool", "virtreplay import");
        m.put("source.ts_epoch_ns", Long.toString(epochNs()));
        Map<String, String> inf = new LinkedHashMap<>(globalInferred);
        if (declaredPes == 0) {
            inf.put("pe_count", maxPe < 0 ? "1: no source names a PE" : (maxPe + 1) + ": the highest PE a record names ("
                    + maxPe + ") plus one; the host may have more");
        }
        for (Vm v : vms) {
            if (v.maxVcpu + 1 > v.declaredVcpus) {
                inf.put("vm." + v.id + ".vcpus", vcpus(v) + ": the highest vCPU index the records of vm " + v.id
                        + " ('" + v.name + "') name, plus one");
            }
            if (v.ipaBits == 0) {
                inf.put("vm." + v.id + ".ipa_bits", ipaBits(v) + ": KVM's default IPA size (40 bits)"
                        + (ipaBits(v) > 40 ? ", raised to cover the highest IPA of the memslots and stage-2 maps" : "")
                        + "; no source gave it");
            }
        }
        for (Vm v : vms) {
            if (v.s1PoolIpa >= 0) {
                m.put("vm." + v.id + ".s1_table_pool", String.format(java.util.Locale.ROOT, "0x%x,%d", v.s1PoolIpa,
                        v.s1PoolSize));
            }
        }
        for (Map.Entry<String, String> e : inf.entrySet()) {
            m.put("source.inferred." + SourceSink.key(e.getKey()), e.getValue());
        }
        for (SourceSink s : sources) {
            m.putAll(s.manifestEntries());
        }
        return m;
    }

    private void writeManifest(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            p.printRecord("key", "value");
            for (Map.Entry<String, String> e : manifest().entrySet()) {
                p.printRecord(e.getKey(), e.getValue());
            }
        }
    }

    /** What {@code import} prints: the messages of the importers, then each source's provenance. */
    public List<String> report() {
        List<String> out = new ArrayList<>(messages);
        for (SourceSink s : sources) {
            out.addAll(s.report());
        }
        return out;
    }
}
