package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The walk-through of docs/translate.md on sample-traces/translate/: the expected walks are the
 * ones derived by hand there from the register and memory files.
 */
class TranslateSampleTest {
    static final Path DIR = Path.of("..", "sample-traces", "translate");

    static String json(String va) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = VirtReplay.execute(new String[] {"translate", "--regs", DIR.resolve("regs.txt").toString(),
            "--memory", DIR.resolve("memory.txt").toString(), "--va", va, "--el", "1", "--access", "read", "--json"},
                new PrintWriter(o, true), new PrintWriter(e, true));
        assertEquals(0, code, e.toString());
        return o.toString().strip();
    }

    // stage 2 of any IPA in 0x40000000..0x401fffff: S2 L1[1], then S2 L2[0] (a 2 MB block)
    static final String S2 = "{\"stage\":2,\"level\":1,\"pa\":\"0x80000008\",\"desc\":\"0x80001003\"},"
            + "{\"stage\":2,\"level\":2,\"pa\":\"0x80001000\",\"desc\":\"0xc00007fd\"},";
    static final String S1_L1_L2 = S2 + "{\"stage\":1,\"level\":1,\"pa\":\"0xc0001810\",\"desc\":\"0x40002003\"},"
            + S2 + "{\"stage\":1,\"level\":2,\"pa\":\"0xc0002008\",\"desc\":\"0x40003003\"}," + S2;

    @Test
    void aReadThroughBothStages() {
        assertEquals("{\"outcome\":\"ok\",\"pa\":\"0xc0010abc\",\"ipa\":\"0x40010abc\",\"attr\":\"0xff\",\"sh\":\"ISH\","
                + "\"size\":4096,\"perm\":\"rw-\",\"pa_space\":\"nonsecure\",\"reads\":11,\"walk\":[" + S1_L1_L2
                + "{\"stage\":1,\"level\":3,\"pa\":\"0xc0003008\",\"desc\":\"0x60000040010f43\"},"
                + S2.substring(0, S2.length() - 1) + "],\"updates\":[]}", json("0x4080201abc"));
    }

    @Test
    void aStage1TranslationFault() {
        assertEquals("{\"outcome\":\"fault\",\"stage\":1,\"fault\":\"translation\",\"level\":3,\"s1ptw\":false,"
                + "\"target_el\":1,\"esr\":\"0x96000007\",\"far\":\"0x4080202abc\",\"reads\":9,\"walk\":[" + S1_L1_L2
                + "{\"stage\":1,\"level\":3,\"pa\":\"0xc0003010\",\"desc\":\"0x0\"}],\"updates\":[]}",
                json("0x4080202abc"));
    }

    @Test
    void aStage2TranslationFaultOnTheOutputAddress() {
        assertEquals("{\"outcome\":\"fault\",\"stage\":2,\"fault\":\"translation\",\"level\":2,\"s1ptw\":false,"
                + "\"target_el\":2,\"esr\":\"0x92000006\",\"far\":\"0x4080203abc\",\"hpfar\":\"0x404000\","
                + "\"ipa\":\"0x40400abc\",\"reads\":11,\"walk\":[" + S1_L1_L2
                + "{\"stage\":1,\"level\":3,\"pa\":\"0xc0003018\",\"desc\":\"0x60000040400f43\"},"
                + "{\"stage\":2,\"level\":1,\"pa\":\"0x80000008\",\"desc\":\"0x80001003\"},"
                + "{\"stage\":2,\"level\":2,\"pa\":\"0x80001010\",\"desc\":\"0x0\"}],\"updates\":[]}",
                json("0x4080203abc"));
    }
}
