package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.virtreplay.engine.UserText;

/**
 * A canonical trace directory, opened for reading: the manifest, the {@code vms} and
 * {@code memslots} tables (small, validated and held whole at open) and validating cursors over the
 * other tables, whatever their form (CSV plain or compressed, or Parquet).
 *
 * <pre>
 * Trace t = Trace.open(dir);                 // BadInputException if manifest/vms/memslots are bad
 * try (MemCursor m = t.mem()) { while (m.next()) { ... m.va() ... } }
 * try (RecordReader&lt;IrqRecord&gt; r = t.irqs()) { for (IrqRecord e; (e = r.next()) != null; ) { ... } }
 * </pre>
 */
public final class Trace {
    /** Default error limit of a trace opened without an explicit {@link Problems}. */
    public static final int DEFAULT_MAX_ERRORS = 20;

    private final Path dir;
    private final Map<TableKind, Path> files;
    private final Problems problems;
    private final boolean ownProblems;
    private final Manifest manifest;
    private final int[] vcpusOf = new int[65536];
    private final int[] ipaBitsOf = new int[65536];
    private final List<Row> vmRows = new ArrayList<>();
    private final List<Row> memslotRows = new ArrayList<>();
    /** The line (CSV) or row (Parquet) of each row of {@link #vmRows} and {@link #memslotRows}. */
    private final List<Long> vmPositions = new ArrayList<>();
    private final List<Long> memslotPositions = new ArrayList<>();

    private Trace(Path dir, Map<TableKind, Path> files, Problems problems, boolean ownProblems, Manifest manifest) {
        this.dir = dir;
        this.files = files;
        this.problems = problems;
        this.ownProblems = ownProblems;
        this.manifest = manifest;
    }

    /** Opens {@code dir}; throws {@link org.virtreplay.engine.BadInputException} if its header tables are bad. */
    public static Trace open(Path dir) {
        Problems p = new Problems(DEFAULT_MAX_ERRORS);
        Trace t = open(dir, p, true);
        p.throwIfAny();
        return t;
    }

    /**
     * Opens {@code dir}, reporting problems to {@code problems} (which throws only at its limit):
     * the caller goes on validating the other tables and calls {@link Problems#throwIfAny()}.
     * Cursors of such a trace do not throw at the end of a table.
     */
    public static Trace open(Path dir, Problems problems) {
        return open(dir, problems, false);
    }

    private static Trace open(Path dir, Problems problems, boolean own) {
        Map<TableKind, Path> files = scan(dir, problems);
        // a path that is no directory is one problem, not also a missing manifest inside it
        Manifest m = Files.isDirectory(dir) ? ManifestReader.read(dir.resolve("manifest.csv"), problems) : null;
        Trace t = new Trace(dir, files, problems, own, m);
        if (!files.containsKey(TableKind.VMS) && Files.isDirectory(dir)) {
            problems.add(dir.resolve("vms.csv") + ": missing (a trace declares its VMs in a vms table)");
        }
        t.loadSmall(TableKind.VMS, t.vmRows, t.vmPositions);
        t.loadSmall(TableKind.MEMSLOTS, t.memslotRows, t.memslotPositions);
        if (m != null) {
            t.checkS1Pools(dir.resolve("manifest.csv").toString());
        }
        return t;
    }

    private void loadSmall(TableKind kind, List<Row> into, List<Long> positions) {
        try (TableCursor c = newCursor(kind, false)) {
            while (c.next()) {
                into.add(c.row().copy());
                positions.add(c.position());
            }
        }
    }

    /**
     * Each {@code vm.N.s1_table_pool} names a declared VM and an IPA range of its RAM: the engine
     * writes the stage-1 tables there (through stage 2), so a range outside the VM's RAM could not
     * hold them, and a pool of a VM the trace does not declare would be ignored without a word.
     */
    private void checkS1Pools(String file) {
        for (String key : manifest.entries().keySet()) {
            if (!key.startsWith("vm.") || !key.endsWith(".s1_table_pool")) {
                continue;
            }
            int vm = Integer.parseInt(key.substring(3, key.length() - ".s1_table_pool".length()));
            String at = file + ":" + manifest.line(key) + ": key '" + key + "': ";
            long[] p = manifest.pool(key);
            if (vm > 65535 || vcpusOf[vm] == 0) {
                problems.add(at + "expected the pool of a vm declared in the vms table" + RowValidator.declared(vcpusOf) + ", got vm "
                        + vm);
            } else if (!inRam(vm, p[0], p[0] + p[1])) {
                problems.add(at + "expected an IPA range inside the ram memslots of vm " + vm + ", got '"
                        + manifest.get(key) + "'");
            }
        }
    }

    /** Whether {@code [from, to)} is covered by RAM memslots of {@code vm}. */
    private boolean inRam(int vm, long from, long to) {
        long a = from;
        while (Long.compareUnsigned(a, to) < 0) {
            boolean covered = false;
            for (Row r : memslotRows) {
                MemslotRecord m = MemslotRecord.of(r);
                if (m.vm() == vm && m.kind() == MemslotRecord.Kind.RAM && Long.compareUnsigned(a, m.ipa()) >= 0
                        && Long.compareUnsigned(a - m.ipa(), m.size()) < 0) {
                    a = m.ipa() + m.size();
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    /** The table files of a trace directory, by kind; reports unknown tables and duplicates. */
    static Map<TableKind, Path> scan(Path dir, Problems problems) {
        Map<TableKind, Path> files = new EnumMap<>(TableKind.class);
        if (!Files.isDirectory(dir)) {
            problems.add(dir + (Files.exists(dir) ? ": not a directory" : ": no such directory")
                    + " (a trace is a directory with manifest.csv and one file per table)");
            return files;
        }
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : names) {
            String table;
            if (name.equals("manifest.csv") || name.startsWith(".")) {
                continue;
            } else if (name.endsWith(".parquet")) {
                table = name.substring(0, name.length() - ".parquet".length());
            } else if (Compression.of(name) != null) {
                table = name.substring(0, name.length() - Compression.of(name).suffix().length());
            } else if (name.contains(".csv.")) {
                // mem.csv.bz2 beside mem.csv would otherwise be ignored without a word
                problems.add(dir.resolve(name) + ": unknown compression '" + name.substring(name.indexOf(".csv.") + 4)
                        + "' (a table file is KIND.csv, KIND.csv.gz, KIND.csv.xz, KIND.csv.zst or KIND.parquet)");
                continue;
            } else {
                continue; // not a table (a README, a summary...)
            }
            TableKind kind = TableKind.byTableName(table);
            if (kind == null) {
                problems.add(dir.resolve(name) + ": unknown table " + UserText.quote(table) + " (tables are "
                        + String.join(", ", Stream.of(TableKind.values()).map(TableKind::tableName).toList()) + ")");
            } else if (files.containsKey(kind)) {
                problems.add(dir.resolve(name) + ": the " + table + " table is also in "
                        + files.get(kind).getFileName() + "; keep one file per table");
            } else {
                files.put(kind, dir.resolve(name));
            }
        }
        return files;
    }

    public Path dir() {
        return dir;
    }

    /** The manifest, or null if it had problems (only for traces opened with a {@link Problems}). */
    public Manifest manifest() {
        return manifest;
    }

    public boolean has(TableKind kind) {
        return files.containsKey(kind);
    }

    /** The file holding {@code kind}, or null if the table is absent (no rows). */
    public Path file(TableKind kind) {
        return files.get(kind);
    }

    /** True if the table is stored as Parquet. */
    public boolean isParquet(TableKind kind) {
        Path p = files.get(kind);
        return p != null && p.getFileName().toString().endsWith(".parquet");
    }

    /**
     * Rows of the {@code mem} table as its Parquet footer gives them (no row is read), or -1 if the
     * table is CSV (only reading it would tell), absent, or has an unreadable footer.
     */
    public long memRowCount() {
        if (!isParquet(TableKind.MEM)) {
            return -1;
        }
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(files.get(TableKind.MEM)),
                ParquetReadOptions.builder(ParquetConf.plain()).build())) {
            return r.getRecordCount();
        } catch (IOException | RuntimeException e) {
            return -1; // the replay's reader reports it
        }
    }

    /** True if any table is CSV (plain or compressed). */
    public boolean hasCsvTables() {
        for (TableKind k : files.keySet()) {
            if (!isParquet(k)) {
                return true;
            }
        }
        return false;
    }

    public List<VmRecord> vms() {
        return vmRows.stream().map(VmRecord::of).toList();
    }

    public List<MemslotRecord> memslots() {
        return memslotRows.stream().map(MemslotRecord::of).toList();
    }

    /** The validated rows of {@code vms} or {@code memslots} (copies). */
    public List<Row> smallTableRows(TableKind kind) {
        if (kind != TableKind.VMS && kind != TableKind.MEMSLOTS) {
            throw new IllegalArgumentException(kind + " is not held in memory");
        }
        return (kind == TableKind.VMS ? vmRows : memslotRows).stream().map(Row::copy).toList();
    }

    /** The line (CSV) or row (Parquet) of row {@code index} of {@code vms} or {@code memslots}. */
    public long smallTablePosition(TableKind kind, int index) {
        if (kind != TableKind.VMS && kind != TableKind.MEMSLOTS) {
            throw new IllegalArgumentException(kind + " is not held in memory");
        }
        return (kind == TableKind.VMS ? vmPositions : memslotPositions).get(index);
    }

    /**
     * Where row {@code position} (a line of a CSV table, a row of a Parquet one, as
     * {@link TableCursor#position()} gives it) of table {@code kind} is, for a message:
     * {@code FILE:LINE} or {@code FILE:row N}.
     *
     * <p>With an {@code origin}, this trace is the Parquet form that {@code TraceConverter} wrote of
     * the trace in {@code origin} (as {@code run} and {@code sweep} do before they replay), and the
     * place is named in the user's file instead: the converter writes every row of a table, in
     * order, and only when every row is good, so row N of the copy is the N-th row of the
     * original. For a CSV original that row's line is found by reading the table again up to it,
     * which costs time only on this error path and no memory.
     */
    public String where(TableKind kind, long position, Path origin) {
        if (origin != null && position > 0) {
            String w = whereInOrigin(kind, position, origin);
            if (w != null) {
                return w;
            }
        }
        Path f = files.get(kind);
        String name = f == null ? dir.resolve(kind.tableName()).toString() : f.toString();
        return name + (isParquet(kind) ? ":row " : ":") + position;
    }

    private static String whereInOrigin(TableKind kind, long row, Path origin) {
        try {
            // a problem means the original is not what was converted: give up at the first
            Trace o = open(origin, new Problems(1));
            if (!o.has(kind)) {
                return null;
            }
            if (o.isParquet(kind)) {
                return o.file(kind) + ":row " + row;
            }
            try (TableCursor c = o.newCursor(kind, false)) {
                for (long n = 0; n < row; n++) {
                    if (!c.next()) {
                        return null; // the original changed since it was converted
                    }
                }
                return c.where();
            }
        } catch (RuntimeException e) {
            return null; // the original is gone or unreadable: name the copy
        }
    }

    /** vCPU count of {@code vm}, 0 if the trace does not declare it. */
    public int vcpus(int vm) {
        return vm < 0 || vm >= vcpusOf.length ? 0 : vcpusOf[vm];
    }

    /** A validating cursor over any table; an absent table has no rows. */
    public TableCursor cursor(TableKind kind) {
        return kind == TableKind.MEM ? mem() : newCursor(kind, ownProblems);
    }

    /**
     * The {@code mem} table in primitive batches (for the replay's read-ahead thread). A Parquet
     * table with the {@code mem} schema is decoded a page at a time ({@link ParquetMemBatchSource});
     * any other form (CSV, or a Parquet file that source does not take) wraps {@link #mem()}.
     */
    public MemBatchSource memBatches() {
        if (isParquet(TableKind.MEM)) {
            MemBatchSource s = ParquetMemBatchSource.open(files.get(TableKind.MEM), problems, ownProblems,
                    src -> validator(TableKind.MEM, src));
            if (s != null) {
                return s;
            }
        }
        return MemBatchSource.of(mem());
    }

    public MemCursor mem() {
        TableSource src = source(TableKind.MEM);
        return new MemCursor(src, validator(TableKind.MEM, src), problems, ownProblems);
    }

    private TableCursor newCursor(TableKind kind, boolean throwAtEnd) {
        TableSource src = source(kind);
        return new TableCursor(src, validator(kind, src), problems, throwAtEnd);
    }

    private RowValidator validator(TableKind kind, TableSource src) {
        int pes = manifest == null ? 4096 : manifest.peCount();
        // vms fills these arrays while it is read at open; other tables only read them
        return new RowValidator(kind, src, problems, kind == TableKind.VMS ? vcpusOf : vcpusOf,
                kind == TableKind.VMS ? ipaBitsOf : ipaBitsOf, pes);
    }

    private TableSource source(TableKind kind) {
        Path p = files.get(kind);
        if (p == null) {
            return new EmptySource(kind);
        }
        return isParquet(kind) ? new ParquetTableSource(kind, p, problems) : TableSources.csv(kind, p, problems);
    }

    public RecordReader<SysregRecord> sysregs() {
        return new RecordReader<>(cursor(TableKind.SYSREG), SysregRecord::of);
    }

    public RecordReader<PteRecord> ptes() {
        return new RecordReader<>(cursor(TableKind.PTE), PteRecord::of);
    }

    public RecordReader<MapRecord> maps() {
        return new RecordReader<>(cursor(TableKind.MAP), MapRecord::of);
    }

    public RecordReader<TlbiRecord> tlbis() {
        return new RecordReader<>(cursor(TableKind.TLBI), TlbiRecord::of);
    }

    public RecordReader<IrqRecord> irqs() {
        return new RecordReader<>(cursor(TableKind.IRQ), IrqRecord::of);
    }

    public RecordReader<SchedRecord> scheds() {
        return new RecordReader<>(cursor(TableKind.SCHED), SchedRecord::of);
    }

    public RecordReader<DaifRecord> daifs() {
        return new RecordReader<>(cursor(TableKind.DAIF), DaifRecord::of);
    }

    /** A table with no rows (the table is absent from the directory). */
    private static final class EmptySource implements TableSource {
        private final TableKind kind;

        EmptySource(TableKind kind) {
            this.kind = kind;
        }

        @Override
        public TableKind kind() {
            return kind;
        }

        @Override
        public boolean next(Row row) {
            return false;
        }

        @Override
        public String where() {
            return kind.tableName();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public String positionLabel() {
            return "line";
        }

        @Override
        public String raw(int col) {
            return "";
        }

        @Override
        public boolean hasColumn(int col) {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
