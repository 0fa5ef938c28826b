package org.virtreplay.engine;

import java.util.List;

/**
 * A problem with what the user gave us (a trace, a register file, a scenario, an option), as
 * opposed to a bug in virtreplay. The command line turns it into exit code 2 and prints its
 * lines without a stack trace.
 *
 * <p>Each problem is one line, shaped {@code FILE:LINE: column 'va': expected ..., got ...},
 * so that a user can jump to it in an editor.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public BadInputException(String problem) {
        this(List.of(problem));
    }

    public BadInputException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a BadInputException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public BadInputException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
