package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Builds a connection's pipeline, from the socket inwards: TLS → (idle timer, added once open) →
 * flush consolidation → frame decoder → connection handler. An accepted connection first takes one of
 * the transport's handshake slots ({@link TransportConfig#maxHandshakingInbound()}); when none is
 * free it is closed at once, before any TLS state exists for it.
 *
 * <p>Flush consolidation: every {@link PeerConnection#send} flushes, and sends mostly come from the
 * node thread, one event-loop task each; coalescing the flushes lets TLS pack many small frames into
 * one record and one syscall instead of one per frame.
 */
final class ChannelSetup extends ChannelInitializer<Channel> {
    /** Flushes after this many consolidated flush requests even if more keep coming. */
    private static final int FLUSH_AFTER = 64;

    private final PeerTransport transport;
    private final TransportConfig config;
    private final TlsContexts tls;
    private final TransportMode mode;
    private final boolean initiator;
    private final DeviceId expected;
    private final DialOutcome outcome;

    ChannelSetup(PeerTransport transport, TransportConfig config, TlsContexts tls, TransportMode mode, boolean initiator,
                 DeviceId expected, DialOutcome outcome) {
        this.transport = transport;
        this.config = config;
        this.tls = tls;
        this.mode = mode;
        this.initiator = initiator;
        this.expected = expected;
        this.outcome = outcome;
    }

    @Override
    protected void initChannel(Channel channel) {
        if (!initiator && !transport.inboundHandshakeStarted(channel, mode)) {
            channel.close(); // over the cap of unauthenticated connections: no TLS engine, nothing allocated
            return;
        }
        transport.track(channel);
        channel.pipeline()
            .addLast(PeerTransport.TLS_HANDLER, tls.newHandler(channel.alloc(), mode, initiator))
            .addLast("flush", new FlushConsolidationHandler(FLUSH_AFTER, true))
            .addLast("frames", new BoundedFrameDecoder(config.maxFrameBytes()))
            .addLast("connection", new ConnectionHandler(transport, config, mode, initiator, expected, outcome));
    }
}
