package org.virtreplay.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: replaced by the real `ingest` command in issue 2's work. */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = "(not yet implemented)")
public final class IngestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("ingest is not implemented yet");
    }
}
