package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * One kind of input the suite mutates (canonical CSV, canonical Parquet, lackey, scenario, grid,
 * {@code --set}, translate files, and each importer as it comes): a valid input, the mutations
 * that make sense for it, and the command lines that read it. A new importer adds one
 * implementation and one test class calling {@link Corpus#run}.
 */
interface InputKind {

    /** Short name used in case ids ({@code csv#17}) and in {@code -Dreliability.only}. */
    String name();

    /** Cases in the quick mode (every {@code mvn -B verify}); chosen so that the suite stays within its budget. */
    int quickCases();

    /**
     * Writes case {@code index}'s inputs under {@code caseDir} and returns the case. Case 0 is the
     * valid input unchanged; every other case applies one mutation chosen by {@code r} alone, so
     * that the seed reproduces it.
     */
    Case build(int index, SplittableRandom r, Path caseDir) throws IOException;
}
