package dev.lorehub.node.dashboard;

/** How to settle a lore's conflicts, as the dashboard's buttons offer it (the same choices as `resolve`). */
public sealed interface Resolution {
    /** This device's latest version. */
    record KeepMine() implements Resolution {
    }

    /** The latest version from another device. */
    record KeepTheirs() implements Resolution {
    }

    /** One listed version, by its event id (or a unique prefix). */
    record KeepVersion(String event) implements Resolution {
    }

    /** Content written by the user; other conflicting fields keep what is shown now. */
    record Edit(String content) implements Resolution {
    }
}
