package dev.lorehub.node.transport;

import dev.lorehub.crypto.UnpairedDeviceException;
import dev.lorehub.node.sync.ProtocolViolationException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslClosedEngineException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.regex.Pattern;

/**
 * Why a connection failed, in words a user can act on: never a library's class name, never the
 * bytes a stranger sent (Netty's "not an SSL/TLS record" message hex-dumps the whole buffer), never
 * longer than {@link #MAX_CHARS}.
 */
final class FailureText {
    /** Longest reason logged or reported: a sentence, not a dump. */
    static final int MAX_CHARS = 200;

    /** Runs of 32 or more hex digits: dumped bytes, not words. */
    private static final Pattern HEX_RUN = Pattern.compile("(?i)(?:0x)?[0-9a-f]{32,}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t]]");

    private FailureText() {
    }

    /** A reason fit for one log line: control characters and hex dumps removed, at most {@link #MAX_CHARS}. */
    static String forLog(String reason) {
        if (reason == null) {
            return "no reason given";
        }
        String text = CONTROL.matcher(reason).replaceAll(" ");
        text = HEX_RUN.matcher(text).replaceAll("…");
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS - 1) + "…";
    }

    /** The innermost exception that is not Netty's decoder wrapper. */
    private static Throwable unwrap(Throwable cause) {
        Throwable t = cause;
        while (t instanceof DecoderException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Why a TLS handshake failed, in words. */
    static String tls(Throwable cause) {
        Throwable t = unwrap(cause);
        if (t instanceof NotSslRecordException || notTls(t)) {
            return "the other side does not speak TLS (it sent something else)";
        }
        if (t instanceof ClosedChannelException || t instanceof SslClosedEngineException) {
            return "the other side closed the connection during the TLS handshake";
        }
        String message = message(t);
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + " (" + root.getMessage() + ")";
        }
        return forLog(message);
    }

    /** The refusal kind of a failed TLS handshake. */
    static InboundRefusals.Kind tlsKind(Throwable cause) {
        Throwable t = unwrap(cause);
        if (t instanceof NotSslRecordException || notTls(t)) {
            return InboundRefusals.Kind.NOT_TLS;
        }
        if (t instanceof ClosedChannelException || t instanceof SslClosedEngineException) {
            return InboundRefusals.Kind.CLOSED;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UnpairedDeviceException) {
                return InboundRefusals.Kind.UNPAIRED;
            }
        }
        return InboundRefusals.Kind.TLS_FAILED;
    }

    /** A short reason for any failure on a connection, naming limits and values where the exception has them. */
    static String of(Throwable cause) {
        Throwable t = unwrap(cause);
        if (t instanceof ProtocolViolationException) {
            return "protocol error: " + forLog(t.getMessage());
        }
        if (t instanceof SSLException) {
            return "TLS: " + tls(t);
        }
        if (t instanceof ClosedChannelException) {
            return "connection closed";
        }
        if (t instanceof IOException) {
            return forLog(message(t));
        }
        return "unexpected failure: " + forLog(message(t));
    }

    /** JSSE's own words for bytes that are no TLS record ("Unrecognized SSL message, plaintext connection?"). */
    private static boolean notTls(Throwable t) {
        return t instanceof SSLException && t.getMessage() != null && t.getMessage().startsWith("Unrecognized SSL message");
    }

    /** The exception's message, or a plain description when it has none (never its class name). */
    private static String message(Throwable t) {
        if (t.getMessage() != null && !t.getMessage().isBlank()) {
            return t.getMessage();
        }
        if (t instanceof IOException) {
            return "input/output error";
        }
        return "no details";
    }
}
