package org.virtreplay.engine.hyp;

/**
 * A KVM memory slot of one VM: a guest IPA range and what backs it. {@code RAM} is host memory
 * mapped lazily at stage 2 on first touch, in blocks as large as {@code backing} allows (4 KB pages,
 * 2 MB transparent huge pages or hugetlbfs, 1 GB hugetlbfs); {@code MMIO} is an emulated device
 * that is never mapped, so every access exits to the VMM; {@code DEVICE} is a pass-through device
 * (VFIO) region mapped as Device-nGnRE, so accesses never exit; {@code ROM} is a read-only RAM slot
 * ({@code KVM_MEM_READONLY}, e.g. the UEFI flash QEMU emulates): reads are mapped lazily read-only,
 * writes exit to the VMM like MMIO.
 *
 * @param slot    the slot number (KVM's {@code slot} field; unique per VM)
 * @param ipa     first IPA, 4 KB aligned
 * @param size    bytes, a multiple of 4 KB
 * @param kind    {@link #RAM}, {@link #MMIO}, {@link #DEVICE} or {@link #ROM}
 * @param pa      host PA of the first byte (RAM, ROM: chosen by the host model, aligned to {@code backing};
 *                DEVICE: the device's PA; MMIO: unused, -1)
 * @param backing bytes of the host page backing the slot: 4096, 2 MB or 1 GB (RAM only)
 */
public record Memslot(int slot, long ipa, long size, int kind, long pa, long backing) {

    public static final int RAM = 0;
    public static final int MMIO = 1;
    public static final int DEVICE = 2;
    public static final int ROM = 3;

    /** RAM or ROM: host memory mapped lazily. */
    public boolean isMemory() {
        return kind == RAM || kind == ROM;
    }

    public boolean contains(long addr) {
        return addr - ipa >= 0 && addr - ipa < size;
    }

    /** The host PA backing {@code addr} (RAM and DEVICE slots). */
    public long paOf(long addr) {
        return pa + (addr - ipa);
    }

    public static String kindName(int kind) {
        return switch (kind) {
            case RAM -> "ram";
            case MMIO -> "mmio";
            case DEVICE -> "device";
            case ROM -> "rom";
            default -> "kind" + kind;
        };
    }
}
