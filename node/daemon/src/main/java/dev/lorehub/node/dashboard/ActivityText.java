package dev.lorehub.node.dashboard;

import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EventBody;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.MembershipChange;

import java.util.ArrayList;
import java.util.List;

/** One audit-log event in words, as `lorehub-node log` prints it ("changed lore 1a2b3c4d (content)"). */
final class ActivityText {
    private ActivityText() {
    }

    static String describe(EventBody body) {
        if (body instanceof MembershipChange m) {
            return switch (m.op()) {
                case GENESIS -> "founded the realm";
                case ADD -> "added " + m.subject().shortForm() + " as " + m.role().name().toLowerCase();
                case SET_ROLE -> "made " + m.subject().shortForm() + " " + m.role().name().toLowerCase();
                case REMOVE -> "removed " + m.subject().shortForm();
                case ROTATE -> "rotated the realm key";
                case SEAL -> "sealed the events of the previous release";
            };
        }
        EntityChange c = (EntityChange) body;
        String entity = switch (c.kind()) {
            case LORE -> "lore " + prefix(c.entityId());
            case RELATION -> {
                String[] key = EntityChange.relationKey(c.entityId());
                yield "relation " + prefix(key[0]) + " → " + prefix(key[1]) + " (" + key[2] + ")";
            }
            default -> "realm settings";
        };
        if (c.deleted()) {
            return "deleted " + entity;
        }
        List<String> fields = new ArrayList<>();
        for (Field f : c.assignments().keySet()) {
            fields.add(f.column());
        }
        for (Field f : c.sets().keySet()) {
            fields.add(f.column());
        }
        String verb = c.parents().isEmpty() ? "created " : c.parents().size() > 1 ? "merged/resolved " : "changed ";
        return verb + entity + (fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")");
    }

    private static String prefix(String id) {
        return id.substring(0, Math.min(8, id.length()));
    }
}
