package org.virtreplay.cli.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without {@code --json}, translate prints "a readable table of the walk, step by step, and the
 * outcome in words" (issue 3 item 6). The layout is the implementer's; these tests check only what
 * the issue promises: every descriptor read appears (its PA and value, in hex, any zero padding), the
 * result address or the fault kind and level appear, and it is not JSON.
 */
class GoldenTextOutputTest {

    @TempDir
    Path dir;

    private static String text(Path dir, Translate t, long va, int el, String access) throws Exception {
        Path r = dir.resolve("r.txt");
        Path m = dir.resolve("m.txt");
        // Reuse the JSON run only to write the files; then run again without --json.
        Translate.Result json = t.run(dir, va, el, access, false);
        String[] parts = json.cmd.split(" ");
        Files.copy(Path.of(parts[2]), r);
        Files.copy(Path.of(parts[4]), m);
        Translate.Result res = Translate.exec("translate", "--regs", r.toString(), "--memory", m.toString(),
                "--va", "0x" + Long.toHexString(va), "--el", Integer.toString(el), "--access", access);
        assertEquals(0, res.exit, res.where());
        assertFalse(res.out.strip().startsWith("{"), "text output must not be JSON" + res.where());
        return res.out.toLowerCase(Locale.ROOT).replace("_", "");
    }

    /** T01 as text: the four descriptor PAs and values, and the PA 0x9abcdabc. */
    @Test
    void successShowsEveryStepAndTheResult() throws Exception {
        String out = text(dir, Envs.envS1(), Envs.VA_A, 1, "read");
        for (String hex : new String[] {"40000008", "40001003", "40001010", "40002003", "40002018", "40003003",
            "40003020", "9abcd703", "9abcdabc"}) {
            assertTrue(out.contains(hex), "missing " + hex + " in:\n" + out);
        }
    }

    /** T10 as text: a permission fault at level 3, with its ESR 0x9200000f. */
    @Test
    void faultIsDescribedInWords() throws Exception {
        String out = text(dir, Envs.envS1(), Envs.VA_A, 0, "read");
        assertTrue(out.contains("permission"), out);
        assertTrue(out.contains("level 3"), out);
        assertTrue(out.contains("9200000f"), out);
    }
}
