/**
 * The node's network transport: TCP through Netty, TLS 1.3 with mutual authentication between
 * paired devices (DESIGN.md §5), length-prefixed frames. The only package that may use Netty.
 *
 * <p>Entry point: {@link dev.lorehub.node.transport.PeerTransport}; the daemon implements
 * {@link dev.lorehub.node.transport.ConnectionListener} and talks to peers through
 * {@link dev.lorehub.node.transport.PeerConnection}.
 *
 * <h2>Wire format (transport version 1)</h2>
 * Inside TLS, the stream is a sequence of frames:
 * <pre>
 *   frame = length:u32 (big-endian)  kind:u8  body[length - 1]
 * </pre>
 * {@code length} counts the kind byte and the body. It is checked as soon as its 4 bytes are in:
 * zero, or a body longer than {@link dev.lorehub.node.transport.TransportConfig#maxFrameBytes()}
 * (default {@link dev.lorehub.node.sync.SyncCodec#MAX_FRAME}, 3 MiB), closes the connection before
 * anything is allocated for the frame. Kinds:
 * <ul>
 *   <li>{@code 0 DATA}: body = one application frame, delivered to
 *       {@link dev.lorehub.node.transport.ConnectionListener#frame}.</li>
 *   <li>{@code 1 HELLO}: body = version:u8 (1), mode:u8 (0 paired, 1 pairing). Each side sends it once,
 *       right after its TLS handshake completed and it accepted the peer's certificate; a connection
 *       opens when the peer's hello arrives. Version or mode mismatch closes the connection.</li>
 *   <li>{@code 2 PING}: empty keep-alive, sent after
 *       {@link dev.lorehub.node.transport.TransportConfig#keepAliveInterval()} without sending.</li>
 *   <li>{@code 3 CLOSE}: body = UTF-8 reason (at most 256 bytes), sent before a deliberate close so
 *       the peer can report why.</li>
 * </ul>
 * Any other kind, or DATA before the hello, is a protocol error and closes the connection.
 *
 * <h2>Errors</h2>
 * {@link dev.lorehub.node.transport.TransportException} is the root of the transport's own failures
 * (cannot bind, cannot set up TLS, a one-shot connection did not open), with
 * {@link dev.lorehub.node.transport.SendBufferFullException} under it. A peer that breaks the framing or
 * the transport hello raises the sync layer's {@link dev.lorehub.node.sync.ProtocolViolationException}
 * ({@link dev.lorehub.node.sync.FrameTooLargeException}, {@link dev.lorehub.node.sync.MalformedFrameException}),
 * and the connection closes with its message; a TLS peer whose device is not paired is crypto's
 * {@link dev.lorehub.crypto.UnpairedDeviceException} among the handshake failure's causes.
 */
package dev.lorehub.node.transport;
