package dev.lorehub.node.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate limit of refusal lines, with a manual scheduler: what a minute of refusals costs the log. */
class InboundRefusalsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(InboundRefusals.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Runnable> scheduled = new ArrayList<>();
    private final InboundRefusals refusals = new InboundRefusals("SELF", (delay, task) -> {
        assertThat(delay).isEqualTo(Duration.ofMinutes(1));
        scheduled.add(task);
    });
    private Level previous;

    @BeforeEach
    void watch() {
        previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void restore() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }

    List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    static InetSocketAddress from(int host, int port) {
        return new InetSocketAddress("10.0.0." + host, port);
    }

    void runMinute() {
        List<Runnable> due = List.copyOf(scheduled);
        scheduled.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aFewSourcesGetALineEachAndEverythingElseOneSummaryAMinute() {
        for (int i = 0; i < 500; i++) {
            refusals.refused(InboundRefusals.Kind.NOT_TLS, from(9, 40_000 + i), TransportMode.PAIRED, "not TLS " + "ab".repeat(40));
        }
        refusals.refused(InboundRefusals.Kind.UNPAIRED, from(4, 5000), TransportMode.PAIRED,
            "TLS handshake failed: client is device X, which is not paired with this device");
        for (int host = 20; host < 30; host++) {
            refusals.refused(InboundRefusals.Kind.TIMED_OUT, from(host, 1), TransportMode.PAIRED, "handshake timed out");
        }
        assertThat(lines()).hasSize(3); // the first of 10.0.0.9, 10.0.0.4 and 10.0.0.20
        assertThat(lines().get(0)).contains("PAIRED connection from /10.0.0.9:40000 did not open: not TLS")
            .doesNotContain("abababababababababababababababab");
        assertThat(lines().get(1)).contains("connection from /10.0.0.4:5000 did not open: TLS handshake failed: client is device X");
        assertThat(scheduled).hasSize(1);

        runMinute();
        assertThat(lines()).hasSize(4).last().asString()
            .isEqualTo("SELF refused 508 inbound connections in the last minute: 499 not TLS, 9 handshake timed out");

        // Next minute: the same source gets its own line again; a quiet minute ends the summaries.
        refusals.refused(InboundRefusals.Kind.NOT_TLS, from(9, 1), TransportMode.PAIRED, "not TLS");
        assertThat(lines()).hasSize(5);
        runMinute();
        assertThat(lines()).hasSize(5);
        assertThat(scheduled).isEmpty();
        refusals.refused(InboundRefusals.Kind.NOT_TLS, from(9, 2), TransportMode.PAIRED, "not TLS");
        assertThat(lines()).hasSize(6);
        assertThat(scheduled).hasSize(1);
    }
}
