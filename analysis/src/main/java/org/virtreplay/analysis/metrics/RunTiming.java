package org.virtreplay.analysis.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtreplay.ingest.io.OutputFiles;

/**
 * The one non-deterministic fact of a run, its wall time, kept out of the Parquet tables and the
 * report (so that two runs give byte-identical files) in a small side file
 * {@code DIR/timing.json}: {@code {"wall_time_ns": N, "events_processed": M}}. It is the only file of
 * a run's output allowed to differ between two runs of the same inputs (docs/metrics.md,
 * Determinism); nothing else reads it back into an output.
 */
public record RunTiming(long wallTimeNs, long eventsProcessed) {

    public static final String FILE = "timing.json";

    private static final Pattern WALL = Pattern.compile("\"wall_time_ns\"\\s*:\\s*(\\d+)");
    private static final Pattern EVENTS = Pattern.compile("\"events_processed\"\\s*:\\s*(\\d+)");

    /** Events per second of wall time, or 0 when the wall time is 0. */
    public double eventsPerSecond() {
        return wallTimeNs == 0 ? 0 : eventsProcessed * 1e9 / wallTimeNs;
    }

    public void write(Path dir) throws IOException {
        Path target = dir.resolve(FILE);
        Path tmp = dir.resolve("." + FILE + ".tmp");
        String json = "{\"wall_time_ns\": " + wallTimeNs + ", \"events_processed\": " + eventsProcessed + "}\n";
        OutputFiles.writeString(tmp, json);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The timing of the run in {@code dir}, or empty when the side file is absent or unreadable. */
    public static Optional<RunTiming> read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            String s = Files.readString(f, StandardCharsets.UTF_8);
            Matcher w = WALL.matcher(s);
            Matcher e = EVENTS.matcher(s);
            if (!w.find() || !e.find()) {
                return Optional.empty();
            }
            return Optional.of(new RunTiming(Long.parseLong(w.group(1)), Long.parseLong(e.group(1))));
        } catch (IOException | NumberFormatException ex) {
            return Optional.empty();
        }
    }
}
