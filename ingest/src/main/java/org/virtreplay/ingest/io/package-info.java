/**
 * What a user reads when a file cannot be read or written. {@link org.virtreplay.ingest.io.FileFailures}
 * puts the failures of the operating system (permission denied, read-only file system, no space
 * left) and of the libraries we read with (gzip, xz, zstd, Parquet) into words that name the file
 * and say what to do, never a Java class name; {@link org.virtreplay.ingest.io.OutputFiles} opens
 * output files so that a full disk names the file that filled it and how much was being written;
 * {@link org.virtreplay.ingest.io.Utf8Text} reads a small text file and says where it is not UTF-8.
 */
package org.virtreplay.ingest.io;
