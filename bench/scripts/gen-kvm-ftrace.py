#!/usr/bin/env python3
"""Writes a large synthetic host ftrace text of KVM/arm64 events, for measuring
`virtreplay import --kvm-events` (docs/performance.md). Not real data: a seeded mix shaped like
trace-formats.md §1: the kernel `trace` file with the tgid column (options/record-tgid), QEMU vCPU
threads `CPU N/KVM`, and per vCPU the run loop kvm_entry / kvm_exit with the records KVM prints
inside an exit (kvm_guest_fault + kvm_mmio for DABT_LOW, kvm_wfx_arm64 for WFx, kvm_hvc_arm64,
kvm_handle_sys_reg), interrupt injections from the VMM thread (kvm_irq_line + vgic_update_irq_pending)
and timers (kvm_timer_update_irq + vgic_update_irq_pending), sched_switch / sched_wakeup around
WFI halts, and a few events the importer does not read (kvm_fpu).

Usage: gen-kvm-ftrace.py --size 1G --out big.txt [--vms 4] [--vcpus 4] [--cpus 16] [--seed 1]
Timestamps only grow, 6 fraction digits (usec) as the kernel prints them.
"""
import argparse
import random
import sys

EXITS = [  # (weight, type, ec, name)
    (30, "TRAP", 0x18, "SYS64"),
    (25, "TRAP", 0x24, "DABT_LOW"),
    (15, "TRAP", 0x01, "WFx"),
    (5, "TRAP", 0x16, "HVC64"),
    (25, "IRQ", 0x00, "UNKNOWN"),
]


def size_of(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * mult[s[-1].upper()] if s[-1].upper() in mult else int(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1G")
    ap.add_argument("--out", required=True)
    ap.add_argument("--vms", type=int, default=4)
    ap.add_argument("--vcpus", type=int, default=4)
    ap.add_argument("--cpus", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    target = size_of(a.size)
    weights = [e[0] for e in EXITS]
    vcpus = []  # (comm, tid, tgid, vm index, vcpu index, cpu)
    for v in range(a.vms):
        tgid = 4000 + 100 * v
        for c in range(a.vcpus):
            vcpus.append(["CPU %d/KVM" % c, tgid + 10 + c, tgid, v, c, (v * a.vcpus + c) % a.cpus])
    in_guest = [False] * len(vcpus)
    pcs = [0xffff800080000000 + 0x1000 * i for i in range(len(vcpus))]
    ns = 1000 * 10**9
    written = 0
    out = open(a.out, "w", buffering=1 << 22)
    out.write("# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:%d\n#\n" % a.cpus)

    def line(comm, tid, tgid, cpu, flags, event, payload):
        nonlocal ns, written
        ns += rnd.randint(100, 900)
        s = "%16s-%-7d (%7d) [%03d] %s %5d.%06d: %s: %s\n" % (
            comm, tid, tgid, cpu, flags, ns // 10**9, (ns // 1000) % 10**6, event, payload)
        out.write(s)
        written += len(s)

    while written < target:
        i = rnd.randrange(len(vcpus))
        comm, tid, tgid, vm, idx, cpu = vcpus[i]
        pc = pcs[i] + 4 * rnd.randrange(1024)
        if not in_guest[i]:
            line(comm, tid, tgid, cpu, "d..1.", "kvm_entry", "PC: 0x%016x" % pc)
            in_guest[i] = True
            continue
        w, typ, ec, name = rnd.choices(EXITS, weights)[0]
        line(comm, tid, tgid, cpu, ".....", "kvm_exit", "%s: HSR_EC: 0x%04x (%s), PC: 0x%016x" % (typ, ec, name, pc))
        in_guest[i] = False
        if ec == 0x24:
            ipa = 0x9000000 + 0x1000 * rnd.randrange(16)
            line(comm, tid, tgid, cpu, ".....", "kvm_guest_fault",
                 "ipa %#x, hsr %#08x, hxfar %#08x, pc %#016x" % (ipa, 0x93c08007, 0xffff0000c8000000 + (ipa & 0xfff0), pc))
            line(comm, tid, tgid, cpu, ".....", "kvm_mmio", "mmio write len 4 gpa %#x val %#x" % (ipa + 0x18, rnd.randrange(256)))
        elif ec == 0x18:
            line(comm, tid, tgid, cpu, ".....", "kvm_handle_sys_reg", "HSR 0x%08x" % (0x62300a17,))
        elif ec == 0x16:
            line(comm, tid, tgid, cpu, ".....", "kvm_hvc_arm64", "HVC at 0x%016x (r0: 0x%016x, imm: 0x0)" % (pc, 0x84000000))
        elif ec == 0x01:
            line(comm, tid, tgid, cpu, ".....", "kvm_wfx_arm64", "guest executed wfi at: 0x%016x" % pc)
            if rnd.random() < 0.3:
                line(comm, tid, tgid, cpu, "d..2.", "sched_switch",
                     "prev_comm=%s prev_pid=%d prev_prio=120 prev_state=S ==> next_comm=swapper/%d next_pid=0 next_prio=120"
                     % (comm, tid, cpu))
                line("qemu-system-aar", tgid, tgid, (cpu + 1) % a.cpus, "d..2.", "sched_wakeup",
                     "comm=%s pid=%d prio=120 target_cpu=%03d" % (comm, tid, cpu))
                line("<idle>", 0, 0, cpu, "d..2.", "sched_switch",
                     "prev_comm=swapper/%d prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=%s next_pid=%d next_prio=120"
                     % (cpu, comm, tid))
        else:
            r = rnd.random()
            if r < 0.3:
                line(comm, tid, tgid, cpu, ".....", "kvm_timer_update_irq", "VCPU: %d, IRQ 27, level %d" % (idx, 1))
                line(comm, tid, tgid, cpu, ".....", "vgic_update_irq_pending", "VCPU: %d, IRQ 27, level: %d" % (idx, 1))
            elif r < 0.5:
                spi = 32 + rnd.randrange(64)
                line("qemu-system-aar", tgid, tgid, (cpu + 3) % a.cpus, ".....", "kvm_irq_line",
                     "Inject VGIC SPI interrupt (1), vcpu->idx: 0, num: %d, level: 1" % spi)
                line("qemu-system-aar", tgid, tgid, (cpu + 3) % a.cpus, ".....", "vgic_update_irq_pending",
                     "VCPU: 0, IRQ %d, level: 1" % spi)
            elif r < 0.55:
                line(comm, tid, tgid, cpu, ".....", "kvm_fpu", "unload")
    out.close()
    print("wrote %d bytes to %s" % (written, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
