package org.virtreplay.analysis.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.virtreplay.engine.BadInputException;

/**
 * A replay's output directory, opened for reading: checks that it is one (it holds
 * {@code run_info.parquet} and every required table, each with the right columns) and gives
 * access to its tables. Optional tables may be absent.
 */
public final class RunOutput {
    private final Path dir;
    private final Map<String, String> runInfo;

    private RunOutput(Path dir, Map<String, String> runInfo) {
        this.dir = dir;
        this.runInfo = runInfo;
    }

    /** Opens {@code dir}; any problem is a {@link BadInputException} with one line per problem. */
    public static RunOutput open(Path dir) {
        if (!Files.exists(dir)) {
            throw new BadInputException(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory (expected the output directory of a replay)");
        }
        if (!Files.isRegularFile(dir.resolve(MetricTables.RUN_INFO.fileName()))) {
            throw new BadInputException(dir + ": not a virtreplay run output (no "
                    + MetricTables.RUN_INFO.fileName() + "; write one with 'virtreplay replay TRACE --out DIR')");
        }
        List<String> problems = new ArrayList<>();
        for (MetricTable<?> t : MetricTables.ALL) {
            Path f = dir.resolve(t.fileName());
            if (!Files.exists(f)) {
                if (!t.optional()) {
                    problems.add(dir + ": missing required table " + t.fileName());
                }
                continue;
            }
            try {
                MetricTableReader.check(f, t);
            } catch (BadInputException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        Map<String, String> info = new LinkedHashMap<>();
        MetricTableReader.forEach(dir.resolve(MetricTables.RUN_INFO.fileName()), MetricTables.RUN_INFO,
                r -> info.put(r.key(), r.value()));
        return new RunOutput(dir, info);
    }

    public Path dir() {
        return dir;
    }

    public boolean has(MetricTable<?> table) {
        return Files.isRegularFile(file(table));
    }

    public Path file(MetricTable<?> table) {
        return dir.resolve(table.fileName());
    }

    /** The rows of a table; an absent optional table has none. */
    public <R extends Record> List<R> readAll(MetricTable<R> table) {
        return has(table) ? MetricTableReader.readAll(file(table), table) : List.of();
    }

    /** Streams a table's rows (use for the per-event tables); an absent table streams nothing. */
    public <R extends Record> void forEach(MetricTable<R> table, Consumer<? super R> sink) {
        if (has(table)) {
            MetricTableReader.forEach(file(table), table, sink);
        }
    }

    /** {@code run_info} as an ordered map. */
    public Map<String, String> runInfo() {
        return runInfo;
    }

    /** The name of VM {@code vm} from {@code run_info}, or {@code "vm<id>"} when it has none. */
    public String vmName(int vm) {
        String n = runInfo.get(RunInfo.vmNameKey(vm));
        return n == null || n.isEmpty() ? "vm" + vm : n;
    }

    public Optional<RunTiming> timing() {
        return RunTiming.read(dir);
    }
}
