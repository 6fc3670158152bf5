package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Sends one request to a running daemon's {@link ControlServer} and reads its replies. */
public final class ControlClient {
    private ControlClient() {
    }

    /**
     * Sends {@code request}; progress lines (those without an {@code "ok"} field, such as the
     * pairing code an invitation shows while it waits) go to {@code progress} as soon as they
     * arrive; the final line (the first with {@code "ok"}) is returned, or thrown as a
     * {@link NodeException} when it reports an error.
     */
    public static JsonNode call(NodeHome home, ControlRequest request, Consumer<JsonNode> progress) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(home.controlSocket()));
            channel.write(java.nio.ByteBuffer.wrap((ControlCodec.encode(request) + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            JsonNode last = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode reply = ControlCodec.decodeReply(line);
                if (!NodeClient.isFinal(reply)) {
                    progress.accept(reply); // at once: the user must see a pairing code while the inviter waits
                    continue;
                }
                last = reply;
                break;
            }
            if (last == null) {
                throw new NodeException("The running node closed the control connection without answering; see its log.",
                    NodeException.Reason.INTERNAL);
            }
            if (last.has("ok") && !last.get("ok").asBoolean()) {
                throw new NodeException(last.path("error").asText("the running node refused"),
                    NodeException.Reason.ofExitCode(last.path("code").asInt(NodeException.Reason.INTERNAL.exitCode())));
            }
            return last;
        } catch (IOException e) {
            // Called only while a node holds the data directory: either a node run for one command
            // (such as `pair`, waiting for its code), which has no control socket, or a daemon that
            // is starting or stopping. Neither is fixed by deleting anything.
            throw new NodeException(BusyNote.busyMessage(home), NodeException.Reason.STATE);
        }
    }
}
