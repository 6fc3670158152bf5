package dev.lorehub.node.transport;

import dev.lorehub.crypto.UnpairedDeviceException;
import dev.lorehub.node.sync.FrameTooLargeException;
import dev.lorehub.node.sync.MalformedFrameException;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertificateException;

import static org.assertj.core.api.Assertions.assertThat;

/** How the transport classifies and words failures: by type, never by a message's words. */
class FailureTextTest {

    private static SSLHandshakeException handshakeFailedBy(Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException("Received fatal alert: certificate_unknown");
        e.initCause(cause);
        return e;
    }

    @Test
    void anUnpairedDeviceIsFoundByItsTypeAmongTheCauses() {
        assertThat(FailureText.tlsKind(new DecoderException(handshakeFailedBy(
            new UnpairedDeviceException("client is device X, which is not paired with this device")))))
            .isEqualTo(InboundRefusals.Kind.UNPAIRED);
        assertThat(FailureText.tlsKind(handshakeFailedBy(new CertificateException("a certificate that is not paired"))))
            .as("another certificate problem, whatever its words")
            .isEqualTo(InboundRefusals.Kind.TLS_FAILED);
    }

    @Test
    void theSyncLayersFrameErrorsAreProtocolErrors() {
        assertThat(FailureText.of(new DecoderException(new FrameTooLargeException(1024, 1025, true))))
            .isEqualTo("protocol error: incoming frame of 1025 bytes exceeds the limit of 1024 bytes");
        assertThat(FailureText.of(new MalformedFrameException("unknown frame kind 9")))
            .isEqualTo("protocol error: unknown frame kind 9");
    }
}
