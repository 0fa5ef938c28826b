package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.analysis.metrics.MetricTableReader;
import org.virtreplay.analysis.sweep.SweepResultRow;
import org.virtreplay.analysis.sweep.SweepTables;

/**
 * Issue 17's acceptance for the capacity planner's question ("how many VMs fit before p99 interrupt
 * latency passes 50 µs?"): the sweep command of sample-traces/capacity/SCENARIO.md, run exactly as
 * written there, states the answer in one sentence whose every number is derived here by hand from
 * the trace's own files, the scenario defaults (docs/scenario.md) and the cost model (docs/costs.md),
 * never from the program's output.
 *
 * <p>The derivation, in short (details at each step below):
 * <ul>
 * <li>The knee. The sweep varies {@code vms}, so every point runs the modelled fair scheduler
 * (docs/sweep.md, "Schedule"). While vms x vCPUs &lt;= PEs, no vCPU ever waits for a PE: the fair
 * scheduler is work-conserving and a woken vCPU takes an idle PE, of which there is always one, so the
 * run queue stays empty and an interrupt's latency is its path's costs plus what the guest itself
 * delays (masked windows, other interrupts' handlers, exits): bounded per interrupt below, and its p99
 * bound is far under 50 µs. One VM more overcommits the host: the trace's vCPUs are unblocked about
 * 77 % of the time, so 6 vCPUs want 4.6 PEs on average, and an interrupt whose vCPU is runnable but
 * descheduled waits until a PE frees, which the fair scheduler does only at a quantum end (4,000 µs
 * slices) or when a running vCPU blocks: far more than 50 µs, for an expected 18 % of the
 * interrupts, well above the 1 % a p99 tolerates.</li>
 * <li>The worst p99 at the knee: at least the cheapest path of a device interrupt (SPI or LPI, half of
 * the interrupts), at most the 99th percentile of the per-interrupt bounds.</li>
 * <li>n: at most the fewest {@code assert} rows of any of the knee's VMs in irq.csv.gz, at least that
 * minus the interrupts that could be coalesced, withdrawn or still pending at the end under the same
 * per-interrupt bounds.</li>
 * </ul>
 */
class CapacityAnswerTest {
    @TempDir
    Path dir;

    private static final Path SAMPLE = Path.of("..", "sample-traces", "capacity");

    /** The printed answer: knee, worst p99, scheduler, quantum, n. */
    private static final Pattern SENTENCE = Pattern.compile("largest vms with irq_p99_us<=50: (\\d+) \\(worst irq_p99_us "
            + "([0-9.]+); (\\w+) scheduler, ([0-9,]+) µs quantum, replacing the recorded schedule; n >= ([0-9,]+) "
            + "interrupts per VM\\)");

    /** The MMIO memslot's 64 KiB at IPA 0xa000000 is mapped by every VM's kernel at this VA (map.csv.gz, stage 1). */
    private static final long MMIO_VA = 0xffffffc000000000L;

    @Test
    void theScenarioSweepStatesTheHandDerivedAnswer() throws IOException {
        // ---- the command, exactly as SCENARIO.md gives it ----
        String scenario = Files.readString(SAMPLE.resolve("SCENARIO.md"));
        Matcher printf = Pattern.compile("(?m)^printf '([^']*)' > grid\\.txt$").matcher(scenario);
        assertTrue(printf.find(), "SCENARIO.md has the grid's printf line");
        String gridText = printf.group(1).replace("\\n", "\n");
        Matcher sweepLine = Pattern.compile("(?m)^bin/virtreplay (sweep .*)$").matcher(scenario);
        assertTrue(sweepLine.find(), "SCENARIO.md has the sweep command");
        Path grid = dir.resolve("grid.txt");
        Files.writeString(grid, gridText);
        List<String> args = new ArrayList<>();
        for (String w : words(sweepLine.group(1))) {
            args.add(switch (w) {
                case "sample-traces/capacity" -> SAMPLE.toString();
                case "grid.txt" -> grid.toString();
                case "out/capacity" -> dir.resolve("out").toString();
                default -> w;
            });
        }
        assertEquals(List.of("sweep", SAMPLE.toString(), "--grid", grid.toString(), "--out",
                dir.resolve("out").toString(), "--require", "irq_p99_us<=50"), args,
                "the README's sweep: no --set, no --scenario, so every other key keeps its default");
        assertEquals("vms = 1, 2, 3, 4, 6\n", gridText, "only vms varies; sched.* keep their defaults");

        IngestTestSupport.Result r = IngestTestSupport.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        List<String> out = r.out().lines().toList();
        String sentence = out.get(out.size() - 1);
        Matcher m = SENTENCE.matcher(sentence);
        assertTrue(m.matches(), sentence);

        // ---- the host: PEs and vCPUs from the trace ----
        int pes = Integer.parseInt(csvValue(SAMPLE.resolve("manifest.csv"), "pe_count"));
        assertEquals(4, pes);
        List<String> vmRows = Files.readAllLines(SAMPLE.resolve("vms.csv"));
        assertEquals("vm,name,vcpus,ipa_bits,vmid", vmRows.get(0));
        int traceVms = vmRows.size() - 1;
        for (String row : vmRows.subList(1, vmRows.size())) {
            assertEquals("2", row.split(",")[2], "every VM has 2 vCPUs: " + row);
        }
        int vcpusPerVm = 2;
        int[] gridVms = Arrays.stream(gridText.replace("vms =", "").trim().split(",\\s*")).mapToInt(Integer::parseInt)
                .toArray();

        // ---- the scheduler: sched.policy defaults to trace, which a point changing vms cannot replay, so
        // the sweep runs fair with sched.quantum_us, default 4000 (docs/scenario.md, docs/sweep.md) ----
        String scenarioDoc = Files.readString(Path.of("..", "docs", "scenario.md"));
        assertTrue(scenarioDoc.contains("| `sched.policy` | `trace` |"), "docs/scenario.md: policy default trace");
        Matcher q = Pattern.compile("\\| `sched\\.quantum_us` \\| `(\\d+)` \\|").matcher(scenarioDoc);
        assertTrue(q.find(), "docs/scenario.md gives the quantum's default");
        long quantumUs = Long.parseLong(q.group(1));
        assertEquals("fair", m.group(3));
        assertEquals(quantumUs, Long.parseLong(m.group(4).replace(",", "")));

        // ---- the trace's own tables, read here with a plain CSV split ----
        Trace t = Trace.read(SAMPLE);

        // ---- the knee ----
        // (1) vms x 2 <= 4 PEs: the fair scheduler (VcpuScheduler) places the first 4 vCPUs on the 4 PEs,
        // quantumEnd and armQuantum act only with a non-empty run queue, and a vCPU is enqueued only when no
        // PE is idle (wakeDone looks for an idle PE first; wake-up preemption is off by default): with at
        // most 4 vCPUs some PE is always idle for a woken one, so the queue stays empty and no interrupt
        // ever waits for a PE. Latency is then bounded per interrupt (bounds() below).
        int fitting = 0;
        for (int v : gridVms) {
            if (v * vcpusPerVm <= pes) {
                fitting = Math.max(fitting, v);
            }
        }
        assertEquals(2, fitting);
        // (2) At the next grid value the host is overcommitted. The model blocks a vCPU only at a trace
        // `block` record (and only when it runs and has nothing pending) and wakes it at the trace's `wake`
        // (or an interrupt), so it is runnable or running at least whenever the trace has it unblocked
        // (SCHED_BLOCK of a descheduled vCPU is ignored). So at an instant with u > 4 trace-unblocked
        // vCPUs, u - 4 of them are runnable but off every PE; the fair scheduler picks among them round
        // robin, independently of which vCPU an interrupt targets, so an interrupt for an unblocked vCPU
        // then finds it descheduled with probability (u - 4) / u, and waits for a quantum end (or a block)
        // elsewhere: typically milliseconds. The expected share of such interrupts must exceed 1 % for
        // the p99 to pass 50 µs; it is about 18 % here, so even a wide error leaves the conclusion.
        int next = Arrays.stream(gridVms).filter(v -> v > 2).min().orElseThrow();
        assertEquals(3, next);
        double waiting = 0;
        int sent = 0;
        for (Irq i : t.irqs) {
            if (i.vm >= next || !i.assertion) {
                continue;
            }
            sent++;
            if (t.blocked(i.vm, i.vcpu, i.ts)) {
                continue;
            }
            int u = 0;
            for (int vm = 0; vm < next; vm++) {
                for (int c = 0; c < vcpusPerVm; c++) {
                    u += t.blocked(vm, c, i.ts) ? 0 : 1;
                }
            }
            if (u > pes) {
                waiting += (u - pes) / (double) u;
            }
        }
        assertTrue(waiting / sent > 0.10, "expected share of interrupts finding their vCPU descheduled at vms=3: "
                + waiting / sent);
        int knee = Integer.parseInt(m.group(1));
        assertEquals(fitting, knee, sentence);

        // ---- the worst p99 at the knee, and n ----
        double worstP99Us = Double.parseDouble(m.group(2));
        long nPrinted = Long.parseLong(m.group(5).replace(",", ""));
        long fewestSent = Long.MAX_VALUE;
        long fewestLowerBound = Long.MAX_VALUE;
        long worstBoundNs = 0;
        for (int vm = 0; vm < knee; vm++) {
            VmBounds b = bounds(t, vm);
            fewestSent = Math.min(fewestSent, b.sent);
            fewestLowerBound = Math.min(fewestLowerBound, b.sent - b.possiblyLost);
            worstBoundNs = Math.max(worstBoundNs, b.p99BoundNs);
            // A p99 rests on these: the issue asks for n >= 1,000 per vCPU and class.
            b.perVcpuAndClass.forEach((k, v) -> assertTrue(v >= 1000, "vm " + k + ": " + v));
        }
        // Asserts of vm0 and vm1 in irq.csv.gz (zcat irq.csv.gz | awk -F, '$8=="assert"{c[$3]++} END{for(v in c) print v, c[v]}').
        assertEquals(13036, fewestSent);
        assertTrue(nPrinted <= fewestSent, "n can only lose interrupts, never gain: " + nPrinted);
        assertTrue(nPrinted >= fewestLowerBound, "n " + nPrinted + " below the hand bound " + fewestLowerBound);
        assertTrue(fewestLowerBound >= 12_000, "the bound itself is tight: " + fewestLowerBound);

        // Lower bound: a device SPI or an ITS LPI costs at least the host's handling, the injection, the
        // flush, the entry and the guest's acknowledge (the vCPU is at best already in EL2, skipping the
        // kick's IPI and exit); they are half of each VM's interrupts, far above 1 %, so p99 >= this.
        // The reported percentile is its bucket's highest value, never below the sample.
        long deviceFloorNs = ns(5572) + ns(1000) + ns(250) + ns(3000) + ns(300);
        assertEquals(4218, deviceFloorNs);
        assertTrue(worstP99Us * 1000 >= deviceFloorNs, worstP99Us + " µs");
        // Upper bound: the 99th percentile of the per-interrupt bounds, plus the histogram's 1/128.
        assertTrue(worstBoundNs < 50_000, "the hand bound alone answers the question: " + worstBoundNs + " ns");
        assertTrue(worstP99Us * 1000 <= worstBoundNs * (1 + 1.0 / 128), worstP99Us + " µs > bound " + worstBoundNs + " ns");

        // The bounds presume that the only stage-2 faults are the MMIO accesses (MMIO is never mapped, so
        // each one faults; the RAM is mapped by the trace's map table before use): the knee point's own
        // sweep_results row must show exactly those.
        List<SweepResultRow> rows = MetricTableReader.readAll(dir.resolve("out").resolve("sweep_results.parquet"),
                SweepTables.SWEEP_RESULTS);
        int checked = 0;
        for (SweepResultRow row : rows) {
            if (row.params().equals("vms=" + knee)) {
                long mmio = t.mmioAccesses.getOrDefault(row.vm(), 0L);
                assertEquals(mmio, row.s2FaultsMmio(), "vm " + row.vm() + ": one MMIO fault per MMIO access");
                assertEquals(mmio, row.s2Faults(), "vm " + row.vm() + ": no stage-2 fault on RAM");
                checked++;
            }
        }
        assertEquals(knee, checked);
        // zcat mem.csv.gz | awk -F, '$6 ~ /^0xffffffc00000[0-9a-f]{4}$/ {c[$2]++} END {for (v in c) print v, c[v]}'
        assertEquals(37L, t.mmioAccesses.get(0));
        assertEquals(35L, t.mmioAccesses.get(1));

        // Last (so that a change of the model fails on the derivation first): the docs quote the line the
        // sweep prints, in README's table row and SCENARIO.md's output.
        assertTrue(scenario.contains("\n" + sentence + "\n"), "SCENARIO.md shows the printed answer: " + sentence);
        assertTrue(Files.readString(Path.of("..", "README.md")).contains("`" + sentence + "`"),
                "README's capacity row quotes the printed answer: " + sentence);
    }

    /** The per-VM hand bounds at the knee: interrupts sent, possibly lost, and a bound on the p99 (ns). */
    private record VmBounds(long sent, long possiblyLost, long p99BoundNs, Map<String, Integer> perVcpuAndClass) {
    }

    /** Cycles to ns at the default 2,400 MHz clock, rounded to nearest per step (docs/costs.md). */
    private static long ns(long cycles) {
        return (cycles * 1000 + 1200) / 2400;
    }

    /**
     * A bound on every interrupt's latency of VM {@code vm} when no vCPU waits for a PE (docs/costs.md,
     * "Paths by interrupt source"; default cycles):
     * <ul>
     * <li>its own path, the vCPU running in the guest: device SPI / LPI = host 5,572 + inject 1,000 + IPI
     * 500 + exit 3,250 + flush 250 + entry 3,000 + ack 300 cycles = 5,780 ns; IPI = sender's exit +
     * inject + IPI + exit + flush + entry + ack = 4,812 ns; timer = exit + inject + flush + entry + ack =
     * 3,250 ns. Blocked (the trace blocks it, or woke it less than the 833 ns wake ago): the kick is a
     * wake 2,000 + a vCPU switch 10,387 at most, so 9,379, 8,411 and 7,057 ns;</li>
     * <li>plus, for every other event of the vCPU near it (another interrupt, an IPI it sends, a
     * system-register write, an MMIO access, which always faults: MMIO is never mapped at stage 2), at
     * most an exit + inject + flush + entry (3,125 ns) and an acknowledge + the guest's 2,000 ns handler:
     * 5,250 ns; with four or more of them the list registers (4) may overflow, so each also a maintenance
     * exit (exit + 200 + flush + entry = 2,791 ns);</li>
     * <li>plus the whole length of every DAIF mask window of the vCPU near it; "near" is within 20 µs
     * before it (or before such a window, whose held interrupts drain when it ends) to its bound after.</li>
     * </ul>
     * This presumes no stage-2 fault on RAM (the trace maps its RAM before use). The replay delivers a
     * subset of the sent interrupts, so its p99 (nearest rank over n) is at most the bound at rank
     * ceil(0.99 n) + (sent - n); n >= sent - possibly lost, where an interrupt is possibly lost when
     * an earlier edge of the same INTID on the vCPU may still be pending (coalesced), when its level
     * line is deasserted before its bound (withdrawn), or when its bound runs past the trace's end.
     */
    private static VmBounds bounds(Trace t, int vm) {
        long[] running = {ns(5572) + ns(1000) + ns(500) + ns(3250) + ns(250) + ns(3000) + ns(300),
            ns(3250) + ns(1000) + ns(500) + ns(3250) + ns(250) + ns(3000) + ns(300),
            ns(3250) + ns(1000) + ns(250) + ns(3000) + ns(300)};
        assertEquals(5780, running[0]);
        long kickToWake = ns(2000) + ns(10387) - ns(500) - ns(3250);
        long neighbour = ns(3250) + ns(1000) + ns(250) + ns(3000) + ns(300) + 2000;
        assertEquals(5250, neighbour);
        long maintenance = ns(3250) + ns(200) + ns(250) + ns(3000);
        long near = 20_000;
        List<Long> bounds = new ArrayList<>();
        Map<String, Long> lastEdge = new HashMap<>();
        Map<String, Integer> perVcpuAndClass = new TreeMap<>();
        long possiblyLost = 0;
        for (Irq i : t.irqs) {
            if (i.vm != vm || !i.assertion) {
                continue;
            }
            perVcpuAndClass.merge(i.vcpu + "," + i.source, 1, Integer::sum);
            int cls = i.source.equals("ipi") ? 1 : i.source.equals("timer") ? 2 : 0;
            long own = running[cls];
            if (t.blocked(vm, i.vcpu, i.ts) || t.blocked(vm, i.vcpu, i.ts - ns(2000))) {
                own += cls == 2 ? ns(2000) + ns(10387) - ns(3250) : kickToWake;
            }
            long[] events = t.events(vm, i.vcpu);
            List<long[]> masks = t.masks(vm, i.vcpu);
            long bound = own;
            long from = i.ts - near;
            for (int iter = 0; iter < 100; iter++) {
                long to = i.ts + bound;
                long maskLen = 0;
                long lo = i.ts - near;
                for (long[] w : masks) {
                    if (w[0] <= to && w[1] >= from) {
                        maskLen += w[1] - w[0];
                        lo = Math.min(lo, w[0] - near);
                    }
                }
                int others = count(events, lo, to) - 1;
                long next = own + maskLen + others * (neighbour + (others >= 4 ? maintenance : 0));
                from = lo;
                if (next == bound) {
                    break;
                }
                bound = next;
            }
            bounds.add(bound);
            boolean lost = i.ts + bound > t.lastTs;
            if (i.edge) {
                String key = i.vcpu + "," + i.intid;
                Long prevEnd = lastEdge.get(key);
                lost |= prevEnd != null && prevEnd > i.ts;
                lastEdge.put(key, i.ts + bound);
            } else {
                lost |= i.deassertTs - i.ts < bound;
            }
            possiblyLost += lost ? 1 : 0;
        }
        long[] sorted = bounds.stream().mapToLong(Long::longValue).sorted().toArray();
        long sent = sorted.length;
        long rank = (long) Math.ceil(0.99 * (sent - possiblyLost)) + possiblyLost;
        return new VmBounds(sent, possiblyLost, sorted[(int) Math.min(sent, rank) - 1], perVcpuAndClass);
    }

    /** Values in the sorted {@code a} within [lo, hi]. */
    private static int count(long[] a, long lo, long hi) {
        return lowerBound(a, hi + 1) - lowerBound(a, lo);
    }

    private static int lowerBound(long[] a, long x) {
        int i = Arrays.binarySearch(a, x);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && a[i - 1] == x) {
            i--;
        }
        return i;
    }

    /** One {@code irq} row; an SPI left to the distributor (vcpu -1) goes to vCPU 0 (docs/fidelity.md). */
    private record Irq(long ts, int intid, int vm, int vcpu, String source, int sourceVcpu, boolean edge,
            boolean assertion, long deassertTs) {
    }

    /** What this test reads of the trace, by plain line splitting. */
    private static final class Trace {
        final List<Irq> irqs = new ArrayList<>();
        final Map<String, List<long[]>> blocked = new HashMap<>();
        final Map<String, List<long[]>> masks = new HashMap<>();
        final Map<String, List<Long>> events = new HashMap<>();
        final Map<String, long[]> eventArrays = new HashMap<>();
        final Map<Integer, Long> mmioAccesses = new HashMap<>();
        long lastTs;

        static Trace read(Path sample) throws IOException {
            Trace t = new Trace();
            List<String[]> irq = new ArrayList<>();
            rows(sample.resolve("irq.csv.gz"), "ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts",
                    irq::add);
            Map<String, Integer> openLevel = new HashMap<>();
            for (String[] c : irq) {
                long ts = Long.parseLong(c[0]);
                int vm = Integer.parseInt(c[2]);
                int vcpu = Math.max(0, Integer.parseInt(c[3]));
                boolean assertion = c[7].equals("assert");
                assertTrue(c[9].isEmpty() && c[10].isEmpty(), "no recorded ack/eoi: the handler is the default 2 µs");
                t.lastTs = Math.max(t.lastTs, ts);
                String key = vm + "," + vcpu + "," + c[1];
                if (c[6].equals("level") && !assertion) {
                    Integer a = openLevel.remove(key);
                    Irq i = t.irqs.get(a);
                    t.irqs.set(a, new Irq(i.ts, i.intid, i.vm, i.vcpu, i.source, i.sourceVcpu, i.edge, true, ts));
                    continue;
                }
                assertTrue(assertion, String.join(",", c));
                if (c[6].equals("level")) {
                    openLevel.put(key, t.irqs.size());
                }
                int src = Integer.parseInt(c[5]);
                t.irqs.add(new Irq(ts, Integer.parseInt(c[1]), vm, vcpu, c[4], src, c[6].equals("edge"), true,
                        Long.MAX_VALUE));
                t.event(vm, vcpu, ts);
                if (c[4].equals("ipi") && src >= 0) {
                    t.event(vm, src, ts); // the sender's trapped ICC_SGI1R_EL1 write
                }
            }
            Map<String, Long> open = new HashMap<>();
            rows(sample.resolve("sched.csv.gz"), "ts,pe,vm,vcpu,event", c -> {
                String key = c[2] + "," + c[3];
                long ts = Long.parseLong(c[0]);
                if (c[4].equals("block")) {
                    open.put(key, ts);
                } else if (c[4].equals("wake") && open.containsKey(key)) {
                    t.blocked.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {open.remove(key), ts});
                }
            });
            open.forEach((k, ts) -> t.blocked.computeIfAbsent(k, x -> new ArrayList<>()).add(new long[] {ts, Long.MAX_VALUE}));
            Map<String, Long> masked = new HashMap<>();
            rows(sample.resolve("daif.csv.gz"), "ts,vm,vcpu,event", c -> {
                String key = c[1] + "," + c[2];
                long ts = Long.parseLong(c[0]);
                if (c[3].equals("mask")) {
                    masked.put(key, ts);
                } else {
                    t.masks.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {masked.remove(key), ts});
                }
            });
            rows(sample.resolve("sysreg.csv.gz"), "ts,pe,vm,vcpu,el,reg,value", c -> {
                if (!c[3].equals("-1")) {
                    t.event(Integer.parseInt(c[2]), Integer.parseInt(c[3]), Long.parseLong(c[0]));
                }
            });
            rows(sample.resolve("mem.csv.gz"), "ts,vm,vcpu,el,access,va,size", c -> {
                long va = Long.parseUnsignedLong(c[5].substring(2), 16);
                if (va - MMIO_VA >= 0 && va - MMIO_VA < 0x10000) {
                    t.event(Integer.parseInt(c[1]), Integer.parseInt(c[2]), Long.parseLong(c[0]));
                    t.mmioAccesses.merge(Integer.parseInt(c[1]), 1L, Long::sum);
                }
            });
            return t;
        }

        private void event(int vm, int vcpu, long ts) {
            events.computeIfAbsent(vm + "," + vcpu, k -> new ArrayList<>()).add(ts);
        }

        long[] events(int vm, int vcpu) {
            return eventArrays.computeIfAbsent(vm + "," + vcpu,
                    k -> events.getOrDefault(k, List.of()).stream().mapToLong(Long::longValue).sorted().toArray());
        }

        List<long[]> masks(int vm, int vcpu) {
            return masks.getOrDefault(vm + "," + vcpu, List.of());
        }

        /** Whether the trace has vCPU (vm, vcpu) blocked (between a block and its wake) at {@code ts}. */
        boolean blocked(int vm, int vcpu, long ts) {
            // the windows of one vCPU come in time order and do not overlap: the last one starting at or
            // before ts is the only candidate
            List<long[]> w = blocked.getOrDefault(vm + "," + vcpu, List.of());
            int lo = 0;
            int hi = w.size() - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (w.get(mid)[0] <= ts) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found >= 0 && ts < w.get(found)[1];
        }
    }

    private static void rows(Path gz, String header, Consumer<String[]> row) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            assertEquals(header, r.readLine(), gz.toString());
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                row.accept(l.split(",", -1));
            }
        }
    }

    private static String csvValue(Path csv, String key) throws IOException {
        for (String l : Files.readAllLines(csv)) {
            if (l.startsWith(key + ",")) {
                return l.substring(key.length() + 1);
            }
        }
        throw new AssertionError(key + " not in " + csv);
    }

    /** A command line's words, double quotes grouping. */
    private static List<String> words(String line) {
        List<String> w = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            w.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return w;
    }
}
