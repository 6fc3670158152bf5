package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceKeys;
import dev.lorehub.crypto.InvalidDeviceIdException;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.json.Json;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The operations that change sync state — pairing, sharing, membership, resolution — one per
 * {@link ControlRequest}, so that the CLI runs them the same way whether a daemon is running
 * (through the control socket) or not (on a node started for the command). Each sends its final
 * reply ({@code {"ok":true,…}}) and, for long ones, progress replies before it:
 *
 * <pre>
 *   Invite  → {"code","address"}, then {"device","name","verification","granted"}   Join → the same outcome
 *   Share → {"realm"}     MapRealm → {"localRealm"}     Grant → {"device","role"}     Revoke → {"device","epoch"}
 *   Unpair → {"device","wasPaired"}     Resolve → {"lore"}     DiscardUnsynced → {"discarded"}
 *   Status → {"report":{…}} (StatusReport)     Peers → {"report":{…},"discoveryWarning"?} (PeersReport)
 *   Log → {"report":{…}} (LogReport)     Conflicts → {"report":{…},"device"} (ConflictsReport)
 *   Realms → {"report":{…}} (RealmsReport)     Lores → {"report":{…}} (LoresReport)     Lore → {"report":{…}} (LoreReport)
 *   SyncRemotes → {"outcomes":[{"remote","error"?,"result"?,"tampered":[],"refused":[]}]}
 *   Undo → {"realm","changed","examined"}     Seal → {"accepted"}     AutoSeal, RestoreDone → {}
 * </pre>
 *
 * <p>Threading: called on the control socket's client thread (or the CLI's); each operation runs
 * its work on the node thread through {@link NodeRuntime}.
 */
public final class NodeOperations {
    private static final ObjectMapper JSON = Json.MAPPER;

    private final NodeRuntime runtime;

    public NodeOperations(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    /** Executes one request, sending progress and the final reply to {@code reply}. */
    public void handle(ControlRequest request, Consumer<JsonNode> reply) {
        if (request instanceof ControlRequest.Invite r) {
            invite(r, reply);
        } else if (request instanceof ControlRequest.Join r) {
            reply.accept(join(r));
        } else if (request instanceof ControlRequest.Share r) {
            RealmId shared = runtime.withReplica((rep, now) -> rep.shareRealm(text(r.localRealm()), now, progressReplies(reply)));
            reply.accept(ok().put("realm", shared.toString()));
        } else if (request instanceof ControlRequest.MapRealm r) {
            String local = runtime.withReplica((rep, now) -> rep.mapRealm(realm(r.realm()), text(r.path()), now,
                progressReplies(reply)));
            reply.accept(ok().put("localRealm", local));
        } else if (request instanceof ControlRequest.Grant r) {
            reply.accept(grant(r));
        } else if (request instanceof ControlRequest.Revoke r) {
            reply.accept(revoke(r));
        } else if (request instanceof ControlRequest.Unpair r) {
            DeviceId device = device(text(r.device()), runtime.withReplica((rep, now) -> known(rep, null)));
            boolean known = runtime.unpair(device);
            reply.accept(ok().put("device", device.toString()).put("wasPaired", known));
        } else if (request instanceof ControlRequest.Resolve r) {
            reply.accept(resolve(r));
        } else if (request instanceof ControlRequest.DiscardUnsynced r) {
            RealmId only = r.realm() != null ? realm(r.realm()) : null;
            int n = runtime.withReplica((rep, now) -> rep.discardUnsynced(only, now));
            reply.accept(ok().put("discarded", n));
        } else if (request instanceof ControlRequest.SyncRemotes r) {
            reply.accept(syncRemotes(r));
        } else if (request instanceof ControlRequest.Status) {
            reply.accept(status());
        } else if (request instanceof ControlRequest.Peers) {
            reply.accept(peers());
        } else if (request instanceof ControlRequest.Log r) {
            int limit = r.limit() == null ? 50 : r.limit();
            ObjectNode report = runtime.withReplica((rep, now) -> Boolean.TRUE.equals(r.refused())
                ? LogReport.refusals(rep, limit) : LogReport.events(rep, limit, r.lore()));
            reply.accept(report(report));
        } else if (request instanceof ControlRequest.Conflicts) {
            ObjectNode out = report(runtime.withReplica((rep, now) -> ConflictsReport.build(rep)));
            reply.accept(out.put("device", runtime.deviceId().toString()));
        } else if (request instanceof ControlRequest.Realms) {
            reply.accept(report(runtime.withReplica((rep, now) -> RealmsReport.build(runtime.database(), rep))));
        } else if (request instanceof ControlRequest.Lores r) {
            // lh's tables alone: no replica work, so nothing to push to peers afterwards
            reply.accept(report(runtime.call(() -> LoresReport.build(runtime.database(), java.nio.file.Path.of(text(r.path()))))));
        } else if (request instanceof ControlRequest.Lore r) {
            reply.accept(report(runtime.call(() -> LoreReport.build(runtime.database(), text(r.id())))));
        } else if (request instanceof ControlRequest.Undo r) {
            long to = r.toMillis() == null ? 0 : r.toMillis();
            Replica.UndoResult u = runtime.withReplica((rep, now) -> r.lore() != null
                ? rep.undoLore(r.lore(), to, r.version(), now)
                : rep.undoRealm(realm(r.realm()), to, now, progressReplies(reply)));
            reply.accept(ok().put("realm", u.realm().toString()).put("changed", u.changed()).put("examined", u.examined()));
        } else if (request instanceof ControlRequest.Seal r) {
            int accepted = runtime.withReplica((rep, now) -> rep.sealLegacy(realm(r.realm()), now));
            reply.accept(ok().put("accepted", accepted));
        } else if (request instanceof ControlRequest.RestoreDone) {
            runtime.withReplica((rep, now) -> {
                rep.endRestoreWait(now);
                return null;
            });
            reply.accept(ok());
        } else if (request instanceof ControlRequest.AutoSeal r) {
            runtime.withReplica((rep, now) -> {
                rep.autoSealLegacy(r.on() == null || r.on(), now);
                return null;
            });
            reply.accept(ok());
        } else {
            throw new NodeException("unknown operation '" + ControlCodec.op(request) + "'", NodeException.Reason.USAGE);
        }
    }

    /** The final reply to a look: {@code {"ok":true,"report":{…}}}. */
    private static ObjectNode report(ObjectNode report) {
        ObjectNode out = ok();
        out.set("report", report);
        return out;
    }

    /** A text field as the JSON requests read it before they were typed: absent is the empty string. */
    private static String text(String value) {
        return value == null ? "" : value;
    }

    /**
     * The whole status, built here so the CLI opens no database while a daemon runs. The peer
     * states and the discovery warning are taken first: each runs on the node thread itself.
     */
    private ObjectNode status() {
        List<dev.lorehub.node.endpoint.NodeEndpoint.PeerStatus> live = runtime.peerStatus();
        StatusReport.Presence presence = new StatusReport.Presence(true, null, discoveryWarning(), null);
        ObjectNode report = runtime.withReplica((rep, now) -> StatusReport.build(runtime.home(), runtime.database(), rep,
            PeerStates.live(rep, live), presence, runtime.config().backends()));
        return report(report);
    }

    private ObjectNode peers() {
        List<dev.lorehub.node.endpoint.NodeEndpoint.PeerStatus> live = runtime.peerStatus();
        ObjectNode report = runtime.withReplica((rep, now) -> PeersReport.build(runtime.database(), rep,
            PeerStates.live(rep, live), true));
        return report(report).put("discoveryWarning", discoveryWarning());
    }

    /** Why discovery finds no peer, when it finds none and should (mDNS off or silent), else null. */
    private String discoveryWarning() {
        return runtime.call(() -> runtime.mdns().warning(runtime.discovery().peers(),
            !runtime.discovery().boundAddresses().isEmpty(), runtime.config().staticPeers(),
            runtime.home().config().toString())).orElse(null);
    }

    /**
     * Progress of a long operation as interim replies {@code {"progress":phase,"done":n,"total":m}}
     * (no "ok": not final), at most ten a second, the last of a phase always sent.
     */
    private static dev.lorehub.node.core.ProgressListener progressReplies(Consumer<JsonNode> reply) {
        long[] last = {0};
        return (phase, done, total) -> {
            long t = System.nanoTime();
            if (t - last[0] >= 100_000_000L || done >= total) {
                last[0] = t;
                reply.accept(JSON.createObjectNode().put("progress", phase).put("done", done).put("total", total));
            }
        };
    }

    private void invite(ControlRequest.Invite request, Consumer<JsonNode> reply) {
        List<RealmId> realms = new ArrayList<>();
        for (String r : request.realms()) {
            realms.add(RealmId.parse(r));
        }
        Role role = role(request.role() != null ? request.role() : "write");
        Duration ttl = Duration.ofSeconds(request.ttlSeconds() != null ? request.ttlSeconds()
            : PairingService.CODE_LIFETIME.toSeconds());
        PairingService.Invitation inv = runtime.pairing().invite(realms, role, ttl);
        InetSocketAddress at = inv.address();
        reply.accept(JSON.createObjectNode().put("code", inv.code()).put("address", reachableAddress(at)));
        reply.accept(paired(await(inv.result())));
    }

    private JsonNode join(ControlRequest.Join request) {
        InetSocketAddress peer = null;
        if (request.peer() != null) {
            peer = hostPort(request.peer());
        }
        return paired(await(runtime.pairing().join(text(request.code()), peer, Duration.ofSeconds(10))));
    }

    private static PairingService.Paired await(java.util.concurrent.CompletableFuture<PairingService.Paired> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted", NodeException.Reason.INTERNAL);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NodeException ne) {
                throw ne;
            }
            throw new NodeException("Pairing failed: " + e.getCause(), NodeException.Reason.PAIRING);
        }
    }

    private ObjectNode paired(PairingService.Paired p) {
        ObjectNode out = ok().put("device", p.peer().toString()).put("name", p.displayName())
            .put("verification", p.verification());
        ArrayNode granted = out.putArray("granted");
        p.granted().forEach(r -> granted.add(r.toString()));
        return out;
    }

    private JsonNode grant(ControlRequest.Grant request) {
        RealmId realm = realm(request.realm());
        Role role = role(text(request.role()));
        return runtime.withReplica((r, now) -> {
            DeviceId device = device(text(request.device()), known(r, realm));
            Membership m = r.membership(realm);
            if (m.role(device).isPresent()) {
                r.setRole(realm, device, role, now);
            } else {
                DeviceKeys keys = peerKeys(r, device);
                r.addMember(realm, keys, role, now);
            }
            return ok().put("device", device.toString()).put("role", role.name().toLowerCase());
        });
    }

    private JsonNode revoke(ControlRequest.Revoke request) {
        RealmId realm = realm(request.realm());
        return runtime.withReplica((r, now) -> {
            DeviceId device = device(text(request.device()), known(r, realm));
            r.removeMember(realm, device, now);
            return ok().put("device", device.toString()).put("epoch", r.membership(realm).currentEpoch());
        });
    }

    private JsonNode resolve(ControlRequest.Resolve request) {
        String lore = text(request.lore());
        Map<Field, Object> values = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = request.values() == null ? java.util.Collections.emptyIterator()
            : request.values().properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Field f = loreField(e.getKey());
            JsonNode v = e.getValue();
            values.put(f, v.isNull() ? null : switch (f.type()) {
                case INTEGER -> v.asLong();
                case REAL -> v.asDouble();
                case BOOLEAN -> v.asBoolean();
                case STRING -> v.asText();
            });
        }
        runtime.withReplica((r, now) -> r.resolve(lore, values, now));
        return ok().put("lore", lore);
    }

    /** Devices this node knows: paired peers and the members of {@code realm} (or of every realm). */
    static Set<DeviceId> known(Replica r, RealmId realm) {
        Set<DeviceId> out = new LinkedHashSet<>();
        for (LogRows.PeerRow p : r.peers()) {
            out.add(p.device());
        }
        for (RealmId id : realm != null ? List.of(realm) : List.copyOf(r.realms().keySet())) {
            out.addAll(r.membership(id).members().keySet());
        }
        return out;
    }

    /** A device by full id, or by a prefix (such as the short form) of a known device's id. */
    static DeviceId device(String text, Set<DeviceId> known) {
        try {
            return DeviceId.parse(text);
        } catch (InvalidDeviceIdException full) {
            List<DeviceId> matches = known.stream().filter(d -> d.matchesPrefix(text)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            throw new NodeException(matches.isEmpty()
                ? "No known device matches '" + text + "': see `lorehub-node peers` and `lorehub-node realm members`."
                : "'" + text + "' matches " + matches.size() + " devices: give more of the id.", NodeException.Reason.REFUSED);
        }
    }

    private static DeviceKeys peerKeys(Replica r, DeviceId device) {
        for (LogRows.PeerRow p : r.peers()) {
            if (p.device().equals(device)) {
                return DeviceKeys.decode(p.keys());
            }
        }
        throw new NodeException("Device " + device.shortForm() + " is not paired with this one: pair first "
            + "(`lorehub-node pair`), then grant.", NodeException.Reason.REFUSED);
    }

    static RealmId realm(String text) {
        String realm = text(text);
        try {
            return RealmId.parse(realm);
        } catch (IllegalArgumentException e) {
            throw new NodeException("'" + realm + "' is not a realm id: " + e.getMessage()
                + " (see `lorehub-node realm list`).", NodeException.Reason.USAGE);
        }
    }

    static Role role(String text) {
        try {
            return Role.parse(text);
        } catch (IllegalArgumentException e) {
            throw new NodeException(e.getMessage(), NodeException.Reason.USAGE);
        }
    }

    static Field loreField(String column) {
        for (Field f : Field.values()) {
            if (f.entity() == dev.lorehub.node.core.EntityKind.LORE && f.column().equals(column)
                && f.merge() != Field.Merge.SET) {
                return f;
            }
        }
        throw new NodeException("'" + column + "' is not a lore field that can be resolved", NodeException.Reason.USAGE);
    }

    /**
     * Where another device can reach {@code listening}: a wildcard address (0.0.0.0) is no place to
     * dial, so this machine's first site-local IPv4 address stands in for it (loopback if it has none).
     */
    static String reachableAddress(InetSocketAddress listening) {
        java.net.InetAddress address = listening.getAddress();
        if (address.isAnyLocalAddress()) {
            address = java.net.InetAddress.getLoopbackAddress();
            try {
                for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                    if (!ni.isUp() || ni.isLoopback()) {
                        continue;
                    }
                    for (java.net.InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                        if (a instanceof java.net.Inet4Address && a.isSiteLocalAddress()) {
                            address = a;
                            break;
                        }
                    }
                    if (!address.isLoopbackAddress()) {
                        break;
                    }
                }
            } catch (java.net.SocketException e) {
                // keep loopback
            }
        }
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + listening.getPort();
    }

    /** Parses {@code host:port}. */
    public static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new NodeException("'" + text + "' is not host:port, e.g. 192.168.1.20:7465", NodeException.Reason.USAGE);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = text.substring(0, colon).replaceAll("^\\[|]$", "");
            return new InetSocketAddress(host, port);
        } catch (IllegalArgumentException e) {
            throw new NodeException("'" + text + "' is not host:port: " + e.getMessage(), NodeException.Reason.USAGE);
        }
    }

    private static ObjectNode ok() {
        return JSON.createObjectNode().put("ok", true);
    }

    private ObjectNode syncRemotes(ControlRequest.SyncRemotes request) {
        RemoteRunner remotes = runtime.remotes().orElseThrow(() -> new NodeException("The running node has no remotes: add "
            + "one with `lorehub-node remote add` and restart it.", NodeException.Reason.USAGE));
        String only = request.remote();
        if (only != null && !remotes.names().contains(only)) {
            throw new NodeException("The running node has no remote named " + only + " (it reads node.json when it starts).",
                NodeException.Reason.REFUSED);
        }
        java.util.List<dev.lorehub.node.remote.RemoteDriver.Outcome> outcomes;
        try {
            outcomes = remotes.syncNow(only).get(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new NodeException(e.getCause().toString(), NodeException.Reason.INTERNAL);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new NodeException("The remotes did not finish within 10 minutes; the round goes on in the node.",
                NodeException.Reason.NETWORK);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("Interrupted.", NodeException.Reason.INTERNAL);
        }
        ObjectNode out = ok();
        ArrayNode list = out.putArray("outcomes");
        for (dev.lorehub.node.remote.RemoteDriver.Outcome o : outcomes) {
            ObjectNode n = list.addObject().put("remote", o.remote());
            o.attempt().error().ifPresent(e -> n.put("error", e));
            ArrayNode tampered = n.putArray("tampered");
            ArrayNode refused = n.putArray("refused");
            o.attempt().result().ifPresent(r -> {
                n.put("result", r.toString());
                r.tampering().forEach(t -> tampered.add(t.getMessage()));
                r.refusedEvents().forEach(refused::add);
            });
        }
        return out;
    }
}
