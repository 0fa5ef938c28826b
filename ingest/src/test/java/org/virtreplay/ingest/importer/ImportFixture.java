package org.virtreplay.ingest.importer;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.virtreplay.ingest.convert.TraceConverter;

/** Runs imports in tests and reads the CSV tables they write back. */
public final class ImportFixture {
    private ImportFixture() {
    }

    /** A test resource of the kvm importer tests, as a file. */
    public static Path kvmSample(String name) {
        try {
            return Path.of(ImportFixture.class.getResource("/org/virtreplay/ingest/importer/kvm/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Options to import {@code files} as --kvm-events into {@code out} as CSV. */
    public static ImportOptions kvm(Path out, boolean lenient, List<VmSpec> vms, Path... files) {
        List<SourceSpec> specs = new ArrayList<>();
        for (Path f : files) {
            specs.add(SourceSpec.of(SourceFormat.KVM_EVENTS, f));
        }
        return new ImportOptions(out, TraceConverter.Form.CSV, false, lenient, 20, null, vms, Map.of(), specs,
                ImportOptions.DEFAULT_BUFFER_ROWS);
    }

    /** The rows of {@code dir/TABLE.csv}, each column by name (empty list if the file is absent). */
    public static List<Map<String, String>> table(Path dir, String table) throws IOException {
        Path f = dir.resolve(table + ".csv");
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(f)) {
            return rows;
        }
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8);
                CSVParser p = CSVParser.builder().setReader(r).setFormat(CSVFormat.DEFAULT.builder().setHeader()
                        .setSkipHeaderRecord(true).get()).get()) {
            for (CSVRecord rec : p) {
                rows.add(new LinkedHashMap<>(rec.toMap()));
            }
        }
        return rows;
    }

    /** One column of a table, in row order. */
    public static List<String> column(Path dir, String table, String column) throws IOException {
        return table(dir, table).stream().map(m -> m.get(column)).toList();
    }

    /** manifest.csv as a map. */
    public static Map<String, String> manifest(Path dir) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map<String, String> row : table(dir, "manifest")) {
            m.put(row.get("key"), row.get("value"));
        }
        return m;
    }

    /** Writes {@code text} to {@code dir/name}. */
    public static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
