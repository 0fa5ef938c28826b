package org.virtreplay.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;

/** Qualifying paths on the driver, and the listings the driver checks a job's output with. No Spark. */
class HadoopFilesTest {
    private final Configuration conf = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void relativePathsAreTheDriversWorkingDirectorys() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        assertEquals("file:" + cwd.resolve("traces/web-01"), HadoopFiles.qualify("traces/web-01", conf));
        assertEquals("file:" + cwd.resolve("web-01"), HadoopFiles.qualify("traces/../web-01", conf));
        // "." gets its real name, which is what a replay names the host's directory after
        assertEquals(cwd.getFileName().toString(), HadoopFiles.name(HadoopFiles.qualify(".", conf)));
    }

    @Test
    void absolutePathsKeepTheirPlace() throws IOException {
        assertEquals("file:/srv/traces/web-01", HadoopFiles.qualify("/srv/traces/web-01", conf));
        assertEquals("file:/srv/traces/web-01", HadoopFiles.qualify("file:///srv/traces/web-01", conf));
        assertEquals("file:/srv/traces/web-01", HadoopFiles.qualify("file:/srv/traces/web-01", conf));
    }

    @Test
    void anUnknownSchemeIsOneLine() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> HadoopFiles.qualify("nosuch://bucket/traces", conf));
        assertEquals(List.of("nosuch://bucket/traces: no filesystem for scheme 'nosuch' on this cluster; "
                + "add its Hadoop connector (see docs/spark.md)"), e.problems());
    }

    @Test
    void listingsNameFilesRelativeToTheirDirectoryWithTheirSizes() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("out/points/000"));
        Files.write(d.resolve("a.parquet"), new byte[7]);
        Files.write(Files.createDirectories(d.resolve("sub")).resolve("b.json"), new byte[3]);
        Files.createDirectories(tmp.resolve("out/points/001")); // empty: lists nothing
        Map<String, Long> expected = Map.of("points/000/a.parquet", 7L, "points/000/sub/b.json", 3L);
        assertEquals(expected, HadoopFiles.listFiles(tmp.resolve("out").toUri().toString(), conf));
        assertEquals(expected, HadoopFiles.listLocalFiles(tmp.resolve("out")));
        assertEquals(Map.of(), HadoopFiles.listFiles(tmp.resolve("nothing-here").toUri().toString(), conf));
    }
}
