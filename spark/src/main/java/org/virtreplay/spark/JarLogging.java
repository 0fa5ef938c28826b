package org.virtreplay.spark;

import java.net.URISyntaxException;
import java.net.URL;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.spark.SparkConf;

/**
 * Makes the jar's {@code log4j2.properties} apply under {@code spark-submit}. spark-submit
 * configures log4j before it loads the application jar, so log4j never sees the jar's file and
 * falls back to Spark's built-in profile, which logs at INFO (about a hundred lines for a small
 * sweep, burying the job's summary). When that built-in profile is what is in effect — neither the
 * cluster ({@code SPARK_CONF_DIR/log4j2.properties}) nor the user
 * ({@code -Dlog4j2.configurationFile}) configured logging — the driver switches to the jar's file
 * (Spark at WARN). Any configuration of the cluster's or the user's is left alone, and
 * {@code --conf spark.log.level=INFO} still applies, because the SparkContext sets it afterwards.
 *
 * <p>A class of its own, so that a cluster without log4j-core (another logging backend) fails
 * only here, with a {@link LinkageError} that {@link #useJarConfigurationIfSparkDefault} swallows.
 */
final class JarLogging {
    private JarLogging() {
    }

    /** The profile Spark loads when log4j found no configuration (Spark's {@code Logging}). */
    static final String SPARK_DEFAULT_PROFILE = "org/apache/spark/log4j2-defaults.properties";

    /** Returns true if it switched log4j to the jar's configuration. */
    static boolean useJarConfigurationIfSparkDefault() {
        try {
            // Let Spark finish configuring logging first. spark-submit un-initialises its logging
            // before it calls main(), and Spark re-applies its built-in profile at its next log
            // call (in the SparkContext), which would undo a switch made before it; any Spark
            // object's log() makes that happen now.
            new SparkConf(false).log();
            return switchIfDefault();
        } catch (LinkageError | RuntimeException e) {
            return false; // another logging backend, or an unusual log4j: keep what there is
        }
    }

    private static boolean switchIfDefault() {
        if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
            return false;
        }
        ConfigurationSource src = ctx.getConfiguration().getConfigurationSource();
        String location = src == null ? null : src.getLocation();
        URL ours = JarLogging.class.getResource("/log4j2.properties");
        if (location == null || !location.endsWith(SPARK_DEFAULT_PROFILE) || ours == null) {
            return false;
        }
        try {
            ctx.setConfigLocation(ours.toURI());
        } catch (URISyntaxException e) {
            return false;
        }
        return true;
    }
}
