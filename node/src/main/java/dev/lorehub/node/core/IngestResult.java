package dev.lorehub.node.core;

import java.util.List;

/**
 * What one ingest did.
 *
 * @param stored       events newly stored (in the order processed)
 * @param captured     events this device wrote in the same transaction from changes lh made meanwhile
 *                     (captured before the batch was applied, so a concurrent edit is never overwritten unseen)
 * @param duplicates   how many were already held
 * @param unauthorized events kept for set convergence but not applied: their author could not write at that point
 * @param opaque       events stored as ciphertext because this device holds no key for them (relaying)
 * @param rejected     events refused, with reasons; the rest of the batch still applied
 */
public record IngestResult(List<StoredKey> stored, List<StoredKey> captured, int duplicates, int unauthorized, int opaque,
                           List<Rejection> rejected) {
    public IngestResult {
        stored = List.copyOf(stored);
        captured = List.copyOf(captured);
        rejected = List.copyOf(rejected);
    }
}
