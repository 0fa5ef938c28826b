package org.virtreplay.reports.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.virtreplay.analysis.metrics.MetricCsv;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.metrics.RunInfo;
import org.virtreplay.analysis.metrics.RunOutput;
import org.virtreplay.analysis.sweep.Grid;
import org.virtreplay.analysis.sweep.Knees;
import org.virtreplay.analysis.sweep.Requirement;
import org.virtreplay.analysis.sweep.SweepPoint;
import org.virtreplay.analysis.sweep.SweepResultRow;
import org.virtreplay.analysis.sweep.SweepRunner;
import org.virtreplay.analysis.sweep.SweepTables;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.io.Utf8Text;
import org.virtreplay.ingest.output.AtomicOutput;

/**
 * Rebuilds a finished sweep's study from its directory ({@code virtreplay report SWEEP_DIR}): the
 * rows from {@code sweep_results.parquet}, the points from {@code grid.txt} (the points as run), the
 * requirements from the first line of {@code answers.txt}, the trace's name from the first point's
 * {@code run_info}. Writes {@code sweep.html} and {@code sweep_results.csv} into a new directory,
 * atomically, without touching the sweep's own files.
 */
public final class SweepStudy {
    private SweepStudy() {
    }

    /** True when {@code dir} is a sweep's output (it holds {@code sweep_results.parquet}). */
    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve(SweepTables.SWEEP_RESULTS.fileName()));
    }

    /** Writes the rebuilt study into {@code outDir} (replaced whole only with {@code force}); returns its files. */
    public static List<Path> write(Path sweepDir, Path outDir, boolean force, String toolVersion) throws IOException {
        Path results = sweepDir.resolve(SweepTables.SWEEP_RESULTS.fileName());
        Path gridFile = sweepDir.resolve(SweepRunner.GRID_COPY);
        if (!Files.isRegularFile(gridFile)) {
            throw new BadInputException(gridFile + ": missing; a sweep's directory holds the grid it ran as "
                    + SweepRunner.GRID_COPY);
        }
        List<SweepResultRow> rows = MetricTableReader.readAll(results, SweepTables.SWEEP_RESULTS);
        Grid grid = Grid.read(gridFile);
        Path answers = sweepDir.resolve(SweepRunner.ANSWERS);
        List<Requirement> reqs = Files.isRegularFile(answers) ? Knees.requirementsOf(Utf8Text.read(answers))
                : List.of();
        Knees.Result knees = Knees.find(grid, rows, reqs);
        String title = traceName(sweepDir, rows);
        AtomicOutput.check(outDir, force, sweepDir);
        try (AtomicOutput out = AtomicOutput.directory(outDir, force, sweepDir)) {
            SweepReport.write(out.path(), title, toolVersion, grid, rows, knees);
            MetricCsv.write(results, out.path().resolve(SweepRunner.RESULTS_CSV));
            out.commit();
        }
        return List.of(outDir.resolve(SweepReport.FILE), outDir.resolve(SweepRunner.RESULTS_CSV));
    }

    /** The trace's name as the sweep showed it: the first point's {@code run_info} input, else the directory's. */
    private static String traceName(Path sweepDir, List<SweepResultRow> rows) {
        if (!rows.isEmpty()) {
            String dir = new SweepPoint(rows.get(0).point(), Map.of()).dirName();
            Path point = sweepDir.resolve(SweepRunner.POINTS_DIR).resolve(dir);
            if (Files.isDirectory(point)) {
                Map<String, String> info = RunOutput.open(point).runInfo();
                String input = info.get(RunInfo.INPUT);
                if (input != null && !input.isEmpty()) {
                    return input;
                }
            }
        }
        return sweepDir.toAbsolutePath().normalize().getFileName().toString();
    }
}
