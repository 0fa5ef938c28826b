package org.virtreplay.ingest.generate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A deliberately simple, independent reader of the generator's CSV output for the tests: split on
 * commas (the event tables never quote), columns by header name. Not the ingest reader, so the
 * tests do not check the generator with code that shares its assumptions.
 */
final class Tables {
    final List<String> header;
    final List<String[]> rows;

    private Tables(List<String> header, List<String[]> rows) {
        this.header = header;
        this.rows = rows;
    }

    static Tables read(Path dir, String kind) throws IOException {
        Path plain = dir.resolve(kind + ".csv");
        Path gz = dir.resolve(kind + ".csv.gz");
        InputStream in = Files.exists(plain) ? Files.newInputStream(plain) : new GZIPInputStream(Files.newInputStream(gz));
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> header = List.of(r.readLine().split(",", -1));
            List<String[]> rows = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",", -1);
                if (f.length != header.size()) {
                    throw new AssertionError(kind + ": row with " + f.length + " fields: " + line);
                }
                rows.add(f);
            }
            return new Tables(header, rows);
        }
    }

    int col(String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new AssertionError("no column " + name + " in " + header);
        }
        return i;
    }

    static long num(String s) {
        if (s.startsWith("0x")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        return Long.parseLong(s);
    }

    /** manifest.csv as a map; quoted values unquoted. */
    static Map<String, String> manifest(Path dir) throws IOException {
        Map<String, String> m = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("manifest.csv"));
        for (String line : lines.subList(1, lines.size())) {
            int c = line.indexOf(',');
            String v = line.substring(c + 1);
            if (v.startsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            m.put(line.substring(0, c), v);
        }
        return m;
    }
}
