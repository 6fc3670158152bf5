/**
 * One sync session between two paired devices, sans-IO (DESIGN.md §4, §5).
 *
 * <p><b>Roles.</b> {@link dev.lorehub.node.sync.SyncSession} is the protocol object (quinn-proto's
 * {@code Connection}): frames, timers and local changes in, frames and the next timer out.
 * {@link dev.lorehub.node.sync.SyncMessage} lists the messages and draws the flow;
 * {@link dev.lorehub.node.sync.SyncCodec} encodes them (Kryo, registered classes only, the frame size
 * checked before decoding, every inner length checked against the bytes left). The session reaches its
 * node only through {@link dev.lorehub.node.sync.SyncStore} ({@link dev.lorehub.node.sync.ReplicaSyncStore}
 * over the replica, shared by all of a node's sessions); set reconciliation per realm is
 * {@link dev.lorehub.node.sync.Reconciliation} (the merkle module's range fingerprints).
 * {@link dev.lorehub.node.sync.RealmScope} says what of a realm a session carries (all of it, or only its
 * membership), {@link dev.lorehub.node.sync.CloseReason} why a session ended (wire codes).
 *
 * <p><b>Threading.</b> Nothing here is thread-safe and nothing starts a thread, reads a clock or draws
 * from an unseeded random source (SansIoRules): the endpoint that owns the sessions is called by one
 * driver thread at a time (the daemon's event loop, or the simulator's single thread for many nodes).
 *
 * <p><b>Invariants.</b>
 * <ul>
 *   <li>What a peer can make this side hold is bounded whatever it sends: credit capped by our own
 *       receive window, an outbox bounded in bytes and frames, events read from the store only when the
 *       transport can take a frame, wanted ids deduplicated and limited to what is held.</li>
 *   <li>Events cross only inside their realm: an {@code Events} frame carries envelopes of the realm
 *       it names, which must be open in this session, or the whole frame is refused and the session
 *       ends as a protocol violation; a {@code Want} is served only from the realm it names.</li>
 *   <li>A batch is ingested in one transaction: an interrupted session never leaves the store
 *       half-applied, and the next session reconciles again and sends only what did not arrive.</li>
 *   <li>Frame layouts are fixed by literal-bytes tests; capability bits let older peers sync as before.</li>
 * </ul>
 *
 * <p><b>Errors.</b> {@link dev.lorehub.node.sync.ProtocolViolationException} is the root of what a frame
 * or message outside the protocol raises, whichever layer finds it (this package, or the transport's
 * framing, which reuses these types); its {@code reason()} is the {@link dev.lorehub.node.sync.CloseReason}
 * the session or connection ends with. Subtypes: {@link dev.lorehub.node.sync.FrameTooLargeException}
 * (limit, size, direction), {@link dev.lorehub.node.sync.MalformedFrameException},
 * {@link dev.lorehub.node.sync.ReconciliationFailedException} (keeps merkle's {@code Kind}). A failure of
 * this node (its storage) is not one: it ends the session as {@code INTERNAL}.
 */
package dev.lorehub.node.sync;
