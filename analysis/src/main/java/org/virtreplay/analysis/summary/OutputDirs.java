package org.virtreplay.analysis.summary;

import java.nio.file.Files;
import java.nio.file.Path;
import org.virtreplay.analysis.metrics.MetricTables;
import org.virtreplay.engine.BadInputException;

/**
 * Finds the metric tables of an output a user names: a replay's directory (it holds
 * {@code run_info.parquet}; a sweep's {@code points/NNN} is one), or a run's (its
 * {@code metrics/} is one). Anything else is a bad input with one line saying what was expected.
 */
public final class OutputDirs {
    private OutputDirs() {
    }

    /** The directory holding the metric tables of the output {@code dir}. */
    public static Path metricsDir(Path dir) {
        String runInfo = MetricTables.RUN_INFO.fileName();
        if (!Files.exists(dir)) {
            throw new BadInputException(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory (expected the output of 'virtreplay run' or "
                    + "'virtreplay replay')");
        }
        if (Files.isRegularFile(dir.resolve(runInfo))) {
            return dir;
        }
        if (Files.isRegularFile(dir.resolve("metrics").resolve(runInfo))) {
            return dir.resolve("metrics");
        }
        if (Files.isDirectory(dir.resolve("points"))) {
            throw new BadInputException(dir + ": a sweep's output; name one of its points, e.g. "
                    + dir.resolve("points").resolve("000"));
        }
        throw new BadInputException(dir + ": not a virtreplay output (no " + runInfo + " in it or in its metrics/; "
                + "expected the output of 'virtreplay run' or 'virtreplay replay')");
    }
}
