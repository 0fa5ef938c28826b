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
 * {@code ColumnReader} call per value, where the pages allow straight into the {@link MemBatch}, then
 * validated with the row path's verdicts and messages: the same per-column range and null checks as
 * {@link ParquetTableSource} (same messages, same order), then the same {@link RowValidator} (vm/vCPU
 * declared, time order per vCPU), with this object standing in as the {@link TableSource} so
 * {@code FILE:row N} and the raw values in the messages are the row path's.
 *
 * <p>The range checks are made per run of rows, not per value: a column decoded only from
 * dictionaries whose entries are all in range needs no check, another one branch-free pass; only a
 * run with a value out of range (or a null, or an unknown symbol) is checked row by row, which
 * finds the row and column for the message. The rules between rows run in one loop over the batch
 * ({@link RowValidator#memRowsOk}); a row it refuses gets the full check.
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
                columns[k] = new ParquetMemColumn(desc[k], cols[k], capacity, codecs, k, lo[k], hi[k]);
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
                    columns[k].read(m, b, n);
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

    /**
     * Checks decoded rows {@code 0..m-1} and appends the good ones to {@code b} at {@code n}. The
     * columns put them either in {@code b} at {@code n} already ({@link ParquetMemColumn#direct}) or
     * in their own {@code values} from 0.
     */
    private int validate(MemBatch b, int n, int m) {
        boolean plain = columns[MemCursor.ACCESS].badText == null; // no nulls, no unknown access symbols
        for (int k = 0; k < COLS; k++) {
            plain &= columns[k].nulls == null;
        }
        if (plain && inBounds(b, n, m)) {
            for (int k = 0; k < COLS; k++) {
                if (!columns[k].direct) {
                    columns[k].narrowInto(b, n, m);
                }
            }
            return validateInBounds(b, n, m);
        }
        for (int k = 0; k < COLS; k++) {
            if (columns[k].direct) {
                columns[k].widen(b, n, m);
            }
        }
        return validateRows(b, n, 0, m, plain);
    }

    /**
     * Whether every value of decoded rows {@code 0..m-1} lies within its column's bounds: known
     * without a look at the values for a column decoded from in-bounds dictionaries (or one that
     * takes any value), else one branch-free pass over the column. A run that is not is checked row
     * by row ({@link #validateRows}), which finds the row and column for the message.
     */
    private boolean inBounds(MemBatch b, int n, int m) {
        for (int k = 0; k < COLS; k++) {
            ParquetMemColumn c = columns[k];
            if (c.inBounds) {
                continue;
            }
            if (lo[k] > hi[k]) {
                return false; // a column with a set of allowed values (none in mem today)
            }
            // a direct column that is not known in bounds is a long one (ts), in b.ts
            if (c.direct ? !within(k == MemCursor.TS ? b.ts : b.va, n, m, lo[k], hi[k])
                    : !within(c.values, 0, m, lo[k], hi[k])) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code v[from..from+m)} all lie in {@code lo..hi}: one pass, no branch per value. */
    private static boolean within(long[] v, int from, int m, long lo, long hi) {
        // v in lo..hi  <=>  v - lo <= hi - lo, unsigned; flipping the sign bit makes that signed
        final long limit = (hi - lo) ^ Long.MIN_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = from; i < from + m; i++) {
            max = Math.max(max, (v[i] - lo) ^ Long.MIN_VALUE);
        }
        return max <= limit;
    }

    /**
     * Rows {@code n..n+m-1} of {@code b}, every value within bounds: the rules between rows (vm and
     * vCPU declared, time order) in one loop over the batch. A row that loop refuses (the first of a
     * VM, or a bad one) goes through {@link #checkInBatch}; after one that is dropped, the rest of
     * the run moves down a place, row by row.
     */
    private int validateInBounds(MemBatch b, int n, int m) {
        final long[] pos = b.pos;
        final long first = rowNo + 1;
        for (int i = 0; i < m; i++) {
            pos[n + i] = first + i;
        }
        int i = 0;
        int w = n; // rows i.. of the run are at b[w..] as long as w == n + i
        while (true) {
            int j = validator.memRowsOk(b.ts, b.vm, b.vcpu, n + i, n + m, rowNo + 1) - n;
            rowNo += j - i;
            w += j - i;
            i = j;
            if (i == m) {
                return w;
            }
            rowNo++;
            boolean ok = checkInBatch(b, n + i);
            i++;
            if (!ok) {
                break;
            }
            w++;
        }
        for (; i < m; i++) {
            rowNo++;
            int at = n + i;
            if (validator.memRowOk(b.ts[at], b.vm[at], b.vcpu[at], rowNo) || checkInBatch(b, at)) {
                move(b, at, w);
                w++;
            }
        }
        return w;
    }

    /**
     * Row {@code at} of {@code b} (file row {@link #rowNo}, its values within bounds) through the
     * validator's full check, as the row path would: true if good, else its problems are reported.
     */
    private boolean checkInBatch(MemBatch b, int at) {
        final Row r = row;
        r.set(MemCursor.TS, b.ts[at]);
        r.set(MemCursor.VM, b.vm[at]);
        r.set(MemCursor.VCPU, b.vcpu[at]);
        r.set(MemCursor.EL, b.el[at]);
        r.set(MemCursor.ACCESS, b.access[at]);
        r.set(MemCursor.VA, b.va[at]);
        r.set(MemCursor.SIZE, b.size[at]);
        return validator.check(r);
    }

    private static void move(MemBatch b, int from, int to) {
        b.ts[to] = b.ts[from];
        b.va[to] = b.va[from];
        b.vm[to] = b.vm[from];
        b.vcpu[to] = b.vcpu[from];
        b.el[to] = b.el[from];
        b.access[to] = b.access[from];
        b.size[to] = b.size[from];
        b.pos[to] = b.pos[from];
    }

    /** Decoded rows {@code from..m-1}, one at a time, appended to {@code b} at {@code n} if good. */
    private int validateRows(MemBatch b, int n, int from, int m, boolean plain) {
        for (int i = from; i < m; i++) {
            rowNo++;
            n = checkRow(b, n, i, plain);
        }
        return n;
    }

    /**
     * Decoded row {@code i} (file row {@link #rowNo}): appended to {@code b} at {@code n} if good,
     * else its problems reported, as the row path would; returns the next free index of {@code b}.
     * {@code plain}: the run has no nulls and no unknown symbols, so a good row may take the short
     * check.
     */
    private int checkRow(MemBatch b, int n, int i, boolean plain) {
        final long[] ts = columns[MemCursor.TS].values;
        final long[] vm = columns[MemCursor.VM].values;
        final long[] vcpu = columns[MemCursor.VCPU].values;
        final long[] el = columns[MemCursor.EL].values;
        final long[] access = columns[MemCursor.ACCESS].values;
        final long[] va = columns[MemCursor.VA].values;
        final long[] size = columns[MemCursor.SIZE].values;
        if (plain) {
            // a row the checks below would pass without a message (va, HEX, takes any value)
            long t = ts[i];
            long v = vm[i];
            long c = vcpu[i];
            long e = el[i];
            long a = access[i];
            long s = size[i];
            if (t >= lo[0] && t <= hi[0] && v >= lo[1] && v <= hi[1] && c >= lo[2] && c <= hi[2] && e >= lo[3]
                    && e <= hi[3] && a >= lo[4] && a <= hi[4] && s >= lo[6] && s <= hi[6]
                    && validator.memRowOk(t, (int) v, (int) c, rowNo)) {
                put(b, n, i);
                return n + 1;
            }
        }
        final Row r = row;
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
            put(b, n, i);
            return n + 1;
        }
        return n;
    }

    /** Decoded row {@code i} into {@code b} at {@code n}. */
    private void put(MemBatch b, int n, int i) {
        b.ts[n] = columns[MemCursor.TS].values[i];
        b.va[n] = columns[MemCursor.VA].values[i];
        b.vm[n] = (int) columns[MemCursor.VM].values[i];
        b.vcpu[n] = (int) columns[MemCursor.VCPU].values[i];
        b.el[n] = (int) columns[MemCursor.EL].values[i];
        b.access[n] = (int) columns[MemCursor.ACCESS].values[i];
        b.size[n] = (int) columns[MemCursor.SIZE].values[i];
        b.pos[n] = rowNo;
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
