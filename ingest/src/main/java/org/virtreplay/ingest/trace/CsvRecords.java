package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a CSV file, one at a time, with the line each starts on. Blank lines are
 * skipped. A problem in the byte stream (bad UTF-8, truncated compression) surfaces as a
 * {@link StrictUtf8Reader.StreamProblem}; malformed quoting as {@link MalformedCsv}.
 */
abstract class CsvRecords implements AutoCloseable {

    /** Malformed CSV quoting at a line. */
    static final class MalformedCsv extends Exception {
        private static final long serialVersionUID = 1L;
        final long line;

        MalformedCsv(long line, String message) {
            super(message);
            this.line = line;
        }
    }

    /** Moves to the next non-blank record; false at the end. */
    abstract boolean next() throws StrictUtf8Reader.StreamProblem, MalformedCsv;

    /** Line the current record starts on (1 = the first line). */
    abstract long line();

    abstract int size();

    /** Field {@code i} of the current record; valid until the next call to {@link #next()}. */
    abstract CharSequence get(int i);

    @Override
    public abstract void close();

    /** Everything through Apache Commons CSV (RFC 4180 quoting, any line ends). */
    static final class Commons extends CsvRecords {
        private final CSVParser parser;
        private final Iterator<CSVRecord> it;
        private CSVRecord record;
        private long line;

        Commons(Reader in) {
            try {
                parser = CSVParser.builder().setReader(in).setFormat(CsvTableSource.FORMAT).get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            it = parser.iterator();
        }

        @Override
        boolean next() throws StrictUtf8Reader.StreamProblem, MalformedCsv {
            while (true) {
                long before = parser.getCurrentLineNumber();
                try {
                    if (!it.hasNext()) {
                        return false;
                    }
                    record = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    if (e.getCause() instanceof StrictUtf8Reader.StreamProblem p) {
                        throw p;
                    }
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    throw new MalformedCsv(before + 1, c.getMessage());
                }
                line = before + 1;
                if (!(record.size() == 1 && record.get(0).isEmpty())) {
                    return true;
                }
            }
        }

        @Override
        long line() {
            return line;
        }

        @Override
        int size() {
            return record.size();
        }

        @Override
        CharSequence get(int i) {
            return record.get(i);
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException e) {
                // read-only input
            }
        }
    }

    /**
     * The fast path for big tables: lines are split on commas straight in the char buffer and the
     * fields handed out as reusable {@link CharSequence} views, so a row makes no objects. A line
     * with a double quote in it (legal CSV quoting) goes through Commons CSV instead, joined with
     * the following lines while its quotes are unbalanced. Line ends: {@code \n} or {@code \r\n}.
     */
    static final class Fast extends CsvRecords {
        private final Reader in;
        private char[] buf = new char[1 << 16];
        private int pos;
        private int limit;
        private boolean eof;
        private long nextLine = 1;
        private long line;
        private int[] starts = new int[16];
        private int[] ends = new int[16];
        private int size;
        private final Slice[] slices = new Slice[64];
        private CSVRecord quoted;

        Fast(Reader in) {
            this.in = in;
            for (int i = 0; i < slices.length; i++) {
                slices[i] = new Slice();
            }
        }

        @Override
        boolean next() throws StrictUtf8Reader.StreamProblem, MalformedCsv {
            while (true) {
                int nl = findNewline();
                if (nl < 0) {
                    return false;
                }
                int start = lineStart;
                line = nextLine++;
                int end = nl;
                pos = Math.min(nl + 1, limit);
                if (end > start && buf[end - 1] == '\r') {
                    end--;
                }
                if (end == start) {
                    continue; // blank line
                }
                quoted = null;
                size = 0;
                boolean quote = false;
                int fieldStart = start;
                for (int i = start; i < end; i++) {
                    char c = buf[i];
                    if (c == ',') {
                        addField(fieldStart, i);
                        fieldStart = i + 1;
                    } else if (c == '"') {
                        quote = true;
                        break;
                    }
                }
                if (quote) {
                    parseQuoted(start, end);
                    return true;
                }
                addField(fieldStart, end);
                return true;
            }
        }

        private int lineStart;

        /** Index of the '\n' ending the line at pos (or limit at the end of a last line); -1 at EOF. */
        private int findNewline() throws StrictUtf8Reader.StreamProblem {
            int scan = pos;
            while (true) {
                for (int i = scan; i < limit; i++) {
                    if (buf[i] == '\n') {
                        lineStart = pos;
                        return i;
                    }
                }
                if (eof) {
                    if (pos < limit) {
                        lineStart = pos;
                        return limit;
                    }
                    return -1;
                }
                scan = limit - pos;
                fill();
            }
        }

        /** Moves the unread part to the front, grows the buffer if a line fills it, reads more. */
        private void fill() throws StrictUtf8Reader.StreamProblem {
            int keep = limit - pos;
            if (keep == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            System.arraycopy(buf, pos, buf, 0, keep);
            pos = 0;
            limit = keep;
            try {
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    eof = true;
                } else {
                    limit += n;
                }
            } catch (StrictUtf8Reader.StreamProblem p) {
                throw p;
            } catch (IOException e) {
                throw new StrictUtf8Reader.StreamProblem((int) nextLine, false, String.valueOf(e.getMessage()), e);
            }
        }

        private void addField(int from, int to) {
            if (size == starts.length) {
                starts = java.util.Arrays.copyOf(starts, size * 2);
                ends = java.util.Arrays.copyOf(ends, size * 2);
            }
            starts[size] = from;
            ends[size] = to;
            size++;
        }

        /** A record with quotes: hand it (and continuation lines, while quotes are open) to Commons CSV. */
        private void parseQuoted(int start, int end) throws StrictUtf8Reader.StreamProblem, MalformedCsv {
            StringBuilder text = new StringBuilder().append(buf, start, end - start);
            long first = line;
            while (count(text) % 2 != 0) {
                int nl = findNewline();
                if (nl < 0) {
                    throw new MalformedCsv(first, "a quoted field is not closed before the end of the file");
                }
                int s = lineStart;
                nextLine++;
                pos = Math.min(nl + 1, limit);
                text.append('\n').append(buf, s, nl - s);
            }
            try (CSVParser p = CSVParser.builder().setReader(new java.io.StringReader(text.toString()))
                    .setFormat(CsvTableSource.FORMAT).get()) {
                Iterator<CSVRecord> it = p.iterator();
                quoted = it.next();
                if (it.hasNext()) {
                    throw new MalformedCsv(first, "text after a closing quote");
                }
            } catch (IOException | UncheckedIOException | IllegalStateException e) {
                throw new MalformedCsv(first, e.getMessage());
            }
            line = first;
        }

        private static int count(CharSequence s) {
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '"') {
                    n++;
                }
            }
            return n;
        }

        @Override
        long line() {
            return line;
        }

        @Override
        int size() {
            return quoted != null ? quoted.size() : size;
        }

        @Override
        CharSequence get(int i) {
            if (quoted != null) {
                return quoted.get(i);
            }
            Slice s = i < slices.length ? slices[i] : new Slice();
            s.set(buf, starts[i], ends[i]);
            return s;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // read-only input
            }
        }
    }

    /** A reusable view of part of a char array. */
    static final class Slice implements CharSequence {
        private char[] a;
        private int from;
        private int to;

        void set(char[] a, int from, int to) {
            this.a = a;
            this.from = from;
            this.to = to;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return a[from + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(a, from + start, end - start);
        }

        @Override
        public String toString() {
            return new String(a, from, to - from);
        }
    }
}
