package org.virtreplay.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: replaced by the real `generate` command in issue 2's work. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = VirtReplay.Version.class,
        description = "(not yet implemented)")
public final class GenerateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("generate is not implemented yet");
    }
}
