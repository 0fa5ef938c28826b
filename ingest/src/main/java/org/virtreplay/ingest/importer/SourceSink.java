package org.virtreplay.ingest.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.virtreplay.ingest.trace.Row;

/**
 * One source's view of the {@link ImportSink}: its rows go in through {@link #add} (with the
 * source's {@code --offset} applied), and its provenance is counted here: lines read, records
 * read, records used and skipped by kind, unknown events, malformed records, and what was
 * inferred rather than recorded. {@code import} prints it and writes it to the manifest as
 * {@code source.N.*} keys.
 */
public final class SourceSink {
    private final ImportSink sink;
    private final int index;
    private final SourceSpec spec;
    private final long offsetNs;
    private long lines;
    private long records;
    private final Map<String, Long> used = new LinkedHashMap<>();
    private final Map<String, Long> skipped = new LinkedHashMap<>();
    private final Map<String, Long> unknown = new LinkedHashMap<>();
    private final Map<String, String> inferred = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private String clock;
    private RowResolver resolver;

    SourceSink(ImportSink sink, int index, SourceSpec spec, long offsetNs) {
        this.sink = sink;
        this.index = index;
        this.spec = spec;
        this.offsetNs = offsetNs;
    }

    public SourceSpec spec() {
        return spec;
    }

    /** The sink this source writes to (VM declarations, rows). */
    public ImportSink sink() {
        return sink;
    }

    /** 1-based number of this source in the manifest ({@code source.N.*}). */
    public int index() {
        return index;
    }

    /** The {@code --offset} of this source, added to each of its timestamps. */
    public long offsetNs() {
        return offsetNs;
    }

    /** Adds a row of any table but {@code vms} (see {@link ImportSink#add}). */
    public void add(Row row) {
        sink.add(this, row);
    }

    /**
     * Adds a time-ordered row whose {@code vm} (and {@code vcpu}) are not known yet: this source's
     * {@link #resolver} fills them in from {@code key} (0 or more) when the trace is written, or
     * drops the row.
     */
    public void addDeferred(Row row, int key) {
        if (resolver == null) {
            throw new IllegalStateException("no RowResolver set for " + spec.label());
        }
        sink.add(this, row, key);
    }

    /** Sets what completes this source's deferred rows (before the trace is written). */
    public void resolver(RowResolver r) {
        resolver = r;
    }

    RowResolver resolver() {
        return resolver;
    }

    /**
     * The source has an event at {@code ts} (its own clock) even if it makes no row: the trace's
     * time 0 is the earliest event of all sources, not the earliest row.
     */
    public void event(long ts) {
        sink.event(ts + offsetNs);
    }

    /** {@code FILE:LINE} of this source, for messages. */
    public String where(long line) {
        return spec.label() + ":" + line;
    }

    /**
     * A malformed record at {@code line}: with {@code --lenient} it is skipped and counted
     * ({@code malformed}), otherwise it is reported as {@code FILE:LINE: what} and the import fails
     * (exit 2, nothing written) after the source has been read to the end or the error limit.
     */
    public void malformed(long line, String what) {
        if (sink.lenient()) {
            skipped("malformed", 1);
        } else {
            sink.problems().add(where(line) + ": " + what);
        }
    }

    /** A problem --lenient does not skip (the import cannot be right without the user's help). */
    public void problem(String line) {
        sink.problems().add(line);
    }

    public void lines(long n) {
        lines = n;
    }

    public long lines() {
        return lines;
    }

    public void records(long n) {
        records = n;
    }

    public long records() {
        return records;
    }

    /** {@code n} records of {@code kind} contributed to rows. */
    public void used(String kind, long n) {
        if (n != 0) {
            used.merge(kind, n, Long::sum);
        }
    }

    /** {@code n} records were skipped for {@code reason} (a short snake_case phrase). */
    public void skipped(String reason, long n) {
        if (n != 0) {
            skipped.merge(reason, n, Long::sum);
        }
    }

    /** {@code n} records of an event this importer does not know; counted and listed, never fatal. */
    public void unknown(String event, long n) {
        if (n != 0) {
            unknown.merge(event, n, Long::sum);
            skipped("unknown_event", n);
        }
    }

    /** Something the import inferred rather than read: {@code key} (snake_case) and what and why. */
    public void inferred(String key, String what) {
        inferred.put(key, what);
    }

    /** Any other provenance value ({@code source.N.KEY}): tool, parse mode, precision... */
    public void note(String key, String value) {
        notes.put(key, value);
    }

    /** The trace clock the source's timestamps are on ({@code local}, {@code mono}, ...). */
    public void clock(String name) {
        clock = name;
    }

    String clock() {
        return clock;
    }

    public long usedTotal() {
        return used.values().stream().mapToLong(Long::longValue).sum();
    }

    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> used() {
        return used;
    }

    public Map<String, Long> skipped() {
        return skipped;
    }

    public Map<String, Long> unknownEvents() {
        return unknown;
    }

    public Map<String, String> inferred() {
        return inferred;
    }

    /** The manifest keys of this source, in a fixed order. */
    Map<String, String> manifestEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        String p = "source." + index + ".";
        m.put(p + "format", spec.format().option());
        m.put(p + "file", spec.label());
        if (spec.vm() != null) {
            m.put(p + "vm", spec.vm());
        }
        if (spec.vcpu() >= 0) {
            m.put(p + "vcpu", Integer.toString(spec.vcpu()));
        }
        if (offsetNs != 0) {
            m.put(p + "offset_ns", Long.toString(offsetNs));
        }
        if (clock != null) {
            m.put(p + "clock", clock);
        }
        for (Map.Entry<String, String> e : notes.entrySet()) {
            m.put(p + key(e.getKey()), e.getValue());
        }
        m.put(p + "lines", Long.toString(lines));
        m.put(p + "records", Long.toString(records));
        m.put(p + "used", Long.toString(usedTotal()));
        for (Map.Entry<String, Long> e : used.entrySet()) {
            m.put(p + "used." + key(e.getKey()), Long.toString(e.getValue()));
        }
        m.put(p + "skipped", Long.toString(skippedTotal()));
        for (Map.Entry<String, Long> e : skipped.entrySet()) {
            m.put(p + "skipped." + key(e.getKey()), Long.toString(e.getValue()));
        }
        if (!unknown.isEmpty()) {
            m.put(p + "unknown_events", counts(unknown));
        }
        for (Map.Entry<String, String> e : inferred.entrySet()) {
            m.put(p + "inferred." + key(e.getKey()), e.getValue());
        }
        return m;
    }

    /** What {@code import} prints about this source. */
    List<String> report() {
        List<String> out = new ArrayList<>();
        out.add(spec.format().option() + " " + spec.label() + (spec.vm() != null ? " (vm " + spec.vm()
                + (spec.vcpu() >= 0 ? " vcpu " + spec.vcpu() : "") + ")" : "") + ": " + lines + " lines, "
                + records + " records, " + usedTotal() + " used" + (used.isEmpty() ? "" : " (" + counts(used) + ")")
                + ", " + skippedTotal() + " skipped");
        if (!skipped.isEmpty()) {
            out.add("  skipped: " + counts(skipped));
        }
        if (!unknown.isEmpty()) {
            out.add("  unknown events: " + counts(unknown));
        }
        for (Map.Entry<String, String> e : inferred.entrySet()) {
            out.add("  inferred " + e.getKey() + ": " + e.getValue());
        }
        return out;
    }

    private static String counts(Map<String, Long> m) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : m.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        return b.toString();
    }

    /** A manifest key part: lower-case letters, digits, '_' and '.'. */
    static String key(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ? c : '_');
        }
        return b.toString();
    }
}
