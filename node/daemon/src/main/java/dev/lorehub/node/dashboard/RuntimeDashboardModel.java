package dev.lorehub.node.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.HybridClock;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.ProgressListener;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.metrics.MinuteSeries;
import dev.lorehub.node.metrics.NodeMetrics;
import dev.lorehub.node.metrics.PeerLedger;
import dev.lorehub.node.metrics.SessionProgress;
import dev.lorehub.node.metrics.SessionSnapshot;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeRuntime;
import dev.lorehub.node.core.StoredEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The dashboard's model over today's daemon: {@link NodeRuntime} (its sessions and metrics) and
 * the replica's tables, read on the node thread through {@link NodeRuntime#withReplica}. Thin on
 * purpose: when the sans-IO node endpoint and truthful per-peer status land, re-point
 * {@link #peers} (sessions, ledger and per-realm counts), {@link #unsynced} (refused and unsynced
 * local writes) and the listener wiring in the constructor; the rest reads the replica as any
 * client would.
 */
public final class RuntimeDashboardModel implements DashboardModel {
    /** Audit-log entries shown. */
    static final int ACTIVITY = 40;
    private static final ObjectMapper JSON = Json.MAPPER;

    private final NodeRuntime runtime;
    private final NodeConfig.Alerts limits;
    private final NodeMetrics metrics;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Conflicts seen at the last tick (null before the first): what appeared is "recorded", what went is "resolved". */
    private Set<String> knownConflicts;

    public RuntimeDashboardModel(NodeRuntime runtime, NodeConfig.Alerts limits) {
        this.runtime = runtime;
        this.limits = limits;
        this.metrics = runtime.metrics();
        runtime.withReplica((r, now) -> {
            r.addListener(keys -> changed()); // events stored: activity, realms, conflicts may change
            return null;
        });
        metrics.addListener(this::changed); // sessions opened, closed, synced, events moved
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        for (Runnable l : listeners) {
            l.run();
        }
    }

    @Override
    public DashboardSnapshot snapshot() {
        return runtime.withReplica(this::build);
    }

    @Override
    public int undo(UndoRequest request) {
        int changed;
        try {
            changed = runtime.withReplica((r, now) -> request instanceof UndoRequest.LoreVersion v
                ? r.undoLore(v.lore(), 0, v.version(), now).changed()
                : r.undoRealm(RealmId.parse(((UndoRequest.RealmTime) request).realm()), ((UndoRequest.RealmTime) request).toMillis(),
                    now, ProgressListener.NONE).changed());
        } catch (NodeException | IllegalArgumentException e) {
            throw new DashboardActionException(e.getMessage());
        }
        tick();
        return changed;
    }

    @Override
    public void resolve(String lore, Resolution resolution) {
        try {
            runtime.withReplica((r, now) -> {
                List<LogRows.ConflictRow> rows = new ArrayList<>();
                for (LogRows.ConflictRow c : r.conflicts()) {
                    if (c.kind() == EntityKind.LORE && c.entity().equals(lore)) {
                        rows.add(c);
                    }
                }
                r.resolve(lore, ConflictChoice.values(rows, resolution, r.deviceId().toString()), now);
                return null;
            });
        } catch (NodeException e) {
            throw new DashboardActionException(e.getMessage());
        }
        tick();
    }

    @Override
    public void tick() {
        runtime.withReplica((r, now) -> {
            Set<String> current = new HashSet<>();
            for (LogRows.ConflictRow c : r.conflicts()) {
                current.add(c.kind().code() + "/" + c.entity() + "/" + c.field());
            }
            int recorded = 0;
            int resolved = 0;
            if (knownConflicts != null) {
                recorded = (int) current.stream().filter(k -> !knownConflicts.contains(k)).count();
                resolved = (int) knownConflicts.stream().filter(k -> !current.contains(k)).count();
            }
            knownConflicts = current;
            metrics.conflicts(recorded, resolved, current.size(), now);
            metrics.pendingLocalChanges(r.pendingCaptureCount());
            return null;
        });
    }

    private DashboardSnapshot build(Replica r, long now) throws dev.lorehub.node.core.StorageException, java.io.IOException {
        DeviceId self = r.deviceId();
        Map<DeviceId, String> names = new HashMap<>();
        names.put(self, runtime.displayName());
        List<LogRows.PeerRow> peerRows = r.peers();
        for (LogRows.PeerRow p : peerRows) {
            names.put(p.device(), p.displayName());
        }
        Map<RealmId, LogRows.SyncedRealmRow> realmRows = new TreeMap<>(r.realms());
        Map<RealmId, String> realmNames = new HashMap<>();
        Map<RealmId, Membership> memberships = new HashMap<>();
        List<DashboardSnapshot.Realm> realms = new ArrayList<>();
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : realmRows.entrySet()) {
            RealmId id = e.getKey();
            String name = dev.lorehub.node.runtime.NodeView.sharedName(r, e.getValue()).orElse("(name not known yet)");
            String path = null;
            if (e.getValue().localRealmId() != null) {
                var local = r.localRealm(e.getValue().localRealmId());
                if (local.isPresent()) {
                    name = local.get().name();
                    path = local.get().path();
                }
            }
            realmNames.put(id, name);
            Membership m = r.membership(id);
            memberships.put(id, m);
            List<DashboardSnapshot.Member> members = new ArrayList<>();
            for (Membership.Member member : m.members().values()) {
                members.add(new DashboardSnapshot.Member(member.device().toString(), member.device().shortForm(),
                    names.getOrDefault(member.device(), ""), member.role().name().toLowerCase(), member.device().equals(self)));
            }
            realms.add(new DashboardSnapshot.Realm(id.toString(), name, path,
                m.role(self).map(x -> x.name().toLowerCase()).orElse("none"), r.events().count(id), members));
        }

        List<SessionSnapshot> sessions = runtime.sessions();
        List<DashboardSnapshot.Peer> peers = peers(peerRows, sessions, memberships, realmNames, now);

        List<DashboardSnapshot.Activity> activity = new ArrayList<>();
        for (StoredEvent e : r.events().newest(ACTIVITY)) {
            DeviceId author = e.author();
            RealmId realm = e.realm();
            java.util.Optional<dev.lorehub.node.core.EventBody> body = r.decode(e); // decrypts: once per entry
            activity.add(new DashboardSnapshot.Activity(HybridClock.millis(e.hlc()), author.shortForm(),
                author.equals(self) ? "this device" : names.getOrDefault(author, "unknown device"), author.equals(self),
                realm.toString(), realmNames.getOrDefault(realm, "?"),
                body.map(dev.lorehub.node.runtime.LogReport::describe).orElse("(encrypted: this device holds no key for it)"),
                e.id().toString(),
                body.filter(b -> b instanceof dev.lorehub.node.core.EntityChange c && c.kind() == EntityKind.LORE)
                    .map(b -> ((dev.lorehub.node.core.EntityChange) b).entityId()).orElse(null)));
        }
        List<DashboardSnapshot.MassDeletionView> massDeletions = new ArrayList<>();
        for (Replica.MassDeletion m : r.openMassDeletions()) {
            massDeletions.add(new DashboardSnapshot.MassDeletionView(m.realm().toString(), realmNames.getOrDefault(m.realm(), "?"),
                m.at(), m.lores(), m.stillDeleted(), m.undoTo(), dev.lorehub.node.runtime.Doctor.undoCommand(m)));
        }

        List<DashboardSnapshot.ConflictView> conflicts = new ArrayList<>();
        for (LogRows.ConflictRow c : r.conflicts()) {
            if (c.kind() != EntityKind.LORE) {
                continue;
            }
            RealmId realm = c.realm();
            List<DashboardSnapshot.Version> versions = new ArrayList<>();
            for (JsonNode v : JSON.readTree(c.versionsJson())) {
                DeviceId author = DeviceId.parse(v.path("author").asText());
                JsonNode value = v.get("value");
                versions.add(new DashboardSnapshot.Version(v.path("event").asText(), author.shortForm(),
                    author.equals(self) ? "this device" : names.getOrDefault(author, "unknown device"), author.equals(self),
                    v.path("at").asText(), value == null || value.isNull() ? "" : value.isTextual() ? value.asText()
                    : value.has("content") ? value.get("content").asText() : value.toString(), v.path("deleted").asBoolean()));
            }
            Membership m = memberships.get(realm);
            boolean canWrite = m != null && m.role(self).map(Role::canWrite).orElse(false);
            conflicts.add(new DashboardSnapshot.ConflictView(c.entity(), realm.toString(), realmNames.getOrDefault(realm, "?"),
                c.field() == 0 ? "the lore itself" : Field.ofCode(c.field()).column(),
                c.type().toLowerCase().replace('_', ' '), c.winner(), versions, canWrite));
        }

        long awaiting = 0;
        for (SessionSnapshot s : sessions) {
            awaiting += s.progress().realms().stream().mapToLong(SessionProgress.RealmProgress::peerLacks).sum();
        }
        int offline = (int) peers.stream().filter(p -> !p.online()).count();
        DashboardSnapshot.Unsynced unsynced = new DashboardSnapshot.Unsynced(
            r.pendingCaptureCount(), awaiting, offline);

        MinuteSeries.View series = metrics.series(now);
        DashboardSnapshot.Charts charts = new DashboardSnapshot.Charts(series.startMinute(),
            series.of(MinuteSeries.Kind.EVENTS_IN), series.of(MinuteSeries.Kind.EVENTS_OUT),
            series.of(MinuteSeries.Kind.BYTES_IN), series.of(MinuteSeries.Kind.BYTES_OUT),
            series.of(MinuteSeries.Kind.CONFLICTS_RECORDED), series.of(MinuteSeries.Kind.CONFLICTS_OPEN));

        List<AlertRules.PeerHealth> health = new ArrayList<>();
        for (DashboardSnapshot.Peer p : peers) {
            // offline since the last time it was heard of: contact, a full sync, or pairing itself
            long unreachableSince = p.online() ? 0 : Math.max(p.pairedAt(), Math.max(p.lastContact(), p.lastSync()));
            health.add(new AlertRules.PeerHealth(p.shortId(), p.name(), p.online(), p.online() && !"in sync".equals(p.state())
                ? p.behindSince() : 0, unreachableSince, p.failuresInARow(), p.lastError()));
        }
        List<Alert> alerts = AlertRules.evaluate(limits, health, metrics.conflictsLastHour(now), now);

        var address = runtime.address();
        DashboardSnapshot.Device device = new DashboardSnapshot.Device(self.toString(), self.shortForm(), runtime.displayName(),
            runtime.home().dataDir().toString(), address.getAddress().getHostAddress() + ":" + address.getPort(),
            metrics.startedAt());
        return new DashboardSnapshot(now, device, peers, realms, activity, conflicts, unsynced, charts, alerts, massDeletions);
    }

    /** Paired devices with what the open sessions and the ledger know of each. */
    private List<DashboardSnapshot.Peer> peers(List<LogRows.PeerRow> rows, List<SessionSnapshot> sessions,
                                               Map<RealmId, Membership> memberships, Map<RealmId, String> realmNames,
                                               long now) {
        Map<DeviceId, SessionSnapshot> byPeer = new HashMap<>();
        for (SessionSnapshot s : sessions) {
            byPeer.merge(s.progress().peer(), s, (a, b) -> a.progress().openedAt() >= b.progress().openedAt() ? a : b);
        }
        List<DashboardSnapshot.Peer> out = new ArrayList<>();
        for (LogRows.PeerRow row : rows) {
            DeviceId id = row.device();
            SessionSnapshot session = byPeer.get(id);
            PeerLedger.Peer seen = metrics.peers().peer(id).orElse(null);
            long lastSync = row.lastSyncAt() == null ? 0 : row.lastSyncAt();
            Map<RealmId, SessionProgress.RealmProgress> progress = new HashMap<>();
            if (session != null) {
                session.progress().realms().forEach(p -> progress.put(p.realm(), p));
            }
            List<DashboardSnapshot.PeerRealm> realms = new ArrayList<>();
            boolean reconciling = false;
            for (Map.Entry<RealmId, Membership> e : new TreeMap<>(memberships).entrySet()) {
                SessionProgress.RealmProgress p = progress.get(e.getKey());
                if (!e.getValue().members().containsKey(id) && p == null) {
                    continue;
                }
                String state;
                long weLack = 0;
                long peerLacks = 0;
                if (session == null) {
                    state = "offline";
                } else if (p == null) {
                    state = "waiting";
                } else if (!p.reconciled()) {
                    state = "reconciling";
                    reconciling = true;
                } else {
                    weLack = p.weLack();
                    peerLacks = p.peerLacks();
                    state = weLack == 0 && peerLacks == 0 ? "in sync" : "behind";
                }
                realms.add(new DashboardSnapshot.PeerRealm(e.getKey().toString(), realmNames.getOrDefault(e.getKey(), "?"),
                    state, weLack, peerLacks));
            }
            String state;
            DashboardSnapshot.Transfer transfer = null;
            if (session != null) {
                SessionProgress.View v = session.progress();
                state = session.synced() ? "in sync" : reconciling ? "connecting" : "syncing";
                transfer = new DashboardSnapshot.Transfer(v.total() - v.remaining(), v.total(), v.eventsPerSecond(),
                    v.bytesPerSecond(), v.etaSeconds());
            } else {
                state = seen == null && lastSync == 0 ? "never seen" : "offline";
            }
            out.add(new DashboardSnapshot.Peer(id.toString(), id.shortForm(), row.displayName(), session != null, state,
                row.pairedAt(), seen == null ? 0 : seen.lastContact(), lastSync, seen == null ? 0 : seen.inSyncSince(),
                seen == null ? 0 : seen.behindSince(), seen == null ? null : seen.lastError(),
                seen == null ? 0 : seen.lastErrorAt(), seen == null ? 0 : seen.failuresInARow(), realms, transfer));
        }
        return out;
    }
}
