/**
 * The daemon: a thin driver of the sans-IO {@link dev.lorehub.node.endpoint.NodeEndpoint}
 * (DESIGN.md §4), plus the data directory and the operations the CLI runs through it.
 *
 * <h2>Roles</h2>
 * <ul>
 *   <li>{@link dev.lorehub.node.runtime.NodeRuntime}: the composition root. Opens the replica,
 *       builds the endpoint and wires the drivers below around it; exposes the node's operations.</li>
 *   <li>{@code NodeThread}: the one thread that owns the replica, the endpoint and all driver state.</li>
 *   <li>{@code DriverClock}: both clocks; every endpoint input carries monotonic and wall time.</li>
 *   <li>{@code NetworkDriver}: Netty in (connections, frames, writability) and endpoint outputs out
 *       (send, close, dial, the next wake-up); backpressure by pausing reads.</li>
 *   <li>{@code DiscoveryDriver}: mDNS and static peers in, reported addresses to the endpoint.</li>
 *   <li>{@code SyncPeers}: the paired set (the transport admits only it) and pin/unpin.</li>
 *   <li>{@code SessionMetricsHooks}: the endpoint's session events to the metrics and the dashboard.</li>
 *   <li>{@link dev.lorehub.node.runtime.RemoteRunner}: the remotes' own thread; stores through the node.</li>
 *   <li>{@link dev.lorehub.node.runtime.PairingService}: pairing connections (J-PAKE over a code).</li>
 *   <li>{@link dev.lorehub.node.runtime.ControlServer} / {@link dev.lorehub.node.runtime.ControlClient}:
 *       the control socket; {@link dev.lorehub.node.runtime.ControlRequest} records on the wire
 *       through {@code ControlCodec}, executed by {@link dev.lorehub.node.runtime.NodeOperations};
 *       {@link dev.lorehub.node.runtime.NodeClient} runs them on a node started for one command
 *       when no daemon runs.</li>
 *   <li>Data directory: {@link dev.lorehub.node.runtime.NodeHome}, {@link dev.lorehub.node.runtime.NodeFiles},
 *       {@link dev.lorehub.node.runtime.NodeLock}, {@link dev.lorehub.node.runtime.NodeConfig}; read-only
 *       views for commands that only look: {@link dev.lorehub.node.runtime.NodeView}.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Netty's event loops, JmDNS's threads, the control socket's client threads, the remotes' thread
 * and the dashboard only hand work to the node thread ({@code call} waits for it, {@code later}
 * does not). No lock guards the replica or the endpoint: confinement to that thread does.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>No policy here: what to dial, which connection survives, what to offer, when to capture
 *       and when to restart a session are the endpoint's decisions, the same code the simulator runs.</li>
 *   <li>Every endpoint input is followed by draining its outputs ({@code NetworkDriver.drive}).</li>
 *   <li>One process writes a data directory: the daemon holds {@code NodeLock}; while it runs, CLI
 *       commands that change sync state go through its control socket.</li>
 *   <li>Closing loses nothing: remotes stop first, sessions say goodbye, then the transport, mDNS,
 *       the database, the node thread and the lock.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * {@link dev.lorehub.node.runtime.NodeException} is the root: a problem the user can act on, whose
 * {@link dev.lorehub.node.runtime.NodeException.Reason} fixes the CLI's exit code (and crosses the control
 * socket as that code). {@link dev.lorehub.node.runtime.NodeConfig.ConfigException} is one.
 * {@link dev.lorehub.node.runtime.NodeException#translate} is the boundary for the layers below, which know
 * nothing of exit codes: crypto's {@code KeyFileException} and the store's {@code LoreHubDatabaseException}
 * become {@code STATE}; the node thread turns the core's {@code ReplicaException} into {@code REFUSED}.
 * Anything else is a bug: exit code 1 in the CLI, "the daemon failed" ({@code INTERNAL}) over the socket.
 */
package dev.lorehub.node.runtime;
