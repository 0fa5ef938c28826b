package org.virtreplay.engine.mmu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;

/**
 * The engine side of {@code virtreplay translate}: parses the registers and memory text files,
 * runs one traced translation and renders the result as JSON or as a readable table. The command
 * line only reads files and prints, so tests of this class test the command's logic.
 *
 * <p>JSON shape (numbers for counts and levels, {@code 0x}-hex lowercase strings without leading
 * zeros for addresses and register values, except {@code attr}, always two hex digits):
 * <pre>
 * success: {"outcome":"ok","pa":"0x..","ipa":"0x..","attr":"0xff","sh":"ISH","size":4096,
 *           "perm":"rw-","pa_space":"nonsecure","reads":4,"walk":[{"stage":1,"level":0,"pa":"0x..","desc":"0x.."},...],
 *           "updates":[{"pa":"0x..","old":"0x..","new":"0x.."},...]}
 * fault:   {"outcome":"fault","stage":1,"fault":"translation","level":1,"s1ptw":false,"target_el":1,
 *           "esr":"0x96000005","far":"0x..","hpfar":"0x.." (stage-2 faults only),"ipa":"0x.." (stage-2 faults only),
 *           "reads":2,"walk":[...],"updates":[...]}
 * </pre>
 */
public final class TranslateTool {
    private TranslateTool() {}

    /** Parses {@code NAME = VALUE} lines ({@code #} comments; hex {@code 0x..} or decimal values; {@code _} allowed). */
    public static MmuRegisters parseRegisters(List<String> lines, String file) {
        MmuRegisters regs = new MmuRegisters();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i));
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add(where + "expected NAME = VALUE, got " + UserText.quote(line));
                continue;
            }
            String name = line.substring(0, eq).trim();
            String text = line.substring(eq + 1).trim();
            if (!MmuRegisters.NAMES.contains(name)) {
                problems.add(where + "unknown register " + UserText.quote(name) + " (known: "
                        + String.join(", ", MmuRegisters.NAMES)
                        + ")");
                continue;
            }
            Long v = parseNumber(text);
            if (v == null) {
                problems.add(where + "register " + name + ": expected 0x-hex or decimal value, got "
                        + UserText.quote(text));
                continue;
            }
            regs.set(name, v);
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return regs;
    }

    /** Parses {@code PA VALUE} lines (both hex, {@code 0x} optional; PA 8-byte aligned) into {@code mem}. */
    public static PhysicalMemory parseMemory(List<String> lines, String file, PhysicalMemory mem) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i));
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] parts = line.split("[\\s,]+");
            if (parts.length != 2) {
                problems.add(where + "expected 'PA VALUE' (two hex numbers), got " + UserText.quote(line));
                continue;
            }
            Long pa = parseHex(parts[0]);
            Long value = parseHex(parts[1]);
            if (pa == null) {
                problems.add(where + "column 'pa': expected 0x-hex address, got " + UserText.quote(parts[0]));
            } else if ((pa & 7) != 0) {
                problems.add(where + "column 'pa': expected an 8-byte-aligned address, got "
                        + UserText.quote(parts[0]));
            }
            if (value == null) {
                problems.add(where + "column 'value': expected 0x-hex 64-bit value, got " + UserText.quote(parts[1]));
            }
            if (pa != null && value != null && (pa & 7) == 0) {
                mem.write(pa, value);
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return mem;
    }

    private static String stripComment(String s) {
        int h = s.indexOf('#');
        return (h >= 0 ? s.substring(0, h) : s).trim();
    }

    /** Hex with {@code 0x} prefix or decimal; underscores ignored. Null if malformed or out of 64-bit range. */
    public static Long parseNumber(String s) {
        String t = s.replace("_", "").trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return parseHex(t);
        }
        if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Hex with optional {@code 0x}; underscores ignored. */
    public static Long parseHex(String s) {
        String t = s.replace("_", "").trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        if (t.isEmpty() || t.length() > 16) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Runs the request with a walk trace and returns the result. EL2 in Secure state needs
     * SCR_EL3.EEL2 = 1 (FEAT_SEL2); otherwise it does not exist and the request is refused.
     */
    public static TranslationResult run(TranslateRequest req) {
        if (req.secure() && req.el() == 2 && !req.regs().scrEel2()) {
            throw new BadInputException("--security secure --el 2: Secure EL2 needs SCR_EL3.EEL2 (bit 18) = 1");
        }
        TranslationResult res = new TranslationResult();
        res.trace = new WalkTrace();
        new Mmu(req.memory()).translate(req.regs(), req.va(), req.el(), req.access(), req.unprivileged(),
                req.secure(), res);
        return res;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String attrHex(int attr) {
        return String.format(Locale.ROOT, "0x%02x", attr & 0xFF);
    }

    static String perm(TranslationResult r) {
        return (r.permRead ? "r" : "-") + (r.permWrite ? "w" : "-") + (r.permExec ? "x" : "-");
    }

    /** The one-object JSON rendering (see the class comment for the shape). */
    public static String toJson(TranslationResult r) {
        StringBuilder b = new StringBuilder(256);
        b.append('{');
        if (r.ok) {
            b.append("\"outcome\":\"ok\"");
            b.append(",\"pa\":\"").append(hex(r.pa)).append('"');
            b.append(",\"ipa\":\"").append(hex(r.ipa)).append('"');
            b.append(",\"attr\":\"").append(attrHex(r.attr)).append('"');
            b.append(",\"sh\":\"").append(Attributes.shName(r.sh)).append('"');
            b.append(",\"size\":").append(r.size);
            b.append(",\"perm\":\"").append(perm(r)).append('"');
            b.append(",\"pa_space\":\"").append(r.nonSecure ? "nonsecure" : "secure").append('"');
        } else {
            b.append("\"outcome\":\"fault\"");
            b.append(",\"stage\":").append(r.faultStage);
            b.append(",\"fault\":\"").append(r.fault.jsonName).append('"');
            b.append(",\"level\":").append(r.faultLevel);
            b.append(",\"s1ptw\":").append(r.s1ptw);
            b.append(",\"target_el\":").append(r.targetEl);
            b.append(",\"esr\":\"").append(hex(r.esr)).append('"');
            b.append(",\"far\":\"").append(hex(r.far)).append('"');
            if (r.faultStage == 2) {
                b.append(",\"hpfar\":\"").append(hex(r.hpfar)).append('"');
                b.append(",\"ipa\":\"").append(hex(r.faultIpa)).append('"');
            }
        }
        b.append(",\"reads\":").append(r.reads);
        b.append(",\"walk\":[");
        WalkTrace t = r.trace;
        if (t != null) {
            for (int i = 0; i < t.reads(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append("{\"stage\":").append(t.stage(i)).append(",\"level\":").append(t.level(i))
                        .append(",\"pa\":\"").append(hex(t.pa(i))).append("\",\"desc\":\"").append(hex(t.desc(i)))
                        .append("\"}");
            }
        }
        b.append("],\"updates\":[");
        if (t != null) {
            for (int i = 0; i < t.updates(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append("{\"pa\":\"").append(hex(t.updatePa(i))).append("\",\"old\":\"").append(hex(t.updateOld(i)))
                        .append("\",\"new\":\"").append(hex(t.updateNew(i))).append("\"}");
            }
        }
        b.append("]}");
        return b.toString();
    }

    /** A readable step-by-step table of the walk and the outcome in words. */
    public static String toText(TranslateRequest req, TranslationResult r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Translating VA 0x%016x, %s at EL%d%s, regime %s%s%n", req.va(),
                req.access().name().toLowerCase(Locale.ROOT), req.el(), req.unprivileged() ? " (unprivileged)" : "",
                r.regime.armName, r.stage2Enabled ? " with stage 2" : (r.stage1Enabled ? ", stage 1 only" : "")));
        if (!r.stage1Enabled) {
            b.append("  stage 1 is disabled: VA passes through as ").append(r.stage2Enabled ? "IPA" : "PA")
                    .append(System.lineSeparator());
        }
        WalkTrace t = r.trace;
        b.append(String.format(Locale.ROOT, "  %-4s %-6s %-5s %-20s %-20s%n", "step", "stage", "level", "descriptor PA",
                "descriptor"));
        for (int i = 0; t != null && i < t.reads(); i++) {
            b.append(String.format(Locale.ROOT, "  %-4d %-6d %-5d 0x%016x   0x%016x  %s%n", i + 1, t.stage(i),
                    t.level(i), t.pa(i), t.desc(i), describe(t.desc(i), t.level(i))));
        }
        for (int i = 0; t != null && i < t.updates(); i++) {
            b.append(String.format(Locale.ROOT, "  hardware update at PA 0x%016x: 0x%016x -> 0x%016x%n",
                    t.updatePa(i), t.updateOld(i), t.updateNew(i)));
        }
        b.append(String.format(Locale.ROOT, "  %d descriptor read%s%n", r.reads, r.reads == 1 ? "" : "s"));
        if (r.ok) {
            b.append(String.format(Locale.ROOT,
                    "Result: translated to PA 0x%016x%s; attributes %s (MAIR byte), %s; entry size %d bytes; permissions %s%n",
                    r.pa, r.stage2Enabled ? String.format(Locale.ROOT, " (IPA 0x%016x)", r.ipa) : "",
                    attrHex(r.attr), Attributes.shName(r.sh), r.size, perm(r)));
        } else {
            b.append(String.format(Locale.ROOT,
                    "Result: stage-%d %s fault at level %d%s, taken to EL%d; ESR 0x%08x, FAR 0x%016x%s%n",
                    r.faultStage, r.fault.jsonName.replace('_', ' '), r.faultLevel,
                    r.s1ptw ? " on a stage-1 table walk (S1PTW)" : "", r.targetEl, r.esr, r.far,
                    r.faultStage == 2 ? String.format(Locale.ROOT, ", HPFAR 0x%x (IPA 0x%x)", r.hpfar, r.faultIpa)
                            : ""));
        }
        return b.toString();
    }

    private static String describe(long d, int level) {
        if ((d & 1) == 0) {
            return "invalid";
        }
        if ((d & 2) == 0) {
            return level == 3 ? "reserved (block at level 3)" : "block";
        }
        return level == 3 ? "page" : "table";
    }
}
