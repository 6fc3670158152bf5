package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.ByteReader;
import dev.lorehub.crypto.internal.ByteWriter;
import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Malformed;
import dev.lorehub.crypto.internal.OwnerOnlyFile;
import dev.lorehub.crypto.internal.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Realm keyrings on disk, in one file readable only by its owner, rewritten atomically on every
 * change (write to a temporary file, fsync, rename) so a crash never leaves a torn file.
 *
 * <p><b>File format</b> (integers big-endian): {@code "LHKS" || 0x01 (version) || realm count (4)}
 * then per realm, ordered by realm id: {@code realm id (16) || epoch count (4)} then per epoch,
 * ascending: {@code epoch (4) || key (32)}; finally {@code SHA-256} of everything before it.
 * At most {@link #MAX_FILE_BYTES} bytes; counts are checked against the bytes actually present.
 *
 * <p>Thread-safe: methods are synchronized. One store per file per process.
 */
public final class SecretStore {
    /** Refuse (before reading) key store files larger than this: 64 MiB is ~1.7 million epoch keys. */
    public static final int MAX_FILE_BYTES = 64 << 20;
    private static final byte[] MAGIC = Bytes.ascii("LHKS");
    private static final int VERSION = 1;

    private final Path file;
    private final TreeMap<RealmId, RealmKeyring> keyrings;

    private SecretStore(Path file, TreeMap<RealmId, RealmKeyring> keyrings) {
        this.file = file;
        this.keyrings = keyrings;
    }

    /** Opens the store at {@code file}, creating an empty one if it does not exist. {@link KeyFileException} when unreadable, too open, or corrupted. */
    public static SecretStore open(Path file) {
        if (!Files.exists(file)) {
            SecretStore s = new SecretStore(file, new TreeMap<>());
            s.persist();
            return s;
        }
        byte[] bytes;
        try {
            bytes = OwnerOnlyFile.read(file, MAX_FILE_BYTES);
        } catch (OwnerOnlyFile.Problem p) {
            throw switch (p.kind) {
                case MISSING -> new KeyFileException(file, "Realm key store " + file + " disappeared while opening it. Fix: retry.", p);
                case TOO_OPEN -> new KeyFileException(file, "Realm key store " + file + " " + p.getMessage()
                    + "; it holds secret realm keys and must be readable by its owner only. Fix: chmod 600 " + file, p);
                case TOO_LARGE -> corrupted(file, p.getMessage());
                case UNREADABLE -> new KeyFileException(file, "Realm key store " + file + " " + p.getMessage()
                    + ". Fix: check that this user owns the file and can read it.", p);
            };
        }
        return new SecretStore(file, decode(file, bytes));
    }

    private static KeyFileException corrupted(Path file, String why) {
        return new KeyFileException(file, "Realm key store " + file + " is corrupted: " + why
            + ". Fix: restore it from a backup; otherwise move it away and ask each realm's admin to grant this device the keys again.");
    }

    private static TreeMap<RealmId, RealmKeyring> decode(Path file, byte[] bytes) {
        if (bytes.length < MAGIC.length + 1 + 4 + 32) {
            throw corrupted(file, "it is only " + bytes.length + " bytes");
        }
        int bodyLength = bytes.length - 32;
        if (!MessageDigest.isEqual(Sha256.hash(bytes, 0, bodyLength), Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
            throw corrupted(file, "its checksum does not match its content");
        }
        try {
            ByteReader r = new ByteReader(bytes, 0, bodyLength);
            if (!MessageDigest.isEqual(r.bytes(4, "magic"), MAGIC)) {
                throw corrupted(file, "it does not start with the key store marker");
            }
            int version = r.u8("version");
            if (version != VERSION) {
                throw new KeyFileException(file, "Realm key store " + file + " has format version " + version
                    + ", this build reads version " + VERSION + ". Fix: run the newer build that wrote it.");
            }
            int realms = r.i32("realm count");
            if (realms < 0 || (long) realms * (16 + 4) > r.remaining()) {
                throw corrupted(file, "it claims " + realms + " realms, more than its size allows");
            }
            TreeMap<RealmId, RealmKeyring> out = new TreeMap<>();
            for (int i = 0; i < realms; i++) {
                RealmId realm = RealmId.fromBytes(r.bytes(16, "realm id"));
                int epochs = r.i32("epoch count");
                if (epochs <= 0 || (long) epochs * (4 + 32) > r.remaining()) {
                    throw corrupted(file, "realm " + realm + " claims " + epochs + " epochs, impossible at this size");
                }
                List<EpochKey> keys = new ArrayList<>(epochs);
                for (int e = 0; e < epochs; e++) {
                    keys.add(new EpochKey(realm, r.i32("epoch"), r.bytes(32, "key")));
                }
                if (out.put(realm, RealmKeyring.of(keys)) != null) {
                    throw corrupted(file, "realm " + realm + " appears twice");
                }
            }
            r.expectEnd("key store");
            return out;
        } catch (Malformed | IllegalArgumentException e) {
            throw corrupted(file, e.getMessage());
        }
    }

    private byte[] encode() {
        ByteWriter w = new ByteWriter(64);
        w.bytes(MAGIC).u8(VERSION).i32(keyrings.size());
        for (RealmKeyring k : keyrings.values()) {
            w.bytes(k.realmId().toBytes());
            List<EpochKey> epochs = k.epochs();
            w.i32(epochs.size());
            for (EpochKey e : epochs) {
                w.i32(e.epoch()).bytes(e.key());
            }
        }
        byte[] body = w.toByteArray();
        return Bytes.concat(body, Sha256.hash(body));
    }

    private void persist() {
        try {
            OwnerOnlyFile.writeAtomically(file, encode());
        } catch (IOException e) {
            throw new KeyFileException(file, "Cannot write realm key store " + file + ": " + e
                + ". Fix: check that the directory exists and is writable by this user.", e);
        }
    }

    public synchronized Optional<RealmKeyring> keyring(RealmId realm) {
        return Optional.ofNullable(keyrings.get(realm));
    }

    /** All keyrings, ordered by realm id. */
    public synchronized List<RealmKeyring> keyrings() {
        return List.copyOf(keyrings.values());
    }

    /** Stores (or replaces) a keyring and persists before returning; on failure the store is unchanged. */
    public synchronized void put(RealmKeyring keyring) {
        RealmKeyring before = keyrings.put(keyring.realmId(), keyring);
        try {
            persist();
        } catch (RuntimeException e) {
            if (before == null) {
                keyrings.remove(keyring.realmId());
            } else {
                keyrings.put(keyring.realmId(), before);
            }
            throw e;
        }
    }

    /** Removes a realm's keyring and persists; on failure the store is unchanged. */
    public synchronized void remove(RealmId realm) {
        RealmKeyring before = keyrings.remove(realm);
        if (before == null) {
            return;
        }
        try {
            persist();
        } catch (RuntimeException e) {
            keyrings.put(realm, before);
            throw e;
        }
    }

    /** The file this store lives in. */
    public Path file() {
        return file;
    }
}
