/**
 * The replay and sweep jobs on Apache Spark ({@code spark-submit --class
 * org.virtreplay.spark.SparkJob virtreplay-spark.jar replay|sweep ...}): traces from any Hadoop
 * filesystem, one sweep point or one host per partition, the same tables as the command line.
 * See docs/spark.md.
 */
package org.virtreplay.spark;
