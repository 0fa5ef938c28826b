package org.virtreplay.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: replaced by the real `inspect` command in issue 2's work. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = "(not yet implemented)")
public final class InspectCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("inspect is not implemented yet");
    }
}
