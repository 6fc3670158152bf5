package dev.lorehub.node.core.archfixture;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A deliberately bad core class for {@code CorePortsArchitectureTest}: it speaks JDBC, as the core
 * did before it owned its storage ports. It lives in test sources, inside the core's package tree,
 * so that the very rule that guards the production core must reject it. Never used elsewhere.
 */
public final class SqlInCore {

    private SqlInCore() {
    }

    /** A core method that leaks the storage technology into its signature. */
    public static boolean readOnly(Connection connection) throws SQLException {
        return connection.isReadOnly();
    }
}
