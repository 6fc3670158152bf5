/**
 * Remotes (DESIGN.md §10, issue 16): dumb, untrusted, append-only stores of sealed events that let
 * devices which never meet stay in sync: a git branch ({@link dev.lorehub.node.remote.GitSegmentStore}),
 * an S3-compatible bucket ({@link dev.lorehub.node.remote.S3SegmentStore}) or a PostgreSQL hub
 * ({@link dev.lorehub.node.remote.PostgresRemote}).
 *
 * <h2>Model</h2>
 * A {@link dev.lorehub.node.remote.Remote} stores immutable units per realm: content-addressed
 * {@link dev.lorehub.node.remote.Segment}s chained per writer (git, S3), or rows keyed by event id
 * and numbered per realm without gaps (PostgreSQL). It checks only the integrity of its units and
 * reports damage as a typed {@link dev.lorehub.node.remote.RemoteIntegrityException}; the events
 * it returns are raw sealed bytes, verified by the node like events from a peer.
 * {@link dev.lorehub.node.remote.RemoteSync} runs one round (pull, then push of what the remote
 * lacks) over a {@link dev.lorehub.node.remote.LocalEvents} port, with positions, the outbox (the
 * offline queue) and backoff state kept in {@code lhsync_remote_*} tables by
 * {@link dev.lorehub.node.remote.RemoteState}. {@link dev.lorehub.node.remote.RemoteDriver} holds
 * every configured remote ({@link dev.lorehub.node.remote.BackendConfig}) and says which is due:
 * each follows its {@link dev.lorehub.node.remote.Schedule} (rounds often while edits flow, up to
 * 8 intervals apart while idle, fewer still on a metered link, none while no realm is shared) and,
 * after failures, {@link dev.lorehub.node.remote.Backoff}, which nothing shortens.
 *
 * <h2>Wiring into a daemon</h2>
 * <pre>{@code
 * RemoteState state = RemoteState.open(home.database());
 * LocalEvents local = new ReplicaEvents(new ReplicaEvents.Runner() {   // every call on the node thread
 *     public <T> T run(ReplicaEvents.Work<T> w) { return runtime.withReplica((r, now) -> w.run(r)); }
 * });
 * RemoteDriver remotes = new RemoteDriver(config.backends(), home.nodeDir(), local, state, System.getenv(),
 *     Backoff.DEFAULT);
 * // one "lorehub-remotes" thread (network I/O never on the node thread), bounded waits:
 * while (running) {
 *     remotes.runDue(clock.now(), random);                     // rounds that are due or nudged
 *     long wait = Math.max(0, Math.min(1_000, remotes.nextDue() - clock.now()));
 *     if (remotes.awaitChange(wait).isEmpty()) { ... }         // PostgreSQL NOTIFY wakes it at once
 * }
 * // on a local change (capture wrote events): remotes.nudge();  on shutdown: remotes.close(); state.close();
 * }</pre>
 * Events a round stores go through {@code withReplica}, so the runtime offers them to connected
 * peers like any other.
 */
package dev.lorehub.node.remote;
