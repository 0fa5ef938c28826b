package org.virtreplay.analysis.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.virtreplay.analysis.metrics.RunTiming;
import org.virtreplay.ingest.io.OutputFiles;

/**
 * How long a sweep took and where its CPU went, in {@code DIR/timing.json} beside the points' own
 * {@code points/NNN/timing.json}: like them, the one file of the sweep allowed to differ between
 * two runs, read back into no output. The {@code mem} decoding is counted apart from the models,
 * so that a sweep that decodes the trace once per group of points can be held against a single
 * replay's decoding (issue 18): {@code mem_decodings} decodings of {@code mem_rows_decoded} rows in
 * all, taking {@code mem_decode_cpu_ns}; the models {@code model_cpu_ns} (the points' threads, less
 * any decoding done on them), point by point in {@code point_model_cpu_ns}.
 *
 * @param wallNs the sweep's wall time (ns), from the start to the files' being complete
 * @param decodings decodings of the trace's {@code mem} table: one per group of points sharing one,
 *     one per point without sharing
 * @param memRowsDecoded rows decoded, over every decoding
 * @param decodeCpuNs CPU time of every decoding (ns), on whichever threads; -1 unknown
 * @param decoderThreadCpuNs whole CPU time of the shared decoders' threads (decoding, hand-over and
 *     waiting); -1 when no decoding had a thread of its own or it was not measured
 * @param pointModelCpuNs each point's model CPU time, in point order; -1 unknown
 */
public record SweepTiming(long wallNs, int decodings, long memRowsDecoded, long decodeCpuNs,
        long decoderThreadCpuNs, List<Long> pointModelCpuNs) {

    public SweepTiming {
        pointModelCpuNs = List.copyOf(pointModelCpuNs);
    }

    /** The models' CPU time over every point, or -1 when a point's is unknown. */
    public long modelCpuNs() {
        long sum = 0;
        for (long ns : pointModelCpuNs) {
            if (ns < 0) {
                return -1;
            }
            sum += ns;
        }
        return sum;
    }

    /** Writes {@code DIR/timing.json}. */
    public void write(Path dir) throws IOException {
        StringBuilder j = new StringBuilder();
        j.append("{\"wall_time_ns\": ").append(wallNs)
                .append(", \"points\": ").append(pointModelCpuNs.size())
                .append(", \"mem_decodings\": ").append(decodings)
                .append(", \"mem_rows_decoded\": ").append(memRowsDecoded)
                .append(", \"mem_decode_cpu_ns\": ").append(decodeCpuNs)
                .append(", \"mem_decoder_thread_cpu_ns\": ").append(decoderThreadCpuNs)
                .append(", \"model_cpu_ns\": ").append(modelCpuNs())
                .append(", \"point_model_cpu_ns\": [");
        for (int i = 0; i < pointModelCpuNs.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(pointModelCpuNs.get(i));
        }
        j.append("]}\n");
        Path tmp = dir.resolve("." + RunTiming.FILE + ".tmp");
        OutputFiles.writeString(tmp, j.toString());
        Files.move(tmp, dir.resolve(RunTiming.FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * One line for the terminal: {@code cpu: mem decoding 0.95 s (1 decoding of 20,000,000 rows;
     * decoder thread 1.01 s), models 17.31 s (6 points, 2.80-3.02 s each)}.
     */
    public String cpuLine() {
        if (decodeCpuNs < 0) {
            return "cpu: not measured (this JVM does not give threads' CPU time)";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "cpu: mem decoding %.2f s (%d decoding%s of %,d rows", decodeCpuNs / 1e9,
                decodings, decodings == 1 ? "" : "s", memRowsDecoded));
        if (decoderThreadCpuNs >= 0) {
            b.append(String.format(Locale.ROOT, "; decoder thread%s %.2f s", decodings == 1 ? "" : "s",
                    decoderThreadCpuNs / 1e9));
        }
        b.append(")");
        long model = modelCpuNs();
        if (model >= 0) {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long ns : pointModelCpuNs) {
                min = Math.min(min, ns);
                max = Math.max(max, ns);
            }
            b.append(String.format(Locale.ROOT, ", models %.2f s (%d point%s, %.2f-%.2f s each)", model / 1e9,
                    pointModelCpuNs.size(), pointModelCpuNs.size() == 1 ? "" : "s", min / 1e9, max / 1e9));
        }
        return b.toString();
    }

    /** Adds up decodings and points' model times as the points finish (any order, any thread). */
    public static final class Tally {
        private final long[] model;
        private int decodings;
        private long rows;
        private long decodeNs;
        private long threadNs = -1;

        /** A tally for {@code points} points, every model time unknown until {@link #model}. */
        public Tally(int points) {
            model = new long[points];
            java.util.Arrays.fill(model, -1);
        }

        /** One decoding of the table: its CPU time (-1 unknown), its thread's (-1 none) and its rows. */
        public synchronized void decoding(long cpuNs, long decoderThreadNs, long rowsDecoded) {
            decodings++;
            rows += Math.max(0, rowsDecoded);
            decodeNs = decodings == 1 ? cpuNs : (decodeNs < 0 || cpuNs < 0 ? -1 : decodeNs + cpuNs);
            if (decoderThreadNs >= 0) {
                threadNs = threadNs < 0 ? decoderThreadNs : threadNs + decoderThreadNs;
            }
        }

        /** The model CPU time of the point at {@code position} (its place in the sweep's point order). */
        public synchronized void model(int position, long cpuNs) {
            model[position] = cpuNs;
        }

        /** A point that decoded the table itself: its model time and its own decoding, from its timing. */
        public void point(int position, RunTiming t) {
            model(position, t.modelCpuNs());
            decoding(t.memDecodeCpuNs(), t.memDecoderThreadCpuNs(), t.memRowsDecoded());
        }

        public synchronized SweepTiming finish(long wallNs) {
            List<Long> m = new ArrayList<>();
            for (long ns : model) {
                m.add(ns);
            }
            return new SweepTiming(wallNs, decodings, rows, decodeNs, threadNs, m);
        }
    }
}
