package dev.lorehub.node.dashboard;

/** An action the dashboard refused; the message says why, for the person who clicked. */
public final class DashboardActionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DashboardActionException(String message) {
        super(message);
    }
}
