package org.virtreplay.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: replaced by the real `run` command in issue 2's work. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = "(not yet implemented)")
public final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("run is not implemented yet");
    }
}
