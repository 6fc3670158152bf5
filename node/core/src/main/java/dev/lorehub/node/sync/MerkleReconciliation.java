package dev.lorehub.node.sync;

import dev.lorehub.merkle.EventKey;
import dev.lorehub.merkle.FingerprintSet;
import dev.lorehub.merkle.Initiator;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.merkle.ReconciliationException;
import dev.lorehub.merkle.Responder;

import java.util.List;
import java.util.Optional;

/** {@link Reconciliation} by the merkle module's range-fingerprint protocol. */
final class MerkleReconciliation implements Reconciliation {
    private final Initiator initiator;
    private final Responder responder;

    private MerkleReconciliation(Initiator initiator, Responder responder) {
        this.initiator = initiator;
        this.responder = responder;
    }

    static Reconciliation initiator(FingerprintSet set, ReconcileConfig config, long salt) {
        return new MerkleReconciliation(new Initiator(set, config, salt), null);
    }

    static Reconciliation responder(FingerprintSet set, ReconcileConfig config) {
        return new MerkleReconciliation(null, new Responder(set, config));
    }

    @Override
    public byte[] start() {
        if (initiator == null) {
            throw new IllegalStateException("the responding side does not speak first");
        }
        return initiator.start();
    }

    @Override
    public Optional<byte[]> onMessage(byte[] message) {
        try {
            return initiator != null ? initiator.onMessage(message) : responder.onMessage(message);
        } catch (ReconciliationException e) {
            throw new ReconciliationFailedException(e);
        }
    }

    @Override
    public boolean isDone() {
        return initiator != null ? initiator.isDone() : responder.isDone();
    }

    @Override
    public List<SyncMessage.Key> have() {
        return keys((initiator != null ? initiator.result() : responder.result()).have());
    }

    @Override
    public List<SyncMessage.Key> need() {
        return keys((initiator != null ? initiator.result() : responder.result()).need());
    }

    @Override
    public int rounds() {
        return initiator != null ? initiator.rounds() : responder.rounds();
    }

    private static List<SyncMessage.Key> keys(List<EventKey> keys) {
        return keys.stream().map(k -> new SyncMessage.Key(k.timestamp(), k.id())).toList();
    }
}
