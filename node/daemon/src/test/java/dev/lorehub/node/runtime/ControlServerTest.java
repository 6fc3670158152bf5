package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.node.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client the daemon cannot understand (another version, a typo, a flood) gets one error line
 * naming the problem, then the connection closes: never a hang, never a silent close. These
 * requests are refused before any operation runs, so no node is started.
 */
@Timeout(30)
class ControlServerTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownOperationGetsAnErrorReplyNamingIt() throws Exception {
        JsonNode reply = exchange("{\"op\":\"teleport\"}\n");
        assertThat(reply.get("ok").asBoolean()).isFalse();
        assertThat(reply.get("error").asText()).contains("unknown operation 'teleport'");
        assertThat(reply.get("code").asInt()).isEqualTo(NodeException.Reason.USAGE.exitCode());
    }

    @Test
    void aRequestOverTheBoundIsRefusedWithoutReadingItAll() throws Exception {
        // No newline at all: a server reading to the end of the line would wait for ever.
        JsonNode reply = exchange("{\"op\":\"unpair\",\"device\":\"" + "x".repeat(ControlCodec.MAX_LINE + 10));
        assertThat(reply.get("ok").asBoolean()).isFalse();
        assertThat(reply.get("error").asText()).isEqualTo("request too large");
    }

    private NodeHome home() {
        NodeHome home = new NodeHome(dir.resolve("data"));
        try {
            Files.createDirectories(home.controlSocket().getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return home;
    }

    private JsonNode exchange(String raw) throws Exception {
        NodeHome home = home();
        try (ControlServer server = ControlServer.start(home, new NodeOperations(null));
             SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(home.controlSocket()));
            channel.write(ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            String line = in.readLine();
            assertThat(in.readLine()).as("one reply, then the server closes").isNull();
            return Json.MAPPER.readTree(line);
        }
    }
}
