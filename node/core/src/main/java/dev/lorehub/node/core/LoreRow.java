package dev.lorehub.node.core;

import java.util.List;

/**
 * A row of lh's {@code lores} table. The list columns are kept as the exact JSON text lh stored
 * (order, duplicates and empty strings included), so a row read and written back is unchanged
 * byte for byte; {@link #provinces()} and {@link #sigils()} parse it.
 */
public record LoreRow(String id, String realmId, String content, String why, String type, String provincesJson,
                      String sigilsJson, long confidence, String origin, String status, String createdAt,
                      String updatedAt) {

    /** A row whose lists are written as lh writes them (compact JSON arrays). */
    public LoreRow(String id, String realmId, String content, String why, String type, List<String> provinces,
                   List<String> sigils, long confidence, String origin, String status, String createdAt, String updatedAt) {
        this(id, realmId, content, why, type, ListText.json(provinces), ListText.json(sigils), confidence, origin, status,
            createdAt, updatedAt);
    }

    /** The provinces in the order stored, duplicates included. */
    public List<String> provinces() {
        return ListText.parse(provincesJson);
    }

    /** The sigils in the order stored, duplicates included. */
    public List<String> sigils() {
        return ListText.parse(sigilsJson);
    }
}
