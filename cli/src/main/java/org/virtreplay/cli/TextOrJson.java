package org.virtreplay.cli;

import org.virtreplay.engine.UserText;
import picocli.CommandLine;

/** {@code --format text|json} of the commands that print one result (inspect, translate; kvm-stat adds csv). */
final class TextOrJson {
    private TextOrJson() {
    }

    /** Whether {@code format} asks for JSON; a usage error (exit 2) for anything but text or json. */
    static boolean isJson(CommandLine.Model.CommandSpec spec, String format) {
        return switch (format) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format: expected text or json, got " + UserText.quote(format));
        };
    }
}
