package dev.lorehub.node.core;

import java.util.List;

/** A row of lh's {@code realms} table (the columns the node reads or writes). */
public record RealmRow(String id, String name, String path, String gitRemote, boolean monorepo, List<String> provinces) {
    public RealmRow {
        provinces = List.copyOf(provinces);
    }
}
