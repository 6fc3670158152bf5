/**
 * The node's domain: signed events, who may write them, and what lh's tables must say once they are
 * applied (DESIGN.md §3). Sans-IO: no thread, no clock read, no unseeded randomness (SansIoRules), and
 * neither {@code java.sql} nor {@code dev.lorehub.node.store} (CorePortsArchitectureTest): storage is
 * reached only through the ports this package owns, which the store implements and hands to
 * {@link dev.lorehub.node.core.Replica#open} ({@code store.SqliteReplicas} is the composition root).
 *
 * <p><b>Roles.</b>
 * <ul>
 *   <li>{@link dev.lorehub.node.core.Replica}: one device's replica, the entry point both drivers use;
 *       every operation is one transaction. {@link dev.lorehub.node.core.ReplicaContext} is what its
 *       parts share (caches dropped on rollback).</li>
 *   <li>Writing: {@link dev.lorehub.node.core.LocalChanges} turns rows lh changed (the capture queue)
 *       into changes; {@link dev.lorehub.node.core.EventWriter} places, stamps
 *       ({@link dev.lorehub.node.core.HybridClock}), encodes ({@link dev.lorehub.node.core.EventCodec}),
 *       seals and signs them.</li>
 *   <li>Receiving: {@link dev.lorehub.node.core.Ingestor} bounds, verifies
 *       ({@link dev.lorehub.node.core.EnvelopeVerifier}), authorises, stores and applies a batch, or
 *       holds or refuses each event with a typed {@link dev.lorehub.node.core.RejectReason}.</li>
 *   <li>Authority: {@link dev.lorehub.node.core.Causality} (the membership heads an event's author had
 *       applied), {@link dev.lorehub.node.core.Membership} and {@link dev.lorehub.node.core.MembershipFold}
 *       (who may do what, decided in that causal past, never by a timestamp).</li>
 *   <li>State: {@link dev.lorehub.node.core.EntityFold} (an order-independent function of an entity's
 *       events), {@link dev.lorehub.node.core.TextMerge} and {@link dev.lorehub.node.core.TextDelta}
 *       (word-level merge and deltas), {@link dev.lorehub.node.core.Materializer} (the fold into lh's
 *       rows and conflicts), {@link dev.lorehub.node.core.Undo} (new events that bring an entity or a realm
 *       back).</li>
 *   <li>Ports, owned here: {@link dev.lorehub.node.core.NodeStorage} with {@link dev.lorehub.node.core.EventLog}
 *       (one {@code append} path that keeps its own indexes), {@link dev.lorehub.node.core.LhRows},
 *       {@link dev.lorehub.node.core.CaptureQueue}, {@link dev.lorehub.node.core.RealmKeys}; failures
 *       arrive as {@link dev.lorehub.node.core.StorageException}. The rows they speak are this package's
 *       too: {@link dev.lorehub.node.core.StoredEvent} (typed with event, realm and device ids and entity
 *       kinds), {@link dev.lorehub.node.core.LogRows} (the node's bookkeeping, typed with realm and device ids
 *       and entity kinds), lh's {@link dev.lorehub.node.core.LoreRow},
 *       {@link dev.lorehub.node.core.RelationRow}, {@link dev.lorehub.node.core.RealmRow}, and the capture
 *       queue's {@link dev.lorehub.node.core.CapturedChange}.</li>
 * </ul>
 *
 * <p><b>Threading.</b> A replica is used by one thread at a time (the daemon's node thread, or the
 * simulator); only {@link dev.lorehub.node.core.EnvelopeVerifier} may be spread over cores by a driver.
 *
 * <p><b>Invariants.</b> The event log and lh's tables never disagree (events and their effect commit
 * together); lh's rows on lh's own device are never rewritten by the node; an entity's state depends on
 * the set of its events, not on their arrival order; authority is decided in the author's signed
 * causal past; every input is bounded before it is decoded.
 *
 * <p><b>Errors.</b> Four types with four contracts, so no common root: {@link dev.lorehub.node.core.ReplicaException}
 * (an operation refused or failed, nothing applied; the message is for the user),
 * {@link dev.lorehub.node.core.StorageException} (checked, from the ports; its {@code Reason} says busy,
 * constraint, corrupt, I/O), {@link dev.lorehub.node.core.EventFormatException} (bytes that do not decode; its
 * {@code Kind} picks the refusal) and {@link dev.lorehub.node.core.MissingDeltaBaseException} (not a failure:
 * the event waits for its base). Callers branch on these types and enums, never on messages.
 */
package dev.lorehub.node.core;
