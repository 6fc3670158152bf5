package dev.lorehub.node.core;

import java.util.List;

/**
 * What one ingest did.
 *
 * @param stored       events newly stored (in the order processed)
 * @param duplicates   how many were already held
 * @param unauthorized events kept for set convergence but not applied: their author could not write at that point
 * @param opaque       events stored as ciphertext because this device holds no key for them (relaying)
 * @param rejected     events refused, with reasons; the rest of the batch still applied
 */
public record IngestResult(List<StoredKey> stored, int duplicates, int unauthorized, int opaque, List<Rejection> rejected) {
    public IngestResult {
        stored = List.copyOf(stored);
        rejected = List.copyOf(rejected);
    }
}
