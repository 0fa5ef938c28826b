package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.cli.IngestTestSupport.run;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code virtreplay import} of the real samples of the four formats of this change (stage-2 dump,
 * guest kernel_page_tables, perf script SPE, lackey), end to end: the tables it writes, then
 * {@code inspect} and {@code replay} of the result. Expected values are counted by hand from the
 * sample files (the parser tests of ingest say how) or computed here from the files independently.
 */
class ImportSourcesTest {
    @TempDir
    Path tmp;

    /** The samples, copied from /work/shared/samples into the ingest module's test resources. */
    static Path sample(String dir, String name) {
        Path p = Path.of("..", "ingest", "src", "test", "resources", "org", "virtreplay", "ingest", "importer", dir, name)
                .toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), p.toString());
        return p;
    }

    static final Path STAGE2 = sample("stage2", "kvm-stage2-ptdump-v9-qemu-4k.txt");
    static final Path GUEST = sample("guest", "arm64-kernel-page-tables-linear-map-ampereone.txt");
    static final Path SPE_ADDR = sample("spe", "perf-script-arm-spe-addr-physaddr.txt");
    static final Path SPE_DSRC = sample("spe", "perf-script-arm-spe-data-src.txt");
    static final Path LACKEY = sample("lackey", "valgrind-lackey-cachelab-trans.trace");

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** Imports, then checks that inspect and replay take the result; returns the import's output. */
    IngestTestSupport.Result importAndReplay(Path out, String expectReplayed, String... sources) {
        String[] args = new String[sources.length + 5];
        args[0] = "import";
        args[1] = "--out";
        args[2] = out.toString();
        args[3] = "--to";
        args[4] = "csv";
        System.arraycopy(sources, 0, args, 5, sources.length);
        IngestTestSupport.Result r = run(args);
        assertEquals(0, r.exit(), r.err());
        IngestTestSupport.Result i = run("inspect", out.toString());
        assertEquals(0, i.exit(), i.err());
        Path m = tmp.resolve(out.getFileName() + "-metrics");
        IngestTestSupport.Result p = run("replay", out.toString(), "--out", m.toString());
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.err().contains(expectReplayed), p.err()); // status on stderr, the summary on stdout
        return r;
    }

    /**
     * The v9 dump: 7 memslots and 35 stage-2 map rows (Stage2DumpTest counts them line by line);
     * host PAs from 512 GiB, each slot congruent to its IPA modulo 2M.
     */
    @Test
    void stage2Dump() throws IOException {
        Path out = tmp.resolve("s2");
        IngestTestSupport.Result r = importAndReplay(out, "replayed 35 events (0 memory accesses)",
                "--stage2", "qemu=" + STAGE2);
        assertTrue(r.out().contains("26 lines, 25 records, 25 used (mapped_range 14, unmapped_range 11), 0 skipped"),
                r.out());
        assertEquals("""
                vm,slot,ipa,size,kind,pa,s2_page_size
                0,0,0x1020000,4096,ram,0x8000020000,4096
                0,1,0x80000000,44040192,ram,0x8000200000,2097152
                0,2,0x82c00000,6291456,ram,0x8002c00000,2097152
                0,3,0x83400000,6291456,ram,0x8003200000,2097152
                0,4,0x8fe00000,2097152,ram,0x8003800000,2097152
                0,5,0x99400000,2097152,ram,0x8003a00000,2097152
                0,6,0x9b600000,10485760,ram,0x8003c00000,2097152
                """, read(out.resolve("memslots.csv")));
        List<String> map = Files.readAllLines(out.resolve("map.csv"));
        assertEquals(36, map.size());
        assertEquals("0,0,2,,,0x1020000,0x8000020000,4096,rw,normal_wb,,map", map.get(1));
        assertEquals("0,0,2,,,0x9be00000,0x8004400000,2097152,rwx,normal_wb,,map", map.get(35));
        assertTrue(read(out.resolve("vms.csv")).contains("0,qemu,1,40,"));
    }

    /**
     * A 16K-granule dump (Stage2DumpTest.XNX_16K, counted there line by line: two 32M blocks, four
     * 16K pages, two 16K pages with AF clear, two read-only 16K pages, one 32M block) replays
     * unchanged: the engine builds 4K stage-2 tables, so each 32M block is written as sixteen 2M
     * blocks and each 16K page as four 4K pages: 3 x 16 + 6 x 4 = 72 map rows, and the memslots'
     * backing is 2M and 4K.
     */
    @Test
    void stage2Dump16kGranuleReplaysUnchanged() throws IOException {
        Path dump = tmp.resolve("xnx16k.txt");
        Files.writeString(dump, """
                ---[ Guest IPA ]---
                0x0000000000000000-0x0000000080000000           2G 2
                0x0000000080000000-0x0000000084000000          64M 2   R W px ux  AF BLK
                0x0000000084000000-0x0000000084010000          64K 3   R W PXNUXN AF
                0x0000000084010000-0x0000000084018000          32K 3   R W PXNUXN
                0x0000000084018000-0x0000000084020000          32K 3   R   px UXN AF
                0x0000000084020000-0x0000000086000000       32640K 3
                0x0000000086000000-0x0000000088000000          32M 2   R W PXNux  AF BLK
                """);
        Path out = tmp.resolve("s2-16k");
        IngestTestSupport.Result r = importAndReplay(out, "replayed 72 events", "--stage2", "arm=" + dump);
        assertTrue(r.out().contains("a 16K stage-2 granule"), r.out());
        List<String> slots = Files.readAllLines(out.resolve("memslots.csv"));
        assertEquals(4, slots.size());
        assertTrue(slots.get(1).startsWith("0,0,0x80000000,67108864,ram,"), slots.get(1));
        assertTrue(slots.get(1).endsWith(",2097152"), slots.get(1));
        assertTrue(slots.get(2).startsWith("0,1,0x84000000,131072,ram,"), slots.get(2));
        assertTrue(slots.get(2).endsWith(",4096"), slots.get(2));
        assertTrue(slots.get(3).endsWith(",2097152"), slots.get(3));
        List<String> map = Files.readAllLines(out.resolve("map.csv"));
        assertEquals(1 + 72, map.size());
        // the first 32M block at IPA 0x80000000 is the first sixteen 2M rows; the 16K page at
        // 0x84000000 the next four 4K rows, the first at IPA 0x84000000
        assertTrue(map.get(1).contains(",0x80000000,") && map.get(1).contains(",2097152,rwx,"), map.get(1));
        assertTrue(map.get(16).contains(",0x81e00000,") && map.get(16).contains(",2097152,rwx,"), map.get(16));
        assertTrue(map.get(33).contains(",0x84000000,") && map.get(33).contains(",4096,rw,"), map.get(33));
        assertTrue(map.get(34).contains(",0x84001000,") && map.get(34).contains(",4096,rw,"), map.get(34));
    }

    /** The debugfs directory form: ipa_range 44 (the cover letter's) becomes the VM's IPA size. */
    @Test
    void stage2DirectoryGivesIpaBits() throws IOException {
        Path d = tmp.resolve("256-4");
        Files.createDirectories(d);
        Files.copy(STAGE2, d.resolve("stage2_page_tables"));
        Files.writeString(d.resolve("ipa_range"), "44\n");
        Files.writeString(d.resolve("stage2_levels"), "4\n");
        Path out = tmp.resolve("s2d");
        importAndReplay(out, "replayed 35 events", "--stage2", "qemu=" + d);
        assertTrue(read(out.resolve("vms.csv")).contains("0,qemu,1,44,"));
        assertTrue(read(out.resolve("manifest.csv")).contains("source.1.stage2_levels,4\n"));
    }

    /**
     * The AmpereOne linear map: 5122 map rows (KernelPageTablesTest), one 12G RAM memslot at QEMU
     * virt's RAM base, and the guest registers: TCR_EL1 = T0SZ 16, IRGN0/ORGN0 1, SH0 3, EPD0 (no
     * lower-range tables), T1SZ 16 (48-bit VAs), IRGN1/ORGN1 1, SH1 3, TG1 0b10 (4K), IPS 0b101 =
     * 0x5b5103590. Pool: 12 tables (root, 1 level-1, 3 level-2 for the 1G regions 0, 5 and 6, 7
     * level-3 for the 2M regions with PTE ranges) + 16 pages of margin = 28 pages, rounded up to
     * 128K, less the root's page.
     */
    @Test
    void guestKernelTables() throws IOException {
        Path out = tmp.resolve("g");
        importAndReplay(out, "replayed 5,126 events (0 memory accesses)", "--guest-tables", "amp=" + GUEST);
        assertEquals("vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x40000000,12884901888,ram,,\n",
                read(out.resolve("memslots.csv")));
        assertEquals("""
                ts,pe,vm,vcpu,el,reg,value
                0,-1,0,0,1,TCR_EL1,0x5b5103590
                0,-1,0,0,1,MAIR_EL1,0xcbb4404ff
                0,-1,0,0,1,TTBR1_EL1,0x40000000
                0,-1,0,0,1,SCTLR_EL1,0x30d0181d
                """, read(out.resolve("sysreg.csv")));
        assertTrue(read(out.resolve("manifest.csv")).contains("vm.0.s1_table_pool,\"0x40001000,126976\"\n"));
        assertEquals(5123, Files.readAllLines(out.resolve("map.csv")).size());
        // --guest-ram-base moves every output address
        Path out2 = tmp.resolve("g2");
        importAndReplay(out2, "replayed 5,126 events", "--guest-tables", "amp=" + GUEST, "--guest-ram-base",
                "amp=0x80000000");
        assertEquals("0,0,1,0x80000000,,0xffff000000000000,0x80000000,2097152,rw,normal_wb,0,map",
                Files.readAllLines(out2.resolve("map.csv")).get(1));
    }

    /**
     * The two SPE samples: one record each. The addr/phys_addr capture gives one mem row (a read, as
     * no data_src says otherwise, at EL1: PC 0xffffcbebcde1d5b8 has bit 55 set) and the data_src
     * capture none (its hex after the text is the PC), which the import says.
     */
    @Test
    void speSamples() throws IOException {
        Path out = tmp.resolve("spe");
        IngestTestSupport.Result r = importAndReplay(out, "replayed 1 events (1 memory accesses)",
                "--spe", "a=" + SPE_ADDR, "--spe", "b=" + SPE_DSRC, "--spe-period", "1024");
        assertTrue(r.out().contains(SPE_DSRC + ": the capture has no data addresses (no addr column): 1 sample in "
                + "spe_samples, no mem rows"), r.out());
        // times relative to the earliest: 3678.072400 s (data_src) and 20133.731889 s
        long t = 20133_731889_000L - 3678_072400_000L;
        assertEquals("ts,vm,vcpu,el,access,va,size\n" + t + ",0,4,1,r,0xffff800034123970,1\n",
                read(out.resolve("mem.csv")));
        assertEquals("ts,vm,vcpu,pe,el,op,pc,va,pa,tlb,l1d,llc,total_cycles,issue_cycles,xlat_cycles,events,data_src\n"
                + "0,1,11,-1,1,load,0xffffa7c22b4b2a00,,,hit,miss,,,,,l1d-access;l1d-miss;tlb-access;memory,"
                + "|OP LOAD|LVL L1 miss|SNP N/A|TLB Walker hit|LCK No|BLK  N/A\n"
                + t + ",0,4,-1,1,,0xffffcbebcde1d5b8,0xffff800034123970,0x153d19970,hit,hit,,,,,"
                + "l1d-access;tlb-access;memory,\n", read(out.resolve("spe_samples.csv")));
        String m = read(out.resolve("manifest.csv"));
        assertTrue(m.contains("source.1.sampling_period,1024 (--spe-period)\n"), m);
        assertTrue(m.contains("clock,local\n"), m);
    }

    @Test
    void compressedSpeCaptureGivesTheSameRows() throws IOException {
        Path z = tmp.resolve("spe.txt.zst");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(z))) {
            o.write(Files.readAllBytes(SPE_ADDR));
        }
        Path a = tmp.resolve("plain");
        Path b = tmp.resolve("zst");
        assertEquals(0, run("import", "--out", a.toString(), "--to", "csv", "--spe", "a=" + SPE_ADDR).exit());
        assertEquals(0, run("import", "--out", b.toString(), "--to", "csv", "--spe", "a=" + z).exit());
        assertEquals(read(a.resolve("spe_samples.csv")), read(b.resolve("spe_samples.csv")));
        assertEquals(read(a.resolve("mem.csv")), read(b.resolve("mem.csv")));
    }

    /**
     * The cache-lab lackey trace: one mem row per access line, one map row per distinct 4K page (both
     * counted here from the file), and the replay translates every access (no stage-1 fault) and
     * takes one stage-2 fault per data page (RAM faults in lazily).
     */
    @Test
    void lackeyLog() throws IOException {
        int fetch = 0;
        int load = 0;
        int store = 0;
        int modify = 0;
        Set<Long> pages = new HashSet<>();
        int crossing = 0;
        for (String l : Files.readAllLines(LACKEY)) {
            if (l.length() < 3) {
                continue;
            }
            String kind = l.substring(0, 3);
            String[] f = l.substring(3).split(",");
            long a = Long.parseLong(f[0], 16);
            int s = Integer.parseInt(f[1]);
            switch (kind) {
                case "I  " -> fetch++;
                case " L " -> load++;
                case " S " -> store++;
                case " M " -> modify++;
                default -> throw new IllegalStateException(l);
            }
            pages.add(a >>> 12);
            pages.add((a + s - 1) >>> 12);
            if ((a >>> 12) != ((a + s - 1) >>> 12)) {
                crossing++;
            }
        }
        int accesses = fetch + load + store + modify;
        Path out = tmp.resolve("lk");
        IngestTestSupport.Result r = importAndReplay(out, "replayed " + (accesses + pages.size() + 4) + " events ("
                + accesses + " memory accesses)", "--lackey", "lab:0=" + LACKEY);
        assertTrue(r.out().contains(accesses + " used (load " + load + ", store " + store + ", modify " + modify
                + ", instruction_fetch " + fetch + ")"), r.out());
        assertEquals(accesses + 1, Files.readAllLines(out.resolve("mem.csv")).size());
        assertEquals(pages.size() + 1, Files.readAllLines(out.resolve("map.csv")).size());
        Path metrics = tmp.resolve("lk-run");
        assertEquals(0, run("run", out.toString(), "--out", metrics.toString()).exit());
        List<String> info = Files.readAllLines(metrics.resolve("report").resolve("run_info.csv"));
        assertTrue(info.contains("replay.stage1_faults,0"), info.toString());
        assertTrue(info.contains("replay.page_lookups," + (accesses + crossing)), info.toString());
        long lazy = Files.readAllLines(metrics.resolve("report").resolve("stage2_faults.csv")).stream().skip(1)
                .filter(l -> l.contains(",lazy_map,")).mapToLong(l -> Long.parseLong(l.split(",")[6])).sum();
        assertEquals(pages.size(), lazy);
    }

    /**
     * One malformed record per format: exit 2, one FILE:LINE line, no stack trace, nothing at --out;
     * with --lenient the record is skipped and counted.
     */
    @Test
    void malformedInputIsOneLineAndNothingWritten() throws IOException {
        Path s2 = tmp.resolve("s2.txt");
        Files.writeString(s2, read(STAGE2).replace("0x0000000001000000-0x0000000001020000         128K 3",
                "0x0000000001000000-0x0000000001020000         127K 3"));
        Path gt = tmp.resolve("g.txt");
        Files.writeString(gt, read(GUEST).replace("1984K PTE       ro", "1984K PTX       ro"));
        Path spe = tmp.resolve("spe.txt");
        Files.writeString(spe, read(SPE_ADDR) + "\tsleep 49337 [004] 20133.7318\n");
        Path lk = tmp.resolve("lk.trace");
        Files.writeString(lk, read(LACKEY).replace(" L 7ff000390,8", " L 7ff00039g,8"));
        String[][] cases = {
            {"--stage2", "v=" + s2, s2 + ":3: expected the size column to equal the range's 128K, got '127K'"},
            {"--guest-tables", "v=" + gt, gt + ":4: expected a level name PGD, P4D, PUD, PMD or PTE, got 'PTX'"},
            {"--spe", "v=" + spe, spe + ":4: expected a perf script sample line 'COMM TID [CPU] SECONDS.FRACTION: "
                    + "EVENT: ...' with the time column, got 'sleep 49337 [004] 20133.7318'"},
            {"--lackey", "v:0=" + lk, null},
        };
        for (String[] c : cases) {
            Path out = tmp.resolve("bad");
            IngestTestSupport.Result r = run("import", "--out", out.toString(), c[0], c[1]);
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            if (c[2] != null) {
                assertEquals(c[2], r.errLines().get(0));
            } else {
                assertTrue(r.errLines().get(0).matches(java.util.regex.Pattern.quote(lk.toString())
                        + ":\\d+: expected a hex address followed by ',', got ' L 7ff00039g,8'"), r.err());
            }
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertFalse(Files.exists(out), c[0]);
            IngestTestSupport.Result l = run("import", "--out", out.toString(), "--lenient", c[0], c[1]);
            assertEquals(0, l.exit(), l.err());
            assertTrue(l.out().contains(", 1 skipped"), l.out());
            deleteTree(out);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (var s = Files.list(p)) {
                for (Path c : s.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    /**
     * sample-traces/recorded is what the command of its README writes (run here from the cli
     * module, so its paths start with ../; the manifest names the sources as given), and
     * {@code virtreplay run} takes it.
     */
    @Test
    void recordedSampleTraceIsTheReadmeCommandsOutput() throws IOException {
        Path rec = Path.of("..", "sample-traces", "recorded");
        Path src = rec.resolve("sources");
        Path out = tmp.resolve("recorded");
        IngestTestSupport.Result r = run("import", "--out", out.toString(), "--to", "csv",
                "--kvm-events", src.resolve("ftrace-kvm-arm64-nv2-l1-sys64-loop.email-wrapped.txt").toString(),
                "--vm", "nv2-l1=88776",
                "--stage2", "qemu-4k=" + src.resolve("256-4"),
                "--spe", "spe-host=" + src.resolve("perf-script-arm-spe-addr-physaddr.txt"),
                "--offset", "perf-script-arm-spe-addr-physaddr.txt=-14057150107000");
        assertEquals(0, r.exit(), r.err());
        List<String> tables = IngestTestSupport.names(out);
        assertEquals(List.of("exits.csv", "manifest.csv", "map.csv", "mem.csv", "memslots.csv", "spe_samples.csv",
                "vms.csv"), tables);
        for (String t : tables) {
            String want = read(rec.resolve(t));
            String got = read(out.resolve(t));
            if (t.equals("manifest.csv")) {
                got = got.replace("../sample-traces/", "sample-traces/");
            }
            assertEquals(want, got, t);
        }
        Path m = tmp.resolve("recorded-run");
        IngestTestSupport.Result p = run("run", rec.toString(), "--out", m.toString());
        assertEquals(0, p.exit(), p.err());
        // 35 stage-2 map rows and the one SPE access are the replay's input; exits and spe_samples are not
        assertTrue(p.err().contains("replayed 36 events (1 memory accesses)"), p.err());
    }

    /**
     * A host-side capture: samples of QEMU's vCPU threads are those vCPUs, on the PE of the CPU
     * column; a sample of another host thread stays in spe_samples with vCPU -1 and no mem row.
     */
    @Test
    void hostSideSpeCaptureNamesVcpusByThread() throws IOException {
        Path f = tmp.resolve("host.txt");
        Files.writeString(f, """
                       CPU 1/KVM  4243 [002]   10.000001:  memory: ffff000012340000 ffff800010081234 f+0x4 ([guest.kernel.kallsyms])
                 qemu-system-aar  4242 [000]   10.000002:  memory: aaaa00001000 aaaa00400000 main ([qemu])
                       CPU 0/KVM  4244 [003]   10.000003:  tlb-miss: 0000ffff00001000 0000aaaa00400000 [unknown] ([unknown])
                       CPU 0/KVM  4244 [003]   10.000003:  memory: 0000ffff00001000 0000aaaa00400000 [unknown] ([unknown])
                """);
        Path out = tmp.resolve("host");
        importAndReplay(out, "replayed 2 events (2 memory accesses)", "--spe", "web=" + f);
        assertEquals("ts,vm,vcpu,el,access,va,size\n0,0,1,1,r,0xffff000012340000,1\n2000,0,0,0,r,0xffff00001000,1\n",
                read(out.resolve("mem.csv")));
        List<String> spe = Files.readAllLines(out.resolve("spe_samples.csv"));
        assertEquals(4, spe.size());
        assertEquals("0,0,1,2,1,,0xffff800010081234,0xffff000012340000,,,,,,,,memory,", spe.get(1));
        assertEquals("1000,0,-1,0,0,,0xaaaa00400000,0xaaaa00001000,,,,,,,,memory,", spe.get(2));
        assertEquals("2000,0,0,3,0,,0xaaaa00400000,0xffff00001000,,miss,,,,,,tlb-miss;memory,", spe.get(3));
        assertTrue(read(out.resolve("vms.csv")).contains("0,web,2,40,"));
    }

    /**
     * A guest's kernel tables with a stage-2 dump of the same VM: no memslots of their own; the
     * replay's tables go to the start of the largest stage-2 memslot (0x80000000, 42M).
     */
    @Test
    void guestTablesOverAStage2Layout() throws IOException {
        Path out = tmp.resolve("both");
        importAndReplay(out, "replayed 5,161 events", "--stage2", "v=" + STAGE2, "--guest-tables", "v=" + GUEST);
        assertEquals(8, Files.readAllLines(out.resolve("memslots.csv")).size());
        assertTrue(read(out.resolve("manifest.csv")).contains("vm.0.s1_table_pool,\"0x80001000,126976\"\n"));
        assertTrue(read(out.resolve("sysreg.csv")).contains("0,-1,0,0,1,TTBR1_EL1,0x80000000\n"));
    }

    /**
     * Issue 15's acceptance, end to end: every sample of the five formats (the KVM event captures,
     * email-wrapped ones included, the stage-2 and kernel page-table dumps, both SPE captures, the
     * lackey log) imports to Parquet, and {@code virtreplay run} (replay and report) takes the
     * result, without {@code --lenient} (the arm32 capture's kvm_exit has a field its authors appended,
     * which the importer skips: KvmSamplesTest). The replay's event count is the import's count of the tables replay reads
     * (map, mem, irq, sched, sysreg; exits and spe_samples are observations).
     */
    @Test
    void everySampleImportsAndRuns() throws IOException {
        String[][] samples = {
            {"--kvm-events", sample("kvm", "ftrace-kvm-arm32-guest-fault-homework.txt").toString()},
            {"--kvm-events", sample("kvm", "ftrace-kvm-arm64-nv-l1-irq-loop.email-wrapped.txt").toString()},
            {"--kvm-events", sample("kvm", "ftrace-kvm-arm64-nv2-l1-sys64-loop.email-wrapped.txt").toString()},
            {"--kvm-events", sample("kvm", "trace-cmd-report-doc-example.txt").toString()},
            {"--stage2", "web=" + STAGE2},
            {"--guest-tables", "web=" + GUEST},
            {"--spe", "web=" + SPE_ADDR},
            {"--spe", "web=" + SPE_DSRC},
            {"--lackey", "web:0=" + LACKEY},
        };
        Set<String> replayed = Set.of("map", "mem", "irq", "sched", "sysreg");
        int k = 0;
        for (String[] src : samples) {
            Path out = tmp.resolve("all-" + k);
            String[] args = new String[src.length + 4];
            args[0] = "import";
            args[1] = "--out";
            args[2] = out.toString();
            args[3] = "-q";
            System.arraycopy(src, 0, args, 4, src.length);
            IngestTestSupport.Result r = run(args);
            assertEquals(0, r.exit(), String.join(" ", src) + ": " + r.err());
            // "imported 1 source -> OUT (parquet): vms 1, map 35, ..."
            String summary = r.out().strip();
            long events = 0;
            for (String part : summary.substring(summary.indexOf("): ") + 3).split(", ")) {
                String[] kv = part.split(" ");
                if (replayed.contains(kv[0])) {
                    events += Long.parseLong(kv[1]);
                }
            }
            IngestTestSupport.Result p = run("run", out.toString(), "--out", tmp.resolve("run-" + k).toString(), "-q");
            assertEquals(0, p.exit(), String.join(" ", src) + ": " + p.err());
            assertTrue(p.err().contains(String.format("replayed %,d events", events)), summary + " / " + p.err());
            assertTrue(Files.isRegularFile(tmp.resolve("run-" + k).resolve("report/report.html")));
            k++;
        }
    }
}
