package dev.lorehub.node.store;

import dev.lorehub.node.core.StorageException;
import java.sql.SQLException;

/**
 * Where the store's adapters turn SQLite's {@link SQLException} into the core's
 * {@link StorageException}: the one place that knows SQLite's result codes.
 */
final class SqlCalls {

    private SqlCalls() {
    }

    /** A store call that returns a value. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws SQLException;
    }

    /** A store call without a result. */
    @FunctionalInterface
    interface Action {
        void run() throws SQLException;
    }

    static <T> T call(Call<T> call) throws StorageException {
        try {
            return call.call();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    static void run(Action action) throws StorageException {
        try {
            action.run();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * The core's exception for a failed SQL call, with the same message. A {@link StorageException}
     * that a visitor threw inside a query comes back out unchanged.
     */
    static StorageException translate(SQLException e) {
        if (e instanceof Carrier carrier) {
            return carrier.original;
        }
        return new StorageException(reason(e.getErrorCode()), e.getMessage(), e);
    }

    /** Carries a visitor's {@link StorageException} through a store method that only throws {@link SQLException}. */
    static final class Carrier extends SQLException {
        private final StorageException original;

        Carrier(StorageException original) {
            super(original.getMessage(), original);
            this.original = original;
        }
    }

    /** SQLite's primary result code (the low byte of an extended code) as a reason. */
    static StorageException.Reason reason(int code) {
        return switch (code & 0xff) {
            case 5, 6 -> StorageException.Reason.BUSY;      // SQLITE_BUSY, SQLITE_LOCKED
            case 19 -> StorageException.Reason.CONSTRAINT;  // SQLITE_CONSTRAINT
            case 11, 26 -> StorageException.Reason.CORRUPT; // SQLITE_CORRUPT, SQLITE_NOTADB
            case 8, 10, 13, 14 -> StorageException.Reason.IO; // READONLY, IOERR, FULL, CANTOPEN
            default -> StorageException.Reason.OTHER;
        };
    }
}
