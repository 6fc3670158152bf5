package dev.lorehub.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LogLineLayout} writes what logback's {@code PatternLayout} writes for {@link LogSetup#PATTERN}:
 * the oracle is logback itself, over times in several zones, every level, logger names with and
 * without packages, messages with arguments, and exceptions with causes.
 */
class LogLineLayoutTest {
    private static final LoggerContext CONTEXT = new LoggerContext();

    @Property(tries = 2000)
    void linesMatchLogbacksPatternLayout(@ForAll @LongRange(min = 0, max = 4_102_444_800_000L) long at,
                                         @ForAll("zones") String zone, @ForAll("levels") Level level,
                                         @ForAll("loggers") String logger, @ForAll("messages") String message,
                                         @ForAll("arguments") Object argument, @ForAll("thrown") Throwable thrown) {
        PatternLayout oracle = new PatternLayout();
        oracle.setContext(CONTEXT);
        oracle.setPattern(LogSetup.PATTERN.replace("%d{HH:mm:ss.SSS}", "%d{HH:mm:ss.SSS, " + zone + "}"));
        oracle.start();
        LogLineLayout layout = new LogLineLayout(ZoneId.of(zone));
        layout.setContext(CONTEXT);
        layout.start();

        LoggingEvent event = new LoggingEvent(LogLineLayoutTest.class.getName(), CONTEXT.getLogger(logger), level, message,
            thrown, new Object[] {argument});
        event.setTimeStamp(at);

        assertThat(layout.doLayout(event)).isEqualTo(oracle.doLayout(event));
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of("UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham");
    }

    @Provide
    Arbitrary<Level> levels() {
        return Arbitraries.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);
    }

    @Provide
    Arbitrary<String> loggers() {
        return Arbitraries.of("dev.lorehub.node.runtime.NodeRuntime", "Main", "org.sqlite.core.NativeDB", "a.b.C$Inner",
            "javax.jmdns.impl.JmDNSImpl");
    }

    @Provide
    Arbitrary<String> messages() {
        return Arbitraries.of("started {}", "plain text", "", "two {} {} holes", "unicode é ☃ {}", "line\nbreak {}");
    }

    @Provide
    Arbitrary<Object> arguments() {
        return Arbitraries.of("peer-1", 42, null, "x\ty");
    }

    @Provide
    Arbitrary<Throwable> thrown() {
        return Arbitraries.of(null, new IllegalStateException("broken"),
            new RuntimeException("outer", new java.io.IOException("inner cause")));
    }
}
