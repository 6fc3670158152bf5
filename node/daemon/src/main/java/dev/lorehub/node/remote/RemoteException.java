package dev.lorehub.node.remote;

/**
 * A remote could not be reached or did not do what was asked (network, credentials, server
 * error). The round that met it is retried later with backoff; nothing is lost, because the
 * events to push wait in the local outbox and positions only advance after an ingest commits.
 * The message says what went wrong and, where it can, what to do.
 */
public class RemoteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RemoteException(String message) {
        super(message);
    }

    public RemoteException(String message, Throwable cause) {
        super(message, cause);
    }
}
