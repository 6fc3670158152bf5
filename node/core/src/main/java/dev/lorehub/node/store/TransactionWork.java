package dev.lorehub.node.store;

import java.sql.Connection;

/**
 * A unit of work that runs inside one write transaction and produces a result; see
 * {@link LoreHubDatabase#inTransaction(TransactionWork)}. The work may throw any exception; the
 * transaction is then rolled back and the exception reaches the caller unchanged.
 *
 * @param <T> the result
 * @param <X> the checked exception the work may throw ({@code RuntimeException} if none)
 */
@FunctionalInterface
public interface TransactionWork<T, X extends Exception> {

    /** Does the work on the transaction's connection; never commits, rolls back or begins. */
    T run(Connection connection) throws X;
}
