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
 * The non-deterministic facts of a run, its wall time and CPU times, kept out of the Parquet
 * tables and the report (so that two runs give byte-identical files) in a small side file
 * {@code DIR/timing.json}: {@code {"wall_time_ns": N, "events_processed": M, "model_cpu_ns": C,
 * "mem_decode_cpu_ns": D, "mem_decoder_thread_cpu_ns": T, "mem_rows_decoded": R}}. It is the only
 * file of a run's output allowed to differ between two runs of the same inputs (docs/metrics.md,
 * Determinism); nothing else reads it back into an output.
 *
 * @param modelCpuNs CPU time of the replay's own thread (the model, the other tables, writing the
 *     output) without the {@code mem} decoding done on it; -1 unknown (not written)
 * @param memDecodeCpuNs CPU time of decoding the {@code mem} table for this replay, on whichever
 *     thread; 0 when the replay read a sweep's shared decoding (counted once, in the sweep's own
 *     {@code timing.json}); -1 unknown
 * @param memDecoderThreadCpuNs whole CPU time of the thread that decoded the table, when the
 *     decoding had a thread of its own (read ahead); -1 otherwise (not written)
 * @param memRowsDecoded {@code mem} rows this replay decoded itself (0 when it read a shared decoding)
 */
public record RunTiming(long wallTimeNs, long eventsProcessed, long modelCpuNs, long memDecodeCpuNs,
        long memDecoderThreadCpuNs, long memRowsDecoded) {

    public static final String FILE = "timing.json";

    private static final Pattern WALL = Pattern.compile("\"wall_time_ns\"\\s*:\\s*(\\d+)");
    private static final Pattern EVENTS = Pattern.compile("\"events_processed\"\\s*:\\s*(\\d+)");

    /** A timing with the wall time only (CPU times unknown). */
    public RunTiming(long wallTimeNs, long eventsProcessed) {
        this(wallTimeNs, eventsProcessed, -1, -1, -1, -1);
    }

    /** Events per second of wall time, or 0 when the wall time is 0. */
    public double eventsPerSecond() {
        return wallTimeNs == 0 ? 0 : eventsProcessed * 1e9 / wallTimeNs;
    }

    public void write(Path dir) throws IOException {
        Path target = dir.resolve(FILE);
        Path tmp = dir.resolve("." + FILE + ".tmp");
        StringBuilder json = new StringBuilder();
        json.append("{\"wall_time_ns\": ").append(wallTimeNs).append(", \"events_processed\": ").append(eventsProcessed);
        field(json, "model_cpu_ns", modelCpuNs);
        field(json, "mem_decode_cpu_ns", memDecodeCpuNs);
        field(json, "mem_decoder_thread_cpu_ns", memDecoderThreadCpuNs);
        field(json, "mem_rows_decoded", memRowsDecoded);
        json.append("}\n");
        OutputFiles.writeString(tmp, json.toString());
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void field(StringBuilder json, String name, long v) {
        if (v >= 0) {
            json.append(", \"").append(name).append("\": ").append(v);
        }
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
            return Optional.of(new RunTiming(Long.parseLong(w.group(1)), Long.parseLong(e.group(1)),
                    optional(s, "model_cpu_ns"), optional(s, "mem_decode_cpu_ns"),
                    optional(s, "mem_decoder_thread_cpu_ns"), optional(s, "mem_rows_decoded")));
        } catch (IOException | NumberFormatException ex) {
            return Optional.empty();
        }
    }

    /** A field that older files (and runs that could not measure it) lack: -1 then. */
    private static long optional(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
