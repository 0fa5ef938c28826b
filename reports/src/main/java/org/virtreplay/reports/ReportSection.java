package org.virtreplay.reports;

/**
 * One section of the HTML report: an anchor in the navigation bar and a {@code <section>} of the
 * page. {@link HtmlReport} writes the section's frame (its {@code <section id>} and {@code <h2>})
 * and its link in the navigation bar, in the order of {@link HtmlReport#SECTIONS}; the section
 * writes only its content, reading the run through {@link ReportData}. A new section is one class
 * implementing this and one line in that list.
 */
interface ReportSection {
    /** The section's anchor ({@code <section id>}), unique in the page. */
    String id();

    /** The section's heading. */
    String title();

    /** The section's link text in the navigation bar: the title unless a shorter one fits better. */
    default String navLabel() {
        return title();
    }

    /**
     * Writes the section's content (between its heading and its end) to the page. Sections keep no
     * state: everything they show comes from {@code d}, and the page holds what the sections share.
     */
    void write(ReportPage page, ReportData d);
}
