package dev.lorehub.simulator.engine;


import dev.lorehub.node.core.LogRows;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Conflict records compared across devices: with the same events, every device must record the
 * same conflicts ({@code lhsync_conflicts}: realm, entity, field, type, winner and every version),
 * since they are part of what the user sees and resolves. Rows are compared as sets of their
 * content; nothing device-local (row order, local realm ids) is part of a row.
 */
final class Conflicts {
    private Conflicts() {
    }

    /** One row as text, for comparison and reports. */
    static String render(LogRows.ConflictRow c) {
        return HexFormat.of().formatHex(c.realm().toBytes()).substring(0, 12) + " kind " + c.kind().code() + " " + c.entity() + " field "
            + c.field() + " " + c.type() + " winner " + c.winner() + " versions " + c.versionsJson();
    }

    /** The conflict records of a running node, as a sorted set of rendered rows. */
    static TreeSet<String> of(SimNode n) {
        TreeSet<String> out = new TreeSet<>();
        for (LogRows.ConflictRow c : n.replica.conflicts()) {
            out.add(render(c));
        }
        return out;
    }

    /** Null if every node records the same conflicts, else what differs between the first two that disagree. */
    static String difference(List<SimNode> nodes) {
        TreeSet<String> first = null;
        SimNode firstNode = null;
        for (SimNode n : nodes) {
            TreeSet<String> rows = of(n);
            if (first == null) {
                first = rows;
                firstNode = n;
                continue;
            }
            if (!rows.equals(first)) {
                List<String> onlyFirst = new ArrayList<>(first);
                onlyFirst.removeAll(rows);
                List<String> onlyThis = new ArrayList<>(rows);
                onlyThis.removeAll(first);
                return firstNode + " records " + first.size() + " conflicts and " + n + " " + rows.size() + "; only on "
                    + firstNode + ": " + onlyFirst.subList(0, Math.min(2, onlyFirst.size())) + "; only on " + n + ": "
                    + onlyThis.subList(0, Math.min(2, onlyThis.size()));
            }
        }
        return null;
    }

    /** How many conflicts a node records (for reports). */
    static int count(SimNode n) throws SQLException {
        return n.replica.conflicts().size();
    }
}
