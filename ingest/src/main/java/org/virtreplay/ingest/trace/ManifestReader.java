package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.io.FileFailures;

/** Reads and validates {@code manifest.csv}; see docs/trace-format.md for keys and messages. */
final class ManifestReader {
    private ManifestReader() {
    }

    private static final Pattern MPIDR = Pattern.compile("pe\\.(0|[1-9][0-9]{0,3})\\.mpidr");
    private static final Pattern S1_POOL = Pattern.compile("vm\\.(0|[1-9][0-9]{0,4})\\.s1_table_pool");
    private static final Pattern FREE = Pattern.compile("(name|source\\.[a-z0-9_.]+|generator\\.[a-z0-9_.]+)");
    private static final Pattern POOL = Pattern.compile("0[xX][0-9a-fA-F]{1,16},(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,19})");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]{1,16}");

    /** Returns the manifest, or null if it has problems (reported to {@code problems}). */
    static Manifest read(Path path, Problems problems) {
        String file = path.toString();
        if (!Files.isRegularFile(path)) {
            problems.add(file + ": missing (a trace directory needs manifest.csv; see docs/trace-format.md)");
            return null;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        Map<String, Long> lines = new LinkedHashMap<>();
        int before = problems.count();
        try (StrictUtf8Reader in = new StrictUtf8Reader(Files.newInputStream(path));
                CSVParser parser = CSVParser.builder().setReader(in).setFormat(CsvTableSource.FORMAT).get()) {
            Iterator<CSVRecord> it = parser.iterator();
            boolean header = true;
            while (true) {
                long line = parser.getCurrentLineNumber() + 1;
                CSVRecord r;
                try {
                    if (!it.hasNext()) {
                        if (header) {
                            problems.add(file + ":1: empty file, expected a header line naming the columns (key,value)");
                        }
                        break;
                    }
                    r = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    int at = c instanceof StrictUtf8Reader.StreamProblem p ? p.line : (int) line;
                    String what = !(c instanceof StrictUtf8Reader.StreamProblem p) ? "malformed CSV ("
                            + FileFailures.words(c.getMessage()) + ")"
                            : p.badUtf8 ? p.getMessage() + " (the file must be UTF-8)"
                            : p.asIs ? p.getMessage()
                            : FileFailures.reading(p.getCause() != null ? p.getCause() : p, FileFailures.Format.PLAIN);
                    problems.add(file + ":" + at + ": " + what);
                    return null;
                }
                if (r.size() == 1 && r.get(0).isEmpty()) {
                    continue;
                }
                if (header) {
                    header = false;
                    String k0 = r.get(0).startsWith("\uFEFF") ? r.get(0).substring(1) : r.get(0);
                    if (r.size() != 2 || !k0.equals("key") || !r.get(1).equals("value")) {
                        problems.add(file + ":" + line + ": expected the header line 'key,value', got "
                                + UserText.quote(String.join(",", r.toList())));
                        return null;
                    }
                    continue;
                }
                if (r.size() != 2) {
                    problems.add(file + ":" + line + ": expected 2 columns (key,value), got " + r.size());
                    continue;
                }
                String key = r.get(0);
                if (entries.containsKey(key)) {
                    problems.add(file + ":" + line + ": key " + UserText.quote(key) + " given twice (first at line "
                            + lines.get(key) + ")");
                    continue;
                }
                entries.put(key, r.get(1));
                lines.put(key, line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int version = 0;
        int peCount = 0;
        String unit = null;
        String clock = null;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String key = e.getKey();
            String v = e.getValue();
            String at = file + ":" + lines.get(key) + ": key " + UserText.quote(key) + ": ";
            Matcher m;
            switch (key) {
                case "format_version" -> {
                    if (v.equals("1")) {
                        version = 1;
                    } else {
                        problems.add(at + "expected 1 (this virtreplay reads format version 1), got "
                                + UserText.quote(v));
                    }
                }
                case "time_unit" -> {
                    if (v.equals("ns")) {
                        unit = v;
                    } else {
                        problems.add(at + "expected ns, got " + UserText.quote(v));
                    }
                }
                case "clock" -> {
                    if (Manifest.CLOCKS.contains(v)) {
                        clock = v;
                    } else {
                        problems.add(at + "expected one of " + String.join(", ", Manifest.CLOCKS) + ", got "
                                + UserText.quote(v));
                    }
                }
                case "pe_count" -> {
                    peCount = v.matches("[1-9][0-9]{0,3}") ? Integer.parseInt(v) : 0;
                    if (peCount < 1 || peCount > 4096) {
                        problems.add(at + "expected integer 1..4096, got " + UserText.quote(v));
                        peCount = 0;
                    }
                }
                case Manifest.S2_POOL -> {
                    long[] p = POOL.matcher(v).matches() ? Manifest.parsePool(v) : null;
                    if (p == null) {
                        problems.add(at + "expected 0xPA,SIZE, got " + UserText.quote(v));
                    } else if (!poolSizeOk(p) || Long.compareUnsigned(p[0], S2_POOL_LIMIT) >= 0
                            || p[1] > S2_POOL_LIMIT - p[0]) {
                        // descriptors hold 48-bit table addresses (VTCR_EL2.PS = 48 bits in the engine)
                        problems.add(at + "expected 0xPA,SIZE with SIZE >= 4096 and PA + SIZE <= 2^48 (the host's "
                                + "48-bit PA space), got " + UserText.quote(v));
                    }
                }
                default -> {
                    if ((m = MPIDR.matcher(key)).matches()) {
                        if (!HEX.matcher(v).matches()) {
                            problems.add(at + "expected 0x-hex MPIDR_EL1 value, got " + UserText.quote(v));
                        }
                    } else if (S1_POOL.matcher(key).matches()) {
                        long[] p = POOL.matcher(v).matches() ? Manifest.parsePool(v) : null;
                        if (p == null) {
                            problems.add(at + "expected 0xIPA,SIZE, got " + UserText.quote(v));
                        } else if (!poolSizeOk(p) || Long.compareUnsigned(p[0], -p[1]) > 0) {
                            problems.add(at + "expected 0xIPA,SIZE with SIZE >= 4096 and IPA + SIZE <= 2^64, got "
                                    + UserText.quote(v));
                        }
                    } else if (!FREE.matcher(key).matches()) {
                        problems.add(file + ":" + lines.get(key) + ": unknown key " + UserText.quote(key)
                                + " (known: format_version, time_unit, clock, pe_count, pe.N.mpidr, name, source.*, "
                                + "generator.*, vm.N.s1_table_pool, host.s2_table_pool)");
                    }
                }
            }
        }
        for (String required : new String[] {"format_version", "time_unit", "clock", "pe_count"}) {
            if (!entries.containsKey(required)) {
                problems.add(file + ": missing key '" + required + "'");
            }
        }
        long[] mpidr = new long[Math.max(peCount, 0)];
        for (int n = 0; n < mpidr.length; n++) {
            mpidr[n] = Manifest.defaultMpidr(n);
        }
        for (Map.Entry<String, String> e : entries.entrySet()) {
            Matcher m = MPIDR.matcher(e.getKey());
            if (m.matches() && HEX.matcher(e.getValue()).matches()) {
                int n = Integer.parseInt(m.group(1));
                if (peCount > 0 && n >= peCount) {
                    problems.add(file + ":" + lines.get(e.getKey()) + ": key " + UserText.quote(e.getKey())
                            + ": PE " + n
                            + " is outside pe_count " + peCount);
                } else if (n < mpidr.length) {
                    mpidr[n] = Long.parseUnsignedLong(e.getValue().substring(2), 16);
                }
            }
        }
        if (problems.count() > before) {
            return null;
        }
        return new Manifest(version, unit, clock, peCount, mpidr, entries, lines);
    }

    /** The end of the host PA space a stage-2 table pool must lie in (48-bit PAs). */
    private static final long S2_POOL_LIMIT = 1L << 48;

    /** A pool has room for at least one 4 KiB table (SIZE is signed: 2^63 and above do not parse). */
    private static boolean poolSizeOk(long[] pool) {
        return pool[1] >= 4096;
    }
}
