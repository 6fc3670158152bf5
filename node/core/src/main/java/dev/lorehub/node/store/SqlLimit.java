package dev.lorehub.node.store;

/**
 * The {@code LIMIT} clause of a query whose limit is bound as a parameter: {@value #PARAMETER}, never a
 * bare {@code LIMIT ?}.
 *
 * <p>SQLite (3.53, as sqlite-jdbc ships it) prepares a statement again at its next step whenever a bare
 * {@code LIMIT ?} (or {@code OFFSET ?}) parameter is bound, since its planner uses that value; and sqlite-jdbc
 * binds every parameter at every execution. So a prepared statement with {@code LIMIT ?} was parsed and planned
 * anew each time it ran. Measured on the capture read, which starts every transaction of the node: 9.2 µs with
 * {@code LIMIT ?}, 3.8 µs with a literal limit, 3.5 µs with {@value #PARAMETER}, which is an expression, not a
 * bare parameter, so the planner leaves it alone. A literal would need one prepared statement per limit, and the
 * capture's limit follows the transaction budget (16 to 500); the bound expression keeps one statement for all.
 */
final class SqlLimit {
    /** Append to a query and bind the limit as its last parameter. */
    static final String PARAMETER = " LIMIT ? + 0";

    private SqlLimit() {
    }
}
