package dev.lorehub.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The node's logging, set up in code (found by logback as a service): time, level, short logger
 * name and message on stderr, at the level of {@code LOREHUB_LOG_LEVEL} (a system property, which
 * {@code cli.Main} sets, or the environment variable; default INFO), with JmDNS and Netty at WARN.
 *
 * <p>Lines are written by {@link LogLineLayout}, which formats {@link #PATTERN} without logback's
 * pattern machinery.
 *
 * <p>Why not logback.xml: reading an XML configuration loads and runs logback's Joran and the
 * JDK's XML parser, several hundred classes, which was a sixth of a short read-only command's
 * time (CliBench). A configuration named with {@code -Dlogback.configurationFile}, or a
 * {@code logback-test.xml} on the class path (the tests'), still wins: this then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** Called by logback's service lookup. */
    public LogSetup() {
    }

    /** The line format, as a logback pattern (what {@link LogLineLayout} writes). */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
            || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        context.getLogger("javax.jmdns").setLevel(Level.WARN);
        context.getLogger("io.netty").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(), Level.INFO));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code LOREHUB_LOG_LEVEL}: the system property first (as logback.xml's variable was resolved), then the environment. */
    private static String level() {
        String p = System.getProperty("LOREHUB_LOG_LEVEL");
        return p != null ? p : System.getenv("LOREHUB_LOG_LEVEL");
    }
}
