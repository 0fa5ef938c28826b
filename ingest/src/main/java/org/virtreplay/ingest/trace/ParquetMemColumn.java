package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One column of {@code mem.parquet}, decoded a page at a time into {@code long}s: a run of rows
 * costs one loop over the page's bytes rather than a {@code ColumnReader} call per value.
 *
 * <p>The pages our writer makes take the two hand-written paths: PLAIN INT32/INT64 (read
 * little-endian straight from the page buffer) and dictionary ids (RLE/bit-packed, mapped through
 * a table built once per dictionary page). Any other encoding a foreign writer may use (delta,
 * byte-stream-split, PLAIN BINARY for the access column) goes through parquet-column's own
 * {@link ValuesReader} for that encoding, value by value, so every valid file is still read.
 *
 * <p>The access column (BINARY) is held as its symbol index; an unknown symbol is held as -1 and
 * its text kept in {@link #badText} for the validation message.
 */
final class ParquetMemColumn {
    private static final int PLAIN_LONG = 0;
    private static final int PLAIN_INT = 1;
    private static final int DICT = 2;
    private static final int GENERIC = 3;
    private static final int FAST_DICT = 4;

    private final ColumnDescriptor desc;
    private final PrimitiveTypeName type;
    private final boolean symbolic;
    private final ParquetTableSource.SymbolLookup lookup;
    private final int maxDef;
    /** Per decoded row, true if the value was null (only for columns a foreign writer made optional). */
    final boolean[] nulls;
    /** Text of unknown access symbols, by decoded row (allocated at the first one). */
    String[] badText;
    final long[] values;
    /**
     * True if every value of the last {@link #read} came from dictionary pages whose entries are all
     * within {@code lo..hi} (and none is an unknown symbol): those values need no check of their own.
     */
    boolean inBounds;
    /**
     * True if the last {@link #read} put its values straight into the batch's array for this column
     * (at the index it was given) instead of into {@link #values}: a page that cannot go there (see
     * {@link #directOk}) moves what the read had put there into {@code values} and goes on there.
     */
    boolean direct;
    private final long lo;
    private final long hi;
    /** The column's batch array is an {@code int[]} (vm, vcpu, el, access, size), else a {@code long[]}. */
    private final boolean narrow;

    private PageReader pages;
    private long[] dictValues;
    /** The current dictionary's entries all lie within {@code lo..hi}. */
    private boolean dictInBounds;
    /** The dictionary's entries as {@code int}s, for a narrow column whose entries are all in bounds. */
    private int[] dictInts;
    private String[] dictText;
    private int mode;
    private int leftInPage;
    private ByteBufferInputStream in;
    private ValuesReader data;
    private ValuesReader defLevels;
    private RunLengthBitPackingHybridDecoder defLevelsV2;
    private final ParquetMemIds ids = new ParquetMemIds();

    private final ParquetMemCodecs codecs;
    private final int index;

    /**
     * {@code codecs} decompress this column's pages; {@code index} names its reused page array there;
     * values within {@code lo..hi} need no further check (see {@link #inBounds}).
     */
    ParquetMemColumn(ColumnDescriptor desc, Column column, int capacity, ParquetMemCodecs codecs, int index,
            long lo, long hi) {
        this.lo = lo;
        this.hi = hi;
        this.codecs = codecs;
        this.index = index;
        this.desc = desc;
        this.type = desc.getPrimitiveType().getPrimitiveTypeName();
        this.symbolic = column.isSymbolic();
        this.lookup = symbolic ? new ParquetTableSource.SymbolLookup(column.symbols()) : null;
        this.maxDef = desc.getMaxDefinitionLevel();
        this.nulls = maxDef > 0 ? new boolean[capacity] : null;
        this.values = new long[capacity];
        this.narrow = index != MemCursor.TS && index != MemCursor.VA;
    }

    /** Starts the column chunk of a new row group. */
    void startChunk(PageReader pageReader) throws IOException {
        this.pages = pageReader;
        this.leftInPage = 0;
        this.dictValues = null;
        this.dictText = null;
        this.dictInBounds = false;
        this.dictInts = null;
        DictionaryPage dp = pageReader.readDictionaryPage();
        if (dp != null) {
            Dictionary d = dp.getEncoding().initDictionary(desc, dp);
            int n = d.getMaxId() + 1;
            dictValues = new long[n];
            for (int id = 0; id < n; id++) {
                switch (type) {
                    case INT32 -> dictValues[id] = d.decodeToInt(id);
                    case INT64 -> dictValues[id] = d.decodeToLong(id);
                    default -> {
                        Binary b = d.decodeToBinary(id);
                        int s = lookup.find(b);
                        dictValues[id] = s;
                        if (s < 0) {
                            if (dictText == null) {
                                dictText = new String[n];
                            }
                            dictText[id] = b.toStringUsingUTF8();
                        }
                    }
                }
            }
            // checked once per dictionary page instead of once per value that refers to it
            boolean ok = true;
            for (long v : dictValues) {
                ok &= v >= lo && v <= hi;
            }
            dictInBounds = ok;
            if (ok && narrow && dictText == null) {
                // within lo..hi, which for the narrow columns lies within int's range
                dictInts = new int[n];
                for (int id = 0; id < n; id++) {
                    dictInts[id] = (int) dictValues[id];
                }
            }
        }
    }

    /**
     * Decodes the next {@code n} rows of this column: straight into {@code b}'s array for it from index
     * {@code at} ({@link #direct}) where every page allows, else into {@link #values} (and
     * {@link #nulls}) from index 0.
     */
    void read(int n, MemBatch b, int at) throws IOException {
        int got = 0;
        boolean known = true;
        boolean dir = maxDef == 0;
        while (got < n) {
            if (leftInPage == 0) {
                nextPage();
            }
            int m = Math.min(n - got, leftInPage);
            if (dir && !directOk()) {
                widen(b, at, got);
                dir = false;
            }
            if (dir) {
                readDirect(b, at + got, m);
            } else if (maxDef > 0) {
                readNullable(got, m);
            } else {
                readRequired(got, m);
            }
            known &= mode == FAST_DICT && dictInBounds;
            got += m;
            leftInPage -= m;
        }
        direct = dir;
        inBounds = known || lo == Long.MIN_VALUE && hi == Long.MAX_VALUE && maxDef == 0;
    }

    /**
     * Whether the current page's values can go straight into the batch: a narrow column's only from
     * an in-bounds dictionary (a value out of bounds must keep its 64 bits for the message), a long
     * column's from PLAIN INT64 or a dictionary (its bounds are checked in the batch).
     */
    private boolean directOk() {
        return narrow ? mode == FAST_DICT && dictInts != null : mode == FAST_DICT || mode == PLAIN_LONG;
    }

    private void readDirect(MemBatch b, int at, int m) throws IOException {
        if (narrow) {
            ids.read(target(b), at, m, dictInts);
        } else if (mode == PLAIN_LONG) {
            // one bulk copy (the page is little-endian, as the view)
            in.slice(m * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(longTarget(b), at, m);
        } else {
            ids.read(longTarget(b), at, m, dictValues);
        }
    }

    /** Copies the last read's first {@code m} values from the batch (at {@code at}) into {@link #values}. */
    void widen(MemBatch b, int at, int m) {
        if (narrow) {
            final int[] t = target(b);
            for (int i = 0; i < m; i++) {
                values[i] = t[at + i];
            }
        } else {
            System.arraycopy(longTarget(b), at, values, 0, m);
        }
    }

    /** Copies the last read's {@code m} values from {@link #values} into the batch at {@code at}. */
    void narrowInto(MemBatch b, int at, int m) {
        if (narrow) {
            final int[] t = target(b);
            for (int i = 0; i < m; i++) {
                t[at + i] = (int) values[i];
            }
        } else {
            System.arraycopy(values, 0, longTarget(b), at, m);
        }
    }

    private int[] target(MemBatch b) {
        return switch (index) {
            case MemCursor.VM -> b.vm;
            case MemCursor.VCPU -> b.vcpu;
            case MemCursor.EL -> b.el;
            case MemCursor.ACCESS -> b.access;
            default -> b.size;
        };
    }

    private long[] longTarget(MemBatch b) {
        return index == MemCursor.TS ? b.ts : b.va;
    }

    private void readRequired(int off, int m) throws IOException {
        final long[] v = values;
        switch (mode) {
            case PLAIN_LONG -> {
                // one bulk copy (the page is little-endian, as the view)
                in.slice(m * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v, off, m);
            }
            case PLAIN_INT -> {
                ByteBuffer bb = in.slice(m * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < m; i++) {
                    v[off + i] = bb.getInt();
                }
            }
            case FAST_DICT -> ids.read(v, off, m, dictValues);
            case DICT -> {
                final long[] dv = dictValues;
                for (int i = 0; i < m; i++) {
                    v[off + i] = dictLookup(dv, data.readValueDictionaryId(), off + i);
                }
            }
            default -> {
                for (int i = 0; i < m; i++) {
                    v[off + i] = readGeneric(off + i);
                }
            }
        }
    }

    private void readNullable(int off, int m) throws IOException {
        for (int i = 0; i < m; i++) {
            int level = defLevelsV2 != null ? defLevelsV2.readInt() : defLevels.readInteger();
            if (level < maxDef) {
                nulls[off + i] = true;
                values[off + i] = 0;
                continue;
            }
            nulls[off + i] = false;
            values[off + i] = switch (mode) {
                case PLAIN_LONG, PLAIN_INT, GENERIC -> readGeneric(off + i);
                default -> dictLookup(dictValues, data.readValueDictionaryId(), off + i);
            };
        }
    }

    private long dictLookup(long[] dv, int id, int at) {
        if (id < 0 || id >= dv.length) {
            throw new ParquetDecodingException("dictionary id " + id + " out of range 0.." + (dv.length - 1));
        }
        long s = dv[id];
        if (s < 0 && symbolic) {
            bad(at, dictText[id]);
        }
        return s;
    }

    private long readGeneric(int at) {
        switch (type) {
            case INT32:
                return data.readInteger();
            case INT64:
                return data.readLong();
            default:
                Binary b = data.readBytes();
                int s = lookup.find(b);
                if (s < 0) {
                    bad(at, b.toStringUsingUTF8());
                }
                return s;
        }
    }

    private void bad(int at, String text) {
        if (badText == null) {
            badText = new String[values.length];
        }
        badText[at] = text;
    }

    private void nextPage() throws IOException {
        // The last page's bytes (in, ids, data) are no longer read: its array takes this page.
        codecs.pageOf(index);
        DataPage page;
        try {
            page = pages.readPage();
        } finally {
            codecs.pageOf(-1);
        }
        if (page == null) {
            throw new ParquetDecodingException("column '" + desc.getPath()[0] + "' ends before its row group");
        }
        int count = page.getValueCount();
        Encoding enc;
        defLevels = null;
        defLevelsV2 = null;
        if (page instanceof DataPageV1 p) {
            in = p.getBytes().toInputStream();
            // repetition levels: none in a flat schema (max level 0 reads nothing)
            p.getRlEncoding().getValuesReader(desc, ValuesType.REPETITION_LEVEL).initFromPage(count, in);
            ValuesReader dl = p.getDlEncoding().getValuesReader(desc, ValuesType.DEFINITION_LEVEL);
            dl.initFromPage(count, in);
            defLevels = dl;
            enc = p.getValueEncoding();
        } else if (page instanceof DataPageV2 p) {
            if (maxDef > 0) {
                defLevelsV2 = new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(maxDef),
                        p.getDefinitionLevels().toInputStream());
            }
            in = p.getData().toInputStream();
            enc = p.getDataEncoding();
        } else {
            throw new ParquetDecodingException("unknown page type " + page.getClass().getSimpleName());
        }
        if (enc.usesDictionary()) {
            if (dictValues == null) {
                throw new ParquetDecodingException("dictionary-encoded page without a dictionary page");
            }
            if (maxDef == 0 && dictText == null) {
                // the hot path; unknown access symbols (dictText) and nulls take parquet's reader
                mode = FAST_DICT;
                data = null;
                ids.init(in.slice(in.available()));
            } else {
                mode = DICT;
                data = enc.getDictionaryBasedValuesReader(desc, ValuesType.VALUES, new IdsOnly());
            }
        } else if (enc == Encoding.PLAIN && maxDef == 0 && type == PrimitiveTypeName.INT64) {
            mode = PLAIN_LONG;
            data = null;
        } else if (enc == Encoding.PLAIN && maxDef == 0 && type == PrimitiveTypeName.INT32) {
            mode = PLAIN_INT;
            data = null;
        } else {
            mode = GENERIC;
            data = enc.getValuesReader(desc, ValuesType.VALUES);
        }
        if (data != null) {
            data.initFromPage(count, in);
        }
        leftInPage = count;
    }

    /** The ids reader needs a dictionary object; we map ids ourselves, so it holds none. */
    private static final class IdsOnly extends Dictionary {
        IdsOnly() {
            super(Encoding.PLAIN_DICTIONARY);
        }

        @Override
        public int getMaxId() {
            return Integer.MAX_VALUE;
        }
    }
}
