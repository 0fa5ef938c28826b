package org.virtreplay.ingest.importer;

import java.nio.file.Path;

/**
 * One source named on the {@code import} command line.
 *
 * @param format the source format (which option named it)
 * @param vm     the VM name given with it ({@code --stage2 VM=FILE}), or null ({@code --kvm-events})
 * @param vcpu   the vCPU given with it ({@code --lackey VM:VCPU=FILE}), or -1
 * @param file   the file to read (plain, {@code .gz}, {@code .xz} or {@code .zst})
 * @param label  the file as the user wrote it: messages and {@code --offset SOURCE=NS} use it
 */
public record SourceSpec(SourceFormat format, String vm, int vcpu, Path file, String label) {

    public static SourceSpec of(SourceFormat format, Path file) {
        return new SourceSpec(format, null, -1, file, file.toString());
    }
}
