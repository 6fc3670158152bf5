package dev.lorehub.crypto;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The keys of one realm: epochs numbered from 0, the current (newest) one for writing, older ones
 * kept for reading. Immutable: rotation returns a new keyring. Epochs need not be contiguous (a
 * device that joined at epoch 3 holds 3, 4, ...).
 */
public final class RealmKeyring {
    private final RealmId realm;
    private final TreeMap<Integer, EpochKey> keys;

    private RealmKeyring(RealmId realm, TreeMap<Integer, EpochKey> keys) {
        this.realm = realm;
        this.keys = keys;
    }

    /** A new realm: fresh random id and epoch 0. */
    public static RealmKeyring create(SecureRandom random) {
        RealmId id = RealmId.random(random);
        TreeMap<Integer, EpochKey> m = new TreeMap<>();
        m.put(0, EpochKey.random(id, 0, random));
        return new RealmKeyring(id, m);
    }

    /**
     * A keyring holding exactly these epoch keys (all of one realm, distinct epochs, at least one);
     * {@link IllegalArgumentException} naming the violation otherwise.
     */
    public static RealmKeyring of(Iterable<EpochKey> keys) {
        TreeMap<Integer, EpochKey> m = new TreeMap<>();
        RealmId realm = null;
        for (EpochKey k : keys) {
            if (realm == null) {
                realm = k.realm();
            } else if (!realm.equals(k.realm())) {
                throw new IllegalArgumentException("keys of two realms in one keyring: " + realm + " and " + k.realm());
            }
            if (m.put(k.epoch(), k) != null) {
                throw new IllegalArgumentException("epoch " + k.epoch() + " appears twice in realm " + realm);
            }
        }
        if (realm == null) {
            throw new IllegalArgumentException("a keyring needs at least one epoch key");
        }
        return new RealmKeyring(realm, m);
    }

    public RealmId realmId() {
        return realm;
    }

    /** The newest epoch's key, used for writing. */
    public EpochKey current() {
        return keys.lastEntry().getValue();
    }

    public Optional<EpochKey> epoch(int epoch) {
        return Optional.ofNullable(keys.get(epoch));
    }

    /** All epoch keys, oldest first. */
    public List<EpochKey> epochs() {
        return Collections.unmodifiableList(new ArrayList<>(keys.values()));
    }

    /** A keyring with one more epoch (current + 1) holding a fresh random key. */
    public RealmKeyring rotate(SecureRandom random) {
        int next = current().epoch();
        if (next == Integer.MAX_VALUE) {
            throw new IllegalStateException("realm " + realm + " is at the last epoch number " + next);
        }
        TreeMap<Integer, EpochKey> m = new TreeMap<>(keys);
        m.put(next + 1, EpochKey.random(realm, next + 1, random));
        return new RealmKeyring(realm, m);
    }

    /**
     * A keyring with {@code key} added (e.g. received from an admin); replaces nothing. Adding a key
     * this keyring already holds returns this keyring; a <em>different</em> key for an epoch it
     * already holds is an {@link IllegalArgumentException} (two admins rotated concurrently: the
     * caller must resolve that, silently keeping either would make events unreadable).
     */
    public RealmKeyring with(EpochKey key) {
        if (!realm.equals(key.realm())) {
            throw new IllegalArgumentException("key for realm " + key.realm() + " offered to the keyring of realm " + realm);
        }
        EpochKey have = keys.get(key.epoch());
        if (have != null) {
            if (have.equals(key)) {
                return this;
            }
            throw new IllegalArgumentException("realm " + realm + " already holds a different key for epoch " + key.epoch());
        }
        TreeMap<Integer, EpochKey> m = new TreeMap<>(keys);
        m.put(key.epoch(), key);
        return new RealmKeyring(realm, m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RealmKeyring r && realm.equals(r.realm) && keys.equals(r.keys);
    }

    @Override
    public int hashCode() {
        return realm.hashCode() * 31 + keys.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "RealmKeyring[realm=" + realm + ", epochs=" + keys.keySet() + "]";
    }
}
