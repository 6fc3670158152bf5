package dev.lorehub.node.store;

import java.sql.Connection;

/**
 * A unit of work without a result that runs inside one write transaction; see
 * {@link LoreHubDatabase#runInTransaction(TransactionAction)}. A separate type from
 * {@link TransactionWork} so that a lambda never has two possible targets.
 *
 * @param <X> the checked exception the work may throw ({@code RuntimeException} if none)
 */
@FunctionalInterface
public interface TransactionAction<X extends Exception> {

    /** Does the work on the transaction's connection; never commits, rolls back or begins. */
    void run(Connection connection) throws X;
}
