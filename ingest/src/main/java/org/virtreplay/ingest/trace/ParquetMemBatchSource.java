package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.io.FileFailures;

/**
 * {@code mem.parquet} in batches, decoded a page at a time ({@link ParquetMemColumn}) instead of a
 * {@code ColumnReader} call per value, then validated row by row exactly as the row path validates
 * it: the same per-column range and null checks as {@link ParquetTableSource} (same messages, same
 * order), then the same {@link RowValidator} (vm/vCPU declared, time order per vCPU), with this
 * object standing in as the {@link TableSource} so {@code FILE:row N} and the raw values in the
 * messages are the row path's.
 *
 * <p>Only a file whose schema is exactly the {@code mem} columns (any order, INT32 or INT64 for the
 * integer columns, BINARY for {@code access}, not repeated) is read this way; {@link #open} returns
 * null for any other file (or one whose footer does not read), and the caller uses the row path,
 * which reports the problem in its own words.
 *
 * <p>Memory: one row group's compressed column chunks (as the row path; their buffers are reused
 * from one row group to the next, {@link ChunkBufferPool}), one decompressed page per column (its
 * array reused too) and one batch of decoded values per column.
 */
public final class ParquetMemBatchSource implements MemBatchSource {
    private static final int COLS = 7;

    private final String file;
    private final Problems problems;
    private final boolean throwAtEnd;
    private final RowValidator validator;
    private final Column[] cols;
    /** Per column: values in lo..hi need no further check (a column with an allowed set has lo > hi). */
    private final long[] lo = new long[COLS];
    private final long[] hi = new long[COLS];
    private final ColumnDescriptor[] desc = new ColumnDescriptor[COLS];
    private final Row row = new Row(TableKind.MEM);
    private final Where where = new Where();
    private ParquetFileReader reader;
    private ParquetMemCodecs codecs;
    private final ChunkBufferPool chunkBuffers = new ChunkBufferPool();
    /** The row group being decoded; closed (its buffers released) before the next is read. */
    private PageReadStore group;
    private ParquetMemColumn[] columns;
    private int capacity;
    private long rowsLeftInGroup;
    /** Rows of the file consumed so far (the 1-based number of the row being validated). */
    private long rowNo;
    private boolean done;

    private ParquetMemBatchSource(String file, Problems problems, boolean throwAtEnd,
            Function<TableSource, RowValidator> validators) {
        this.file = file;
        this.problems = problems;
        this.throwAtEnd = throwAtEnd;
        this.cols = TableKind.MEM.columns().toArray(new Column[0]);
        for (int k = 0; k < COLS; k++) {
            Column c = cols[k];
            boolean all = c.type() == Column.Type.HEX;
            lo[k] = all ? Long.MIN_VALUE : c.allowed().length > 0 ? 1 : c.min();
            hi[k] = all ? Long.MAX_VALUE : c.allowed().length > 0 ? 0 : c.max();
        }
        this.validator = validators.apply(where);
    }

    /**
     * The fast source over {@code path}, or null if the file is not one it reads (unreadable footer,
     * other columns or types): the row path then reads and reports it.
     *
     * @param validators makes the table's validator over the given source (for its messages)
     */
    static ParquetMemBatchSource open(Path path, Problems problems, boolean throwAtEnd,
            Function<TableSource, RowValidator> validators) {
        if (ParquetMagic.problem(path) != null) {
            return null;
        }
        ParquetMemBatchSource s = new ParquetMemBatchSource(path.toString(), problems, throwAtEnd, validators);
        try {
            // the same options as the row path: page CRCs catch damage that still decodes
            ParquetReadOptions defaults = ParquetReadOptions.builder(ParquetConf.plain()).build();
            s.codecs = new ParquetMemCodecs(defaults.getCodecFactory(), COLS);
            s.reader = ParquetFileReader.open(new ChannelInputFile(path), ParquetReadOptions.builder(
                    ParquetConf.plain()).usePageChecksumVerification(true).withCodecFactory(s.codecs)
                    .withAllocator(s.chunkBuffers).build());
            if (s.mapColumns(s.reader.getFooter().getFileMetaData().getSchema())) {
                return s;
            }
        } catch (IOException | RuntimeException e) {
            // the row path reports it
        }
        s.close();
        return null;
    }

    private boolean mapColumns(MessageType schema) {
        if (schema.getColumns().size() != COLS) {
            return false;
        }
        for (ColumnDescriptor d : schema.getColumns()) {
            if (d.getPath().length != 1 || d.getMaxRepetitionLevel() != 0) {
                return false;
            }
            int k = TableKind.MEM.indexOf(d.getPath()[0]);
            if (k < 0 || desc[k] != null) {
                return false;
            }
            PrimitiveTypeName t = d.getPrimitiveType().getPrimitiveTypeName();
            boolean ok = cols[k].isSymbolic() ? t == PrimitiveTypeName.BINARY
                    : t == PrimitiveTypeName.INT32 || t == PrimitiveTypeName.INT64;
            if (!ok) {
                return false;
            }
            desc[k] = d;
        }
        return true;
    }

    @Override
    public boolean fill(MemBatch b) {
        if (columns == null) {
            // decode buffers sized by the first batch; a larger later batch is filled in several runs
            capacity = b.capacity();
            columns = new ParquetMemColumn[COLS];
            for (int k = 0; k < COLS; k++) {
                columns[k] = new ParquetMemColumn(desc[k], cols[k], capacity, codecs, k);
            }
        }
        final int cap = b.capacity();
        int n = 0;
        while (n < cap && !done) {
            int m;
            try {
                if (rowsLeftInGroup == 0 && !nextGroup()) {
                    finish();
                    break;
                }
                m = (int) Math.min(Math.min(capacity, cap - n), rowsLeftInGroup);
                for (int k = 0; k < COLS; k++) {
                    columns[k].read(m);
                }
                rowsLeftInGroup -= m;
            } catch (BadInputException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                finish();
                problems.add(file + ":row " + (rowNo + 1) + ": "
                        + FileFailures.reading(e, FileFailures.Format.PARQUET));
                break;
            }
            n = validate(b, n, m);
        }
        b.n = n;
        if (done && throwAtEnd) {
            problems.throwIfAny(); // as the row path: the batch that reaches the end is not returned
        }
        return n > 0;
    }

    private boolean nextGroup() throws IOException {
        closeGroup(); // every column has read all of it: its chunk buffers can take the next one's
        PageReadStore pages = reader.readNextRowGroup();
        if (pages == null) {
            return false;
        }
        group = pages;
        rowsLeftInGroup = pages.getRowCount();
        for (int k = 0; k < COLS; k++) {
            columns[k].startChunk(pages.getPageReader(desc[k]));
        }
        return true;
    }

    /** Checks decoded rows {@code 0..m-1} and appends the good ones to {@code b} at {@code n}. */
    private int validate(MemBatch b, int n, int m) {
        final long[] ts = columns[MemCursor.TS].values;
        final long[] vm = columns[MemCursor.VM].values;
        final long[] vcpu = columns[MemCursor.VCPU].values;
        final long[] el = columns[MemCursor.EL].values;
        final long[] access = columns[MemCursor.ACCESS].values;
        final long[] va = columns[MemCursor.VA].values;
        final long[] size = columns[MemCursor.SIZE].values;
        final Row r = row;
        boolean plain = true; // no nulls and no unknown access symbols in this run
        for (int k = 0; k < COLS; k++) {
            plain &= columns[k].nulls == null;
        }
        plain &= columns[MemCursor.ACCESS].badText == null;
        final long lo0 = lo[0], hi0 = hi[0], lo1 = lo[1], hi1 = hi[1], lo2 = lo[2], hi2 = hi[2];
        final long lo3 = lo[3], hi3 = hi[3], lo4 = lo[4], hi4 = hi[4], lo6 = lo[6], hi6 = hi[6];
        for (int i = 0; i < m; i++) {
            rowNo++;
            if (plain) {
                // a row the checks below would pass without a message (va, HEX, takes any value)
                long t = ts[i];
                long v = vm[i];
                long c = vcpu[i];
                long e = el[i];
                long a = access[i];
                long s = size[i];
                if (t >= lo0 && t <= hi0 && v >= lo1 && v <= hi1 && c >= lo2 && c <= hi2 && e >= lo3 && e <= hi3
                        && a >= lo4 && a <= hi4 && s >= lo6 && s <= hi6
                        && validator.memRowOk(t, (int) v, (int) c, rowNo)) {
                    b.ts[n] = t;
                    b.va[n] = va[i];
                    b.vm[n] = (int) v;
                    b.vcpu[n] = (int) c;
                    b.el[n] = (int) e;
                    b.access[n] = (int) a;
                    b.size[n] = (int) s;
                    b.pos[n] = rowNo;
                    n++;
                    continue;
                }
            }
            boolean ok = true;
            for (int k = 0; k < COLS; k++) {
                ParquetMemColumn c = columns[k];
                if (c.nulls != null && c.nulls[i]) {
                    r.setNull(k);
                    problems.add(cols[k].problem(where.where(), ""));
                    ok = false;
                    continue;
                }
                long v = c.values[i];
                if (k == MemCursor.ACCESS && v < 0) {
                    r.setNull(k);
                    problems.add(cols[k].problem(where.where(), c.badText[i]));
                    ok = false;
                    continue;
                }
                r.set(k, v);
                if ((v < lo[k] || v > hi[k]) && !cols[k].inRange(v)) {
                    problems.add(cols[k].problem(where.where(), cols[k].format(v)));
                    ok = false;
                }
            }
            if (ok && validator.check(r)) {
                b.ts[n] = ts[i];
                b.va[n] = va[i];
                b.vm[n] = (int) vm[i];
                b.vcpu[n] = (int) vcpu[i];
                b.el[n] = (int) el[i];
                b.access[n] = (int) access[i];
                b.size[n] = (int) size[i];
                b.pos[n] = rowNo;
                n++;
            }
        }
        return n;
    }

    private void finish() {
        done = true;
        close();
    }

    private void closeGroup() {
        if (group != null) {
            group.close();
            group = null;
        }
    }

    /** The pool of the reader's chunk buffers (for tests). */
    ChunkBufferPool chunkBuffers() {
        return chunkBuffers;
    }

    @Override
    public void close() {
        done = true; // a fill after close finds no rows
        closeGroup();
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                // read-only
            }
            reader = null;
        }
        if (codecs != null) {
            codecs.release();
            codecs = null;
        }
    }

    /** What the validator asks of its source: where the current row is and its raw values. */
    private final class Where implements TableSource {
        @Override
        public TableKind kind() {
            return TableKind.MEM;
        }

        @Override
        public boolean next(Row out) {
            throw new UnsupportedOperationException("rows come in batches from ParquetMemBatchSource");
        }

        @Override
        public String where() {
            return file + ":row " + rowNo;
        }

        @Override
        public long position() {
            return rowNo;
        }

        @Override
        public String positionLabel() {
            return "row";
        }

        @Override
        public String raw(int col) {
            return row.format(col);
        }

        @Override
        public boolean hasColumn(int col) {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
