package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.convert.TraceConverter;

/**
 * End-to-end properties of generated traces: determinism, and that a trace is self-consistent in
 * the ways the replay engine relies on (every access translatable through the mappings and
 * registers in force at its time, accesses only while the vCPU runs, break-before-make with the
 * right TLB maintenance, registers that decode to the intended fields).
 */
class GeneratorTest {
    @TempDir
    Path tmp;

    /** A short trace with every kind of event at high rates, overcommitted 9 vCPUs on 4 PEs. */
    static GeneratorOptions busy() {
        GeneratorOptions o = new GeneratorOptions();
        o.seed = 12345;
        o.vms = 3;
        o.vcpus = 3;
        o.pes = 4;
        o.accesses = 150_000;
        o.accessGapNs = 400;
        o.procs = 3;
        o.footprint = "1M,2M";
        o.textPages = 8;
        o.ram = "32M";
        o.passthrough = true;
        o.asidMax = 5;
        o.execHz = 500;
        o.remapHz = 500;
        o.hypTlbiHz = 500;
        o.timerHz = 1000;
        o.spiHz = 1000;
        o.ipiHz = 500;
        o.lpiHz = 200;
        o.daifHz = 1000;
        o.guestSliceUs = 500;
        o.busyUs = 2000;
        o.quantumUs = 500;
        o.mmio = 0.002;
        o.crossPage = 0.01;
        return o;
    }

    private Path gen(GeneratorOptions o, String name, Compression c) throws IOException {
        Path out = tmp.resolve(name);
        GenerateJob.run(o, out, c, false, null);
        return out;
    }

    @Test
    void sameOptionsGiveByteIdenticalFilesAndTheSeedMatters() throws IOException {
        Path a = gen(busy(), "a", Compression.NONE);
        Path b = gen(busy(), "b", Compression.NONE);
        List<String> names = list(a);
        assertEquals(list(b), names);
        assertEquals(10, names.size(), names.toString());
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(a.resolve(n)), Files.readAllBytes(b.resolve(n)), n);
        }
        GeneratorOptions other = busy();
        other.seed = 12346;
        Path c = gen(other, "c", Compression.NONE);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("mem.csv")),
                Files.readAllBytes(c.resolve("mem.csv"))));
    }

    @Test
    void gzipTablesHoldTheSameRowsAsPlainOnes() throws IOException {
        GeneratorOptions o = busy();
        o.accesses = 20_000;
        Path plain = gen(o, "plain", Compression.NONE);
        Path gz = gen(o, "gz", Compression.GZ);
        for (String kind : new String[] {"sysreg", "map", "mem", "tlbi", "irq", "sched", "daif"}) {
            assertFalse(Files.exists(gz.resolve(kind + ".csv")));
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz.resolve(kind + ".csv.gz")))) {
                assertArrayEquals(Files.readAllBytes(plain.resolve(kind + ".csv")), in.readAllBytes(), kind);
            }
        }
        assertArrayEquals(Files.readAllBytes(plain.resolve("vms.csv")), Files.readAllBytes(gz.resolve("vms.csv")));
    }

    @Test
    void passesTheCanonicalTraceValidator() throws IOException {
        Path t = gen(busy(), "t", Compression.GZ);
        // The ingest module's validating reader (independent code) reads every table and rewrites it.
        TraceConverter.convert(t, tmp.resolve("t-csv"), TraceConverter.Form.CSV, 20, false);
        assertTrue(Files.exists(tmp.resolve("t-csv/mem.csv")));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ self-consistency

    record S1Key(int vm, long root, long va) {
    }

    record S1(int asid, int ng, String perm, String memtype, long oa, long size) {
    }

    record Dirty(int vm, int asid, long vaPage) {
    }

    /** One row of any table, for a merged pass in time order (ties: table order below). */
    record Ev(long ts, int table, String[] f) {
    }

    static final int T_SCHED = 0;
    static final int T_SYSREG = 1;
    static final int T_MAP = 2;
    static final int T_TLBI = 3;
    static final int T_IRQ = 4;
    static final int T_DAIF = 5;
    static final int T_MEM = 6;

    @Test
    void busyTraceIsSelfConsistent() throws IOException {
        GeneratorOptions o = busy();
        checkSelfConsistent(o, gen(o, "busy", Compression.NONE), true);
    }

    /**
     * Accesses 1-3 ns apart and remaps / hypervisor maintenance at very high rates: every multi-row
     * change (unmap, TLBI, DSB, map over t..t+5) collides with other vCPUs' accesses unless the
     * generator pushes them past the change.
     */
    @Test
    void denseTraceIsSelfConsistent() throws IOException {
        GeneratorOptions o = busy();
        o.accessGapNs = 2;
        o.accesses = 300_000;
        o.remapHz = 200_000;
        o.hypTlbiHz = 100_000;
        o.execHz = 50_000;
        checkSelfConsistent(o, gen(o, "dense", Compression.NONE), false);
    }

    private void checkSelfConsistent(GeneratorOptions o, Path dir, boolean expectEverything) throws IOException {
        Tables vms = Tables.read(dir, "vms");
        Tables slots = Tables.read(dir, "memslots");
        Tables sys = Tables.read(dir, "sysreg");
        Tables map = Tables.read(dir, "map");
        Tables tlbi = Tables.read(dir, "tlbi");
        Tables irq = Tables.read(dir, "irq");
        Tables sched = Tables.read(dir, "sched");
        Tables daif = Tables.read(dir, "daif");
        Tables mem = Tables.read(dir, "mem");
        Map<String, String> manifest = Tables.manifest(dir);
        assertEquals("4", manifest.get("pe_count"));
        assertEquals(3, vms.rows.size());
        assertEquals(o.accesses, mem.rows.size());

        // every table is in non-decreasing time order
        for (Tables t : List.of(sys, map, tlbi, irq, sched, daif, mem)) {
            int c = t.col("ts");
            long prev = -1;
            for (String[] r : t.rows) {
                long ts = Long.parseLong(r[c]);
                assertTrue(ts >= prev, "ts goes back: " + String.join(",", r));
                prev = ts;
            }
        }

        // memslots: per VM two RAM slots (2M-backed, 4K-backed), MMIO, device
        long[][] ram = new long[3][];
        long[] poolLo = new long[3];
        long[] poolHi = new long[3];
        for (int vm = 0; vm < 3; vm++) {
            String[] pool = manifest.get("vm." + vm + ".s1_table_pool").split(",");
            poolLo[vm] = Tables.num(pool[0]);
            poolHi[vm] = poolLo[vm] + Tables.num(pool[1]);
        }
        Map<Integer, List<String[]>> slotsOf = new HashMap<>();
        for (String[] r : slots.rows) {
            slotsOf.computeIfAbsent(Integer.parseInt(r[0]), k -> new ArrayList<>()).add(r);
        }
        for (int vm = 0; vm < 3; vm++) {
            List<String[]> s = slotsOf.get(vm);
            assertEquals(4, s.size());
            assertEquals("ram", s.get(0)[4]);
            assertEquals("2097152", s.get(0)[6]);
            assertEquals("ram", s.get(1)[4]);
            assertEquals("4096", s.get(1)[6]);
            assertEquals("mmio", s.get(2)[4]);
            assertEquals("", s.get(2)[5]);
            assertEquals("device", s.get(3)[4]);
            ram[vm] = new long[] {Tables.num(s.get(0)[2]), Tables.num(s.get(1)[2]) + Tables.num(s.get(1)[3])};
            // the pool lies inside RAM
            assertTrue(poolLo[vm] >= ram[vm][0] && poolHi[vm] <= ram[vm][1]);
        }

        // hypervisor registers at t=0 decode to the intended fields
        Map<String, Long> hyp = new HashMap<>();
        for (String[] r : sys.rows) {
            if (r[3].equals("-1")) {
                assertEquals("2", r[4], "hypervisor writes at EL2");
                hyp.put(r[2] + "/" + r[5], Tables.num(r[6]));
            }
        }
        for (int vm = 0; vm < 3; vm++) {
            long hcr = hyp.get(vm + "/HCR_EL2");
            assertEquals(1, hcr & 1, "HCR_EL2.VM");
            assertEquals(1, (hcr >>> 4) & 1, "HCR_EL2.IMO");
            assertEquals(1, (hcr >>> 3) & 1, "HCR_EL2.FMO");
            assertEquals(1, (hcr >>> 31) & 1, "HCR_EL2.RW");
            long vtcr = hyp.get(vm + "/VTCR_EL2");
            assertEquals(24, vtcr & 0x3f, "VTCR_EL2.T0SZ = 64 - 40");
            assertEquals(1, (vtcr >>> 6) & 3, "VTCR_EL2.SL0 = 01: start at level 1");
            assertEquals(0, (vtcr >>> 14) & 3, "VTCR_EL2.TG0 = 4 KB");
            assertEquals(0b101, (vtcr >>> 16) & 7, "VTCR_EL2.PS = 48 bits");
            long vttbr = hyp.get(vm + "/VTTBR_EL2");
            assertEquals(vm + 1, vttbr >>> 48, "VMID");
            long baddr = vttbr & 0x0000_FFFF_FFFF_FFFEL;
            assertEquals(0, baddr % 8192, "two concatenated level-1 tables need 8 KB alignment");
            assertEquals(baddr, stage2RootOf(map, vm));
        }

        // stage 2: the 2M-backed slot is pre-mapped by 2 MB blocks covering it exactly; the 4K slot
        // gets no stage-2 records (lazily mapped); the device slot is device_ngnre
        for (int vm = 0; vm < 3; vm++) {
            String[] s0 = slotsOf.get(vm).get(0);
            long ipa0 = Tables.num(s0[2]);
            long pa0 = Tables.num(s0[5]);
            long size0 = Tables.num(s0[3]);
            Set<Long> blocks = new TreeSet<>();
            int devPages = 0;
            for (String[] r : map.rows) {
                if (!r[0].equals("0") || !r[2].equals("2") || Integer.parseInt(r[1]) != vm) {
                    continue;
                }
                long ia = Tables.num(r[5]);
                if (r[9].equals("device_ngnre")) {
                    devPages++;
                    assertEquals("rw", r[8]);
                    continue;
                }
                assertEquals("2097152", r[7]);
                assertEquals("rwx", r[8]);
                assertEquals("normal_wb", r[9]);
                assertEquals(pa0 + (ia - ipa0), Tables.num(r[6]), "block output is the slot's PA at the same offset");
                assertTrue(ia >= ipa0 && ia + 2097152 <= ipa0 + size0, "stage-2 block inside the 2M slot");
                blocks.add(ia);
            }
            assertEquals(size0 / 2097152, blocks.size());
            assertEquals(16, devPages);
        }

        // merged pass in time order
        List<Ev> evs = new ArrayList<>();
        addAll(evs, sched, T_SCHED);
        addAll(evs, sys, T_SYSREG);
        addAll(evs, map, T_MAP);
        addAll(evs, tlbi, T_TLBI);
        addAll(evs, irq, T_IRQ);
        addAll(evs, daif, T_DAIF);
        addAll(evs, mem, T_MEM);
        evs.sort((x, y) -> x.ts != y.ts ? Long.compare(x.ts, y.ts) : Integer.compare(x.table, y.table));

        Map<S1Key, S1> s1 = new HashMap<>();
        Set<Dirty> dirty = new HashSet<>();
        Set<String> changeTs = new HashSet<>(); // vm/ts of map and tlbi rows, vm/vcpu/ts of sysreg rows
        Map<String, long[]> regs = new HashMap<>(); // vm/vcpu -> {ttbr0, ttbr1, sctlr, tcr, mair}
        Map<String, Integer> runningOn = new HashMap<>(); // vm/vcpu -> pe
        Map<String, Long> runSince = new HashMap<>();
        Set<String> blocked = new HashSet<>();
        String[] peOwner = new String[4];
        Map<String, Boolean> timerHigh = new HashMap<>();
        Map<String, Boolean> masked = new HashMap<>();
        int preempts = 0;
        int blocks = 0;
        int wakes = 0;
        int ctxSwitches = 0;
        int mmioAccesses = 0;
        int devAccesses = 0;
        int crossing = 0;
        int kernelBlockHits = 0;
        Set<String> tlbiOps = new HashSet<>();
        Set<String> irqSources = new HashSet<>();
        Map<String, Set<String>> irqAt = new HashMap<>(); // ts -> {vm/vcpu}

        for (String[] r : irq.rows) {
            irqAt.computeIfAbsent(r[0], k -> new HashSet<>()).add(r[2] + "/" + r[3]);
        }

        for (Ev e : evs) {
            String[] f = e.f;
            switch (e.table) {
                case T_SCHED -> {
                    String v = f[2] + "/" + f[3];
                    int pe = Integer.parseInt(f[1]);
                    switch (f[4]) {
                        case "run" -> {
                            assertNull(runningOn.get(v), "run while running: " + v);
                            assertFalse(blocked.contains(v), "run while blocked: " + v);
                            assertNull(peOwner[pe], "PE " + pe + " already runs " + peOwner[pe]);
                            peOwner[pe] = v;
                            runningOn.put(v, pe);
                            runSince.put(v, e.ts);
                        }
                        case "preempt", "block" -> {
                            assertEquals(Integer.valueOf(pe), runningOn.get(v), f[4] + " of a vCPU not on PE " + pe);
                            runningOn.remove(v);
                            peOwner[pe] = null;
                            if (f[4].equals("block")) {
                                blocked.add(v);
                                blocks++;
                            } else {
                                preempts++;
                            }
                        }
                        case "wake" -> {
                            assertTrue(blocked.remove(v), "wake of a vCPU that is not blocked: " + v);
                            wakes++;
                            int vm = Integer.parseInt(f[2]);
                            Set<String> at = irqAt.getOrDefault(f[0], Set.of());
                            assertTrue(at.contains(v) || (f[3].equals("0") && at.contains(vm + "/-1")),
                                    "wake without an interrupt for " + v + " at " + f[0]);
                        }
                        default -> throw new AssertionError(f[4]);
                    }
                }
                case T_SYSREG -> {
                    changeTs.add(f[2] + "/" + f[3] + "/" + f[0]);
                    if (f[3].equals("-1")) {
                        break;
                    }
                    String v = f[2] + "/" + f[3];
                    assertEquals("1", f[4], "guest writes at EL1");
                    assertEquals(runningOn.get(v), Integer.valueOf(f[1]), "sysreg write by a vCPU not running on its PE");
                    long[] rg = regs.computeIfAbsent(v, k -> new long[] {-1, -1, -1, -1, -1});
                    long val = Tables.num(f[6]);
                    switch (f[5]) {
                        case "TTBR0_EL1" -> {
                            if (rg[0] != -1) {
                                ctxSwitches++;
                            }
                            rg[0] = val;
                        }
                        case "TTBR1_EL1" -> rg[1] = val;
                        case "SCTLR_EL1" -> rg[2] = val;
                        case "TCR_EL1" -> rg[3] = val;
                        case "MAIR_EL1" -> rg[4] = val;
                        default -> throw new AssertionError("unexpected register " + f[5]);
                    }
                }
                case T_MAP -> {
                    int vm = Integer.parseInt(f[1]);
                    changeTs.add(vm + "/" + f[0]);
                    if (f[2].equals("2")) {
                        break;
                    }
                    long root = Tables.num(f[3]);
                    long va = Tables.num(f[5]);
                    long size = Tables.num(f[7]);
                    S1Key k = new S1Key(vm, root, va);
                    int ng = Integer.parseInt(f[10]);
                    if (f[11].equals("map")) {
                        assertNull(s1.get(k), "map over a live mapping (no break-before-make): " + String.join(",", f));
                        long oa = Tables.num(f[6]);
                        assertEquals(0, oa % size);
                        assertEquals(0, va % size);
                        if (f[9].equals("normal_wb")) {
                            assertTrue(oa >= ram[vm][0] && oa + size <= ram[vm][1], "stage-1 output inside RAM");
                            assertTrue(oa + size <= poolLo[vm] || oa >= poolHi[vm], "stage-1 output in the table pool");
                            assertTrue(oa >= ram[vm][0] + 2097152, "stage-1 output in the roots area");
                        }
                        assertEquals(ng == 1, !f[4].isEmpty(), "asid given exactly for nG mappings");
                        s1.put(k, new S1(ng == 1 ? Integer.parseInt(f[4]) : -1, ng, f[8], f[9], oa, size));
                    } else {
                        S1 old = s1.remove(k);
                        assertNotNull(old, "unmap of an unmapped VA: " + String.join(",", f));
                        if (e.ts > 0) {
                            dirty.add(new Dirty(vm, old.asid, va >>> 12));
                        }
                    }
                }
                case T_TLBI -> {
                    tlbiOps.add(f[4]);
                    int vm = Integer.parseInt(f[2]);
                    changeTs.add(vm + "/" + f[0]);
                    if (!f[3].equals("-1")) {
                        String v = f[2] + "/" + f[3];
                        assertEquals(runningOn.get(v), Integer.valueOf(f[1]), "TLBI by a vCPU not running on that PE");
                    }
                    switch (f[4]) {
                        case "VALE1IS", "VAE1IS" -> {
                            int asid = Integer.parseInt(f[5]);
                            long va = Tables.num(f[6]);
                            assertEquals(0, va % 4096);
                            if (f[4].equals("VALE1IS")) {
                                assertEquals("3", f[7], "TTL hint: a level-3 page");
                            }
                            dirty.remove(new Dirty(vm, asid, va >>> 12));
                        }
                        case "ASIDE1IS" -> {
                            int asid = Integer.parseInt(f[5]);
                            dirty.removeIf(d -> d.vm == vm && d.asid == asid);
                        }
                        case "VMALLE1IS", "VMALLS12E1IS" -> dirty.removeIf(d -> d.vm == vm);
                        case "IPAS2E1IS", "DSB_ISH" -> {
                        }
                        default -> throw new AssertionError("unexpected op " + f[4]);
                    }
                }
                case T_IRQ -> {
                    irqSources.add(f[4]);
                    int intid = Integer.parseInt(f[1]);
                    String v = f[2] + "/" + f[3];
                    switch (f[4]) {
                        case "timer" -> {
                            assertEquals(27, intid);
                            assertEquals("level", f[6]);
                            boolean high = timerHigh.getOrDefault(v, false);
                            assertEquals(!high, f[7].equals("assert"), "timer level alternates");
                            timerHigh.put(v, !high);
                            if (f[7].equals("deassert")) {
                                assertNotNull(runningOn.get(v), "the guest deasserts its timer while running");
                            }
                        }
                        case "device" -> {
                            assertTrue(intid >= 32 && intid < 32 + o.spis);
                            assertEquals("edge", f[6]);
                        }
                        case "ipi" -> {
                            assertTrue(intid < 16);
                            assertFalse(f[5].equals(f[3]), "IPI to self");
                            assertNotNull(runningOn.get(f[2] + "/" + f[5]), "IPI from a vCPU that is not running");
                        }
                        case "its" -> assertTrue(intid >= 8192);
                        default -> throw new AssertionError(f[4]);
                    }
                }
                case T_DAIF -> {
                    String v = f[1] + "/" + f[2];
                    boolean m = masked.getOrDefault(v, false);
                    assertEquals(!m, f[3].equals("mask"), "mask/unmask alternate");
                    masked.put(v, !m);
                    assertNotNull(runningOn.get(v), "PSTATE.I changes only while running");
                }
                case T_MEM -> {
                    String v = f[1] + "/" + f[2];
                    int vm = Integer.parseInt(f[1]);
                    assertNotNull(runningOn.get(v), "access by a vCPU that is not running: " + String.join(",", f));
                    assertTrue(e.ts > runSince.get(v), "access at its run's own timestamp");
                    assertFalse(changeTs.contains(vm + "/" + f[0]), "access at the ts of a map or tlbi row of its VM");
                    assertFalse(changeTs.contains(v + "/" + f[0]), "access at the ts of its own register write");
                    long[] rg = regs.get(v);
                    assertNotNull(rg, "access before the vCPU set up its MMU");
                    assertEquals(1, rg[2] & 1, "SCTLR_EL1.M");
                    int el = Integer.parseInt(f[3]);
                    String acc = f[4];
                    long va = Tables.num(f[5]);
                    int size = Integer.parseInt(f[6]);
                    long last = va + size - 1;
                    if ((va >>> 12) != (last >>> 12)) {
                        crossing++;
                    }
                    for (long a : new long[] {va, last}) {
                        S1 m;
                        if ((a >>> 48) == 0) {
                            long root = rg[0] & 0x0000_FFFF_FFFF_FFFEL;
                            int asid = (int) (rg[0] >>> 48);
                            m = s1.get(new S1Key(vm, root, a & ~0xfffL));
                            assertNotNull(m, "user VA not mapped in the current ASID's tree: " + String.join(",", f));
                            assertEquals(1, m.ng);
                            assertEquals(asid, m.asid, "mapping of another ASID");
                            assertFalse(dirty.contains(new Dirty(vm, asid, a >>> 12)),
                                    "access through a changed mapping before its TLBI: " + String.join(",", f));
                        } else {
                            assertEquals(0xFFFFL, a >>> 48, "non-canonical VA");
                            long root = rg[1] & 0x0000_FFFF_FFFF_FFFEL;
                            m = s1.get(new S1Key(vm, root, a & ~0xfffL));
                            if (m == null) {
                                m = s1.get(new S1Key(vm, root, a & ~0x1fffffL));
                                assertNotNull(m, "kernel VA not mapped: " + String.join(",", f));
                                assertEquals(2097152, m.size);
                                kernelBlockHits++;
                            }
                            assertEquals(0, m.ng, "kernel mappings are global");
                            assertEquals(1, el, "kernel VAs are accessed at EL1");
                        }
                        if (el == 0) {
                            assertTrue(m.perm.contains("u"), "EL0 access to a non-user page");
                        }
                        assertTrue(m.perm.contains(acc.equals("x") ? "x" : "r"), "permission: " + String.join(",", f));
                        if (acc.contains("w")) {
                            assertTrue(m.perm.contains("w"), "write to a read-only page: " + String.join(",", f));
                        }
                        if (m.memtype.equals("device_ngnre") && a == va) {
                            long ipa = m.oa + (va - (va & ~0xfffL));
                            if (ipa >= 0x0a00_0000L && ipa < 0x0a01_0000L) {
                                mmioAccesses++;
                            } else {
                                devAccesses++;
                            }
                        }
                    }
                }
                default -> throw new AssertionError();
            }
        }

        if (!expectEverything) {
            assertTrue(tlbiOps.contains("VALE1IS") && tlbiOps.contains("IPAS2E1IS"), tlbiOps.toString());
            return;
        }
        // the scenario exercised what it was asked to
        assertTrue(preempts > 0, "overcommit gives preemptions");
        assertTrue(blocks > 0 && wakes > 0, "WFI blocks and wake-ups");
        assertTrue(ctxSwitches > 0, "guest context switches");
        assertTrue(mmioAccesses > 0, "MMIO accesses");
        assertTrue(devAccesses > 0, "pass-through device accesses");
        assertTrue(crossing > 0, "page-crossing accesses");
        assertTrue(kernelBlockHits > 0, "kernel accesses through 2 MB stage-1 blocks");
        assertEquals(Set.of("VALE1IS", "VAE1IS", "ASIDE1IS", "IPAS2E1IS", "VMALLE1IS", "VMALLS12E1IS", "DSB_ISH"),
                tlbiOps);
        assertEquals(Set.of("timer", "device", "ipi", "its"), irqSources);

        // initial guest registers of every vCPU decode as intended
        for (long[] rg : regs.values()) {
            long tcr = rg[3];
            assertEquals(16, tcr & 0x3f, "T0SZ");
            assertEquals(16, (tcr >>> 16) & 0x3f, "T1SZ");
            assertEquals(0b10, (tcr >>> 30) & 3, "TG1 = 4 KB");
            assertEquals(0b010, (tcr >>> 32) & 7, "IPS = 40 bits");
            assertEquals(0xFF, rg[4] & 0xff);
            assertEquals(0x04, (rg[4] >>> 8) & 0xff);
            assertEquals(0, rg[1] >>> 48, "TTBR1 carries no ASID (TCR.A1 = 0)");
        }

        // every TLBI by VA / ASID and the hypervisor idiom are completed by DSB ISH
        for (int i = 0; i < tlbi.rows.size(); i++) {
            String op = tlbi.rows.get(i)[4];
            if (op.equals("VALE1IS") || op.equals("VAE1IS") || op.equals("ASIDE1IS") || op.equals("VMALLS12E1IS")) {
                assertEquals("DSB_ISH", tlbi.rows.get(i + 1)[4]);
            }
            if (op.equals("IPAS2E1IS")) {
                assertEquals("DSB_ISH", tlbi.rows.get(i + 1)[4]);
                assertEquals("VMALLE1IS", tlbi.rows.get(i + 2)[4]);
                assertEquals("DSB_ISH", tlbi.rows.get(i + 3)[4]);
                assertEquals("-1", tlbi.rows.get(i)[3], "issued by the hypervisor");
            }
        }
    }

    private static long stage2RootOf(Tables map, int vm) {
        for (String[] r : map.rows) {
            if (r[2].equals("2") && Integer.parseInt(r[1]) == vm) {
                return Tables.num(r[3]);
            }
        }
        throw new AssertionError("no stage-2 map for VM " + vm);
    }

    private static void addAll(List<Ev> evs, Tables t, int table) {
        int c = t.col("ts");
        for (String[] r : t.rows) {
            evs.add(new Ev(Long.parseLong(r[c]), table, r));
        }
    }

    // ------------------------------------------------------------------ options

    @Test
    void badOptionsAreAllReportedAndNothingIsWritten() {
        GeneratorOptions o = new GeneratorOptions();
        o.vms = 0;
        o.skew = "zipf,pareto";
        o.s2PageSizes = "2m,16k";
        o.ipaBits = 39;
        o.ifetch = 1.5;
        Path out = tmp.resolve("never");
        BadInputException e = assertThrows(BadInputException.class,
                () -> GenerateJob.run(o, out, Compression.NONE, false, null));
        assertEquals(List.of(
                "option '--vms': expected 1..255, got 0",
                "option '--skew': expected uniform, zipf or seq (comma-separated, per VM), got 'pareto'",
                "option '--ifetch': expected a fraction 0..1, got 1.5",
                "options '--mmio' (x2 with --passthrough) + '--kernel' + '--ifetch': must not exceed 1",
                "option '--s2-page-sizes': expected 4k, 2m or 1g (the 4 KB granule's page and block sizes), got '16k'",
                "option '--ipa-bits': expected 32, 36, 40, 42, 44 or 48, got 39"), e.problems());
        assertFalse(Files.exists(out));
    }

    @Test
    void ramTooSmallForTheFootprintIsReported() {
        GeneratorOptions o = new GeneratorOptions();
        o.vms = 1;
        o.ram = "16M";
        o.footprint = "64M";
        BadInputException e = assertThrows(BadInputException.class, () -> new Generator(o));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("option '--ram': VM 0 needs at least "), e.problems().get(0));
    }

    @Test
    void nonEmptyOutputNeedsForce() throws IOException {
        Path out = tmp.resolve("full");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "x");
        GeneratorOptions o = new GeneratorOptions();
        o.accesses = 1000;
        BadInputException e = assertThrows(BadInputException.class,
                () -> GenerateJob.run(o, out, Compression.NONE, false, null));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertEquals(List.of("keep.txt"), list(out));
        GenerateJob.run(o, out, Compression.NONE, true, null);
        assertTrue(Files.exists(out.resolve("mem.csv")));
        assertTrue(Files.exists(out.resolve("keep.txt")));
        // no temporary directory left beside it
        assertEquals(List.of("full"), list(tmp));
    }
}
