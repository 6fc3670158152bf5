package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

import java.util.List;

/**
 * A merge that could not honour every concurrent change. The materialised value is a
 * deterministic winner; every version is kept here so nothing is lost and the user can resolve
 * it. A conflict disappears when an event supersedes all the heads involved (a manual
 * resolution, or any later edit of the entity).
 *
 * @param kind     entity kind
 * @param entityId entity id
 * @param field    the field in conflict; null for {@link Type#DELETE_VS_EDIT}
 * @param type     what collided
 * @param winner   the value materialised (for DELETE_VS_EDIT: null, the entity is kept)
 * @param versions every concurrent version, ordered by stamp
 */
public record Conflict(EntityKind kind, String entityId, Field field, Type type, Object winner, List<Version> versions) {
    /** What collided. */
    public enum Type {
        /** Overlapping edits of a text field; the latest writer's text is shown. */
        TEXT,
        /** A delete raced an edit; the edit is kept. */
        DELETE_VS_EDIT,
        /**
         * No longer recorded: archiving is a change of status, merged field by field (last writer
         * wins) with a concurrent edit, so both are kept. Kept so that conflicts recorded by earlier
         * versions still read.
         */
        ARCHIVE_VS_EDIT
    }

    /**
     * One concurrent version.
     *
     * @param event   the head event
     * @param author  who wrote it
     * @param hlc     when
     * @param deleted true if this version is a delete
     * @param value   the field's value in this version (null for a delete); for the edit side of a
     *                {@link Type#DELETE_VS_EDIT}, every field it holds, as a {@code SortedMap<Field, Object>}
     */
    public record Version(EventId event, DeviceId author, long hlc, boolean deleted, Object value) {
    }

    public Conflict {
        versions = List.copyOf(versions);
    }
}
