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
        Manifest m = ManifestReader.read(dir.resolve("manifest.csv"), problems);
        Trace t = new Trace(dir, files, problems, own, m);
        if (!files.containsKey(TableKind.VMS) && Files.isDirectory(dir)) {
            problems.add(dir.resolve("vms.csv") + ": missing (a trace declares its VMs in a vms table)");
        }
        t.loadSmall(TableKind.VMS, t.vmRows);
        t.loadSmall(TableKind.MEMSLOTS, t.memslotRows);
        return t;
    }

    private void loadSmall(TableKind kind, List<Row> into) {
        try (TableCursor c = newCursor(kind, false)) {
            while (c.next()) {
                into.add(c.row().copy());
            }
        }
    }

    /** The table files of a trace directory, by kind; reports unknown tables and duplicates. */
    static Map<TableKind, Path> scan(Path dir, Problems problems) {
        Map<TableKind, Path> files = new EnumMap<>(TableKind.class);
        if (!Files.isDirectory(dir)) {
            problems.add(dir + ": not a directory (a trace is a directory with manifest.csv and one file per table)");
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
