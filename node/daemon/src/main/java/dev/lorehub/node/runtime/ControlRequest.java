package dev.lorehub.node.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A request to {@link NodeOperations}: what the CLI asks of the node that owns the data directory,
 * through the control socket ({@link ControlServer}) or on a node started for the command
 * ({@link NodeClient}). One record per request; {@link ControlCodec} is the only code that turns
 * them into JSON and back.
 *
 * <p>On the wire a request is one JSON object whose {@code "op"} names the record (the names
 * below) and whose other fields are the record's components; an absent or {@code null} field is
 * the component's default. A node refuses an {@code op} it does not know, and a field it does not
 * know, with an error that names it (a CLI newer than the running daemon), never by ignoring it.
 *
 * <p>Threading: immutable values (except {@link Resolve}'s JSON tree, which its sender builds and then hands over).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ControlRequest.Invite.class, name = "invite"),
    @JsonSubTypes.Type(value = ControlRequest.Join.class, name = "join"),
    @JsonSubTypes.Type(value = ControlRequest.Share.class, name = "share"),
    @JsonSubTypes.Type(value = ControlRequest.MapRealm.class, name = "map"),
    @JsonSubTypes.Type(value = ControlRequest.Grant.class, name = "grant"),
    @JsonSubTypes.Type(value = ControlRequest.Revoke.class, name = "revoke"),
    @JsonSubTypes.Type(value = ControlRequest.Unpair.class, name = "unpair"),
    @JsonSubTypes.Type(value = ControlRequest.Resolve.class, name = "resolve"),
    @JsonSubTypes.Type(value = ControlRequest.DiscardUnsynced.class, name = "discardUnsynced"),
    @JsonSubTypes.Type(value = ControlRequest.SyncRemotes.class, name = "syncRemotes"),
    @JsonSubTypes.Type(value = ControlRequest.Status.class, name = "status"),
    @JsonSubTypes.Type(value = ControlRequest.Peers.class, name = "peers"),
    @JsonSubTypes.Type(value = ControlRequest.Log.class, name = "log"),
    @JsonSubTypes.Type(value = ControlRequest.Conflicts.class, name = "conflicts"),
    @JsonSubTypes.Type(value = ControlRequest.Realms.class, name = "realms"),
    @JsonSubTypes.Type(value = ControlRequest.Lores.class, name = "lores"),
    @JsonSubTypes.Type(value = ControlRequest.Lore.class, name = "lore"),
    @JsonSubTypes.Type(value = ControlRequest.Undo.class, name = "undo"),
    @JsonSubTypes.Type(value = ControlRequest.Seal.class, name = "seal"),
    @JsonSubTypes.Type(value = ControlRequest.AutoSeal.class, name = "autoSeal"),
    @JsonSubTypes.Type(value = ControlRequest.RestoreDone.class, name = "restoreDone"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ControlRequest {

    /**
     * Shows a pairing code and waits for a device to use it; replies {@code {"code","address"}}
     * at once, then the outcome.
     *
     * @param realms     realm ids (hex) granted to the device that pairs
     * @param role       role granted (default write)
     * @param ttlSeconds how long the code lives (default {@link PairingService#CODE_LIFETIME})
     */
    record Invite(List<String> realms, String role, Long ttlSeconds) implements ControlRequest {
        public Invite {
            realms = realms == null ? List.of() : List.copyOf(realms);
        }
    }

    /** Pairs using another device's code; {@code peer} ({@code host:port}) when discovery cannot find it. */
    record Join(String code, String peer) implements ControlRequest {
    }

    /** Shares an lh realm (by its local id) as a synced realm; replies {@code {"realm"}}. */
    record Share(String localRealm) implements ControlRequest {
    }

    /** Joins a synced realm into a local directory; replies {@code {"localRealm"}}. */
    record MapRealm(String realm, String path) implements ControlRequest {
    }

    /** Grants (or changes) {@code device}'s role in {@code realm}. */
    record Grant(String realm, String device, String role) implements ControlRequest {
    }

    /** Removes {@code device} from {@code realm}; replies the new key epoch. */
    record Revoke(String realm, String device) implements ControlRequest {
    }

    /** Forgets a paired device (full id or a unique prefix). */
    record Unpair(String device) implements ControlRequest {
    }

    /** Resolves a lore's conflicts: {@code values} maps lore columns to the chosen values. */
    record Resolve(String lore, ObjectNode values) implements ControlRequest {
    }

    /** Discards local changes not yet synced, of one realm or (null) of all; replies {@code {"discarded"}}. */
    record DiscardUnsynced(String realm) implements ControlRequest {
    }

    /** Runs a round with every remote, or only the one named; replies {@code {"outcomes":[…]}}. */
    record SyncRemotes(String remote) implements ControlRequest {
    }

    /** What {@code status --json} prints, with the live peer states; replies {@code {"report":{…}}} ({@link StatusReport}). */
    record Status() implements ControlRequest {
    }

    /**
     * What {@code peers --json} prints, live; replies {@code {"report":{…},"discoveryWarning"?}}
     * ({@link PeersReport}; the warning says why discovery finds no one, when it does not).
     */
    record Peers() implements ControlRequest {
    }

    /**
     * What {@code log --json} prints; replies {@code {"report":{…}}} ({@link LogReport}).
     *
     * @param limit   how many events or refusals (default 50)
     * @param lore    only this lore's history (an id or a unique prefix), or null
     * @param refused the refusals instead of the events (default false)
     */
    record Log(Integer limit, String lore, Boolean refused) implements ControlRequest {
    }

    /**
     * What {@code conflicts --json} prints; replies {@code {"report":{…},"device"}} ({@link ConflictsReport}; the
     * device, this node's, tells which versions the text calls "this device").
     */
    record Conflicts() implements ControlRequest {
    }

    /** What {@code realm list --json} prints; replies {@code {"report":{…}}} ({@link RealmsReport}). */
    record Realms() implements ControlRequest {
    }

    /**
     * What {@code lore list --json} prints; replies {@code {"report":{…}}} ({@link LoresReport}).
     *
     * @param path the project directory, absolute (the asking process resolves it against its own working directory)
     */
    record Lores(String path) implements ControlRequest {
    }

    /**
     * What {@code lore show --json} prints; replies {@code {"report":{…}}} ({@link LoreReport}), or
     * refuses an unknown or ambiguous id as a look on this device would.
     *
     * @param id a lore id or a unique prefix of one
     */
    record Lore(String id) implements ControlRequest {
    }

    /**
     * Undoes one lore (to a time or a version) or (with {@code realm}) every lore and relation of a
     * realm to a time; replies {@code {"realm","changed","examined"}}.
     */
    record Undo(String lore, Long toMillis, String version, String realm) implements ControlRequest {
    }

    /** Seals a realm's legacy events; replies {@code {"accepted"}}. */
    record Seal(String realm) implements ControlRequest {
    }

    /** Turns automatic sealing of legacy events on or off (default on). */
    record AutoSeal(Boolean on) implements ControlRequest {
    }

    /** A restore has finished: the node stops waiting for it. */
    record RestoreDone() implements ControlRequest {
    }
}
