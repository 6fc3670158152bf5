package dev.lorehub.node.store;

import java.util.List;

/** A row of lh's {@code lores} table, with JSON lists parsed. */
public record LoreRow(String id, String realmId, String content, String why, String type, List<String> provinces,
                      List<String> sigils, long confidence, String origin, String status, String createdAt,
                      String updatedAt) {
    public LoreRow {
        provinces = List.copyOf(provinces);
        sigils = List.copyOf(sigils);
    }
}
