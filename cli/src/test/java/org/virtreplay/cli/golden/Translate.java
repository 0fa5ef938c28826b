package org.virtreplay.cli.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.virtreplay.cli.VirtReplay;

/**
 * Drives {@code virtreplay translate} exactly as a user would: writes a REGS and a MEM text file,
 * runs the real command line through {@link VirtReplay#execute}, and parses the one JSON object it
 * prints. Nothing here knows the MMU implementation; the expectations live in the tests, each
 * derived by hand from /work/shared/arm-reference.md.
 *
 * <p>Hex strings in the output are compared by value, after checking the agreed format (lowercase,
 * {@code 0x} prefix, no {@code _}), so that leading zeros do not matter.
 */
final class Translate {

    private static final AtomicInteger RUN = new AtomicInteger();

    /**
     * ESR bits a checker compares when the model reports ISV=1 (arm-reference §15 preamble):
     * EC [31:26], IL [25], S1PTW [7], WnR [6], DFSC/IFSC [5:0].
     */
    static final long ESR_MASK = 0xFE00_00FFL;

    private final Map<String, String> regs = new LinkedHashMap<>();
    private final TreeMap<Long, Long> mem = new TreeMap<>(Long::compareUnsigned);

    Translate() {
    }

    Translate copy() {
        Translate t = new Translate();
        t.regs.putAll(regs);
        t.mem.putAll(mem);
        return t;
    }

    /** Sets a register (written as 0x-hex). */
    Translate reg(String name, long value) {
        regs.put(name, "0x" + Long.toHexString(value));
        return this;
    }

    /** Sets the doubleword at an 8-byte-aligned PA. Zero is written out explicitly, too. */
    Translate mem(long pa, long value) {
        mem.put(pa, value);
        return this;
    }

    Result read(Path dir, long va, int el) {
        return run(dir, va, el, "read", false);
    }

    Result write(Path dir, long va, int el) {
        return run(dir, va, el, "write", false);
    }

    Result fetch(Path dir, long va, int el) {
        return run(dir, va, el, "fetch", false);
    }

    Result run(Path dir, long va, int el, String access, boolean unprivileged) {
        int n = RUN.incrementAndGet();
        Path r = dir.resolve("regs-" + n + ".txt");
        Path m = dir.resolve("mem-" + n + ".txt");
        StringBuilder rb = new StringBuilder("# written by the golden acceptance tests\n");
        for (Map.Entry<String, String> e : regs.entrySet()) {
            rb.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        StringBuilder mb = new StringBuilder();
        for (Map.Entry<Long, Long> e : mem.entrySet()) {
            mb.append("0x").append(Long.toHexString(e.getKey())).append(' ')
                    .append(String.format("0x%016x", e.getValue())).append('\n');
        }
        try {
            Files.writeString(r, rb.toString(), StandardCharsets.UTF_8);
            Files.writeString(m, mb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("translate", "--regs", r.toString(), "--memory", m.toString(),
                "--va", "0x" + Long.toHexString(va), "--el", Integer.toString(el), "--access", access));
        if (unprivileged) {
            args.add("--unprivileged");
        }
        args.add("--json");
        return exec(args.toArray(new String[0]));
    }

    /** Runs any command line and captures exit code, stdout and stderr. */
    static Result exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            rc = VirtReplay.execute(args, o, e);
        }
        return new Result(String.join(" ", args), rc, out.toString(), err.toString());
    }

    /** One expected descriptor read. */
    record Step(int stage, int level, long pa, long desc) {
        @Override
        public String toString() {
            return String.format("{stage %d, level %d, pa 0x%x, desc 0x%x}", stage, level, pa, desc);
        }
    }

    static Step s1(int level, long pa, long desc) {
        return new Step(1, level, pa, desc);
    }

    static Step s2(int level, long pa, long desc) {
        return new Step(2, level, pa, desc);
    }

    /** One expected hardware AF/dirty update. */
    record Update(long pa, long oldValue, long newValue) {
    }

    static long hex(Object v, String what) {
        assertNotNull(v, what + " missing");
        assertTrue(v instanceof String, what + " must be a 0x-hex string, got " + v);
        String s = (String) v;
        assertTrue(s.matches("0x[0-9a-f]+"), what + " must be lowercase 0x-hex without separators, got '" + s + "'");
        return Long.parseUnsignedLong(s.substring(2), 16);
    }

    static long num(Object v, String what) {
        assertNotNull(v, what + " missing");
        assertTrue(v instanceof Long, what + " must be a JSON number, got " + v);
        return (Long) v;
    }

    /** The outcome of one command line. */
    static final class Result {
        final String cmd;
        final int exit;
        final String out;
        final String err;
        private Map<String, Object> json;

        Result(String cmd, int exit, String out, String err) {
            this.cmd = cmd;
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        String where() {
            return "\n  command: " + cmd + "\n  exit: " + exit + "\n  stdout: " + out + "\n  stderr: " + err;
        }

        Map<String, Object> json() {
            if (json == null) {
                assertEquals(0, exit, "translate must exit 0 for a translation or a fault" + where());
                try {
                    json = MiniJson.parseObject(out.trim());
                } catch (IllegalArgumentException e) {
                    fail("stdout is not one JSON object: " + e.getMessage() + where());
                }
            }
            return json;
        }

        Object get(String key) {
            return json().get(key);
        }

        long hexOf(String key) {
            return hex(get(key), key + where());
        }

        long numOf(String key) {
            return num(get(key), key + where());
        }

        /** A successful translation with the given result. */
        Result ok(long pa, int attr, String sh, long size, int reads) {
            assertEquals("ok", get("outcome"), "outcome" + where());
            assertEquals(hx(pa), hx(hexOf("pa")), "pa" + where());
            assertEquals(hx(attr), hx(hexOf("attr")), "attr (MAIR-format byte)" + where());
            assertEquals(sh, get("sh"), "sh" + where());
            assertEquals(size, numOf("size"), "size" + where());
            assertEquals(reads, numOf("reads"), "reads" + where());
            return this;
        }

        /** Success, checking only the output address (for permission-only variants). */
        Result okPa(long pa) {
            assertEquals("ok", get("outcome"), "outcome" + where());
            assertEquals(hx(pa), hx(hexOf("pa")), "pa" + where());
            return this;
        }

        /** Success, checking the output address and the final attributes. */
        Result okAttr(long pa, int attr, String sh) {
            okPa(pa);
            assertEquals(hx(attr), hx(hexOf("attr")), "attr (MAIR-format byte)" + where());
            assertEquals(sh, get("sh"), "sh" + where());
            return this;
        }

        /**
         * A fault. {@code hpfar} null means "not checked" (stage-1 faults, and stage-2 Permission
         * faults not on a walk, where HPFAR_EL2 may be UNKNOWN: arm-reference §5.4).
         * {@code reads} negative means "not checked".
         */
        Result fault(int stage, String kind, int level, boolean s1ptw, int targetEl, long esr, long far, Long hpfar,
                int reads) {
            assertEquals("fault", get("outcome"), "outcome" + where());
            assertEquals(stage, numOf("stage"), "stage" + where());
            assertEquals(kind, get("fault"), "fault kind" + where());
            assertEquals(level, numOf("level"), "level" + where());
            assertEquals(Boolean.valueOf(s1ptw), get("s1ptw"), "s1ptw" + where());
            assertEquals(targetEl, numOf("target_el"), "target_el" + where());
            esr(esr);
            assertEquals(hx(far), hx(hexOf("far")), "far" + where());
            if (hpfar != null) {
                assertEquals(hx(hpfar), hx(hexOf("hpfar")), "hpfar" + where());
            }
            if (reads >= 0) {
                assertEquals(reads, numOf("reads"), "reads" + where());
            }
            return this;
        }

        /**
         * ESR: the full value when the model reports ISV=0 (our expectations assume ISS[24:8]=0
         * except S1PTW/WnR/FSC), else only EC, IL, S1PTW, WnR and DFSC/IFSC (§15 preamble).
         */
        Result esr(long expected) {
            long actual = hexOf("esr");
            if ((actual & (1L << 24)) == 0) {
                assertEquals(hx(expected), hx(actual), "esr (ISV=0: full value)" + where());
            } else {
                assertEquals(hx(expected & ESR_MASK), hx(actual & ESR_MASK),
                        "esr masked to EC/IL/S1PTW/WnR/FSC" + where());
            }
            return this;
        }

        /** The exact walk, read by read, in order. */
        Result walk(Step... expected) {
            Object w = get("walk");
            assertTrue(w instanceof List, "walk must be a JSON array" + where());
            List<?> list = (List<?>) w;
            List<String> got = new ArrayList<>();
            for (Object o : list) {
                assertTrue(o instanceof Map, "walk entries must be objects" + where());
                Map<?, ?> e = (Map<?, ?>) o;
                got.add(new Step((int) num(e.get("stage"), "walk.stage" + where()),
                        (int) num(e.get("level"), "walk.level" + where()),
                        hex(e.get("pa"), "walk.pa" + where()),
                        hex(e.get("desc"), "walk.desc" + where())).toString());
            }
            List<String> want = new ArrayList<>();
            for (Step s : expected) {
                want.add(s.toString());
            }
            assertEquals(String.join("\n", want), String.join("\n", got), "walk, read by read" + where());
            assertEquals(expected.length, numOf("reads"), "reads must equal the walk length" + where());
            return this;
        }

        /** The exact hardware updates, in order ({@code updates} may be absent when there are none). */
        Result updates(Update... expected) {
            Object u = get("updates");
            List<?> list = u == null ? List.of() : (List<?>) u;
            List<String> got = new ArrayList<>();
            for (Object o : list) {
                Map<?, ?> e = (Map<?, ?>) o;
                got.add(String.format("{pa 0x%x, old 0x%x, new 0x%x}", hex(e.get("pa"), "updates.pa" + where()),
                        hex(e.get("old"), "updates.old" + where()), hex(e.get("new"), "updates.new" + where())));
            }
            List<String> want = new ArrayList<>();
            for (Update x : expected) {
                want.add(String.format("{pa 0x%x, old 0x%x, new 0x%x}", x.pa, x.oldValue, x.newValue));
            }
            assertEquals(String.join("\n", want), String.join("\n", got), "updates" + where());
            return this;
        }

        /** Exit 2 with a one-line, stack-trace-free message that contains every given fragment. */
        Result badInput(String... fragments) {
            assertEquals(2, exit, "bad input must exit 2" + where());
            String e = err.strip();
            assertFalse(e.isEmpty(), "an error message is required" + where());
            assertFalse(e.contains("\tat ") || e.contains("Exception") || e.contains("internal error"),
                    "no stack trace or exception name for bad input" + where());
            assertEquals(1, e.lines().filter(l -> !l.isBlank()).count() - helpLines(e),
                    "exactly one line describing the problem" + where());
            for (String f : fragments) {
                assertTrue(e.contains(f), "message should mention '" + f + "'" + where());
            }
            assertFalse(out.contains("\"outcome\""), "no result on stdout for bad input" + where());
            return this;
        }

        // The shared CLI adds a "Try '... --help'" hint after a usage error; that is not a second problem.
        private static long helpLines(String e) {
            return e.lines().filter(l -> l.startsWith("Try '")).count();
        }
    }

    static String hx(long v) {
        return "0x" + Long.toHexString(v);
    }
}
