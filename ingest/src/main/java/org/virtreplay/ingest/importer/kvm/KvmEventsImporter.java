package org.virtreplay.ingest.importer.kvm;

import java.io.IOException;
import java.util.List;
import org.virtreplay.engine.BadInputException;
import org.virtreplay.ingest.importer.ImportSink;
import org.virtreplay.ingest.importer.SourceImporter;
import org.virtreplay.ingest.importer.SourceSpec;
import org.virtreplay.ingest.importer.VmSpec;

/** ftrace / trace-cmd KVM events (work in progress). */
public final class KvmEventsImporter implements SourceImporter {
    private final List<SourceSpec> specs;
    private final List<VmSpec> vms;

    public KvmEventsImporter(List<SourceSpec> specs, List<VmSpec> vms) {
        this.specs = List.copyOf(specs);
        this.vms = List.copyOf(vms);
    }

    @Override
    public void read(ImportSink sink) throws IOException {
        throw new BadInputException("--kvm-events: not supported yet (" + specs.size() + " files, " + vms.size()
                + " --vm)");
    }
}
