package org.virtreplay.reports;

/** What {@code virtreplay report} writes. */
public enum ReportFormat {
    CSV, HTML, BOTH;

    public boolean csv() {
        return this != HTML;
    }

    public boolean html() {
        return this != CSV;
    }
}
