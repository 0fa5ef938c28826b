/**
 * Reports from a replay's metric tables: one RFC 4180 CSV file per table, and one self-contained
 * HTML page (inline CSS and SVG charts drawn with JFreeChart through JFreeSVG; no scripts, no
 * network) for people to read.
 */
package org.virtreplay.reports;
