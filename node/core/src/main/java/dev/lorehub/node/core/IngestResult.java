package dev.lorehub.node.core;

import java.util.List;

/**
 * What one ingest did.
 *
 * @param stored       events newly stored (in the order processed)
 * @param captured     events this device wrote in the same transaction from changes lh made meanwhile
 *                     (captured before the batch was applied, so a concurrent edit is never overwritten unseen)
 * @param duplicates   how many were already held
 * @param held         events held aside, neither stored nor forwarded (stamped too far ahead, waiting for the
 *                     membership they cite, or voided by a removal); see {@code lhsync_held}
 * @param opaque       events stored as ciphertext because this device holds no key for them (relaying)
 * @param rejected     events refused, with reasons; the rest of the batch still applied
 */
public record IngestResult(List<StoredKey> stored, List<StoredKey> captured, int duplicates, int held, int opaque,
                           List<Rejection> rejected) {
    public IngestResult {
        stored = List.copyOf(stored);
        captured = List.copyOf(captured);
        rejected = List.copyOf(rejected);
    }
}
