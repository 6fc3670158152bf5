package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.CryptoException;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.PassphraseBox;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.ProgressListener;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.store.BackupFile;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.core.RealmRow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lorehub-node backup FILE} and {@code restore FILE}: one file that rebuilds this device.
 *
 * <p>The file is an SQLite database (readable with any SQLite tool, written 0600):
 * <pre>
 *   backup_meta(key, value)   format = lorehub-node-backup, version = 1, device, created_at (ms)
 *   events(id, realm, hlc, author, sealed)   every stored event exactly as its author sealed it:
 *                                            data encrypted under realm keys, membership signed
 *   secrets(box)              one row: a {@link PassphraseBox} (Argon2id + AES-256-GCM) holding, as JSON,
 *                             the identity key file, the realm key file, the synced realms, the paired
 *                             peers and the local realm rows (name, path) the realms are mapped to
 * </pre>
 * The box's associated data binds it to the format and the device id in {@code backup_meta}.
 * lh's tables are not in the file (they hold plaintext): a restore rebuilds them from the events.
 *
 * <p>A restore needs a data directory without a device identity (a new one, or the old one with
 * {@code node/} moved away). The restored device then waits, before writing anything, until a peer
 * has synced with it (see {@link Replica#restoreState}): the backup may be older than the device's
 * last events, which peers still hold; writing first would fork the device's own chain.
 */
public final class Backup {
    static final String FORMAT = "lorehub-node-backup";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = Json.MAPPER;

    private Backup() {
    }

    /** What a backup holds. */
    public record Summary(String device, long createdAt, long events, int realms, int peers) {
    }

    /** Writes a backup of {@code home} to {@code file} (which must not exist); safe while the daemon runs. */
    public static Summary write(NodeHome home, Path file, char[] passphrase, long now, PassphraseBox.Cost cost) {
        NodeFiles.requireInitialised(home);
        if (Files.exists(file)) {
            throw new NodeException(file + " already exists: choose another file name (a backup never overwrites one).",
                NodeException.Reason.REFUSED);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(tmp);
            createPrivate(tmp);
        } catch (IOException e) {
            throw new NodeException("Cannot create " + tmp + ": " + e.getMessage(), NodeException.Reason.STATE);
        }
        DeviceIdentity identity = DeviceIdentity.load(home.identity());
        Summary summary;
        try (BackupFile out = BackupFile.create(tmp);
             LoreHubDatabase db = LoreHubDatabase.open(home.database());
             Replica replica = SqliteReplicas.open(db, identity, SecretStore.open(home.realmKeys()), new SecureRandom(),
                 dev.lorehub.node.core.ReplicaOptions.DEFAULT.withoutInstallingCapture())) {
            Replica.Snapshot snap = replica.snapshot(out::add);
            // keys after the events: a rotation in between only adds a key the events do not need
            ObjectNode secrets = JSON.createObjectNode();
            secrets.put("identity", Base64.getEncoder().encodeToString(Files.readAllBytes(home.identity())));
            secrets.put("realmKeys", Base64.getEncoder().encodeToString(Files.readAllBytes(home.realmKeys())));
            ArrayNode realms = secrets.putArray("realms");
            for (LogRows.SyncedRealmRow r : snap.realms()) {
                ObjectNode n = realms.addObject().put("realm", r.realm().toString())
                    .put("founder", b64(r.founder().toBytes())).put("nameHint", r.nameHint()).put("addedAt", r.addedAt())
                    .put("joined", r.joined()).put("inviter", r.inviter() == null ? null : b64(r.inviter().toBytes()));
                RealmRow local = snap.mapped().get(r.realm());
                if (local != null) {
                    ObjectNode l = n.putObject("local").put("id", local.id()).put("name", local.name()).put("path", local.path())
                        .put("gitRemote", local.gitRemote()).put("monorepo", local.monorepo());
                    local.provinces().forEach(l.putArray("provinces")::add);
                }
            }
            ArrayNode peers = secrets.putArray("peers");
            for (LogRows.PeerRow p : snap.peers()) {
                peers.addObject().put("device", b64(p.device().toBytes())).put("keys", b64(p.keys())).put("name", p.displayName())
                    .put("pairedAt", p.pairedAt());
            }
            if (Files.exists(home.config())) {
                secrets.put("nodeJson", Files.readString(home.config()));
            }
            byte[] box = PassphraseBox.seal(JSON.writeValueAsBytes(secrets), passphrase,
                aad(identity.id().toString()), cost, new SecureRandom());
            out.putMeta("format", FORMAT);
            out.putMeta("version", Integer.toString(VERSION));
            out.putMeta("device", identity.id().toString());
            out.putMeta("created_at", Long.toString(now));
            out.putBox(box);
            out.commit();
            summary = new Summary(identity.id().toString(), now, snap.events(), snap.realms().size(), snap.peers().size());
        } catch (SQLException | IOException e) {
            deleteQuietly(tmp);
            throw new NodeException("Cannot write the backup " + file + ": " + e.getMessage(), NodeException.Reason.STATE);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new NodeException("Cannot write the backup " + file + ": " + e.getMessage(), NodeException.Reason.STATE);
        }
        return summary;
    }

    /** Reads a backup's description without the passphrase. */
    public static Summary describe(Path file) {
        try (BackupFile in = openBackup(file)) {
            Map<String, String> meta = meta(in);
            return new Summary(meta.get("device"), Long.parseLong(meta.get("created_at")), in.eventCount(), -1, -1);
        } catch (SQLException e) {
            throw notABackup(file, e);
        }
    }

    /**
     * Rebuilds a device from a backup into {@code home}, which must have no device identity yet (lh's
     * database may exist: the realms are mapped onto its rows, or rows are created). lh's tables are
     * re-materialised from the events. Returns what was restored.
     */
    public static Summary restore(NodeHome home, Path file, char[] passphrase, long now, ProgressListener progress) {
        if (Files.exists(home.identity())) {
            throw new NodeException(home.dataDir() + " already has a device identity (" + home.identity() + "): restore into a "
                + "new --data-dir, or move " + home.nodeDir() + " away first. (Two devices with one identity would fork "
                + "its history.)", NodeException.Reason.REFUSED);
        }
        JsonNode secrets;
        String device;
        long createdAt;
        List<byte[]> membership = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        try (BackupFile in = openBackup(file)) {
            Map<String, String> meta = meta(in);
            device = meta.get("device");
            createdAt = Long.parseLong(meta.get("created_at"));
            byte[] box = in.box();
            if (box == null) {
                throw new NodeException(file + " holds no keys: it is not a complete backup.", NodeException.Reason.REFUSED);
            }
            try {
                secrets = JSON.readTree(PassphraseBox.open(box, passphrase, aad(device)));
            } catch (CryptoException e) {
                throw new NodeException("Cannot open the keys in " + file + ": " + e.getMessage() + ".", NodeException.Reason.REFUSED);
            }
            // membership first (it decides what the rest may do), each part in (HLC, id) order
            in.forEachEvent(sealed -> {
                boolean encrypted;
                try {
                    encrypted = dev.lorehub.crypto.SealedEnvelope.peek(sealed).header().encrypted();
                } catch (RuntimeException e) {
                    return; // not an envelope: the ingest would refuse it anyway
                }
                (encrypted ? data : membership).add(sealed);
            });
        } catch (SQLException | IOException e) {
            throw notABackup(file, e);
        }
        try {
            Files.createDirectories(home.nodeDir());
            writePrivate(home.identity(), Base64.getDecoder().decode(secrets.path("identity").asText()));
            writePrivate(home.realmKeys(), Base64.getDecoder().decode(secrets.path("realmKeys").asText()));
            if (secrets.hasNonNull("nodeJson") && !Files.exists(home.config())) {
                Files.writeString(home.config(), secrets.get("nodeJson").asText(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new NodeException("Cannot write the keys into " + home.nodeDir() + ": " + e.getMessage(), NodeException.Reason.STATE);
        }
        NodeFiles.init(home, new SecureRandom());
        DeviceIdentity identity = DeviceIdentity.load(home.identity());
        if (!identity.id().toString().equals(device)) {
            throw new NodeException("The keys in " + file + " belong to another device than the backup names.", NodeException.Reason.REFUSED);
        }
        List<LogRows.SyncedRealmRow> realms = new ArrayList<>();
        Map<RealmId, RealmRow> mapped = new TreeMap<>();
        for (JsonNode r : secrets.path("realms")) {
            RealmId id = RealmId.parse(r.get("realm").asText());
            realms.add(new LogRows.SyncedRealmRow(id, DeviceId.fromBytes(unb64(r.get("founder").asText())), null,
                r.path("nameHint").isNull() ? null : r.path("nameHint").asText(), r.path("joined").asBoolean(true),
                r.path("inviter").isNull() ? null : DeviceId.fromBytes(unb64(r.path("inviter").asText())), r.path("addedAt").asLong(now)));
            JsonNode l = r.get("local");
            if (l != null && !l.isNull()) {
                List<String> provinces = new ArrayList<>();
                l.path("provinces").forEach(p -> provinces.add(p.asText()));
                mapped.put(id, new RealmRow(l.get("id").asText(), l.get("name").asText(), l.get("path").asText(),
                    l.path("gitRemote").isNull() ? null : l.path("gitRemote").asText(), l.path("monorepo").asBoolean(false),
                    provinces));
            }
        }
        List<LogRows.PeerRow> peers = new ArrayList<>();
        for (JsonNode p : secrets.path("peers")) {
            peers.add(new LogRows.PeerRow(DeviceId.fromBytes(unb64(p.get("device").asText())), unb64(p.get("keys").asText()),
                p.get("name").asText(), p.path("pairedAt").asLong(now), null, null));
        }
        long stored = 0;
        try (LoreHubDatabase db = LoreHubDatabase.open(home.database());
             Replica replica = SqliteReplicas.open(db, identity, SecretStore.open(home.realmKeys()), new SecureRandom())) {
            replica.restoreState(new Replica.Snapshot(realms, peers, mapped, membership.size() + data.size()), createdAt, now);
            List<byte[]> all = new ArrayList<>(membership);
            all.addAll(data);
            for (int from = 0; from < all.size(); from += 500) {
                stored += replica.ingest(all.subList(from, Math.min(all.size(), from + 500)), now, "backup").stored().size();
                progress.progress("restoring events", Math.min(all.size(), from + 500), all.size());
            }
            replica.rematerialiseAll(now, progress);
        }
        return new Summary(device, createdAt, stored, realms.size(), peers.size());
    }

    private static BackupFile openBackup(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new NodeException("There is no backup at " + file + ".", NodeException.Reason.USAGE);
        }
        return BackupFile.open(file);
    }

    private static Map<String, String> meta(BackupFile in) throws SQLException {
        Map<String, String> meta = in.meta();
        if (!FORMAT.equals(meta.get("format")) || meta.get("device") == null || meta.get("created_at") == null) {
            throw new SQLException("no backup description");
        }
        if (!Integer.toString(VERSION).equals(meta.get("version"))) {
            throw new NodeException("This backup has format version " + meta.get("version") + "; this lorehub-node reads version "
                + VERSION + ": restore it with a newer lorehub-node.", NodeException.Reason.REFUSED);
        }
        return meta;
    }

    private static NodeException notABackup(Path file, Exception e) {
        return new NodeException(file + " is not a lorehub-node backup (" + e.getMessage() + ").", NodeException.Reason.USAGE);
    }

    /** The box's associated data: the format and the device the backup describes. */
    static byte[] aad(String device) {
        return (FORMAT + " " + VERSION + " " + device).getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }

    private static void createPrivate(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        try {
            createPrivate(file);
        } catch (FileAlreadyExistsException e) {
            throw new NodeException(file + " already exists: restore into a new --data-dir.", NodeException.Reason.REFUSED);
        }
        Files.write(file, content);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }
}
