package dev.lorehub.node.core;

/** A row of lh's {@code lore_relations} table. */
public record RelationRow(String fromLoreId, String toLoreId, String type, double strength, String metadata,
                          String createdAt) {
}
