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
        super(String.join(System.lineSeparator(), oneLineEach(problems)));
        this.problems = oneLineEach(problems);
    }

    public BadInputException(String problem, Throwable cause) {
        super(UserText.oneLine(problem), cause);
        this.problems = List.of(UserText.oneLine(problem));
    }

    /**
     * Each problem made one line ({@link UserText#oneLine}): the last guard behind the quoting of
     * user values, so that no problem spans two lines or floods a terminal.
     */
    private static List<String> oneLineEach(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a BadInputException needs at least one problem");
        }
        return problems.stream().map(UserText::oneLine).toList();
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
