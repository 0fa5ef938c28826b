package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code virtreplay kvm-stat} on the real KVM event samples (ingest test resources, copied from
 * ../shared/samples), imported as a user would. Every expected number is counted by hand from the
 * sample files, as written in each test: "handled" is a kvm_exit's timestamp subtracted from the
 * same thread's next kvm_entry; "guest" (perf kvm stat on arm64) is the thread's previous kvm_entry
 * subtracted from the kvm_exit, an exit with no entry before it in the file not counted. The
 * relative deviation is the standard deviation of the mean (sample variance / n, square root) over
 * the mean.
 */
class KvmStatCommandTest {
    @TempDir
    Path tmp;

    private Path imported(String sample, String... more) {
        Path out = tmp.resolve(sample.replace(".txt", ""));
        String[] args = new String[5 + more.length];
        args[0] = "import";
        args[1] = "-q";
        args[2] = "--kvm-events";
        args[3] = ImportSourcesTest.sample("kvm", sample).toString();
        args[4] = "--out=" + out;
        System.arraycopy(more, 0, args, 5, more.length);
        IngestTestSupport.Result r = IngestTestSupport.run(args);
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    private static IngestTestSupport.Result stat(Path trace, String... opts) {
        String[] args = new String[2 + opts.length];
        args[0] = "kvm-stat";
        args[1] = trace.toString();
        System.arraycopy(opts, 0, args, 2, opts.length);
        return IngestTestSupport.run(args);
    }

    private static final String HEAD = "Analyze events for all VMs, all VCPUs:\n\n"
            + "             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n\n";

    /**
     * ftrace-kvm-arm64-nv2-l1-sys64-loop: 11 kvm_exit (all TRAP SYS64) and 10 kvm_entry of one thread,
     * usec timestamps 6076.5817xx. Exit -> next entry (us): 774->774 0, 775->776 1, 778->778 0,
     * 779->779 0, 780->781 1, 783->783 0, 784->784 0, 785->786 1, 788->788 0, 789->789 0; the exit at
     * 790 has no entry after it. 10 samples, 3 us, min 0, max 1, mean 0.3; squared deviations
     * 3 x 0.49 + 7 x 0.09 = 2.1, / 9 / 10 = 0.023333, sqrt = 0.152753, / 0.3 = 50.92 %.
     */
    @Test
    void sys64LoopHandledTimeAsCountedByHand() {
        IngestTestSupport.Result r = stat(imported("ftrace-kvm-arm64-nv2-l1-sys64-loop.email-wrapped.txt"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(HEAD
                + "               SYS64         10   100.00%   100.00%      0.00us      1.00us      0.30us ( +-  50.92% )\n"
                + "\nTotal Samples:10, Total events handled time:3.00us.\n", r.out());
    }

    /**
     * The same file, entry -> next exit (us): 774->775 1, 776->778 2, 778->779 1, 779->780 1,
     * 781->783 2, 783->784 1, 784->785 1, 786->788 2, 788->789 1, 789->790 1; the first exit (774)
     * has no entry before it. 10 samples, 13 us, min 1, max 2, mean 1.3; squared deviations
     * 3 x 0.49 + 7 x 0.09 = 2.1, / 9 / 10, sqrt = 0.152753, / 1.3 = 11.75 %.
     */
    @Test
    void sys64LoopGuestTimeAsPerfOnArm64() {
        IngestTestSupport.Result r = stat(imported("ftrace-kvm-arm64-nv2-l1-sys64-loop.email-wrapped.txt"),
                "--time", "guest");
        assertEquals(0, r.exit(), r.err());
        assertEquals(HEAD
                + "               SYS64         10   100.00%   100.00%      1.00us      2.00us      1.30us ( +-  11.75% )\n"
                + "\nTotal Samples:10, Total events handled time:13.00us.\n", r.out());
    }

    /**
     * ftrace-kvm-arm64-nv-l1-irq-loop: exits (IRQ) at 410.544665, .544675, .544685; entries at
     * .544666, .544676. Handled: 665->666 1 us, 675->676 1 us (685 has no entry). Guest: 666->675
     * 9 us, 676->685 9 us (665 has no entry before it).
     */
    @Test
    void irqLoopBothTimes() {
        Path t = imported("ftrace-kvm-arm64-nv-l1-irq-loop.email-wrapped.txt");
        IngestTestSupport.Result h = stat(t, "--format", "csv");
        assertEquals(0, h.exit(), h.err());
        assertEquals("reason,samples,samples_pct,time_pct,min_ns,max_ns,avg_ns,stddev_pct\n"
                + "IRQ,2,100.0000,100.0000,1000,1000,1000.0000,0.0000\n", h.out());
        IngestTestSupport.Result g = stat(t, "--format", "csv", "--time", "guest");
        assertEquals("reason,samples,samples_pct,time_pct,min_ns,max_ns,avg_ns,stddev_pct\n"
                + "IRQ,2,100.0000,100.0000,9000,9000,9000.0000,0.0000\n", g.out());
    }

    /**
     * host-tgid.txt (two vCPU threads of VM 4242, usec). vCPU 0 (tid 4250): entry 100.000010, exit
     * DABT_LOW .000020, entry .000030, exit IRQ .000099 (no entry after). vCPU 1 (tid 4251): entry
     * .000012, exit IRQ .000050, entry .000055, exit WFx .000060, entry .000095. Handled: DABT_LOW
     * 20->30 10 us, IRQ 50->55 5 us, WFx 60->95 35 us: 3 samples, 50 us, Time% 20, 10, 70; equal
     * samples sort by name. Guest: DABT_LOW 10->20 10, IRQ 30->99 69 and 12->50 38, WFx 55->60 5:
     * 4 samples, 122 us; IRQ mean 53.5, deviations 15.5 each, variance 480.5 / 2, sqrt 15.5, / 53.5
     * = 28.97 %. The two first exits (20 and 50) need the entries before them, which make no exits
     * row: the importer's manifest note gives them.
     */
    @Test
    void twoVcpusFiltersAndSortKeys() throws IOException {
        Path t = imported("host-tgid.txt");
        assertTrue(Files.readString(t.resolve("manifest.csv")).contains(",0:0=10000 0:1=38000\n"));
        IngestTestSupport.Result h = stat(t);
        assertEquals(HEAD
                + "            DABT_LOW          1    33.33%    20.00%     10.00us     10.00us     10.00us ( +-   0.00% )\n"
                + "                 IRQ          1    33.33%    10.00%      5.00us      5.00us      5.00us ( +-   0.00% )\n"
                + "                 WFx          1    33.33%    70.00%     35.00us     35.00us     35.00us ( +-   0.00% )\n"
                + "\nTotal Samples:3, Total events handled time:50.00us.\n", h.out());
        IngestTestSupport.Result g = stat(t, "--time", "guest");
        assertEquals(HEAD
                + "                 IRQ          2    50.00%    87.70%     38.00us     69.00us     53.50us ( +-  28.97% )\n"
                + "            DABT_LOW          1    25.00%     8.20%     10.00us     10.00us     10.00us ( +-   0.00% )\n"
                + "                 WFx          1    25.00%     4.10%      5.00us      5.00us      5.00us ( +-   0.00% )\n"
                + "\nTotal Samples:4, Total events handled time:122.00us.\n", g.out());
        // vCPU 1 alone: IRQ 5 of 40 us, WFx 35 of 40 us
        IngestTestSupport.Result v1 = stat(t, "--vcpu", "1", "--vm", "4242");
        assertEquals("Analyze events for VM 0 '4242', VCPU 1:\n\n"
                + "             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n\n"
                + "                 IRQ          1    50.00%    12.50%      5.00us      5.00us      5.00us ( +-   0.00% )\n"
                + "                 WFx          1    50.00%    87.50%     35.00us     35.00us     35.00us ( +-   0.00% )\n"
                + "\nTotal Samples:2, Total events handled time:40.00us.\n", v1.out());
        // by average time: WFx 35, DABT_LOW 10, IRQ 5
        List<String> byTime = stat(t, "-k", "time", "--format", "csv").out().lines().map(l -> l.split(",")[0])
                .toList();
        assertEquals(List.of("reason", "WFx", "DABT_LOW", "IRQ"), byTime);
        IngestTestSupport.Result bad = stat(t, "--vm", "web");
        assertEquals(2, bad.exit());
        assertEquals("virtreplay: option '--vm': expected a VM of " + t + " (0 '4242'), got 'web'",
                bad.errLines().get(0));
    }

    /**
     * trace-cmd-report-t-raw-perf.txt (nsec, three forms of the events of one thread, 200.000000xxx):
     * exit HVC64 100 -> entry 1300, exit (raw ret=2, esr_ec=24: TRAP SYS64) 2000 -> entry 2500, exit
     * IRQ 3000 -> entry 3250. Handled: HVC64 1200 ns, SYS64 500, IRQ 250, total 1950. Guest: SYS64
     * 1300 -> 2000 700, IRQ 2500 -> 3000 500 (HVC64 has no entry before it); equal samples sort by name.
     */
    @Test
    void nanosecondTimesInJson() {
        Path t = imported("trace-cmd-report-t-raw-perf.txt");
        IngestTestSupport.Result j = stat(t, "--format", "json");
        assertEquals(0, j.exit(), j.err());
        assertEquals("{\"event\":\"vmexit\",\"time\":\"handled\",\"scope\":\"all VMs, all VCPUs\",\"total_samples\":3,"
                + "\"total_time_ns\":1950,\"rows\":["
                + "{\"reason\":\"HVC64\",\"samples\":1,\"samples_pct\":33.3333,\"time_pct\":61.5385,\"total_ns\":1200,"
                + "\"min_ns\":1200,\"max_ns\":1200,\"avg_ns\":1200.0000,\"stddev_pct\":0.0000},"
                + "{\"reason\":\"IRQ\",\"samples\":1,\"samples_pct\":33.3333,\"time_pct\":12.8205,\"total_ns\":250,"
                + "\"min_ns\":250,\"max_ns\":250,\"avg_ns\":250.0000,\"stddev_pct\":0.0000},"
                + "{\"reason\":\"SYS64\",\"samples\":1,\"samples_pct\":33.3333,\"time_pct\":25.6410,\"total_ns\":500,"
                + "\"min_ns\":500,\"max_ns\":500,\"avg_ns\":500.0000,\"stddev_pct\":0.0000}]}\n", j.out());
        IngestTestSupport.Result g = stat(t, "--format", "csv", "--time", "guest");
        assertEquals("reason,samples,samples_pct,time_pct,min_ns,max_ns,avg_ns,stddev_pct\n"
                + "IRQ,1,50.0000,41.6667,500,500,500.0000,0.0000\n"
                + "SYS64,1,50.0000,58.3333,700,700,700.0000,0.0000\n", g.out());
    }

    /**
     * MMIO: host-tgid's one DABT_LOW is at IPA 0x9000000 (kvm_guest_fault), outside every memslot of
     * the QEMU stage-2 dump (0x1020000 and 0x80000000-0x9c000000): an MMIO access, 10 us handled. Its
     * ESR 0x93c08007 has ISV (bit 24) set and WnR (bit 6) clear: a read.
     */
    @Test
    void mmioNeedsMemslotsAndNamesTheIpaAndDirection() {
        Path plain = imported("host-tgid.txt");
        IngestTestSupport.Result no = stat(plain, "--event", "mmio");
        assertEquals(2, no.exit());
        assertEquals(1, no.errLines().size(), no.err());
        assertTrue(no.err().contains("has no memslots"), no.err());
        Path out = tmp.resolve("with-s2");
        IngestTestSupport.Result imp = IngestTestSupport.run("import", "-q", "--kvm-events",
                ImportSourcesTest.sample("kvm", "host-tgid.txt").toString(), "--stage2",
                "4242=" + ImportSourcesTest.sample("stage2", "kvm-stage2-ptdump-v9-qemu-4k.txt"), "--out=" + out);
        assertEquals(0, imp.exit(), imp.err());
        IngestTestSupport.Result m = stat(out, "--event", "mmio");
        assertEquals(0, m.exit(), m.err());
        assertEquals("Analyze events for all VMs, all VCPUs:\n\n"
                + "         MMIO Access    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n\n"
                + "         0x9000000:R          1   100.00%   100.00%     10.00us     10.00us     10.00us ( +-   0.00% )\n"
                + "\nTotal Samples:1, Total events handled time:10.00us.\n", m.out());
    }

    @Test
    void anEmptySelectionIsOneLineInEveryFormat() {
        Path t = imported("host-tgid.txt");
        IngestTestSupport.Result r = stat(t, "--vcpu", "7");
        assertEquals(0, r.exit(), r.err());
        assertEquals("no exits with a handled time for all VMs, VCPU 7\n", r.out());
        assertEquals(1, stat(t, "--vcpu", "7", "--format", "csv").out().lines().count());
        assertEquals(1, stat(t, "--vcpu", "7", "--format", "json").out().lines().count());
    }

    @Test
    void aTraceWithoutExitsIsOneLineAndExitTwo() throws IOException {
        Path t = IngestTestSupport.baseTrace(tmp.resolve("base"));
        IngestTestSupport.Result r = stat(t);
        assertEquals(2, r.exit());
        assertEquals(List.of(t + ": the trace has no observed exits (no exits table); import the recording's KVM "
                + "events with 'virtreplay import --kvm-events FILE --out DIR'"), r.errLines());
        IngestTestSupport.Result f = stat(t, "--format", "xml");
        assertEquals(2, f.exit());
        assertEquals("virtreplay: option '--format': expected text, csv, json, got 'xml'", f.errLines().get(0));
    }

    @Test
    void helpShowsAnExample() {
        IngestTestSupport.Result h = IngestTestSupport.run("kvm-stat", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("virtreplay kvm-stat rec --vcpu 0"), h.out());
        assertTrue(IngestTestSupport.run("--help").out().contains("kvm-stat"));
    }
}
