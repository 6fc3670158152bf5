package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The running daemon's control socket ({@code node/control.sock}, a Unix domain socket in the
 * owner-only node directory): CLI commands that change sync state while a daemon runs are sent
 * here and executed by {@link NodeOperations} on the daemon, so one process drives the database
 * and its in-memory state never goes stale. One JSON request line in (a {@link ControlRequest},
 * at most {@link ControlCodec#MAX_LINE} characters, read with that bound before decoding); one or
 * more JSON lines out (a pairing invitation sends the code first, the outcome when the code is
 * used). A request the node cannot decode gets an error reply saying why.
 *
 * <p>Threading: one acceptor thread, and one thread per client connection, which runs the request
 * (the operations hand their work to the node thread).
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final ServerSocketChannel server;
    private final NodeOperations operations;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(ServerSocketChannel server, NodeOperations operations) {
        this.server = server;
        this.operations = operations;
        this.acceptor = new Thread(this::acceptLoop, "lorehub-control");
        this.acceptor.setDaemon(true);
    }

    /** Listens on the home's control socket (replacing a stale socket file left by a crash). */
    public static ControlServer start(NodeHome home, NodeOperations operations) {
        try {
            Files.deleteIfExists(home.controlSocket());
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(home.controlSocket()));
            ControlServer c = new ControlServer(server, operations);
            c.acceptor.start();
            return c;
        } catch (IOException | UnsupportedOperationException e) {
            throw new NodeException("Cannot open the control socket " + home.controlSocket() + ": " + e.getMessage(),
                NodeException.Reason.STATE);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                Thread t = new Thread(() -> serve(client), "lorehub-control-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Control socket failed: {}", e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(client)) {
            String line;
            try {
                line = ControlCodec.readLine(in, ControlCodec.MAX_LINE);
            } catch (ControlCodec.LineTooLongException e) {
                reply(out, ControlCodec.error("request too large", NodeException.Reason.USAGE));
                return;
            }
            if (line == null) {
                return;
            }
            try {
                operations.handle(ControlCodec.decode(line), response -> reply(out, response));
            } catch (NodeException e) {
                reply(out, ControlCodec.error(e.getMessage(), e.reason()));
            } catch (RuntimeException e) {
                LOG.warn("Control request failed", e);
                reply(out, ControlCodec.error("the daemon failed: " + e, NodeException.Reason.INTERNAL));
            }
        } catch (IOException e) {
            LOG.debug("Control client went away: {}", e.getMessage());
        }
    }

    private static void reply(OutputStream out, JsonNode response) {
        try {
            out.write((ControlCodec.encodeReply(response) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
