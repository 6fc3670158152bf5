package dev.lorehub.node.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stranger's junk connections cost the log a few short lines, not one per connection: refusals
 * are DEBUG each and summarised at WARN at most once a minute, with no hex dumps of the junk and no
 * library class names. The node logs at INFO by default, so that is the level watched here.
 */
class JunkConnectionLogTest extends TransportHarness {
    private static final int CONNECTS = 1000;
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z][A-Za-z]+(Exception|Error)\\b|io\\.netty|javax?\\.");
    private static final Pattern HEX_DUMP = Pattern.compile("(?i)[0-9a-f]{32,}");

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger lorehub = (Logger) LoggerFactory.getLogger("dev.lorehub");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previousLevel;

    @BeforeEach
    void watchTheLogAtTheDaemonsLevel() {
        previousLevel = lorehub.getLevel();
        lorehub.setLevel(Level.INFO);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void restore() {
        root.detachAppender(appender);
        lorehub.setLevel(previousLevel);
    }

    @Test
    void aThousandJunkConnectsWriteAFewShortLines() throws Exception {
        TlsIdentity alice = device(1);
        TlsIdentity bob = device(2);
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        InetSocketAddress address = bobTransport.listen(anyPort()).address();
        appender.list.clear(); // "listening on ..." is not under test

        Random random = new Random(5);
        for (int i = 0; i < CONNECTS; i++) {
            try (Socket s = new Socket()) {
                s.connect(address, 5_000);
                switch (i % 4) {
                    case 0, 1 -> send(s, junk(random, 4096)); // random bytes: not TLS
                    case 2 -> send(s, partialClientHello()); // a TLS handshake dropped halfway
                    default -> { } // connect and hang up at once
                }
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> bobEvents.failed.size() == CONNECTS);

        List<String> lines = appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
            .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("log lines at INFO and above").hasSizeLessThanOrEqualTo(3);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(300);
            assertThat(HEX_DUMP.matcher(line).find()).as("hex dump in: %s", line).isFalse();
            assertThat(CLASS_NAME.matcher(line).find()).as("class name in: %s", line).isFalse();
        });
        // The listener (the daemon logs it at DEBUG) gets short reasons in words too.
        assertThat(bobEvents.failureReasons()).allSatisfy(reason -> {
            assertThat(reason.length()).as(reason).isLessThanOrEqualTo(300);
            assertThat(HEX_DUMP.matcher(reason).find()).as("hex dump in: %s", reason).isFalse();
            assertThat(CLASS_NAME.matcher(reason).find()).as("class name in: %s", reason).isFalse();
        });

        // The minute's summary: one line counting every refusal after the first, by kind.
        appender.list.clear();
        bobTransport.refusals().summarise();
        List<String> summary = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(summary).singleElement().asString()
            .contains("refused " + (CONNECTS - 1) + " inbound connections in the last minute") // all from 127.0.0.1
            .contains("not TLS").hasSizeLessThanOrEqualTo(300);
        assertThat(HEX_DUMP.matcher(summary.get(0)).find()).isFalse();
    }

    private static void send(Socket s, byte[] bytes) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the server may close first; the junk was what mattered
        }
    }

    private static byte[] junk(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] = 0x47; // "G", as in an HTTP GET: certainly not a TLS record
        return b;
    }

    /** The first bytes of a TLS record holding a ClientHello, announcing more than is sent. */
    private static byte[] partialClientHello() {
        return new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 1, 2, 3, 4};
    }
}
