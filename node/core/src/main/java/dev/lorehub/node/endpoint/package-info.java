/**
 * The node as one sans-IO object: {@link dev.lorehub.node.endpoint.NodeEndpoint} turns a replica and
 * many sync sessions into a node (quinn-proto's {@code Endpoint} is the model), and is the only place
 * where node policy lives: the daemon ({@code dev.lorehub.node.runtime}, with Netty and JmDNS) and the
 * simulator ({@code dev.lorehub.simulator.engine}, a simulated network) are thin drivers of it.
 *
 * <p><b>Roles.</b> {@link dev.lorehub.node.endpoint.NodeEndpoint}: sessions per peer, fan-out of new
 * events (local ones to every session, received ones to every other session), restarting sessions
 * whose realms changed, capture cadence, maintenance and per-peer status.
 * {@link dev.lorehub.node.endpoint.PeerDialing}: when and where to dial one paired peer, with
 * {@link dev.lorehub.node.endpoint.Backoff} (exponential, full jitter, never giving up).
 * {@link dev.lorehub.node.endpoint.TieBreak}: which of two connections between the same devices
 * survives, decided the same way on both. {@link dev.lorehub.node.endpoint.EndpointConfig}: its limits
 * and periods; {@link dev.lorehub.node.endpoint.PeerAddress}: an address, never resolved here.
 *
 * <p><b>Threading and time.</b> Not thread-safe: the driver serialises every call. Each input carries a
 * {@link dev.lorehub.node.endpoint.NodeEndpoint.Moment}: monotonic milliseconds for timeouts, backoff,
 * idle detection and cadence, wall-clock milliseconds only for what is stamped or recorded, so a step of
 * the wall clock neither fires nor disables a timeout. Randomness (jitter) is injected.
 *
 * <p><b>Invariants.</b> At most one connection per pair of devices, the same one chosen on both sides;
 * an event is offered to a session at most once per fan-out and never back to the session it came
 * from; outputs are {@link dev.lorehub.node.endpoint.NodeEndpoint.Action}s the driver polls, and
 * {@code nextWakeup} says when the driver must call {@code tick} next.
 */
package dev.lorehub.node.endpoint;
