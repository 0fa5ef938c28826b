package org.virtreplay.ingest.importer.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.virtreplay.ingest.importer.ImportFixture.column;
import static org.virtreplay.ingest.importer.ImportFixture.kvm;
import static org.virtreplay.ingest.importer.ImportFixture.kvmSample;
import static org.virtreplay.ingest.importer.ImportFixture.manifest;
import static org.virtreplay.ingest.importer.ImportFixture.table;
import static org.virtreplay.ingest.importer.ImportFixture.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.ImportJob;
import org.virtreplay.ingest.importer.VmSpec;

/**
 * Hand-written traces in the forms trace-formats.md documents (its §1.2–§1.7), each value below
 * worked out by hand from the fixture (host-tgid.txt, trace-cmd-report-t-raw-perf.txt or the text
 * in the test).
 */
class KvmFormsTest {
    @TempDir
    Path dir;

    @Test
    void tgidTraceGivesExitsIrqsAndScheduling() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.Result r = ImportJob.run(kvm(out, false, List.of(), kvmSample("host-tgid.txt")));
        // one process (tgid 4242) with vCPU threads "CPU 0/KVM" (4250) and "CPU 1/KVM" (4251): vm "4242"
        assertEquals(List.of("4242"), column(out, "vms", "name"));
        assertEquals(List.of("2"), column(out, "vms", "vcpus"));
        Map<String, String> m = manifest(out);
        assertEquals("4", m.get("pe_count")); // "#P:4"
        assertFalse(m.containsKey("source.inferred.pe_count"));
        // epoch 100.000010 (the first record); exits at .000020 (vCPU 0, DABT_LOW), .000050 (vCPU 1, IRQ),
        // .000060 (vCPU 1, WFx), .000099 (vCPU 0, IRQ)
        assertEquals(List.of("10000", "40000", "50000", "89000"), column(out, "exits", "ts"));
        assertEquals(List.of("0", "1", "1", "0"), column(out, "exits", "vcpu"));
        assertEquals(List.of("2", "3", "3", "2"), column(out, "exits", "pe"));
        assertEquals(List.of("TRAP", "IRQ", "TRAP", "IRQ"), column(out, "exits", "type"));
        assertEquals(List.of("0x24", "", "0x1", ""), column(out, "exits", "ec"));
        assertEquals(List.of("DABT_LOW", "", "WFx", ""), column(out, "exits", "ec_name"));
        // the DABT's kvm_guest_fault gives ESR, IPA (page-aligned, as HPFAR gives it) and FAR; the
        // kvm_mmio after it (gpa 0x9000018) does not replace the IPA already given
        assertEquals(List.of("0x93c08007", "", "", ""), column(out, "exits", "esr"));
        assertEquals(List.of("0x9000000", "", "", ""), column(out, "exits", "ipa"));
        assertEquals(List.of("0xffff0000c8000018", "", "", ""), column(out, "exits", "far"));
        assertEquals(List.of("0xffff800080001004", "0xffff800080002010", "0xffff800080002020", "0xffff800080001010"),
                column(out, "exits", "pc"));
        // next kvm_entry of the same thread: .000030, .000055, .000095 (after the thread migrated to [001]), none
        assertEquals(List.of("10000", "5000", "35000", ""), column(out, "exits", "duration_ns"));
        // irq: kvm_irq_line + vgic_update_irq_pending (SPI 33, routed by the distributor) at .000040, and
        // kvm_timer_update_irq + vgic_update_irq_pending (PPI 27 of vCPU 1) at .000051: one row each
        assertEquals(List.of("30000", "41000"), column(out, "irq", "ts"));
        assertEquals(List.of("33", "27"), column(out, "irq", "intid"));
        assertEquals(List.of("-1", "1"), column(out, "irq", "vcpu"));
        assertEquals(List.of("device", "timer"), column(out, "irq", "source"));
        assertEquals(List.of("assert", "assert"), column(out, "irq", "event"));
        assertEquals(List.of("level", "level"), column(out, "irq", "trigger"));
        // sched: CPU 1/KVM sleeps (S) on [003] at .000070, is woken for CPU 1 at .000080, runs on [001] at
        // .000090; CPU 0/KVM is preempted (R+) on [002] at .000100
        assertEquals(List.of("60000", "70000", "80000", "90000"), column(out, "sched", "ts"));
        assertEquals(List.of("block", "wake", "run", "preempt"), column(out, "sched", "event"));
        assertEquals(List.of("3", "1", "1", "2"), column(out, "sched", "pe"));
        assertEquals(List.of("1", "1", "1", "0"), column(out, "sched", "vcpu"));
        // 21 records: used 3 entries (2 open no exit), 4 exits, fault, mmio, irq_line, 2 vgic, timer, wfx,
        // 3 sched_switch, 1 sched_wakeup = 18; skipped: 2 entries, kvm_fpu
        assertEquals("21", m.get("source.1.records"));
        assertEquals("28", m.get("source.1.lines"));
        assertEquals("18", m.get("source.1.used"));
        assertEquals("3", m.get("source.1.used.kvm_entry"));
        assertEquals("2", m.get("source.1.used.vgic_update_irq_pending"));
        assertEquals("2", m.get("source.1.skipped.no_kvm_exit_before"));
        assertEquals("kvm_fpu 1", m.get("source.1.unknown_events"));
        assertEquals("3", m.get("source.1.skipped"));
        String report = String.join("\n", r.report());
        assertTrue(report.contains("vm 0 '4242': vcpu 0 = thread 'CPU 0/KVM' (tid 4250) [tgid 4242, index from name]; "
                + "vcpu 1 = thread 'CPU 1/KVM' (tid 4251) [tgid 4242, index from name]; irq source thread "
                + "'qemu-system-aar' (tid 4242) [tgid 4242]"), report);
    }

    @Test
    void vmOptionNamesTheProcess() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(VmSpec.parse("web=4242")), kvmSample("host-tgid.txt")));
        assertEquals(List.of("web"), column(out, "vms", "name"));
        assertEquals(4, table(out, "exits").size());
    }

    @Test
    void traceCmdReportWithNanosecondsRawFieldsAndPerfScriptLines() throws IOException {
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), kvmSample("trace-cmd-report-t-raw-perf.txt")));
        // exits at 200.000000100 (HVC64), .000002000 (raw ret=2 = TRAP, esr_ec=24 = 0x18 SYS64), .000003000
        // (perf script line, IRQ); epoch = the first
        assertEquals(List.of("0", "1900", "2900"), column(out, "exits", "ts"));
        assertEquals(List.of("TRAP", "TRAP", "IRQ"), column(out, "exits", "type"));
        assertEquals(List.of("0x16", "0x18", ""), column(out, "exits", "ec"));
        assertEquals(List.of("HVC64", "SYS64", ""), column(out, "exits", "ec_name"));
        assertEquals(List.of("", "0x62300a17", ""), column(out, "exits", "esr")); // raw kvm_handle_sys_reg hsr=
        // next entries .000001300, .000002500 (raw vcpu_pc=), .000003250 (perf): 1200, 500, 250 ns
        assertEquals(List.of("1200", "500", "250"), column(out, "exits", "duration_ns"));
        assertEquals(List.of("0", "0", "0"), column(out, "exits", "pe"));
        Map<String, String> m = manifest(out);
        assertEquals("1", m.get("source.1.ts_precision_ns")); // 9 fraction digits
        assertEquals("2", m.get("pe_count")); // cpus=2
        assertEquals(List.of("1"), column(out, "vms", "vcpus"));
    }

    @Test
    void perCpuFilesAreMergedByTime() throws IOException {
        // the vCPU thread exits on CPU 0 and re-enters on CPU 1: only the merged stream pairs them
        Path a = write(dir, "cpu0.txt", """
                 kvm-vcpu-0-7 [000] ....  1.000001: kvm_exit: TRAP: HSR_EC: 0x0018 (SYS64), PC: 0x1000
                 kvm-vcpu-0-7 [000] ....  1.000005: kvm_exit: TRAP: HSR_EC: 0x0018 (SYS64), PC: 0x1008
                """);
        Path b = write(dir, "cpu1.txt", """
                 kvm-vcpu-0-7 [001] ....  1.000003: kvm_entry: PC: 0x1004
                """);
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), a, b));
        assertEquals(List.of("0", "4000"), column(out, "exits", "ts"));
        assertEquals(List.of("2000", ""), column(out, "exits", "duration_ns"));
        Map<String, String> m = manifest(out);
        assertEquals("cpu0.txt", Path.of(m.get("source.1.file")).getFileName().toString());
        assertEquals("1", m.get("source.2.used.kvm_entry"));
    }

    @Test
    void twoQemuVmsWithoutTgidCannotBeToldApartWithoutVmOptions() throws IOException {
        Path f = write(dir, "two.txt", """
                       CPU 0/KVM-100   [000] ....  5.000001: kvm_exit: IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x10
                       CPU 0/KVM-200   [001] ....  5.000002: kvm_exit: IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x20
                """);
        Path out = dir.resolve("t");
        BadInputException e = assertThrows(BadInputException.class, () -> ImportJob.run(kvm(out, false, List.of(), f)));
        assertEquals(List.of(f + ":2: thread 'CPU 0/KVM' (tid 200) cannot be placed in a VM: thread 'CPU 0/KVM' "
                + "(tid 100) is also vCPU 0, so they belong to different VMs, and the trace has no tgid column; give "
                + "--vm NAME=PID,TID... for each VM, or record with options/record-tgid"), e.problems());
        assertFalse(Files.exists(out));
        ImportJob.run(kvm(out, false, List.of(VmSpec.parse("a=90,100"), VmSpec.parse("b=190,200")), f));
        assertEquals(List.of("a", "b"), column(out, "vms", "name"));
        assertEquals(List.of("0", "1"), column(out, "exits", "vm"));
        assertEquals(List.of("0", "0"), column(out, "exits", "vcpu"));
    }

    @Test
    void aThreadOutsideEveryGivenVmIsOneErrorNamingIt() throws IOException {
        Path f = write(dir, "x.txt", """
                       CPU 0/KVM-100   [000] ....  5.000001: kvm_exit: IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x10
                       CPU 0/KVM-300   [001] ....  5.000002: kvm_exit: IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x20
                """);
        BadInputException e = assertThrows(BadInputException.class, () -> ImportJob.run(kvm(dir.resolve("t"), false,
                List.of(VmSpec.parse("a=90,100"), VmSpec.parse("b=190,200")), f)));
        assertEquals(List.of(f + ":2: thread 'CPU 0/KVM' (tid 300) cannot be placed in a VM: it has no tgid and 2 VMs "
                + "are known (a, b); give --vm NAME=PID,300 for its VM, or record with options/record-tgid"),
                e.problems());
    }

    @Test
    void oldPayloadFormsAreRead() throws IOException {
        // kvm_entry/kvm_exit with 0x%08lx PCs and no exit type (v4.x), kvm_exit with only a PC (v3.x),
        // sched_wakeup with success= (before v4.x), kvm_vcpu_wakeup without the polling field
        Path f = write(dir, "old.txt", """
                 kvm-vcpu-1-9 [003] ....  7.000000: kvm_exit: HSR_EC: 0x0024 (DABT_LOW), PC: 0xffffffc000081234
                 kvm-vcpu-1-9 [003] ....  7.000004: kvm_entry: PC: 0xffffffc000081238
                 kvm-vcpu-1-9 [003] ....  7.000010: kvm_exit: PC: 0x80001000
                 kvm-vcpu-1-9 [003] ....  7.000011: kvm_vcpu_wakeup: wait time 2500 ns
                 kvm-vcpu-1-9 [003] ....  7.000012: kvm_entry: PC: 0x80001000
                      lkvm-8 [002] ....  7.000013: sched_wakeup: comm=kvm-vcpu-1 pid=9 prio=120 success=1 target_cpu=003
                """);
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), f));
        assertEquals(List.of("", ""), column(out, "exits", "type"));
        assertEquals(List.of("0x24", ""), column(out, "exits", "ec"));
        assertEquals(List.of("4000", "2000"), column(out, "exits", "duration_ns"));
        assertEquals(List.of("1", "1"), column(out, "exits", "vcpu")); // kvm-vcpu-1
        assertEquals(List.of("wake"), column(out, "sched", "event"));
        assertEquals(List.of("3"), column(out, "sched", "pe"));
        assertEquals(List.of("2"), column(out, "vms", "vcpus")); // index 1 from the name: vCPUs 0..1
    }

    @Test
    void interruptEdgeCasesLostEventsAndAnExitWithoutEntry() throws IOException {
        Path f = write(dir, "irq.txt", """
                  kvm-vcpu-0-20 [000] ....  3.000000: kvm_exit: IRQ: HSR_EC: 0x0000 (UNKNOWN), PC: 0x100
                  kvm-vcpu-0-20 [000] ....  3.000002: kvm_exit: TRAP: HSR_EC: 0x0018 (SYS64), PC: 0x104
                CPU:0 [LOST 12 EVENTS]
                  kvm-vcpu-0-20 [000] ....  3.000005: kvm_entry: PC: 0x108
                        lkvm-19 [001] ....  3.000006: kvm_irq_line: Inject VGIC PPI interrupt (2), vcpu->idx: 0, num: 23, level: 1
                        lkvm-19 [001] ....  3.000007: kvm_set_irq: gsi 5 level 1 source 0
                        lkvm-19 [001] ....  3.000008: kvm_irq_line: Inject CPU interrupt (0), vcpu->idx: 0, num: 0, level: 1
                        lkvm-19 [001] ....  3.000009: vgic_update_irq_pending: VCPU: 0, IRQ 2, level: 1
                        lkvm-19 [001] ....  3.000010: vgic_update_irq_pending: VCPU: 0, IRQ 40, level: 0
                  kvm-vcpu-0-20 [000] ....  3.000011: sched_switch: prev_comm=kvm-vcpu-0 prev_pid=20 prev_prio=120 prev_state=1 next_comm=swapper/0 next_pid=0 next_prio=120
                """);
        Path out = dir.resolve("t");
        ImportJob.run(kvm(out, false, List.of(), f));
        // the IRQ exit is closed by the second kvm_exit (its entry was lost): no duration; the SYS64 exit
        // ends at the entry of 3.000005
        assertEquals(List.of("0", "2000"), column(out, "exits", "ts"));
        assertEquals(List.of("", "3000"), column(out, "exits", "duration_ns"));
        // PPI 23 of vCPU 0 (kvm_irq_line alone), SPI 37 = GSI 5 + 32 (kvm_set_irq alone, default routing),
        // SPI 40 deasserted (vGIC event alone); the CPU line and SGI 2 make no row
        assertEquals(List.of("6000", "7000", "10000"), column(out, "irq", "ts"));
        assertEquals(List.of("23", "37", "40"), column(out, "irq", "intid"));
        assertEquals(List.of("0", "-1", "-1"), column(out, "irq", "vcpu"));
        assertEquals(List.of("device", "device", "device"), column(out, "irq", "source"));
        assertEquals(List.of("assert", "assert", "deassert"), column(out, "irq", "event"));
        // raw prev_state 1 (TASK_INTERRUPTIBLE): the vCPU thread sleeps
        assertEquals(List.of("block"), column(out, "sched", "event"));
        Map<String, String> m = manifest(out);
        assertTrue(m.get("source.1.lost_events").startsWith("12 "), m.get("source.1.lost_events"));
        assertEquals("1", m.get("source.1.exits_without_entry"));
        assertEquals("1", m.get("source.1.skipped.not_a_gic_interrupt"));
        assertEquals("1", m.get("source.1.skipped.sgi_without_sender"));
        assertEquals(List.of("vm0"), column(out, "vms", "name"));
    }
}
