/**
 * JMH benchmarks of virtreplay's hot paths. Build with {@code mvn -B -pl bench -am package
 * -DskipTests}, then run {@code java -cp "bench/target/classes:bench/target/lib/*"
 * org.openjdk.jmh.Main NAME -prof gc}. Results and the machine go in docs/performance.md.
 */
package org.virtreplay.bench;
