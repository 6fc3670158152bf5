package dev.lorehub.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * One log line as logback's {@code PatternLayout} writes {@link LogSetup#PATTERN}
 * ({@code %d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n}, then the stack trace of an exception),
 * formatted directly.
 *
 * <p>Why not {@code PatternLayout}: its pattern parser and converter registry are about 150
 * classes, loaded and initialised by every command that touches SQLite (sqlite-jdbc creates its
 * SLF4J loggers as its classes load, which starts logging); that was a tenth of a read-only
 * command's start (CliBench). {@code LogLineLayoutTest} checks the output against
 * {@code PatternLayout}'s for the same events.
 *
 * <p>Threading: stateless after start; logback calls it from any thread.
 */
public final class LogLineLayout extends LayoutBase<ILoggingEvent> {
    private final ZoneId zone;

    /** In the JVM's default time zone, as {@code %d} is. */
    public LogLineLayout() {
        this(ZoneId.systemDefault());
    }

    LogLineLayout(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(96);
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append('.');
        int millis = t.getNano() / 1_000_000;
        b.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10));
        b.append(' ');
        String level = event.getLevel().toString();
        b.append(level);
        for (int i = level.length(); i < 5; i++) {
            b.append(' ');
        }
        b.append(' ').append(shortName(event.getLoggerName())).append(" - ").append(event.getFormattedMessage())
            .append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(ThrowableProxyUtil.asString(thrown)); // ends with a line separator
        }
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    /** {@code %logger{0}}: the name after the last dot. */
    private static String shortName(String logger) {
        return logger.substring(logger.lastIndexOf('.') + 1);
    }
}
