package org.virtreplay.analysis.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.engine.UserText;
import org.virtreplay.ingest.io.Utf8Text;

/**
 * The modelled host of a replay: what a scenario file sets, with defaults for everything it does
 * not. A scenario file is text, one {@code key = value} per line, {@code #} starts a comment; the
 * keys are listed in {@link Key} and documented in docs/scenario.md.
 *
 * <p>Values are kept as validated strings in a sorted map so that a scenario can be printed,
 * compared and stored in {@code run_info} canonically; typed getters parse them.
 */
public final class Scenario {

    /** Every key a scenario may set, with its default and what it accepts. */
    public enum Key {
        PES("pes", "0", Kind.INT_0_4096, "physical PEs; 0 = the trace manifest's pe_count"),
        CORE("core", "neoverse-n1", Kind.CORE, "core preset: cortex-a72, cortex-a76, neoverse-n1, neoverse-n2, neoverse-v1, neoverse-v2"),
        TLB_L1I_ENTRIES("tlb.l1i.entries", "", Kind.OPT_INT, "L1 instruction TLB entries (empty = the preset's)"),
        TLB_L1I_ASSOC("tlb.l1i.assoc", "", Kind.OPT_INT, "L1 instruction TLB ways (empty = the preset's; equal to entries = fully associative)"),
        TLB_L1D_ENTRIES("tlb.l1d.entries", "", Kind.OPT_INT, "L1 data TLB entries"),
        TLB_L1D_ASSOC("tlb.l1d.assoc", "", Kind.OPT_INT, "L1 data TLB ways"),
        TLB_L2_ENTRIES("tlb.l2.entries", "", Kind.OPT_INT, "unified L2 TLB entries (0 = none)"),
        TLB_L2_ASSOC("tlb.l2.assoc", "", Kind.OPT_INT, "unified L2 TLB ways"),
        TLB_STALE_CHECK("tlb.stale_check", "exact", Kind.STALE_CHECK, "stale-translation detector (a TLB hit on an "
                + "entry the page tables no longer back: a remap without TLBI): exact = re-walk the hits on entries "
                + "filled before a change to their mapping; N = re-walk every N-th hit; 0 or off = no detector"),
        TLB_REPLACEMENT("tlb.replacement", "", Kind.REPLACEMENT, "lru, plru, fifo or random (empty = the preset's)"),
        GIC_LIST_REGISTERS("gic.list_registers", "4", Kind.INT_1_16, "ICH_LR<n>_EL2 count"),
        GIC_V4("gic.v4", "false", Kind.BOOL, "GICv4.1 direct injection of vLPIs and vSGIs"),
        SCHED_POLICY("sched.policy", "trace", Kind.SCHED, "trace (replay the sched records), pinned, or fair (time-sliced)"),
        SCHED_QUANTUM_US("sched.quantum_us", "4000", Kind.INT_POS, "time slice of the fair scheduler, microseconds"),
        S2_BACKING("s2.backing", "trace", Kind.S2_BACKING, "stage-2 backing of RAM memslots: trace (as recorded) or 4k, 16k, 64k, 2m, 32m, 512m, 1g"),
        CLOCK_MHZ("cost.clock_mhz", costDefault("clock_mhz"), Kind.INT_POS, "PE clock for converting cycle costs to time"),
        COST_EXIT("cost.exit_cycles", costDefault("exit_cycles"), Kind.INT_NONNEG, "guest trap to EL2, saving guest state (docs/costs.md)"),
        COST_ENTRY("cost.entry_cycles", costDefault("entry_cycles"), Kind.INT_NONNEG, "restoring guest state and ERET"),
        COST_LR_FLUSH("cost.lr_flush_cycles", costDefault("lr_flush_cycles"), Kind.INT_NONNEG, "vgic flush of the list registers before entry"),
        COST_INJECT("cost.inject_cycles", costDefault("inject_cycles"), Kind.INT_NONNEG, "queueing a virtual interrupt and the kick "
                + "decision (also the emulation of a trapped SGI write)"),
        COST_IPI("cost.ipi_cycles", costDefault("ipi_cycles"), Kind.INT_NONNEG, "flight of the physical SGI that kicks a running vCPU"),
        COST_DEVICE_HOST("cost.device_host_cycles", costDefault("device_host_cycles"), Kind.INT_NONNEG, "host handling of a device interrupt "
                + "before injection"),
        COST_GUEST_ACK("cost.guest_ack_cycles", costDefault("guest_ack_cycles"), Kind.INT_NONNEG, "guest vIRQ entry and ICV_IAR1_EL1 read"),
        COST_MAINTENANCE("cost.maintenance_cycles", costDefault("maintenance_cycles"), Kind.INT_NONNEG, "host maintenance-interrupt handler"),
        COST_WAKE("cost.wake_cycles", costDefault("wake_cycles"), Kind.INT_NONNEG, "waking a vCPU blocked in WFI"),
        COST_VCPU_SWITCH("cost.vcpu_switch_cycles", costDefault("vcpu_switch_cycles"), Kind.INT_NONNEG, "switching a PE to another vCPU"),
        COST_DIRECT("cost.direct_cycles", costDefault("direct_cycles"), Kind.INT_NONNEG, "GICv4.1 delivery to a resident vPE"),
        COST_DOORBELL("cost.doorbell_cycles", costDefault("doorbell_cycles"), Kind.INT_NONNEG, "GICv4.1 doorbell for a non-resident vPE"),
        COST_GUEST_HANDLER("cost.guest_handler_ns", costDefault("guest_handler_ns"), Kind.INT_NONNEG, "guest handler time from acknowledge to "
                + "EOI when the trace has no eoi_ts, ns"),
        COST_S2_FAULT("cost.s2_fault_cycles", costDefault("s2_fault_cycles"), Kind.INT_NONNEG, "KVM's handling of a stage-2 abort on RAM "
                + "(map, dirty-log unprotect, access flag)"),
        COST_MMIO("cost.mmio_cycles", costDefault("mmio_cycles"), Kind.INT_NONNEG, "KVM's handling of an MMIO abort until the device "
                + "model has it"),
        COST_TRAP("cost.trap_cycles", costDefault("trap_cycles"), Kind.INT_NONNEG, "emulation of a trapped system-register write"),
        SEED("seed", "1", Kind.LONG, "seed of every random choice (random replacement)");

        final String name;
        final String defaultValue;
        final Kind kind;
        final String help;

        Key(String name, String defaultValue, Kind kind, String help) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.kind = kind;
            this.help = help;
        }

        /**
         * The default of cost key {@code cost.NAME}: the cost model's own (docs/costs.md), in one
         * place. Here, not in Scenario, so that initialising the keys does not initialise Scenario,
         * whose own initialisation reads the keys.
         */
        private static String costDefault(String name) {
            return Long.toString(org.virtreplay.engine.hyp.CostModel.defaults().get(name));
        }

        public String keyName() {
            return name;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String help() {
            return help;
        }
    }

    enum Kind {
        INT_0_4096, INT_1_16, INT_POS, INT_NONNEG, OPT_INT, LONG, BOOL, CORE, REPLACEMENT, SCHED, S2_BACKING,
        STALE_CHECK
    }

    /** The most entries (and ways) a TLB structure may have: far beyond any core, and its arrays fit a heap. */
    public static final int MAX_TLB_ENTRIES = 1 << 20;

    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

    static {
        for (Key k : Key.values()) {
            BY_NAME.put(k.name, k);
        }
    }

    private static final List<String> CORES =
            List.of("cortex-a72", "cortex-a76", "neoverse-n1", "neoverse-n2", "neoverse-v1", "neoverse-v2");

    private final TreeMap<String, String> values;
    /**
     * Where each key set explicitly came from, for messages about combinations of values:
     * {@code FILE:LINE} for a scenario file, {@code --set KEY=VALUE} for the command line. Not part
     * of the scenario's value (equals, run_info).
     */
    private final Map<String, String> origins;

    private Scenario(TreeMap<String, String> values) {
        this(values, Map.of());
    }

    private Scenario(TreeMap<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** The scenario with every default. */
    public static Scenario defaults() {
        TreeMap<String, String> v = new TreeMap<>();
        for (Key k : Key.values()) {
            v.put(k.name, k.defaultValue);
        }
        return new Scenario(v);
    }

    /** Reads and validates a scenario file; every problem is one line of the exception. */
    public static Scenario read(Path file) {
        return parse(file.toString(), Utf8Text.read(file));
    }

    /** Parses scenario text; {@code source} names it in messages. */
    public static Scenario parse(String source, String text) {
        Scenario s = defaults();
        Map<String, String> origins = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark, ignored as in CSV tables
        }
        String[] lines = text.split("\r?\n", -1);
        Map<String, Integer> seenAt = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add(source + ":" + lineNo + ": expected 'key = value', got " + UserText.quote(line));
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            Key k = BY_NAME.get(key);
            if (k == null) {
                problems.add(source + ":" + lineNo + ": " + unknownKey(key, List.of()));
                continue;
            }
            Integer prev = seenAt.put(key, lineNo);
            if (prev != null) {
                problems.add(source + ":" + lineNo + ": key " + UserText.quote(key) + " already set on line " + prev);
                continue;
            }
            String err = check(k, value);
            if (err != null) {
                problems.add(source + ":" + lineNo + ": key " + UserText.quote(key) + ": expected " + err
                        + ", got " + UserText.quote(value));
                continue;
            }
            s.values.put(key, value.toLowerCase(java.util.Locale.ROOT));
            origins.put(key, source + ":" + lineNo);
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return new Scenario(s.values, Map.copyOf(origins));
    }

    /** A copy with one key changed (used by sweeps and command-line overrides); validated. */
    public Scenario with(Key key, String value) {
        return with(key, value, null);
    }

    /**
     * {@link #with(Key, String)}, remembering where the value came from ({@code origin}, e.g.
     * {@code --set tlb.l1d.assoc=5}; null: nowhere the user would look) for messages.
     */
    public Scenario with(Key key, String value, String origin) {
        String err = check(key, value);
        if (err != null) {
            // named by the option it came from (--set, --tlb-l2-entries), whose value the message quotes
            String option = origin == null ? "" : origin.split(" ", 2)[0] + ": ";
            throw new BadInputException(option + "scenario key " + UserText.quote(key.name) + ": expected " + err
                    + ", got " + UserText.quote(value));
        }
        TreeMap<String, String> v = new TreeMap<>(values);
        v.put(key.name, value.toLowerCase(java.util.Locale.ROOT));
        Map<String, String> o = new TreeMap<>(origins);
        if (origin == null) {
            o.remove(key.name);
        } else {
            o.put(key.name, origin);
        }
        return new Scenario(v, Map.copyOf(o));
    }

    /** Where {@code k}'s value came from ({@code FILE:LINE}, {@code --set K=V}), or null (a default). */
    public String origin(Key k) {
        return origins.get(k.name);
    }

    /**
     * The place a problem with the values of {@code keys} together is reported at: the scenario
     * file and the lines of those keys it sets ({@code host.txt:3,4}), else where the first key set
     * elsewhere came from ({@code --set tlb.l1d.assoc=5}), else {@code scenario}.
     */
    public String place(Key... keys) {
        String file = null;
        StringBuilder lines = new StringBuilder();
        String other = null;
        for (Key k : keys) {
            String o = origins.get(k.name);
            if (o == null) {
                continue;
            }
            int colon = o.lastIndexOf(':');
            boolean fileLine = !o.startsWith("--") && colon > 0 && o.substring(colon + 1).matches("[0-9]+");
            if (fileLine && (file == null || file.equals(o.substring(0, colon)))) {
                file = o.substring(0, colon);
                lines.append(lines.length() == 0 ? "" : ",").append(o.substring(colon + 1));
            } else if (other == null) {
                other = o;
            }
        }
        return file != null ? file + ":" + lines : other != null ? other : "scenario";
    }

    /**
     * The message for an unknown key: the nearest known key when one is close, and the known keys
     * with the cost model's collapsed into {@code cost.*}, so that the line stays short.
     *
     * @param extra further keys the caller accepts (a sweep's {@code vms}, {@code overcommit})
     */
    public static String unknownKey(String key, List<String> extra) {
        List<String> all = new java.util.ArrayList<>(extra);
        all.addAll(BY_NAME.keySet());
        String best = UserText.nearest(key, all);
        List<String> shown = new java.util.ArrayList<>(extra);
        shown.add(keyNames());
        if (best != null) {
            return "unknown key " + UserText.quote(key) + "; did you mean " + UserText.quote(best)
                    + "? (docs/scenario.md lists every key)";
        }
        return "unknown key " + UserText.quote(key) + "; known keys: " + String.join(", ", shown);
    }

    /**
     * Every key's name, in the order of docs/scenario.md, for the message of an unknown key; keys
     * that differ only after their last dot are written once with braces, as a shell would expand
     * them ({@code tlb.l1i.{entries,assoc}}), so that the message stays one short line.
     */
    public static String keyNames() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String k : BY_NAME.keySet()) {
            int dot = k.lastIndexOf('.');
            groups.computeIfAbsent(dot < 0 ? k : k.substring(0, dot + 1), p -> new ArrayList<>())
                    .add(dot < 0 ? "" : k.substring(dot + 1));
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            List<String> tails = g.getValue();
            // The cost model's many keys (docs/costs.md) would fill the line on their own.
            parts.add(tails.size() == 1 ? g.getKey() + tails.get(0)
                    : tails.size() > 4 ? g.getKey() + "* (docs/scenario.md)"
                    : g.getKey() + "{" + String.join(",", tails) + "}");
        }
        return String.join(", ", parts);
    }

    /**
     * The problem with one {@code --set} word ({@code KEY=VALUE}), or null when its key is known:
     * an unknown key is answered with the known ones.
     */
    public static String setProblem(String word) {
        int eq = word.indexOf('=');
        if (eq < 0) {
            String shown = word.length() > 24 ? UserText.quote(word.substring(0, 24), word.length()) : UserText.quote(word);
            return "--set: expected KEY=VALUE, got " + shown + "; keys: " + keyNames();
        }
        String name = word.substring(0, eq).strip();
        if (key(name) == null) {
            String near = unknownKey(name.length() > 24 ? name.substring(0, 24) : name, List.of());
            if (near.contains("did you mean")) {
                return "--set: " + near;
            }
            // a long key is cut shorter than other echoes: the list of keys must fit the line too
            String shown = name.length() > 24 ? UserText.quote(name.substring(0, 24), name.length()) : UserText.quote(name);
            return "--set: unknown key " + shown + "; keys: " + keyNames();
        }
        return null;
    }

    /** Finds a key by its file name, or null. */
    public static Key key(String name) {
        return BY_NAME.get(name);
    }

    private static String check(Key k, String v) {
        switch (k.kind) {
            case INT_0_4096:
                return intIn(v, 0, 4096) ? null : "an integer from 0 to 4096";
            case INT_1_16:
                return intIn(v, 1, 16) ? null : "an integer from 1 to 16";
            case INT_POS:
                return intIn(v, 1, Integer.MAX_VALUE) ? null : "a positive integer";
            case INT_NONNEG:
                return intIn(v, 0, Integer.MAX_VALUE) ? null : "0 or a positive integer";
            case STALE_CHECK:
                return v.equals("exact") || v.equals("off") || intIn(v, 0, Integer.MAX_VALUE) ? null
                        : "exact, off, 0 or a positive integer";
            case OPT_INT:
                return v.isEmpty() || intIn(v, 0, MAX_TLB_ENTRIES) ? null
                        : "empty or an integer from 0 to " + MAX_TLB_ENTRIES;
            case LONG:
                try {
                    Long.parseLong(v);
                    return null;
                } catch (NumberFormatException e) {
                    return "a 64-bit integer";
                }
            case BOOL:
                return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? null : "true or false";
            case CORE:
                return CORES.contains(v.toLowerCase(java.util.Locale.ROOT)) ? null : "one of " + String.join(", ", CORES);
            case REPLACEMENT:
                return v.isEmpty() || List.of("lru", "plru", "fifo", "random").contains(v.toLowerCase(java.util.Locale.ROOT))
                        ? null : "empty, lru, plru, fifo or random";
            case SCHED:
                return List.of("trace", "pinned", "fair").contains(v.toLowerCase(java.util.Locale.ROOT))
                        ? null : "trace, pinned or fair";
            case S2_BACKING:
                return v.equalsIgnoreCase("trace") || pageSize(v) > 0 ? null : "trace, 4k, 16k, 64k, 2m, 32m, 512m or 1g";
            default:
                throw new AssertionError(k.kind);
        }
    }

    private static boolean intIn(String v, long lo, long hi) {
        try {
            long x = Long.parseLong(v);
            return x >= lo && x <= hi;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Bytes of a page-size name (4k … 1g), or -1. */
    public static long pageSize(String v) {
        switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "4k": return 4096L;
            case "16k": return 16384L;
            case "64k": return 65536L;
            case "2m": return 2L << 20;
            case "32m": return 32L << 20;
            case "512m": return 512L << 20;
            case "1g": return 1L << 30;
            default: return -1;
        }
    }

    /**
     * The engine's stale-check setting for a {@code tlb.stale_check} value: -1 exact
     * ({@code TranslationUnit.STALE_EXACT}), 0 off, N every N-th hit.
     */
    public static int staleCheckEvery(String v) {
        return v.equals("exact") ? -1 : v.equals("off") ? 0 : Integer.parseInt(v);
    }

    public String get(Key k) {
        return values.get(k.name);
    }

    public int getInt(Key k) {
        return Integer.parseInt(values.get(k.name));
    }

    /** An optional integer key, or {@code dflt} when empty. */
    public int getInt(Key k, int dflt) {
        String v = values.get(k.name);
        return v.isEmpty() ? dflt : Integer.parseInt(v);
    }

    public long getLong(Key k) {
        return Long.parseLong(values.get(k.name));
    }

    public boolean getBool(Key k) {
        return Boolean.parseBoolean(values.get(k.name));
    }

    /** Every key with its value, sorted by key: the canonical form stored in run_info. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** The canonical text form: {@code key = value} lines sorted by key. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scenario s && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toText();
    }
}
